"""Errors a user can cause and fix: each carries one clear message, never a traceback."""

from __future__ import annotations

import math
import stat
import tomllib
from pathlib import Path
from typing import Any


class UserError(Exception):
    """Something the person can fix; the command line prints the message and exits 2."""


class ConfigError(UserError):
    """A settings, routine or scenario file that cannot be used as it is."""

    def __init__(self, file: str, key: str, expected: str) -> None:
        self.file = file
        self.key = key
        self.expected = expected
        where = f"{file}: {_printable(key)}" if key else file
        super().__init__(f"{where}: expected {_printable(expected)}")


def _printable(text: str) -> str:
    """`text` on one line: a key or value holding a line break (a TOML key can) is shown with
    the break escaped, so the message stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


class AudioInputError(UserError):
    """An audio file or device that cannot be used as the microphone."""


MAX_TOML_BYTES = 1 << 20
"""Settings, routines and scenarios are a few kilobytes: a larger file is not one of them."""


def read_toml(path: Path, what: str) -> dict[str, Any]:
    """Parse a TOML file; a missing or malformed one is a ConfigError saying which and why.
    Only a regular file of at most MAX_TOML_BYTES is read: `/dev/zero` or a pipe named as a
    routine once filled the memory or hung."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file"
            raise ConfigError(str(path), "", f"a readable {what} (this is {kind})")
        with path.open("rb") as file:
            data = file.read(MAX_TOML_BYTES + 1)
        if len(data) > MAX_TOML_BYTES:
            raise ConfigError(str(path), "", f"a {what} of at most {MAX_TOML_BYTES >> 10} KB")
        return tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", f"an existing {what}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise ConfigError(str(path), "", f"valid TOML ({err})") from None
    except OSError as err:
        raise ConfigError(str(path), "", f"a readable {what} ({err.strerror})") from None


def number_in(value: object, low: float, high: float, file: str, key: str, unit: str = "") -> float:
    """`value` as a float when it is a finite number from `low` to `high`; otherwise a
    ConfigError naming the file, the key and the range (NaN and infinity are refused)."""
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not math.isfinite(value)
        or not low <= value <= high
    ):
        raise ConfigError(file, key, f"a number from {low:g} to {high:g}{unit}")
    return float(value)
