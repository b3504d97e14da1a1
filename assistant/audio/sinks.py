"""Where the assistant's voice goes: the speaker (sounddevice), a WAV file, or nowhere."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np

from assistant.audio.convert import write_wav

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
    """A real speaker through PortAudio; playback runs in PortAudio's thread and stops at once."""

    def __init__(self, device: int | str | None = None) -> None:
        import sounddevice as sd

        self._sd = sd
        self.info = dict(sd.query_devices(device, "output"))
        self.device = device

    def play(self, samples: np.ndarray, rate: int, t: float) -> None:
        try:
            self._sd.play(samples, rate, device=self.device, blocking=False)
        except self._sd.PortAudioError as err:
            # A speaker that cannot be opened must never stop the listening loop.
            log.error("speaker unavailable: %s", err)

    def stop(self, t: float) -> None:
        self._sd.stop()

    def close(self) -> None:
        try:
            self._sd.wait()
        except self._sd.PortAudioError as err:
            log.error("speaker failed while finishing: %s", err)


def open_speaker(device: int | str | None) -> AudioSink:
    """The speaker, or a NullSink with a logged warning when there is none."""
    import sounddevice as sd

    try:
        return SpeakerSink(device)
    except (ValueError, sd.PortAudioError) as err:
        log.warning("no speaker (%s): the assistant's speech will not be heard", err)
        return NullSink()
