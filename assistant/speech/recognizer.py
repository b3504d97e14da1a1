"""The recognizer interface: told what may be said now, fed one utterance, says what it heard."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.dialogue.grammar import Grammar
from assistant.modes import Mode


@dataclass(frozen=True)
class Hypothesis:
    """What an engine made of one utterance."""

    text: str
    """One of the expected sentences (normalised), or free text; empty when rejected."""
    score: float
    """Engine-specific confidence, higher is surer (PocketSphinx: log-likelihood ratio a frame)."""
    raw: str = ""
    """What the engine output before rejection, for the event log."""
    transcript: str = ""
    """The second opinion's own free transcript (empty without one)."""
    first_score: float | None = None
    """The first stage's score when a second opinion decided (then `score` is its margin)."""
    sure: bool = True
    """False when the text was taken but only just (a red flag is then confirmed)."""


class Recognizer(Protocol):
    """A speech recognizer working utterance by utterance (the voice gate cuts them)."""

    name: str
    """Engine name for start-up messages and benchmarks."""

    def expect(self, grammar: Grammar, mode: Mode = "reply") -> None:
        """Restrict decoding to what `grammar` allows from the next utterance on.

        `mode` is `trigger` (asleep: be strict, a false wake costs sleep), `barge` (talking over
        the assistant: as strict), or `reply`/`hold`.
        """

    def begin(self) -> None:
        """An utterance starts."""

    def feed(self, samples: np.ndarray) -> None:
        """More int16 samples at 16 kHz of the current utterance."""

    def end(self) -> Hypothesis:
        """The utterance is over: the result (text empty when nothing expected was said)."""


@runtime_checkable
class HearsAhead(Protocol):
    """A recognizer that can start on an utterance when the speaker pauses, before the
    hang-over ends it: the answer is then ready sooner."""

    def pause(self, rest: np.ndarray) -> bool:
        """The speaker paused: what was fed so far, then `rest` (the silence the hang-over
        would add), may be the whole utterance. True when it started deciding on it."""

    def resume(self) -> None:
        """The speaker went on: what was started at the pause is stale."""
