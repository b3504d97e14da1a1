"""The front end: noise suppression and automatic gain, one running processor on the stream.

WebRTC's audio processing (the `webrtc-noise-gain` package, as wyoming-satellite uses it) works
on 10 ms pieces and adapts to the room over a few hundred milliseconds, so one processor runs
on the whole stream; it is never made per utterance. Without the package the audio passes
through unchanged.
"""

from __future__ import annotations

import logging

import numpy as np

log = logging.getLogger(__name__)

PIECE = 160
"""Samples in the 10 ms pieces WebRTC processes."""


class FrontEnd:
    """Noise suppression (0-4) and automatic gain (0-31 dBFS target, 0: off) on int16 frames."""

    def __init__(self, noise_suppression: int = 0, auto_gain: int = 0) -> None:
        self.active = bool(noise_suppression or auto_gain)
        self._processor = None
        if self.active:
            from webrtc_noise_gain import AudioProcessor

            self._processor = AudioProcessor(auto_gain, noise_suppression)
        self._pending = np.zeros(0, dtype=np.int16)

    def process(self, frame: np.ndarray) -> np.ndarray:
        """The cleaned frame, as long as the frame given (WebRTC's own 10 ms delay aside)."""
        if self._processor is None:
            return frame
        if len(frame) % PIECE == 0 and not len(self._pending):
            pieces = frame.reshape(-1, PIECE)
        else:  # frames not a multiple of 10 ms: keep the remainder for next time
            joined = np.concatenate([self._pending, frame])
            whole = len(joined) - len(joined) % PIECE
            pieces, self._pending = joined[:whole].reshape(-1, PIECE), joined[whole:]
        out = [
            np.frombuffer(self._processor.Process10ms(p.tobytes()).audio, dtype=np.int16)
            for p in pieces
        ]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.int16)


def available() -> bool:
    """True when webrtc-noise-gain is installed."""
    try:
        import webrtc_noise_gain  # noqa: F401
    except ImportError:
        return False
    return True
