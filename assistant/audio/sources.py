"""Where the assistant's ears get audio: the microphone (sounddevice), or a file instead."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.audio.chunk import FRAME, RATE
from assistant.audio.convert import stream_audio
from assistant.errors import AudioInputError

log = logging.getLogger(__name__)


class AudioSource:
    """Yields int16 mono blocks at RATE. `listening` tells the source what the assistant awaits."""

    def blocks(self) -> Iterator[np.ndarray]:
        """The audio, block after block, until the source ends."""
        raise NotImplementedError

    def listening(self, mode: str, t: float) -> None:
        """The assistant is now listening (`trigger`, `reply` or `hold`) at audio time `t`."""

    def close(self) -> None:
        """Release the device or file."""


def paced(blocks: Iterator[np.ndarray], realtime: bool) -> Iterator[np.ndarray]:
    """Pass blocks through, at real speed when `realtime` (as a microphone would deliver them)."""
    began = time.monotonic()
    sent = 0
    for block in blocks:
        if realtime:
            delay = began + sent / RATE - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        sent += len(block)
        yield block


class WavSource(AudioSource):
    """A file as the microphone: converted to mono 16 kHz, consumed as fast as it is processed."""

    def __init__(self, path: Path, realtime: bool = False) -> None:
        self.path = path
        self._blocks = stream_audio(path)  # checks the file now: a bad one fails before start
        self.realtime = realtime

    def blocks(self) -> Iterator[np.ndarray]:
        return paced(self._blocks, self.realtime)


def check_input_device(device: int | str | None) -> dict:
    """The PortAudio input device to use; a UserError that says how to list them when none fits."""
    import sounddevice as sd

    try:
        return dict(sd.query_devices(device, "input"))
    except (ValueError, sd.PortAudioError) as err:
        what = f"input device {device!r}" if device is not None else "a default microphone"
        raise AudioInputError(
            f"No microphone: could not open {what} ({err}). "
            "List devices with `cramp-assistant devices`, or try `cramp-assistant demo`."
        ) from None


class MicrophoneSource(AudioSource):
    """A live microphone through PortAudio. The callback only copies the block and hands it off."""

    def __init__(self, device: int | str | None = None, stall_seconds: float = 5.0) -> None:
        import sounddevice as sd

        info = check_input_device(device)
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self.overflows = 0
        self._stall_seconds = stall_seconds
        self.device_name = str(info.get("name", device))
        self._rate = RATE
        try:
            self._stream = self._open(sd, device, RATE)
        except sd.PortAudioError:
            # Many USB microphones only run at 44.1 or 48 kHz: record there and resample.
            self._rate = int(info["default_samplerate"])
            self._stream = self._open(sd, device, self._rate)
        self._stream.start()
        log.info("listening on %s at %d Hz", self.device_name, self._rate)

    def _open(self, sd, device, rate: int):  # noqa: ANN001 - sounddevice module and stream
        block = FRAME * rate // RATE

        def callback(indata, frames, time_info, status) -> None:  # noqa: ANN001
            if status.input_overflow:
                self.overflows += 1
            self._queue.put(indata[:, 0].copy())

        return sd.InputStream(
            device=device,
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=block,
            callback=callback,
        )

    def blocks(self) -> Iterator[np.ndarray]:
        import soxr

        resampler = (
            soxr.ResampleStream(self._rate, RATE, 1, dtype="float32")
            if self._rate != RATE
            else None
        )
        while True:
            try:
                block = self._queue.get(timeout=self._stall_seconds)
            except queue.Empty:
                raise AudioInputError(
                    f"The microphone {self.device_name!r} stopped delivering audio "
                    f"for {self._stall_seconds:g} s."
                ) from None
            if resampler is not None:
                out = resampler.resample_chunk(block.astype(np.float32) / 32768.0)
                block = (np.clip(out, -1, 1) * 32767).astype(np.int16)
            yield block

    def close(self) -> None:
        # abort, not stop: stop waits for callbacks, which never come from a stalled device.
        self._stream.abort()
        self._stream.close()
