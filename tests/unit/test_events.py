"""The event log writes in time order, whatever order events are known in."""

from __future__ import annotations

import io
import json
from pathlib import Path

from assistant.events import (
    KINDS,
    EventLog,
    IntentHeard,
    LineSaid,
    StepEntered,
    UtteranceHeard,
    from_record,
)


def test_events_known_early_are_written_when_their_time_comes(tmp_path: Path) -> None:
    path, console = tmp_path / "events.jsonl", io.StringIO()
    heard: list[float] = []
    log = EventLog(path, echo=console)
    log.listeners.append(lambda event: heard.append(event.t))
    log.emit(LineSaid(12.4, "Hold.", 1.0))  # queued to be said later
    log.emit(IntentHeard(10.0, "still_hurts", "still hurts", ""))
    assert heard == [12.4, 10.0]  # listeners (the diary) hear everything at once
    log.advance(11.0)
    assert [json.loads(x)["t"] for x in path.read_text().splitlines()] == [10.0]
    log.emit(StepEntered(11.5, "stretch"))
    log.close()
    assert [json.loads(x)["t"] for x in path.read_text().splitlines()] == [10.0, 11.5, 12.4]
    assert console.getvalue().splitlines()[0].endswith("heard:     still hurts   (still_hurts)")


def test_every_kind_has_its_own_name_and_reads_back_from_its_record() -> None:
    assert len(KINDS) == 15
    heard = UtteranceHeard(3.25, "stop", "stop", -1.5, 0.6, 3.2, "reply")
    assert heard.record() == {
        "t": 3.25,
        "event": "heard",
        "text": "stop",
        "raw": "stop",
        "score": -1.5,
        "seconds": 0.6,
        "speech_end": 3.2,
        "mode": "reply",
    }  # fmt: skip  (no transcript: no second opinion decided)
    assert from_record(heard.record()) == heard
    judged = UtteranceHeard(3.25, "", "stop", -9.5, 0.6, 3.2, "reply", "Stop it.", -1.0)
    assert judged.record()["transcript"] == "Stop it."
    assert from_record(judged.record()) == judged
