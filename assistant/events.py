"""What happened, as it happens: JSONL event records on the audio clock, and a console echo.

Some events are known before their time (a line is queued to be said at 12.4 s while the audio
clock is at 10 s; an utterance is known when it ends but dated when it began), so the file and
the console are written in time order as the clock passes each event (`advance`); listeners such
as the diary get every record at once."""

from __future__ import annotations

import contextlib
import heapq
import itertools
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)


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
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        """Called with every record (the diary keeps episodes this way)."""
        self._file = path.open("w", encoding="utf-8") if path else None
        self._echo = echo
        self._pending: list[tuple[float, int, dict[str, Any]]] = []
        self._order = itertools.count()

    def emit(self, t: float, event: str, **fields: Any) -> None:
        """Record one event at audio time `t` (written once the clock has passed `t`)."""
        record = {"t": round(t, 3), "event": event, **fields}
        if self._keep:
            self.records.append(record)
        for listener in self.listeners:
            listener(record)
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
                print(line, file=self._echo, flush=True)

    def close(self) -> None:
        """Write what is left, in time order, and close the file."""
        self.advance(float("inf"))
        if self._file:
            with contextlib.suppress(OSError):
                self._file.close()


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
