"""Soft tones, generated (never downloaded): when a trigger is heard, when a hold ends, as the
count of a hold for those who prefer tones to numbers, and in place of a line that cannot be
spoken (they need no synthesizer, so the assistant is never silent)."""

from __future__ import annotations

import numpy as np

from assistant.speech.synthesizer import Speech

TONE_RATE = 22050
NOTES = {
    "heard": [(660.0, 0.12), (880.0, 0.16)],  # a trigger was heard: two rising notes
    "count": [(587.0, 0.14)],  # ten seconds of a hold have passed
    "hold_end": [(880.0, 0.12), (660.0, 0.2)],  # the hold is over: two falling notes
    "unspoken": [(523.0, 0.3)],  # in place of a line that could not be spoken: one low note
}
"""(frequency in Hz, seconds) of each note of each tone."""
LEVEL = 0.25
"""Peak level (of full scale) before the volume: a chime, not an alarm."""


def tone(kind: str, rate: int = TONE_RATE) -> Speech:
    """The tone `kind` (one of NOTES) as int16 audio at `rate`, with soft edges."""
    pieces = []
    for frequency, seconds in NOTES[kind]:
        n = int(seconds * rate)
        t = np.arange(n) / rate
        # A sine with a little of its octave, shaped by a raised cosine: no click.
        wave = np.sin(2 * np.pi * frequency * t) + 0.2 * np.sin(4 * np.pi * frequency * t)
        envelope = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(n) / n)
        pieces += [wave * envelope / 1.2, np.zeros(int(0.03 * rate))]
    audio = np.concatenate(pieces) * LEVEL * 32767
    return Speech(audio.astype(np.int16), rate)
