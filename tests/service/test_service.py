"""The systemd user service: a unit systemd accepts, and watchdog pings from the audio loop."""

from __future__ import annotations

import shutil
import socket
import subprocess
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.convert import write_wav
from tests.commands import run_cli


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return run_cli(*args, env=env, timeout=120)


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_the_unit_is_accepted_by_systemd(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    config = tmp_path / "config.toml"
    config.write_text("[voice]\nrate = 130\n")
    done = cli(env, "--config", str(config), "service", "install", "--no-enable")
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "systemd" / "user" / "cramp-assistant.service"
    text = unit.read_text()
    assert "Type=notify" in text and "WatchdogSec=" in text and "Restart=on-failure" in text
    assert f'"--config" "{config}"' in text and text.rstrip().endswith("WantedBy=default.target")
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_a_data_path_with_systemd_specials_is_escaped(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    odd = tmp_path / 'nights %h $HOME "x"'
    odd.mkdir()
    done = cli(env, "--data-dir", str(odd), "service", "install", "--no-enable")
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "systemd" / "user" / "cramp-assistant.service").read_text()
    assert 'nights %%h $$HOME \\"x\\"' in text  # no specifier, no variable, quotes kept
    verify = subprocess.run(
        [
            "systemd-analyze",
            "verify",
            str(tmp_path / "systemd" / "user" / "cramp-assistant.service"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed")
def test_a_line_break_in_a_path_cannot_add_lines_to_the_unit(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path)}
    config = tmp_path / "settings\nExecStartPre=true\n.toml"
    config.write_text("", encoding="utf-8")
    done = cli(env, "--config", str(config), "service", "install", "--no-enable")
    assert done.returncode == 0, done.stderr
    unit = tmp_path / "systemd" / "user" / "cramp-assistant.service"
    lines = unit.read_text().splitlines()
    assert not [line for line in lines if line.startswith("ExecStartPre")]
    assert len([line for line in lines if line.startswith("ExecStart=")]) == 1
    verify = subprocess.run(
        ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60
    )
    assert verify.returncode == 0, verify.stderr


def test_without_a_user_session_install_says_what_to_do(tmp_path: Path) -> None:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "DBUS_SESSION_BUS_ADDRESS": "unix:path=/nonexistent",
        "XDG_RUNTIME_DIR": str(tmp_path),
    }
    done = cli(env, "service", "install")
    if done.returncode == 0:
        pytest.skip("this machine has a user session: the unit was really enabled")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "systemctl --user enable --now cramp-assistant.service" in done.stderr


def test_ready_and_watchdog_pings_reach_systemd(tmp_path: Path) -> None:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    address = tmp_path / "notify"
    listener.bind(str(address))
    listener.settimeout(30)
    wav = tmp_path / "quiet.wav"
    write_wav(wav, np.random.default_rng(0).normal(0, 30, 16000 * 3).astype(np.int16), 16000)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "NOTIFY_SOCKET": str(address)}
    # A first start: every line is rendered with Piper before the run ends, about two minutes
    # of two cores alone, more on a busy machine (run_cli's own time-out, not cli's).
    try:
        data = str(tmp_path / "data")
        done = run_cli("--data-dir", data, "run", "--input", str(wav), env=env)
        assert done.returncode == 0, done.stderr
        messages = []
        listener.settimeout(1)
        try:
            while True:
                messages.append(listener.recv(256).decode())
        except TimeoutError:
            pass
    finally:
        listener.close()
    assert messages[:2] == ["READY=1", "WATCHDOG=1"]


def test_status_says_whether_the_unit_is_installed_and_never_claims_all_is_well(
    tmp_path: Path,
) -> None:
    import os

    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path)}
    before = cli(env, "service", "status")
    assert before.returncode == 1 and before.stdout.startswith("Not installed (")
    assert cli(env, "service", "install", "--no-enable").returncode == 0
    after = cli(env, "service", "status")
    unit = tmp_path / "systemd" / "user" / "cramp-assistant.service"
    assert after.stdout.startswith(f"Installed: {unit}.")
    # Written but not enabled: not running, whether or not systemd can be asked here.
    assert after.returncode == 1
    assert "systemd says: " in after.stdout or "systemd cannot be asked (" in after.stdout
