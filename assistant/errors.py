"""Errors a user can cause and fix: each carries one clear message, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Something the person can fix; the command line prints the message and exits 2."""


class ConfigError(UserError):
    """A settings, routine or scenario file that cannot be used as it is."""

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file = file
        self.key = key
        self.expected = expected
        where = f"{file}: {key}" if key else file
        super().__init__(f"{where}: expected {expected}")


class AudioInputError(UserError):
    """An audio file or device that cannot be used as the microphone."""
