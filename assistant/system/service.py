"""Running all night, every night: a systemd *user* service, and its watchdog pings.

The unit restarts the assistant when it fails, and systemd's watchdog restarts it when the audio
loop stops moving: the assistant pings only from inside that loop (assistant.system.watchdog).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from assistant.errors import UserError
from assistant.system.watchdog import WATCHDOG_SECONDS

UNIT_NAME = "cramp-assistant.service"


def unit_dir() -> Path:
    """Where systemd looks for the user's own units."""
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user"


def unit_text(command: list[str]) -> str:
    """The unit file: restart on failure, watchdog, logs to the journal."""
    quoted = " ".join(_quote(part) for part in command)
    return f"""[Unit]
Description=Cramp assistant: offline voice help for night leg cramps
After=sound.target pulseaudio.service pipewire-pulse.service

[Service]
Type=notify
NotifyAccess=main
ExecStart={quoted}
Restart=on-failure
RestartSec=5
WatchdogSec={WATCHDOG_SECONDS}
# Output goes to the journal: journalctl --user -u {UNIT_NAME}

[Install]
WantedBy=default.target
"""


def _quote(part: str) -> str:
    """One word of ExecStart by systemd's own rules: double quotes with C-style escapes (a control
    character such as a line break in a path is written `\\x0a`: as it was, it began a new line
    of the unit, such as `ExecStartPre=`), `%%` for a literal % (specifiers) and `$$` for a
    literal $ (variables)."""
    escaped = part.replace("\\", "\\\\").replace('"', '\\"')
    escaped = "".join(f"\\x{ord(c):02x}" if ord(c) < 0x20 or ord(c) == 0x7F else c for c in escaped)
    return '"' + escaped.replace("%", "%%").replace("$", "$$") + '"'


def assistant_command(extra: list[str]) -> list[str]:
    """How systemd should start the assistant: this very installation, `run`."""
    found = shutil.which("cramp-assistant", path=str(Path(sys.executable).parent))
    program = [found] if found else [sys.executable, "-m", "assistant"]
    return [*program, *extra, "run"]


def install(extra: list[str], enable: bool = True) -> tuple[Path, str]:
    """Write the unit; enable and start it unless told not to. Returns (path, what happened)."""
    path = unit_dir() / UNIT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(unit_text(assistant_command(extra)), encoding="utf-8")
    if not enable:
        return path, "written (not enabled)"
    done = _systemctl("daemon-reload")
    if done.returncode == 0:
        done = _systemctl("enable", "--now", UNIT_NAME)
    if done.returncode != 0:
        why = done.stderr.strip() or "no user session"
        raise UserError(
            f"wrote {path}, but systemd could not enable it ({why}); "
            f"in your own session run: systemctl --user enable --now {UNIT_NAME}"
        )
    return path, "enabled and started"


def uninstall() -> Path:
    """Stop, disable and remove the unit."""
    path = unit_dir() / UNIT_NAME
    _systemctl("disable", "--now", UNIT_NAME)
    if not path.exists():
        raise UserError(f"no service installed ({path} does not exist)")
    path.unlink()
    _systemctl("daemon-reload")
    return path


def status() -> tuple[str, bool]:
    """Whether the unit is installed and what systemd says about it; and whether all is well
    (installed, and systemd reachable and running it)."""
    path = unit_dir() / UNIT_NAME
    if not path.exists():
        return f"Not installed ({path} does not exist): `cramp-assistant service install`.", False
    lines = [f"Installed: {path}."]
    if shutil.which("systemctl") is None:
        return "\n".join([*lines, "systemctl is not found: the service needs systemd."]), False
    active = _systemctl("is-active", UNIT_NAME)
    state = active.stdout.strip()
    if (active.returncode != 0 and not state) or "Failed to connect" in active.stderr:
        why = active.stderr.strip().splitlines()[0] if active.stderr.strip() else "no answer"
        lines.append(
            f"systemd cannot be asked ({why}): no user session here? "
            f"In your own session: systemctl --user status {UNIT_NAME}"
        )
        return "\n".join(lines), False
    lines.append(f"systemd says: {state}.")
    detail = _systemctl("status", "--no-pager", "--lines", "5", UNIT_NAME).stdout.strip()
    return "\n".join([*lines, detail] if detail else lines), state == "active"


def _systemctl(*args: str) -> subprocess.CompletedProcess[str]:
    if shutil.which("systemctl") is None:
        raise UserError("systemctl not found: the service needs systemd")
    return subprocess.run(
        ["systemctl", "--user", *args], capture_output=True, text=True, timeout=60
    )
