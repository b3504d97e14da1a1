"""Commands that could destroy the person's data refuse to, with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main
from tests.commands import run_cli


def test_a_report_is_never_written_over_the_diary(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "diary", "add", "--start", "2026-11-20T03:10"]
                + ["--minutes", "5"]) == 0  # fmt: skip
    diary = data / "diary.sqlite3"
    before = diary.read_bytes()
    code = main(["--data-dir", str(data), "report", "--out", str(diary)])
    assert code == 2
    assert "is not a report written by cramp-assistant" in capsys.readouterr().err
    assert diary.read_bytes() == before
    report = tmp_path / "report.html"
    assert main(["--data-dir", str(data), "report", "--out", str(report)]) == 0
    assert main(["--data-dir", str(data), "report", "--out", str(report)]) == 0  # its own: fine


def test_a_sample_or_simulated_night_never_enters_the_persons_diary(tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "home")}  # the person's own folder

    def cli(*argv: str) -> subprocess.CompletedProcess:
        return run_cli(*argv, env=env)

    assert cli("demo", "--fast").returncode == 0
    night = tmp_path / "night.toml"
    night.write_text(
        '[scenario]\nvoice = "en-us"\n[[turn]]\nsay = "I have a cramp"\n'
        '[[turn]]\nsay = "it\'s gone"\n',
        encoding="utf-8",
    )
    assert cli("simulate", str(night)).returncode == 0
    listing = cli("diary", "--json", "--since", "2000-01-01")
    assert json.loads(listing.stdout) == []  # neither counted as the person's cramps
    assert cli("simulate", str(night), "--diary").returncode == 0  # asked for: kept, marked
    rows = json.loads(cli("diary", "--json", "--since", "2000-01-01").stdout)
    assert [r["source"] for r in rows] == ["simulated"]
