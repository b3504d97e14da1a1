"""What happened, as it happens: JSONL event records on the audio clock, and a console echo.

Some events are known before their time (a line is queued to be said at 12.4 s while the audio
clock is at 10 s; an utterance is known when it ends but dated when it began), so the file and
the console are written in time order as the clock passes each event (`advance`); listeners such
as the diary get every record at once."""

from __future__ import annotations

import contextlib
import dataclasses
import heapq
import itertools
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ClassVar

from assistant.modes import Mode

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One record of the event log: `t`, seconds on the audio clock, and the fields of its kind.
    Written as one JSON object per line, `{"t": ..., "event": NAME, field: value, ...}`; a field
    left at None where None is its default is not written."""

    event: ClassVar[str]
    t: float

    def record(self) -> dict[str, Any]:
        """The JSON object written for this event."""
        fields = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(self)
            if f.name != "t" and not (f.default is None and getattr(self, f.name) is None)
        }
        return {"t": round(self.t, 3), "event": self.event, **fields}


@dataclass(frozen=True)
class Started(Event):
    """The assistant is ready: which engines, and why."""

    event = "start"
    message: str
    engine: str
    ready_seconds: float
    pace: int
    volume: float
    voice: str
    """What speaks: `piper` or `espeak` (see the message for why)."""


@dataclass(frozen=True)
class ListeningBegan(Event):
    """It listens for a trigger, a reply, or during a hold."""

    event = "listening"
    mode: Mode


@dataclass(frozen=True)
class UtteranceHeard(Event):
    """An utterance ended; what the recognizer made of it (text empty: nothing accepted)."""

    event = "heard"
    text: str
    raw: str
    score: float | None
    seconds: float
    speech_end: float
    mode: Mode
    transcript: str | None = None
    """Whisper's own transcript (with a second opinion); `score` is then its margin."""
    first_score: float | None = None


@dataclass(frozen=True)
class TriggerHeard(Event):
    """A trigger phrase was taken: an episode begins."""

    event = "trigger"
    text: str
    speech_end: float


@dataclass(frozen=True)
class IntentHeard(Event):
    """A reply understood as an intent (`kind`: which leg, which red flag, a severity)."""

    event = "intent"
    name: str
    text: str
    kind: str


@dataclass(frozen=True)
class QueryHeard(Event):
    """A question to the diary ("how many cramps this week")."""

    event = "query"
    text: str


@dataclass(frozen=True)
class StepEntered(Event):
    """The routine moved to a step."""

    event = "step"
    id: str


@dataclass(frozen=True)
class RedFlagRaised(Event):
    """A red flag was confirmed: the routine escalates."""

    event = "red_flag"
    kind: str


@dataclass(frozen=True)
class EpisodeEnded(Event):
    """The episode ended: relieved, stopped, escalated or no_response."""

    event = "episode_end"
    outcome: str


@dataclass(frozen=True)
class LineSaid(Event):
    """A line spoken from `t`, lasting `seconds`."""

    event = "say"
    text: str
    seconds: float
    work: float | None = None
    """On a turn's first line or tone, the seconds of work before it (decoding, rendering) that
    the clock did not count (a repeatable run): on a device it begins that much later."""


@dataclass(frozen=True)
class LineFailed(Event):
    """A line that could not be rendered (a tone is played in its place)."""

    event = "say_failed"
    text: str


@dataclass(frozen=True)
class TonePlayed(Event):
    """A tone: heard, count, hold_end or unspoken."""

    event = "tone"
    kind: str
    seconds: float
    work: float | None = None
    """As LineSaid.work."""


@dataclass(frozen=True)
class BargedIn(Event):
    """A command said over the assistant's own voice: it stopped speaking."""

    event = "barge_in"
    name: str
    text: str
    speech_end: float


@dataclass(frozen=True)
class VoiceAdjusted(Event):
    """Pace or volume changed by voice ("slower", "louder")."""

    event = "adjust"
    setting: str
    value: float


@dataclass(frozen=True)
class PersonSpoke(Event):
    """In a simulation: a scenario's person says a turn."""

    event = "person"
    text: str
    during: str
    speech_end: float


KINDS: dict[str, type[Event]] = {
    kind.event: kind
    for kind in (
        Started, ListeningBegan, UtteranceHeard, TriggerHeard, IntentHeard, QueryHeard,
        StepEntered, RedFlagRaised, EpisodeEnded, LineSaid, LineFailed, TonePlayed, BargedIn,
        VoiceAdjusted, PersonSpoke,
    )
}  # fmt: skip
"""Every kind of event by its name in the log."""


def from_record(record: dict[str, Any]) -> Event:
    """The event a JSON record of the log stands for (its other keys ignored)."""
    kind = KINDS[record["event"]]
    names = {f.name for f in dataclasses.fields(kind)}
    return kind(**{k: v for k, v in record.items() if k in names})


class EventLog:
    """Writes one JSON object per line (`t` seconds on the audio clock, `event`, fields)."""

    def __init__(
        self,
        path: Path | None = None,
        echo: IO[str] | None = None,
        keep: bool = False,
        verbose: bool = False,
    ) -> None:
        """`keep`: also hold every record in `records` (for tests; a night-long run must not).
        `verbose`: the console also shows every utterance heard, accepted or not, with its
        score, and each step (what `-v` is for: why a trigger was not taken)."""
        self._verbose = verbose
        self.records: list[dict[str, Any]] = []
        self._keep = keep
        self.listeners: list[Callable[[Event], None]] = []
        """Called with every event (the diary keeps episodes this way)."""
        self._file = path.open("w", encoding="utf-8") if path else None
        self._echo = echo
        self._pending: list[tuple[float, int, dict[str, Any]]] = []
        self._order = itertools.count()

    def emit(self, event: Event) -> None:
        """Record one event (written once the audio clock has passed its time)."""
        record = event.record()
        if self._keep:
            self.records.append(record)
        for listener in self.listeners:
            listener(event)
        heapq.heappush(self._pending, (record["t"], next(self._order), record))

    def advance(self, now: float) -> None:
        """The audio clock is at `now`: write every event up to it, in time order."""
        while self._pending and self._pending[0][0] <= now:
            self._write(heapq.heappop(self._pending)[2])

    def _write(self, record: dict[str, Any]) -> None:
        if self._file:
            try:
                self._file.write(json.dumps(record) + "\n")
                self._file.flush()
            except OSError as err:
                # A full disk must not end the night: the log stops, the routine goes on.
                log.error(
                    "the event log %s cannot be written (%s); no more events go there",
                    self._file.name,
                    err.strerror or err,
                )
                with contextlib.suppress(OSError):
                    self._file.close()
                self._file = None
        if self._echo:
            line = _describe(record, self._verbose)
            if line:
                self._show(line)

    def _show(self, line: str) -> None:
        """The console is for watching: a closed pipe or a full disk behind it stops the
        console lines, never the night (a person in an episode must still be answered)."""
        echo = self._echo
        if echo is None:
            return
        try:
            print(line, file=echo, flush=True)
        except (OSError, ValueError) as err:  # ValueError: written after being closed
            self._echo = None
            log.error("the console cannot be written (%s); the night goes on without it", err)
            quiet_stream(echo)

    def close(self) -> None:
        """Write what is left, in time order, and close the file."""
        self.advance(float("inf"))
        if self._file:
            with contextlib.suppress(OSError):
                self._file.close()


def quiet_stream(stream: IO[str]) -> None:
    """Point a failed console at /dev/null, so that nothing later (a flush at exit) fails on
    it again and turns a night that went on into an error."""
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        stream.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())


def _describe(record: dict[str, Any], verbose: bool = False) -> str:
    """A line for a person watching the conversation, or empty for bookkeeping events."""
    t = f"[{record['t']:7.1f}s]"
    kind = record["event"]
    if verbose and kind == "heard":
        said = f"{record['text']!r}" if record["text"] else "nothing accepted"
        whisper = f", Whisper heard {record['transcript']!r}" if "transcript" in record else ""
        return (
            f"{t}   (heard {record['seconds']} s in {record['mode']} mode: {said}, "
            f"score {record['score']}{whisper})"
        )
    if verbose and kind == "step":
        return f"{t}   (step {record['id']})"
    if kind == "say":
        return f"{t} assistant: {record['text']}"
    # What the microphone heard (the person, or anything else in the room) is "heard"; what a
    # scenario's scripted person says is "person".
    if kind == "person":
        return f"{t} person:    {record['text']}"
    if kind == "trigger":
        return f"{t} heard:     {record['text']}   (trigger)"
    if kind == "intent":
        return f"{t} heard:     {record['text'] or '...'}   ({record['name']})"
    if kind == "red_flag":
        return f"{t} red flag:  {record['kind']}"
    if kind == "episode_end":
        return f"{t} episode ended: {record['outcome']}"
    if kind == "start":
        return f"{t} {record['message']}"
    return ""
