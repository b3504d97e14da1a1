"""Where the assistant's ears get audio: the microphone (sounddevice), or a file instead."""

from __future__ import annotations

import logging
import queue
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio import portaudio
from assistant.audio.chunk import FRAME, RATE
from assistant.audio.convert import stream_audio
from assistant.errors import AudioInputError

log = logging.getLogger(__name__)


class AudioSource:
    """Yields int16 mono blocks at RATE, until it ends or is closed."""

    def blocks(self) -> Iterator[np.ndarray]:
        """The audio, block after block, until the source ends."""
        raise NotImplementedError

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


def check_input_device(device: int | str | None) -> dict[str, Any]:
    """The PortAudio input device to use; a UserError that says how to list them when none fits."""
    import sounddevice as sd

    try:
        return dict(sd.query_devices(device, "input"))
    except (ValueError, sd.PortAudioError) as err:
        what = f"input device {device!r}" if device is not None else "a default microphone"
        raise AudioInputError(
            f"No microphone: could not open {what} ({portaudio_words(err)}). "
            "List devices with `cramp-assistant devices`, or try `cramp-assistant demo`."
        ) from None


def portaudio_words(err: Exception) -> str:
    """PortAudio's reason without its internal codes ("Error querying device -1")."""
    text = str(err)
    if "querying device -1" in text or "Invalid device" in text or not text:
        return "none is connected, or the sound system does not list one"
    return text


class MicrophoneSource(AudioSource):
    """A live microphone through PortAudio that outlives its device.

    The callback only copies the block and hands it off. PortAudio gives no notice of an unplugged
    device, and a failed stream just stops calling back, so `blocks` watches the flow: when no
    block has come for `stall_seconds`, it closes the stream and reopens it with back-off,
    re-scanning the devices each time (PortAudio's list is fixed until it is re-initialised).
    While the microphone is away the assistant hears silence, so its clock and its watchdog
    pings go on.
    """

    def __init__(
        self,
        device: int | str | None = None,
        stall_seconds: float = 4.0,
        longest_backoff: float = 30.0,
    ) -> None:
        info = check_input_device(device)
        self.device = device
        self.device_name = str(info.get("name", device))
        self.stall_seconds = stall_seconds
        self.longest_backoff = longest_backoff
        self.overflows = 0
        """Blocks PortAudio dropped because we were late: counted and logged, never fatal."""
        self.reopens = 0
        """Times the microphone came back after a stall or a failure."""
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._overflows_logged = 0
        self._stream: Any = None
        self._rate = RATE
        self._open(info)

    def _open(self, info: dict[str, Any]) -> None:
        import sounddevice as sd

        try:
            self._stream = self._input_stream(RATE)
            self._rate = RATE
        except sd.PortAudioError:
            # Many USB microphones only run at 44.1 or 48 kHz: record there and resample.
            self._rate = int(info["default_samplerate"])
            self._stream = self._input_stream(self._rate)
        self._stream.start()
        log.info("listening on %s at %d Hz", self.device_name, self._rate)

    def _input_stream(self, rate: int) -> Any:  # a sounddevice stream
        import sounddevice as sd

        def callback(indata: Any, frames: int, time_info: Any, status: Any) -> None:
            if status.input_overflow:
                self.overflows += 1
            self._queue.put(indata[:, 0].copy())

        return sd.InputStream(
            device=self.device,
            samplerate=rate,
            channels=1,
            dtype="int16",
            blocksize=FRAME * rate // RATE,
            callback=callback,
        )

    def blocks(self) -> Iterator[np.ndarray]:
        last_block = time.monotonic()
        resampler = self._resampler()
        while True:
            try:
                block = self._queue.get(timeout=0.25)
            except queue.Empty:
                silent = time.monotonic() - last_block
                if silent >= self.stall_seconds or not self._stream.active:
                    yield from self._recover(silent)
                    resampler = self._resampler()
                    last_block = time.monotonic()
                continue
            last_block = time.monotonic()
            self._log_overflows()
            if resampler is not None:
                out = resampler.resample_chunk(block.astype(np.float32) / 32768.0)
                block = (np.clip(out, -1, 1) * 32767).astype(np.int16)
            yield block

    def _resampler(self) -> Any:
        import soxr

        if self._rate == RATE:
            return None
        return soxr.ResampleStream(self._rate, RATE, 1, dtype="float32")

    def _recover(self, silent: float) -> Iterator[np.ndarray]:
        """Reopen the microphone until it works, yielding the silence of the time it was away."""
        import sounddevice as sd

        log.warning(
            "the microphone %r stopped delivering audio (%.1f s); reopening it",
            self.device_name,
            silent,
        )
        lost = time.monotonic() - silent
        accounted = lost
        wait = 0.5
        self._close_stream()
        while True:
            retry_at = time.monotonic() + wait
            while time.monotonic() < retry_at:
                time.sleep(min(0.25, max(0.0, retry_at - time.monotonic())))
                # Hand the silence on as it passes: the clock, time-outs and pings go on.
                now = time.monotonic()
                yield np.zeros(int((now - accounted) * RATE), dtype=np.int16)
                accounted = now
            try:
                portaudio.reinitialize()
                info = check_input_device(self.device)
                self._drain()
                self._open(info)
            except (AudioInputError, sd.PortAudioError) as err:
                log.info("the microphone is still away (%s); next try in %.0f s", err, wait)
                wait = min(2 * wait, self.longest_backoff)
                continue
            self.reopens += 1
            log.warning(
                "the microphone %r is back after %.1f s", self.device_name, time.monotonic() - lost
            )
            return

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()

    def _log_overflows(self) -> None:
        if self.overflows > self._overflows_logged:
            log.warning("input overflow: %d block(s) of audio lost so far", self.overflows)
            self._overflows_logged = self.overflows

    def _close_stream(self) -> None:
        if self._stream is None:
            return
        try:
            # abort, not stop: stop waits for callbacks, which never come from a stalled device.
            self._stream.abort()
            self._stream.close()
        except Exception as err:
            log.info("closing the dead microphone stream: %s", err)
        self._stream = None

    def close(self) -> None:
        self._close_stream()
