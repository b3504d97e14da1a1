"""The one way the tests run the real command: `python -m assistant ARGS` in a child process,
from the repository's root, with the test session's private home (see conftest.py): `run_cli`
to its end, `start_cli` in the background."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def command(
    *args: str | Path, under: list[str] | None = None, python: str | Path | None = None
) -> list[str]:
    """The command line of `cramp-assistant ARGS` (`under`: a program it runs under, such as
    strace; `python`: another interpreter than the tests', such as another environment's)."""
    return [*(under or []), str(python or sys.executable), "-m", "assistant", *map(str, args)]


def run_cli(
    *args: str | Path,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    check: bool = False,
    input: str | None = None,
    under: list[str] | None = None,
    python: str | Path | None = None,
    **options: Any,
) -> subprocess.CompletedProcess:
    """Run `cramp-assistant ARGS`; with `check`, the test fails (with stderr) unless it exits 0.
    `options` go to subprocess.run (e.g. `stdout` to a file, `cwd`, `preexec_fn`)."""
    options.setdefault("cwd", ROOT)
    options.setdefault("stdout", subprocess.PIPE)
    done = subprocess.run(
        command(*args, under=under, python=python),
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        env=env,
        input=input,
        **options,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def start_cli(*args: str | Path, **options: Any) -> subprocess.Popen:
    """Start `cramp-assistant ARGS` in the background (text; stdout and stderr piped unless
    `options` say otherwise); the caller waits for it."""
    options.setdefault("cwd", ROOT)
    options.setdefault("stdout", subprocess.PIPE)
    options.setdefault("stderr", subprocess.PIPE)
    options.setdefault("text", True)
    return subprocess.Popen(command(*args), **options)


def diary_of(folder: Path, *starts: str) -> Path:
    """A data folder whose diary holds one 3-minute episode at each start, added by hand."""
    for start in starts:
        run_cli(
            "--data-dir", folder, "diary", "add", "--start", start, "--minutes", "3", check=True
        )
    return folder
