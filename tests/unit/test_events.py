"""The event log writes in time order, whatever order events are known in."""

from __future__ import annotations

import io
import json
from pathlib import Path

from assistant.events import EventLog


def test_events_known_early_are_written_when_their_time_comes(tmp_path: Path) -> None:
    path, console = tmp_path / "events.jsonl", io.StringIO()
    heard: list[float] = []
    log = EventLog(path, echo=console)
    log.listeners.append(lambda record: heard.append(record["t"]))
    log.emit(12.4, "say", text="Hold.", seconds=1.0)  # queued to be said later
    log.emit(10.0, "intent", name="still_hurts", text="still hurts", kind="")
    assert heard == [12.4, 10.0]  # listeners (the diary) hear everything at once
    log.advance(11.0)
    assert [json.loads(x)["t"] for x in path.read_text().splitlines()] == [10.0]
    log.emit(11.5, "step", id="stretch")
    log.close()
    assert [json.loads(x)["t"] for x in path.read_text().splitlines()] == [10.0, 11.5, 12.4]
    assert console.getvalue().splitlines()[0].endswith("heard:     still hurts   (still_hurts)")
