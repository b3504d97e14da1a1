"""Where the assistant's voice goes: the speaker (sounddevice), a WAV file, or nowhere."""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio import portaudio
from assistant.audio.convert import resample_int16, write_wav
from assistant.errors import UserError

log = logging.getLogger(__name__)


class AudioSink:
    """Plays int16 mono audio starting at audio-clock time `t`; `stop` cuts it off at once."""

    def play(self, samples: np.ndarray, rate: int, t: float) -> None:
        """Start playing `samples` (int16 at `rate` Hertz) at audio time `t`."""

    def stop(self, t: float) -> None:
        """Stop whatever is playing, at audio time `t`."""

    def close(self) -> None:
        """Finish: wait for nothing, write what must be written."""


class NullSink(AudioSink):
    """Speech goes nowhere (a file run without `--output`)."""


class WavSink(AudioSink):
    """Speech placed on the audio clock in a WAV file: silence where the assistant was quiet."""

    def __init__(self, path: Path) -> None:
        """`path` ends in .wav: said at once, not after a whole night was processed."""
        if path.suffix.lower() != ".wav":
            raise UserError(f"--output {path}: expected a file name ending in .wav")
        self.path = path
        self._pieces: list[tuple[float, np.ndarray, int]] = []

    def play(self, samples: np.ndarray, rate: int, t: float) -> None:
        self._pieces.append((t, samples, rate))

    def stop(self, t: float) -> None:
        if not self._pieces:
            return
        start, samples, rate = self._pieces[-1]
        keep = max(0, int((t - start) * rate))
        self._pieces[-1] = (start, samples[:keep], rate)

    def close(self) -> None:
        rate = self._pieces[0][2] if self._pieces else 16000
        end = max((s + len(a) / rate for s, a, _ in self._pieces), default=0.0)
        out = np.zeros(int(end * rate) + 1, dtype=np.int16)
        for start, samples, _ in self._pieces:
            i = int(start * rate)
            out[i : i + len(samples)] = samples[: len(out) - i]
        write_wav(self.path, out, rate)


class SpeakerSink(AudioSink):
    """A real speaker through PortAudio: lines queue up and play one after another, in order,
    with the gaps the assistant asked for; `stop` silences it at once.

    The output stream is opened on the first line and closes itself after a few idle seconds.
    A speaker that fails (switched off, unplugged, busy) costs the prompt being said, logged,
    and never the listening loop: the next prompt opens the device again.
    """

    IDLE_SECONDS = 3.0
    """The stream closes after this long with nothing to play."""

    def __init__(self, device: int | str | None = None, check: bool = True) -> None:
        """`check`: fail now (ValueError or PortAudioError) if the device cannot be found."""
        import sounddevice as sd

        self._sd = sd
        self.device = device
        self.failures = 0
        """Prompts that could not be played."""
        if check:
            sd.query_devices(device, "output")
        self._lock = threading.Lock()
        self._queue: deque[np.ndarray] = deque()
        self._stream = None
        self._rate = 0
        self._queued_until = 0.0
        """Audio-clock time at which what is queued ends."""
        self._idle = 0
        self._last_callback = 0.0
        self._generation = portaudio.generation()
        self._finishing = False

    def play(self, samples: np.ndarray, rate: int, t: float) -> None:
        try:
            self._ensure_stream(rate)
        except (self._sd.PortAudioError, ValueError) as err:
            self.failures += 1
            log.error("speaker unavailable, prompt not heard (%s); will try again", err)
            return
        if rate != self._rate:
            samples = resample_int16(samples, rate, self._rate)
        with self._lock:
            start = max(t, self._queued_until) if self._queue else t
            if self._queue and start > self._queued_until:
                gap = int((start - self._queued_until) * self._rate)
                self._queue.append(np.zeros(gap, dtype=np.int16))
            self._queue.append(samples)
            self._queued_until = start + len(samples) / self._rate

    def stop(self, t: float) -> None:
        with self._lock:
            self._queue.clear()

    def close(self) -> None:
        with self._lock:
            left = sum(len(piece) for piece in self._queue) / self._rate if self._rate else 0.0
            self._finishing = True  # the callback stops once the queue is empty
        stream = self._stream
        if stream is not None and self._generation == portaudio.generation():
            # A callback that stops lets PortAudio play out what it has buffered; then the
            # stream turns inactive. Never wait longer than the audio could take.
            deadline = time.monotonic() + left + float(stream.latency) + 2.0
            while stream.active and time.monotonic() < deadline:
                time.sleep(0.05)
            if stream.active:
                log.error("the speaker did not finish playing; closing it anyway")
        self._close_stream()

    def _ensure_stream(self, rate: int) -> None:
        """An output stream that works: reopened when it closed itself or its device died."""
        if self._generation != portaudio.generation():
            self._stream = None  # closed by the re-initialisation: never touch it again
        stream = self._stream
        if stream is not None and stream.active:
            if time.monotonic() - self._last_callback < 1.0:
                return
            log.warning("the speaker stopped playing; opening it again")
        self._close_stream()
        with self._lock:
            self._queue.clear()
        self._idle, self._finishing = 0, False
        self._last_callback = time.monotonic()
        stream = self._sd.OutputStream(
            device=self.device, samplerate=rate, channels=1, dtype="int16", callback=self._fill
        )
        self._stream, self._rate = stream, rate  # before start: the callback reads the rate
        stream.start()
        self._generation = portaudio.generation()

    def _fill(self, outdata: Any, frames: int, time_info: Any, status: Any) -> None:
        self._last_callback = time.monotonic()
        out = outdata[:, 0]
        done = 0
        with self._lock:
            while done < frames and self._queue:
                piece = self._queue[0]
                take = min(frames - done, len(piece))
                out[done : done + take] = piece[:take]
                done += take
                if take == len(piece):
                    self._queue.popleft()
                else:
                    self._queue[0] = piece[take:]
        out[done:] = 0
        self._idle = 0 if done else self._idle + frames
        if self._idle > self.IDLE_SECONDS * self._rate or (self._finishing and not done):
            raise self._sd.CallbackStop

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None or self._generation != portaudio.generation():
            return
        try:
            stream.abort()
            stream.close()
        except self._sd.PortAudioError as err:
            log.info("closing the speaker stream: %s", err)


def open_speaker(device: int | str | None, keep_trying: bool = False) -> AudioSink:
    """The speaker. When there is none: a warning, and a NullSink, or with `keep_trying` a
    SpeakerSink that tries again at every prompt (a speaker switched on later is used)."""
    import sounddevice as sd

    try:
        return SpeakerSink(device)
    except (ValueError, sd.PortAudioError) as err:
        from assistant.audio.sources import portaudio_words

        log.warning(
            "No speaker (%s): the assistant's speech will not be heard", portaudio_words(err)
        )
        return SpeakerSink(device, check=False) if keep_trying else NullSink()
