"""`setup` on a machine with no sound card: every step says what it did, nothing claims more."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from tests.commands import run_cli


def test_setup_without_a_sound_card_says_what_it_could_not_check(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    env = {**os.environ, "PATH": "/usr/bin:/bin"}  # the command is not on the PATH
    done = run_cli(
        "--config", config, "--data-dir", tmp_path / "data", "setup",
        input="7\n\n\nGB\n", env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    out = done.stdout
    # A speaker number that is not listed is asked again, not silently dropped.
    assert "'7' is not one of the speakers listed (none); Enter for the default." in out
    assert "No speaker, so no volume check: the volume stays 0.6." in out
    assert "Microphone check skipped" in out
    # Not "All set": nothing heard the person.
    assert "All set" not in out and "the microphone check did not hear you" in out
    command = Path(sys.executable).parent / "cramp-assistant"
    options = f"--config {config.resolve()} --data-dir {(tmp_path / 'data').resolve()}"
    assert f"Start listening with: {command} {options} run" in out
    assert 'emergency = "999"' in config.read_text()
    assert "Chest pain or trouble breathing: call 9 9 9 at once." in out
    # The printed command runs with the settings just written: the number chosen is the one said.
    shown = run_cli(*options.split(), "config", "show", check=True).stdout
    assert 'emergency = "999"' in shown


def test_setup_with_stdin_closed_says_so_in_one_line(tmp_path: Path) -> None:
    done = run_cli(
        "--config", tmp_path / "c.toml", "--data-dir", tmp_path / "data", "setup",
        timeout=120, preexec_fn=lambda: os.close(0),
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "cramp-assistant: setup needs answers typed in (stdin is closed); nothing was written"
    )
    assert not (tmp_path / "c.toml").exists()
