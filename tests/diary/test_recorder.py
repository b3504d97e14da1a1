"""The recorder turns the assistant's events into diary rows, and shrugs off a broken diary."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from assistant.dialogue.routine import Routine
from assistant.diary.recorder import EpisodeRecorder
from assistant.diary.store import Diary
from assistant.events import from_record

NIGHT = datetime(2026, 11, 20, 3, 0)


def play(recorder: EpisodeRecorder, records: list[tuple[float, str, dict]]) -> None:
    for t, event, fields in records:
        recorder.handle(from_record({"t": t, "event": event, **fields}))


def test_an_episode_is_kept_with_what_was_said(tmp_path: Path, routine: Routine) -> None:
    # The muscle comes from the routine's data (foot_stretch: muscle = "foot").
    recorder = EpisodeRecorder(tmp_path / "diary.sqlite3", NIGHT, routine=routine)
    play(
        recorder,
        [
            (2.0, "trigger", {"text": "foot cramp", "speech_end": 2.0}),
            (2.0, "step", {"id": "greet"}),
            (9.0, "intent", {"name": "foot", "text": "it's my foot", "kind": ""}),
            (9.0, "step", {"id": "foot_stretch"}),
            (50.0, "intent", {"name": "leg", "text": "my left leg", "kind": "left"}),
            (60.0, "intent", {"name": "red_flag", "text": "it's swollen", "kind": "clot"}),
            (60.0, "red_flag", {"kind": "clot"}),
            (61.0, "step", {"id": "red_clot"}),
            (75.0, "episode_end", {"outcome": "escalated"}),
        ],
    )
    recorder.close()
    [episode] = Diary(tmp_path / "diary.sqlite3").episodes()
    assert episode.started == datetime(2026, 11, 20, 3, 0, 2)
    assert episode.minutes == 73 / 60
    assert (episode.leg, episode.muscle, episode.outcome) == ("left", "foot", "escalated")
    assert episode.red_flags == ["clot"]
    assert episode.replies == ["foot", "leg", "red_flag"]
    assert episode.steps == ["greet", "foot_stretch", "red_clot"]


def test_a_broken_diary_is_reported_once_and_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    path.write_bytes(b"\x00garbage" * 200)
    recorder = EpisodeRecorder(path, NIGHT)
    play(
        recorder,
        [
            (1.0, "trigger", {"text": "cramp", "speech_end": 1.0}),
            (2.0, "step", {"id": "greet"}),
            (9.0, "episode_end", {"outcome": "relieved"}),
        ],
    )
    assert len(recorder.problems) == 1 and "not a cramp diary" in recorder.problems[0]
    assert recorder.closing_words(10.0) == []
    assert recorder.cramps_this_week(10.0) == ["Sorry, I can't read the diary right now."]
    assert path.read_bytes() == b"\x00garbage" * 200


def test_a_diary_locked_at_start_is_opened_at_the_next_cramp(tmp_path: Path) -> None:
    # Another program held the diary while the night began: the night's episodes must still be
    # kept once it lets go (the diary was opened once, and the whole night was lost).
    import sqlite3

    path = tmp_path / "diary.sqlite3"
    Diary(path).close()
    other = sqlite3.connect(path, timeout=0)
    other.execute("BEGIN EXCLUSIVE")
    recorder = EpisodeRecorder(path, NIGHT)
    assert recorder.problems  # it said the diary could not be used
    other.rollback()
    other.close()
    play(
        recorder,
        [
            (41.0, "trigger", {"text": "i have a cramp", "speech_end": 41.0}),
            (41.0, "step", {"id": "greet"}),
            (90.0, "episode_end", {"outcome": "relieved"}),
        ],
    )
    recorder.close()
    [episode] = Diary(path).episodes()
    assert episode.started == datetime(2026, 11, 20, 3, 0, 41) and episode.outcome == "relieved"
