"""A damaged row in the diary (edited by hand, a bad disk) is left out and named once; every
other episode is still read, reported and added to, and nothing is written over it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.commands import diary_of, run_cli


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return diary_of(tmp_path / "data", "2026-11-20T03:00", "2026-11-21T03:00", "2026-11-22T03:00")


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("steps", "not json"),
        ("replies", "{}"),
        ("severity", "bad"),
        ("started", "0001-01-02T03:00:00"),
    ],
)
def test_a_damaged_row_is_left_out_and_named_once(
    data: Path, tmp_path: Path, column: str, value: str
) -> None:
    db = sqlite3.connect(data / "diary.sqlite3")
    db.execute(f"UPDATE episodes SET {column} = ? WHERE id = 2", (value,))
    db.commit()
    before = db.execute("SELECT * FROM episodes WHERE id = 2").fetchone()
    db.close()

    listing = run_cli("--data-dir", data, "diary", "--since", "0001-01-01", "--json")
    assert listing.returncode == 0, listing.stderr
    assert listing.stdout.count('"started"') == 2
    assert listing.stderr.count("episode 2 is damaged") == 1
    assert "Traceback" not in listing.stderr

    report = run_cli("--data-dir", data, "report", "--out", tmp_path / "r.html", "--since",
                     "2026-01-01")  # fmt: skip
    assert report.returncode == 0, report.stderr
    assert "Traceback" not in report.stderr

    added = run_cli("--data-dir", data, "diary", "add", "--start", "2026-11-23T03:00",
                    "--minutes", "2")  # fmt: skip
    assert added.returncode == 0, added.stderr
    db = sqlite3.connect(data / "diary.sqlite3")
    assert db.execute("SELECT * FROM episodes WHERE id = 2").fetchone() == before
    db.close()


def test_a_relieved_night_with_a_damaged_row_still_ends_with_its_closing_words(
    data: Path,
) -> None:
    db = sqlite3.connect(data / "diary.sqlite3")
    db.execute("UPDATE episodes SET steps = 'not json' WHERE id = 1")
    db.commit()
    db.close()
    done = run_cli("--data-dir", data, "demo", "--fast")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "episode ended: relieved" in done.stdout
