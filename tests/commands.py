"""The one way the tests run the real command: `python -m assistant ARGS` in a child process,
from the repository's root, with the test session's private home (see conftest.py)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str | Path,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    check: bool = False,
    input: str | None = None,
) -> subprocess.CompletedProcess:
    """Run `cramp-assistant ARGS`; with `check`, the test fails (with stderr) unless it exits 0."""
    done = subprocess.run(
        [sys.executable, "-m", "assistant", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
        input=input,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def diary_of(folder: Path, *starts: str) -> Path:
    """A data folder whose diary holds one 3-minute episode at each start, added by hand."""
    for start in starts:
        run_cli(
            "--data-dir", folder, "diary", "add", "--start", start, "--minutes", "3", check=True
        )
    return folder
