"""Echo cancellation with SpeexDSP (the system's libspeexdsp, through ctypes).

The microphone hears the assistant's own voice. The assistant knows exactly what it plays, so an
adaptive filter learns the path from speaker to microphone (delay and room) and subtracts it;
SpeexDSP's preprocessor then suppresses what echo is left. What remains is the person.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections import deque

import numpy as np

from assistant.audio.chunk import RATE

_SET_SAMPLING_RATE = 24  # SPEEX_ECHO_SET_SAMPLING_RATE
_PRE_SET_DENOISE = 0  # SPEEX_PREPROCESS_SET_DENOISE
_PRE_SET_ECHO_STATE = 24  # SPEEX_PREPROCESS_SET_ECHO_STATE
_PRE_SET_ECHO_SUPPRESS = 26  # SPEEX_PREPROCESS_SET_ECHO_SUPPRESS (dB)
_PRE_SET_ECHO_SUPPRESS_ACTIVE = 28  # SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE (dB)

STEP = 160
"""Samples SpeexDSP takes at a time (10 ms)."""
TAIL_SECONDS = 0.3
"""The longest speaker-to-microphone path the filter learns (latency plus room reverberation)."""


def _library() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("speexdsp")
    if name is None:
        return None
    lib = ctypes.CDLL(name)
    lib.speex_echo_state_init.restype = ctypes.c_void_p
    lib.speex_echo_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_echo_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_echo_cancellation.argtypes = [ctypes.c_void_p] + [ctypes.c_void_p] * 3
    lib.speex_echo_state_destroy.argtypes = [ctypes.c_void_p]
    lib.speex_preprocess_state_init.restype = ctypes.c_void_p
    lib.speex_preprocess_state_init.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.speex_preprocess_ctl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p]
    lib.speex_preprocess_run.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    lib.speex_preprocess_state_destroy.argtypes = [ctypes.c_void_p]
    return lib


_LIB = _library()


def available() -> bool:
    """True when libspeexdsp is installed."""
    return _LIB is not None


def echo_canceller() -> EchoCanceller | None:
    """An echo canceller when libspeexdsp is installed (None: barge-in goes without one)."""
    return EchoCanceller() if available() else None


class EchoCanceller:
    """Removes the assistant's own voice from the microphone, 10 ms at a time."""

    def __init__(self, rate: int = RATE, tail_seconds: float = TAIL_SECONDS) -> None:
        if _LIB is None:
            raise RuntimeError("libspeexdsp is not installed (apt-get install libspeexdsp1)")
        self._echo = _LIB.speex_echo_state_init(STEP, int(tail_seconds * rate))
        value = ctypes.c_int(rate)
        _LIB.speex_echo_ctl(self._echo, _SET_SAMPLING_RATE, ctypes.byref(value))
        self._pre = _LIB.speex_preprocess_state_init(STEP, rate)
        _LIB.speex_preprocess_ctl(self._pre, _PRE_SET_ECHO_STATE, ctypes.c_void_p(self._echo))
        for request, setting in (
            (_PRE_SET_DENOISE, 0),  # the recognizers are tuned on the noise as it is
            (_PRE_SET_ECHO_SUPPRESS, -40),
            (_PRE_SET_ECHO_SUPPRESS_ACTIVE, -25),
        ):
            value = ctypes.c_int(setting)
            _LIB.speex_preprocess_ctl(self._pre, request, ctypes.byref(value))

    def process(self, microphone: np.ndarray, playing: np.ndarray) -> np.ndarray:
        """The microphone block without the echo of `playing` (the same length, int16)."""
        mic = np.ascontiguousarray(microphone, dtype=np.int16)
        ref = np.ascontiguousarray(playing, dtype=np.int16)
        out = np.empty_like(mic)
        usable = len(mic) - len(mic) % STEP
        lib = _loaded()
        for i in range(0, usable, STEP):
            lib.speex_echo_cancellation(
                self._echo,
                mic[i : i + STEP].ctypes.data,
                ref[i : i + STEP].ctypes.data,
                out[i : i + STEP].ctypes.data,
            )
            lib.speex_preprocess_run(self._pre, out[i : i + STEP].ctypes.data)
        out[usable:] = mic[usable:]
        return out

    def close(self) -> None:
        """Free the SpeexDSP states."""
        if self._pre:
            lib = _loaded()
            lib.speex_preprocess_state_destroy(self._pre)
            lib.speex_echo_state_destroy(self._echo)
            self._pre = self._echo = None

    def __del__(self) -> None:
        self.close()


class TalkOver:
    """Tells when someone speaks over the assistant: the microphone, echo cancelled, is well
    above the echo that is usually left over for this much playback.

    What is left over is learnt as it goes (the median over the last few seconds of the
    left-over to playback ratio), so it follows the room, the volume and the canceller.
    """

    def __init__(
        self, margin_db: float = 12.0, history: int = 100, floor: float = 60.0, hangover: int = 5
    ) -> None:
        self.margin = 10 ** (margin_db / 20)
        self.floor = floor
        """RMS below which nothing counts as speech (the microphone's own hiss)."""
        self.hangover = hangover
        """Blocks that still count after the last loud one: a word is not chopped into pieces."""
        self._ratios: deque[float] = deque([0.3], maxlen=history)
        self._left = 0

    def person_speaking(self, cleaned: np.ndarray, playing: np.ndarray) -> bool:
        """True when `cleaned` (one block) holds more than the assistant's own echo."""
        left = _rms(cleaned)
        played = _rms(playing)
        if played < 1.0:
            self._left = 0
            return left > self.floor
        ratio = left / played
        usual = float(np.median(self._ratios))
        self._ratios.append(ratio)
        if left > self.floor and ratio > self.margin * usual:
            self._left = self.hangover
            return True
        self._left = max(0, self._left - 1)
        return self._left > 0


def _rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(samples.astype(np.float64) ** 2))) if len(samples) else 0.0


def _loaded() -> ctypes.CDLL:
    """The SpeexDSP library (an echo canceller exists only when it was found)."""
    assert _LIB is not None
    return _LIB
