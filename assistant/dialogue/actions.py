"""What the sequencer asks of the night: say these lines, play a tone, listen for these intents
for so long, enter a step, raise a red flag, end the episode, change the voice. Plain data; the
night carries them out in order."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.modes import Mode


@dataclass(frozen=True)
class Say:
    """Speak one line."""

    text: str


@dataclass(frozen=True)
class Listen:
    """Listen for what may be said now; `timeout` seconds (from the end of speech) or forever."""

    mode: Mode
    """`trigger` (asleep), `reply` (a question was asked) or `hold` (a position is held)."""
    expect: tuple[str, ...] = ()
    """Intent names that mean something now (empty in trigger mode)."""
    timeout: float | None = None


@dataclass(frozen=True)
class EnterStep:
    """The routine moved to a step (for the event log and the diary)."""

    id: str


@dataclass(frozen=True)
class RaiseRedFlag:
    """A red flag was raised: the routine stops and gives medical advice."""

    kind: str


@dataclass(frozen=True)
class EndEpisode:
    """The episode is over."""

    outcome: str
    """relieved, stopped, escalated or no_response."""


@dataclass(frozen=True)
class Adjust:
    """The person asked for a slower or faster pace, or a quieter or louder voice."""

    setting: str
    """`pace` or `volume`."""
    direction: int
    """+1 (faster, louder) or -1 (slower, quieter)."""


@dataclass(frozen=True)
class Tone:
    """Play a soft tone: `heard` (a trigger), `count` (ten seconds of a hold), `hold_end`."""

    kind: str


Action = Say | Tone | Listen | EnterStep | RaiseRedFlag | EndEpisode | Adjust
