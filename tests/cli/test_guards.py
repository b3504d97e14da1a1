"""Commands that could destroy the person's data refuse to, with one line."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli import main


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
