"""A whole night, 8 hours, through `run --input` faster than real time (scripts/soak.py):
no crash, one episode per cramp and no other, each one ended, memory flat after the first hour."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.speech


def test_eight_hour_night(tmp_path: Path) -> None:
    report = tmp_path / "soak.json"
    done = subprocess.run(
        [sys.executable, "-m", "scripts.soak", "--hours", "8"]
        + ["--work", str(tmp_path), "--json", str(report)],
        cwd=ROOT,  # scripts run as modules from the repository's root
        capture_output=True,
        text=True,
        timeout=1800,
    )
    figures = json.loads(report.read_text())
    assert figures["checks"] == dict.fromkeys(figures["checks"], True), done.stdout + done.stderr
    assert figures["cramps_answered"] == figures["cramps_planned"] == 8
    assert done.returncode == 0
    (tmp_path / "night.wav").unlink()  # 0.9 GB: not left behind
