"""The quiet a trigger comes out of: how long nobody spoke before the utterance being heard.

A trigger is said on its own, out of quiet, not inside talk. One short sound said out of quiet
just before it is part of it, not talk: "Ow! ... my calf is cramping" was cut by the voice gate
into "Ow" and the rest, 0.3 s apart, and the quiet rule refused the rest (in the benchmark,
every unlisted wording that began with "oh", "ow" or "help," was lost this way). Two or more
such sounds are talk. The short sound is its beginning in what is heard too: when the
utterance alone is not a trigger, it is heard again joined with the sound before it
(`joined`).

A trigger the speaker goes on from at once (assistant.night.trigger_wait) leads
into what follows in the same way, however long it was (`went_on`).
"""

from __future__ import annotations

import math

INTERJECTION_SECONDS = 1.2
"""A sound this short, out of quiet, just before an utterance counts as its beginning. 1.2 s,
not 0.7: "Oh no!" and "Oh dear," take about a second at a slow pace (scripts/tune.py: on the
benchmark corpus, 4 more unlisted triggers heard clean and 2 at 15 dB, no more false wakes)."""


class QuietBefore:
    """Keeps the audio times of speech; `began` says how much quiet came before an utterance."""

    def __init__(self, needed: float) -> None:
        """`needed`: the quiet a trigger must come out of (seconds)."""
        self.needed = needed
        self.seconds = math.inf
        """Quiet before the utterance being heard."""
        self._previous_end = -math.inf
        self._gap = math.inf
        self._short_quiet: float | None = None
        """The quiet before the last utterance, when it was one short sound out of quiet."""
        self.joined = False
        """Whether the utterance being heard has its quiet from the sound before it: that
        sound is its beginning."""

    def began(self, t: float) -> None:
        """An utterance began at `t`."""
        self._gap = t - self._previous_end
        short = self._short_quiet
        self.joined = self._gap < self.needed and short is not None and short >= self.needed
        self.seconds = short if self.joined and short is not None else self._gap

    def ended(self, t: float, seconds: float) -> None:
        """The utterance ended at `t`, `seconds` long (clicks shorter than any word are not
        passed here: they do not break the quiet)."""
        short = seconds <= INTERJECTION_SECONDS and self._gap >= self.needed
        self._short_quiet = self._gap if short else None
        self._previous_end = t

    def went_on(self) -> None:
        """The speaker went on at once from the last utterance, a trigger out of quiet: it is
        the beginning of what follows, whatever its length."""
        self._short_quiet = self.seconds

    def speaking_until(self, t: float) -> None:
        """The assistant speaks until `t`: quiet is counted from there."""
        self._previous_end = t
        self._short_quiet = None
        self.joined = False
