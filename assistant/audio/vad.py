"""Voice-activity detectors: is there speech in this 30 ms frame?

Two detectors behind one small interface. *Silero VAD* is a small neural network (an ONNX model
that `faster-whisper` ships with an onnxruntime wrapper, no torch needed): it tells a voice from
continuous fan noise at 5 dB, where *webrtcvad* (a GMM from 2011) keeps utterances open for
seconds or cuts them into pieces. webrtcvad stays as the fallback when Silero is not installed.
"""

from __future__ import annotations

import logging
from importlib.util import find_spec
from pathlib import Path
from typing import Protocol

import numpy as np

from assistant.audio.chunk import RATE

log = logging.getLogger(__name__)

SILERO_WINDOW = 512
"""Samples Silero looks at per step (32 ms at 16 kHz)."""
SILERO_CONTEXT = 64
"""Samples of the previous window the model sees with each new one."""


class SpeechDetector(Protocol):
    """Frame-by-frame speech detector."""

    name: str

    def is_speech(self, frame: np.ndarray) -> bool:
        """True when this frame (int16 at 16 kHz) holds speech."""


def silero_model_path() -> Path | None:
    """The Silero VAD model shipped inside faster-whisper, or None when it is not installed."""
    spec = find_spec("faster_whisper")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "silero_vad_v6.onnx"
    return path if path.is_file() else None


class SileroDetector:
    """Silero VAD run as a stream: one recurrent state carried from window to window.

    A frame is speech when the probability crosses `threshold`; once in speech it stays so until
    the probability falls below `threshold - 0.15` (Silero's own hysteresis).
    """

    name = "silero"

    def __init__(self, threshold: float = 0.5, model: Path | None = None) -> None:
        import onnxruntime

        path = model or silero_model_path()
        if path is None:
            raise FileNotFoundError("the Silero VAD model (faster-whisper) is not installed")
        options = onnxruntime.SessionOptions()
        options.inter_op_num_threads = 1
        options.intra_op_num_threads = 1
        options.enable_cpu_mem_arena = False
        options.log_severity_level = 4
        self._session = onnxruntime.InferenceSession(
            str(path), providers=["CPUExecutionProvider"], sess_options=options
        )
        self.threshold = threshold
        self._off = max(0.05, threshold - 0.15)
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._context = np.zeros(SILERO_CONTEXT, dtype=np.float32)
        self._pending = np.zeros(0, dtype=np.float32)
        self._speaking = False
        self.probability = 0.0
        """The latest speech probability."""

    def is_speech(self, frame: np.ndarray) -> bool:
        self._pending = np.concatenate([self._pending, frame.astype(np.float32) / 32768.0])
        while len(self._pending) >= SILERO_WINDOW:
            window, self._pending = self._pending[:SILERO_WINDOW], self._pending[SILERO_WINDOW:]
            batch = np.concatenate([self._context, window])[None, :]
            out, self._h, self._c = self._session.run(
                None, {"input": batch, "h": self._h, "c": self._c}
            )
            self._context = window[-SILERO_CONTEXT:]
            self.probability = float(np.asarray(out).reshape(-1)[0])
            bar = self._off if self._speaking else self.threshold
            self._speaking = self.probability >= bar
        return self._speaking


class WebRtcDetector:
    """webrtcvad, with a level floor (it takes faint hiss for speech)."""

    name = "webrtcvad"

    def __init__(self, aggressiveness: int = 3, min_level: float = 120.0) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(aggressiveness)
        self._min_level = min_level
        self._warmup = 10
        """Frames at the start that only train webrtcvad's noise model (it starts unadapted)."""

    def is_speech(self, frame: np.ndarray) -> bool:
        if self._warmup > 0:
            self._warmup -= 1
            self._vad.is_speech(frame.tobytes(), RATE)
            return False
        level = float(np.sqrt(np.mean(frame.astype(np.float32) ** 2)))
        if level < self._min_level:
            return False
        return bool(self._vad.is_speech(frame.tobytes(), RATE))


def build_detector(kind: str = "auto", aggressiveness: int = 3) -> SpeechDetector:
    """`silero`, `webrtcvad`, or `auto` (Silero when installed, else webrtcvad)."""
    if kind in ("auto", "silero"):
        try:
            return SileroDetector()
        except (FileNotFoundError, ImportError) as error:
            if kind == "silero":
                raise
            log.info("Silero VAD unavailable (%s): using webrtcvad", error)
    return WebRtcDetector(aggressiveness)
