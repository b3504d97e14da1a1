"""What happened, as it happens: JSONL event records on the audio clock, and a console echo."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

log = logging.getLogger(__name__)


class EventLog:
    """Writes one JSON object per line (`t` seconds on the audio clock, `event`, fields)."""

    def __init__(
        self, path: Path | None = None, echo: IO[str] | None = None, keep: bool = False
    ) -> None:
        """`keep`: also hold every record in `records` (for tests; a night-long run must not)."""
        self.records: list[dict[str, Any]] = []
        self._keep = keep
        self.listeners: list[Callable[[dict[str, Any]], None]] = []
        """Called with every record (the diary keeps episodes this way)."""
        self._file = path.open("w", encoding="utf-8") if path else None
        self._echo = echo

    def emit(self, t: float, event: str, **fields: Any) -> None:
        """Record one event at audio time `t`."""
        record = {"t": round(t, 3), "event": event, **fields}
        if self._keep:
            self.records.append(record)
        for listener in self.listeners:
            listener(record)
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
            line = _describe(record)
            if line:
                print(line, file=self._echo, flush=True)

    def close(self) -> None:
        """Close the file."""
        if self._file:
            with contextlib.suppress(OSError):
                self._file.close()


def _describe(record: dict[str, Any]) -> str:
    """A line for a person watching the conversation, or empty for bookkeeping events."""
    t = f"[{record['t']:7.1f}s]"
    kind = record["event"]
    if kind == "say":
        return f"{t} assistant: {record['text']}"
    if kind == "trigger":
        return f"{t} person:    {record['text']}   (trigger)"
    if kind == "intent":
        return f"{t} person:    {record['text'] or '...'}   ({record['name']})"
    if kind == "red_flag":
        return f"{t} red flag:  {record['kind']}"
    if kind == "episode_end":
        return f"{t} episode ended: {record['outcome']}"
    if kind == "start":
        return f"{t} {record['message']}"
    return ""
