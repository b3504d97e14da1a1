"""systemd's watchdog, seen from the assistant: sd_notify pings from inside the audio loop, so
systemd restarts the assistant when that loop stops moving (see assistant.system.service)."""

from __future__ import annotations

import contextlib
import os
import socket
import time

WATCHDOG_SECONDS = 30
"""systemd restarts the assistant when no ping came for this long (the unit's WatchdogSec)."""


class Watchdog:
    """sd_notify over the socket systemd passes in NOTIFY_SOCKET; does nothing without one."""

    def __init__(self, interval: float = WATCHDOG_SECONDS / 3) -> None:
        address = os.environ.get("NOTIFY_SOCKET", "")
        self._address = "\0" + address[1:] if address.startswith("@") else address
        self._socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) if address else None
        self._interval = interval
        self._last = 0.0

    def notify(self, message: str) -> None:
        """Send one sd_notify message (e.g. READY=1)."""
        if self._socket is None:
            return
        with contextlib.suppress(OSError):  # systemd gone or restarting: nothing to tell
            self._socket.sendto(message.encode(), self._address)

    def ready(self) -> None:
        """The assistant is listening."""
        self.notify("READY=1")

    def tick(self) -> None:
        """Called from the audio loop: pings at most every `interval` seconds."""
        now = time.monotonic()
        if now - self._last >= self._interval:
            self._last = now
            self.notify("WATCHDOG=1")
