"""The one audio type that flows from any source to the recognizer."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16000
"""Hertz: the rate every source delivers and every recognizer expects."""
FRAME = 480
"""Samples in one 30 ms frame, the step of the voice gate."""


@dataclass(frozen=True)
class AudioChunk:
    """Mono 16-bit samples at `rate`, starting at `start` seconds on the audio clock."""

    samples: np.ndarray
    """int16, one channel."""
    start: float
    """Seconds since the source began."""
    rate: int = RATE
    """Hertz."""

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.rate

    @property
    def end(self) -> float:
        """Audio-clock time just after the last sample."""
        return self.start + self.seconds
