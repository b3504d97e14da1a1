"""The assistant's speaking: one turn's lines and tones joined into one piece of audio at one rate,
with where each line starts (for the event log and for barge-in); and "slower", "louder" and the
like, applied to the voice and remembered for the next night."""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np

from assistant.audio.convert import resample_int16
from assistant.config.preferences import Preferences, adjusted
from assistant.dialogue.sequencer import Tone
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


def compose(lines: list[Line], synthesizer: Synthesizer) -> Turn | None:
    """The turn for `lines` (None when nothing at all can be said)."""
    pieces: list[Speech] = []
    said: list[Line] = []
    failed: list[str] = []
    volume = max(0.0, min(1.0, synthesizer.voice.volume))
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
        pieces.append(Speech((chime.samples * volume).astype(np.int16), chime.rate))
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


def adjust_voice(
    synthesizer: Synthesizer,
    setting: str,
    direction: int,
    lines: list[str],
    preferences: Preferences | None,
) -> float:
    """Change the synthesizer's pace or volume one step (at a new pace every line of the night,
    `lines`, is rendered again, in the background) and remember it for the next night; the new
    value. A disk that cannot take the preference never stops the routine."""
    voice = adjusted(synthesizer.voice, setting, direction)
    synthesizer.voice = voice
    if setting == "pace":
        synthesizer.render_soon(lines)  # beside the audio loop, never in it
    if preferences is not None:
        try:
            preferences.save(voice)
        except OSError as err:
            log.error("pace and volume not remembered for the next night: %s", err)
    return voice.rate if setting == "pace" else voice.volume
