"""The assistant's speaking, owned in one place: one turn's lines and tones joined into one piece
of audio, played at the voice's volume (and the night volume during the night hours), when that
speech ends, what the speaker is playing (the echo canceller's reference, and what "repeat"
says again), and "slower", "louder" and the like, remembered for the next night."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from assistant.audio.chunk import RATE
from assistant.audio.convert import resample_int16
from assistant.audio.sinks import AudioSink
from assistant.config.preferences import Preferences, adjusted
from assistant.config.settings import SoundSettings
from assistant.dialogue.actions import Tone
from assistant.events import EventLog, LineFailed, LineSaid, TonePlayed
from assistant.night.tones import TONE_RATE, tone
from assistant.speech.synthesizer import Speech, SpeechUnavailable, Synthesizer

log = logging.getLogger(__name__)

GAP_BETWEEN_LINES = 0.35
"""Seconds of quiet between two lines said one after the other."""

Line = str | Tone


@dataclass(frozen=True)
class Turn:
    """Audio for a turn, and what is in it."""

    samples: np.ndarray
    """int16 mono."""
    rate: int
    parts: list[tuple[Line, float, float]]
    """(line, seconds from the start, seconds long) for each line or tone that is heard."""
    failed: list[str]
    """Lines that could not be rendered: a tone is played in the place of each."""

    @property
    def seconds(self) -> float:
        """How long the turn lasts."""
        return len(self.samples) / self.rate


@dataclass(frozen=True)
class Playing:
    """Audio the speaker plays: from sample `first` of the audio clock, at RATE."""

    first: int
    samples: np.ndarray
    lines: list[Line]


class SpeechPlayer:
    """Says turns into the sink on the audio clock and keeps what is being said."""

    def __init__(
        self,
        synthesizer: Synthesizer,
        sink: AudioSink,
        events: EventLog,
        after_speech: float,
        sound: SoundSettings | None = None,
        origin: datetime | None = None,
    ) -> None:
        """`after_speech`: seconds of its own echo tail after a turn, not listened to;
        `sound`: the night volume; `origin`: the local time at audio time 0 (the night volume
        needs it; None: never applied)."""
        self.synthesizer = synthesizer
        self.sink = sink
        self.events = events
        self.after_speech = after_speech
        self.sound = sound or SoundSettings()
        self.origin = origin
        self.speech_end = 0.0
        """Audio time when the current speech ends."""
        self.quiet_from = 0.0
        """Audio time when the current speech (and its echo tail) ends."""
        self.playing: list[Playing] = []
        """What the speaker plays now or will play (lines already over are forgotten)."""

    def speaking(self, t: float) -> bool:
        """True while the assistant's voice (or its echo tail) is in the room at `t`."""
        return t < self.quiet_from

    def say(self, lines: list[Line], now: float, work: float = 0.0, counted: bool = True) -> None:
        """Say `lines` after `work` seconds spent since `now` (or when the current speech has
        ended), logging each line and tone at the moment it is heard. Not `counted` (a
        repeatable run): the work is not put on the clock but logged with the turn's first line
        or tone."""
        turn = compose(lines, self.synthesizer)
        if turn is None:
            return
        for failed in turn.failed:
            self.events.emit(LineFailed(now, failed))
        start = max(now + (work if counted else 0.0), self.quiet_from)
        for i, (line, offset, seconds) in enumerate(turn.parts):
            waited = round(work, 3) if not counted and i == 0 else None
            if isinstance(line, Tone):
                self.events.emit(TonePlayed(start + offset, line.kind, round(seconds, 2), waited))
            else:
                self.events.emit(LineSaid(start + offset, line, round(seconds, 2), waited))
        samples = turn.samples
        if self.origin is not None:  # quieter at night, so as not to wake the house
            factor = self.sound.factor(self.origin + timedelta(seconds=start))
            samples = (samples * factor).astype(np.int16)
        self.sink.play(samples, turn.rate, start)
        spoken = [line for line, _, _ in turn.parts]
        reference = resample_int16(samples, turn.rate, RATE)
        self.playing.append(Playing(round(start * RATE), reference, spoken))
        self.speech_end = start + turn.seconds
        self.quiet_from = self.speech_end + self.after_speech

    def stop(self, now: float) -> list[Line]:
        """Stop speaking at `now`; what was being said (for "repeat"), then forgotten."""
        self.sink.stop(now)
        lines = [line for p in self.playing for line in p.lines]
        self.playing = []
        self.speech_end, self.quiet_from = now, now + self.after_speech
        return lines

    def played_out(self, first: int) -> None:
        """Forget what the speaker finished playing before sample `first`."""
        self.playing = [p for p in self.playing if p.first + len(p.samples) > first]

    def heard_by(self, first: int) -> list[Playing]:
        """What the speaker has begun to play by sample `first`."""
        return [p for p in self.playing if p.first <= first]

    def reference(self, first: int, n: int) -> np.ndarray:
        """What the speaker plays during samples [first, first + n) of the audio clock."""
        out = np.zeros(n, dtype=np.int32)
        for p in self.playing:
            lo, hi = max(first, p.first), min(first + n, p.first + len(p.samples))
            if lo < hi:
                out[lo - first : hi - first] += p.samples[lo - p.first : hi - p.first]
        return np.clip(out, -32768, 32767).astype(np.int16)

    def adjust(
        self, setting: str, direction: int, lines: list[str], preferences: Preferences | None
    ) -> float:
        """Change the pace or volume one step (at a new pace every line of the night, `lines`,
        is rendered again, in the background) and remember it for the next night; the new
        value. A disk that cannot take the preference never stops the routine."""
        voice = adjusted(self.synthesizer.voice, setting, direction)
        self.synthesizer.voice = voice
        if setting == "pace":
            self.synthesizer.render_soon(lines)  # beside the audio loop, never in it
        if preferences is not None:
            try:
                preferences.save(voice)
            except OSError as err:
                log.error("pace and volume not remembered for the next night: %s", err)
        return voice.rate if setting == "pace" else voice.volume


def compose(lines: list[Line], synthesizer: Synthesizer) -> Turn | None:
    """The turn for `lines` at the voice's volume (None when nothing at all can be said)."""
    pieces: list[Speech] = []
    said: list[Line] = []
    failed: list[str] = []
    for line in lines:
        if isinstance(line, str):
            try:
                pieces.append(synthesizer.speech(line))
                said.append(line)
                continue
            except SpeechUnavailable:
                # Never rendered and cannot be now: a tone in its place, so that the person
                # still hears the assistant answer and keep time (tones need no synthesizer).
                failed.append(line)
                line = Tone("unspoken")
        chime = tone(line.kind, pieces[0].rate if pieces else TONE_RATE)
        pieces.append(Speech((chime.samples * synthesizer.voice.gain).astype(np.int16), chime.rate))
        said.append(line)
    if not pieces:
        return None
    rate = pieces[0].rate
    pieces = [p if p.rate == rate else resampled(p, rate) for p in pieces]
    gap = np.zeros(int(GAP_BETWEEN_LINES * rate), dtype=np.int16)
    audio: list[np.ndarray] = []
    parts: list[tuple[Line, float, float]] = []
    at = 0.0
    for line, piece in zip(said, pieces, strict=True):
        parts.append((line, at, piece.seconds))
        audio += [piece.samples, gap]
        at += piece.seconds + GAP_BETWEEN_LINES
    return Turn(np.concatenate(audio[:-1]), rate, parts, failed)


def resampled(speech: Speech, rate: int) -> Speech:
    """`speech` at `rate` (lines and tones are joined at one rate)."""
    return Speech(resample_int16(speech.samples, speech.rate, rate), rate)
