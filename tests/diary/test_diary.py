"""The diary on real SQLite files: writing, recovery after a kill, upgrades, and bad files."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from assistant.diary.frequency import MANY_NIGHTS, SEVERAL_TONIGHT, advice_reason
from assistant.diary.store import MIGRATIONS, Diary, DiaryError
from tests.commands import run_cli

T0 = datetime(2026, 11, 10, 3, 0)


def test_episodes_are_kept_in_wal_mode_readable_by_the_user_alone(tmp_path: Path) -> None:
    diary = Diary(tmp_path / "diary.sqlite3")
    episode = diary.start(T0)
    diary.update(episode, T0 + timedelta(minutes=1), steps=["greet", "stretch"], leg="left")
    diary.finish(episode, T0 + timedelta(minutes=4), "relieved")
    [kept] = diary.episodes()
    diary.close()
    assert (kept.minutes, kept.steps, kept.leg, kept.outcome) == (
        4.0,
        ["greet", "stretch"],
        "left",
        "relieved",
    )
    assert stat.S_IMODE((tmp_path / "diary.sqlite3").stat().st_mode) == 0o600
    with sqlite3.connect(tmp_path / "diary.sqlite3") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_an_open_episode_is_closed_as_interrupted_at_the_next_start(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    child = subprocess.run(
        [
            sys.executable,
            "-c",
            "import os, signal, datetime as d; from pathlib import Path; "
            f"from assistant.diary.store import Diary; x = Diary(Path(r'{path}')); "
            "e = x.add(d.datetime(2026, 11, 9, 2), 3); "
            "n = x.start(d.datetime(2026, 11, 10, 3)); "
            "x.update(n, d.datetime(2026, 11, 10, 3, 2), steps=['greet', 'stretch']); "
            "os.kill(os.getpid(), signal.SIGKILL)",
        ],
        capture_output=True,
        timeout=60,
    )
    assert child.returncode == -signal.SIGKILL
    reader = Diary(path)  # opened without recovering: an open episode stays open
    assert reader.recovered == 0 and reader.episodes()[1].outcome == "open"
    reader.close()
    diary = Diary(path, recover=True)  # the assistant starting, or a reader with no live one
    assert diary.recovered == 1
    finished, interrupted = diary.episodes()
    assert (finished.outcome, finished.minutes) == ("relieved", 3.0)
    assert interrupted.outcome == "interrupted"
    assert interrupted.steps == ["greet", "stretch"]
    assert interrupted.ended == datetime(2026, 11, 10, 3, 2)  # its last sign of life


def test_sigkill_during_a_real_episode_loses_no_finished_episode(tmp_path: Path) -> None:
    data = tmp_path / "data"
    night = tmp_path / "night.toml"
    night.write_text(
        '[scenario]\nvoice = "en-us"\n[[turn]]\nsay = "I have a cramp"\n'
        '[[turn]]\nsay = "it\'s gone"\n'
    )
    done = run_cli("--data-dir", data, "simulate", str(night), "--start", "2026-11-09T02:00")
    assert done.returncode == 0, done.stderr
    events = tmp_path / "events.jsonl"
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant",
            "--data-dir",
            str(data),
            "simulate",
            str(night),
            "--start",
            "2026-11-10T03:00",
            "--realtime",
            "--events",
            str(events),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not (events.exists() and '"stretch"' in events.read_text()):
        assert time.monotonic() < deadline, "the episode never reached the stretch"
        time.sleep(0.05)
    live = run_cli("--data-dir", data, "diary", "--json", "--since", "2026-11-01")
    assert live.returncode == 0, live.stderr
    # Reading the diary while the night goes on leaves its episode alone.
    assert [r["outcome"] for r in json.loads(live.stdout)] == ["relieved", "open"]
    child.send_signal(signal.SIGKILL)
    child.wait()
    listing = run_cli("--data-dir", data, "diary", "--json", "--since", "2026-11-01")
    assert listing.returncode == 0, listing.stderr
    rows = json.loads(listing.stdout)
    assert [r["outcome"] for r in rows] == ["relieved", "interrupted"]
    assert "stretch" in rows[1]["steps"]


def test_a_first_version_diary_is_upgraded_with_nothing_lost(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.execute(
            "INSERT INTO episodes (started, ended, updated, leg, steps, outcome) "
            "VALUES ('2026-11-01T02:00:00', '2026-11-01T02:05:00', '2026-11-01T02:05:00', "
            "'right', '[\"greet\"]', 'relieved')"
        )
        db.execute("PRAGMA user_version = 1")
    diary = Diary(path)
    [old] = diary.episodes()
    assert (old.leg, old.minutes, old.severity, old.source) == ("right", 5.0, None, "voice")
    diary.add(T0, 2, severity=6)
    assert diary.episodes()[-1].severity == 6


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"this is my shopping list\n" * 100, "not a cramp diary"),
        (None, "holds tables of something else"),
    ],
)
def test_a_file_that_is_not_a_diary_is_refused_clearly(tmp_path: Path, content, message) -> None:
    path = tmp_path / "diary.sqlite3"
    if content is None:
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE photos (id INTEGER)")
    else:
        path.write_bytes(content)
    before = path.read_bytes()
    with pytest.raises(DiaryError, match=message):
        Diary(path)
    assert path.read_bytes() == before  # nothing overwritten


def test_a_locked_diary_says_so(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    Diary(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        diary_error = None
        try:
            diary = Diary(path)
            diary.start(T0)
        except DiaryError as err:
            diary_error = str(err)
        assert diary_error and "locked by another program" in diary_error
    finally:
        holder.execute("ROLLBACK")
        holder.close()


def test_a_full_database_says_so_and_keeps_what_was_stored(tmp_path: Path) -> None:
    diary = Diary(tmp_path / "diary.sqlite3")
    diary.add(T0, 3)
    pages = diary._db.execute("PRAGMA page_count").fetchone()[0]
    diary._db.execute(f"PRAGMA max_page_count = {pages}")
    with pytest.raises(DiaryError, match="disk is full"):
        for i in range(10_000):
            diary.add(T0 + timedelta(days=i + 1), 3)
    diary.close()
    assert Diary(tmp_path / "diary.sqlite3").episodes()[0].minutes == 3.0


def test_the_routine_goes_on_when_the_diary_is_broken(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "diary.sqlite3").write_bytes(b"not a database at all" * 50)
    night = tmp_path / "night.toml"
    night.write_text(
        '[scenario]\nvoice = "en-us"\n[[turn]]\nsay = "I have a cramp"\n'
        '[[turn]]\nsay = "it\'s gone"\n'
    )
    events = tmp_path / "events.jsonl"
    done = run_cli("--data-dir", data, "simulate", str(night), "--events", str(events))
    assert done.returncode == 0
    assert "Traceback" not in done.stderr
    assert "not a cramp diary" in done.stderr  # said once, in the log
    ends = [json.loads(x) for x in events.read_text().splitlines() if "episode_end" in x]
    assert [e["outcome"] for e in ends] == ["relieved"]
    bad = run_cli("--data-dir", data, "diary")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_frequency_advice() -> None:
    from assistant.diary.store import Episode

    def ep(day: int, hour: int = 3) -> Episode:
        start = datetime(2026, 11, day, hour)
        return Episode(day * 100 + hour, start, start + timedelta(minutes=5), "relieved")

    two_weeks = [ep(d) for d in (2, 4, 6, 9, 11, 13)]
    assert advice_reason(two_weeks, datetime(2026, 11, 14, 9)) == MANY_NIGHTS
    assert advice_reason(two_weeks[3:], datetime(2026, 11, 14, 9)) is None
    one_night = [ep(20, 1), ep(20, 3), ep(20, 5)]
    assert advice_reason(one_night, datetime(2026, 11, 20, 6)) == SEVERAL_TONIGHT


def test_diary_add_refuses_bad_values(tmp_path: Path) -> None:
    bad = run_cli("--data-dir", tmp_path, "diary", "add", "--start", "yesterday", "--minutes", "3")
    assert bad.returncode == 2 and "not a date or time" in bad.stderr
    assert "Traceback" not in bad.stderr
    bad = run_cli(
        "--data-dir", tmp_path, "diary", "add", "--start", "2026-11-01T02:00", "--minutes", "-4"
    )
    assert bad.returncode == 2 and "minutes: expected more than 0 and at most 1440" in bad.stderr
    assert os.path.exists(tmp_path / "diary.sqlite3")


def test_a_read_only_diary_says_so_and_keeps_what_was_stored(tmp_path: Path) -> None:
    # As root, file permissions do not stop writes: SQLite's own read-only mode stands in.
    diary = Diary(tmp_path / "diary.sqlite3")
    diary.add(T0, 3)
    diary._db.execute("PRAGMA query_only = ON")
    with pytest.raises(DiaryError, match="read-only"):
        diary.start(T0 + timedelta(days=1))
    diary.close()
    assert [e.minutes for e in Diary(tmp_path / "diary.sqlite3").episodes()] == [3.0]


READ_ONLY_DISK = [
    "unshare", "--mount", "sh", "-c",
    'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"',
]  # fmt: skip
"""Runs a command with its first argument, a folder, made a read-only disk (a private mount)."""


def test_a_diary_on_a_read_only_disk_can_still_be_viewed_and_reported(tmp_path: Path) -> None:
    """Root ignores file permissions, so the disk itself is made read-only, for this one
    command: `diary` and `report` show what is there; `diary add` says why it cannot."""
    data = tmp_path / "data"
    run_cli("--data-dir", data, "diary", "add", "--start", "2026-11-20T03:00", "--minutes", "3",
            check=True)  # fmt: skip
    probe = subprocess.run([*READ_ONLY_DISK, str(data), "true"], capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip(f"no private read-only mount here: {probe.stderr.strip()}")
    under = [*READ_ONLY_DISK, str(data)]
    shown = run_cli("--data-dir", data, "diary", under=under)
    assert shown.returncode == 0, shown.stderr
    assert "Fri 20 Nov 2026 03:00" in shown.stdout and "1 episode" in shown.stdout
    report = tmp_path / "report.html"
    done = run_cli("--data-dir", data, "report", "--out", report, "--since", "2026-11-01",
                   under=under)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(1 episode since 01 Nov 2026)" in done.stdout
    added = run_cli("--data-dir", data, "diary", "add", "--start", "2026-11-21T03:00",
                    "--minutes", "2", under=under)  # fmt: skip
    assert added.returncode == 2
    assert added.stderr.strip().endswith("the diary is read-only; nothing new can be written to it")
    assert "Traceback" not in shown.stderr + done.stderr + added.stderr


def test_times_with_a_utc_offset_become_local_time(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert run_cli(
        "--data-dir", data, "diary", "add", "--start", "2026-11-20T03:10+05:00", "--minutes", "4"
    )
    assert run_cli(
        "--data-dir", data, "diary", "add", "--start", "2026-11-21T02:00", "--minutes", "3"
    )
    report = run_cli(
        "--data-dir", data, "report", "--out", str(tmp_path / "r.html"), "--since", "2026-11-01"
    )
    assert report.returncode == 0, report.stderr
    listing = json.loads(
        run_cli("--data-dir", data, "diary", "--json", "--since", "2026-11-01").stdout
    )
    expected = datetime.fromisoformat("2026-11-20T03:10+05:00").astimezone().replace(tzinfo=None)
    assert [r["started"] for r in listing][0] == expected.isoformat(timespec="minutes")


def test_an_older_diary_with_offsets_is_mended_on_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "diary.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(MIGRATIONS[0])
        db.executescript(MIGRATIONS[1])
        db.execute(
            "INSERT INTO episodes (started, ended, updated, outcome) VALUES (?, ?, ?, 'relieved')",
            ("2026-11-20T03:10:00+05:00", "2026-11-20T03:14:00+05:00", "2026-11-20T03:14:00+05:00"),
        )
        db.execute("INSERT INTO episodes (started, updated) VALUES ('2026-11-21T02:00:00', "
                   "'2026-11-21T02:00:00')")  # fmt: skip
        db.execute("PRAGMA user_version = 2")
    diary = Diary(path)
    first, second = diary.episodes()  # comparing them used to fail (naive against aware)
    assert first.started.tzinfo is None and first.minutes == 4.0
    assert second.started == datetime(2026, 11, 21, 2, 0)


def test_diary_and_report_count_nights_alike(tmp_path: Path) -> None:
    # 23:00 and 02:00 the next day are one night (noon to noon) in both.
    data = tmp_path / "data"
    for start in ("2026-11-20T23:00", "2026-11-21T02:00"):
        assert (
            run_cli(
                "--data-dir", data, "diary", "add", "--start", start, "--minutes", "3"
            ).returncode
            == 0
        )
    table = run_cli("--data-dir", data, "diary", "--since", "2026-11-01").stdout
    assert "2 episodes on 1 night since" in table
