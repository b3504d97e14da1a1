"""Keeping what the microphone heard, only when the person asks for it (`run --record-dir`).

Each utterance the recognizer was given is written as a WAV file named by when it ended and
what was understood, readable by the user alone. Without `--record-dir` no audio is written.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import soundfile

from assistant.audio.chunk import RATE
from assistant.audio.convert import write_wav


class UtteranceKeeper:
    """Writes utterances into `folder` (made private if new); times count from `origin`."""

    def __init__(self, folder: Path, origin: datetime) -> None:
        self.folder = folder
        self.origin = origin
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.written: list[Path] = []

    def keep(self, samples: np.ndarray, t: float, mode: str, text: str) -> Path:
        """Write one utterance that ended at audio time `t`; return its path."""
        when = self.origin + timedelta(seconds=t)
        words = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40] or "unrecognised"
        path = self.folder / f"{when:%Y-%m-%dT%H-%M-%S}.{when.microsecond // 1000:03d}"
        path = path.with_name(f"{path.name}_{mode}_{words}.wav")
        old = os.umask(0o077)  # private from the first byte
        try:
            write_wav(path, samples, RATE)
        except soundfile.LibsndfileError as err:  # a full disk, as libsndfile reports it
            path.unlink(missing_ok=True)
            raise OSError(f"{path}: {err}") from err
        finally:
            os.umask(old)
        self.written.append(path)
        return path
