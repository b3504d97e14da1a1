"""The audio every source delivers: int16 mono blocks at RATE, gated in frames of FRAME samples."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import numpy as np

RATE = 16000
"""Hertz: the rate every source delivers and every recognizer expects."""
FRAME = 480
"""Samples in one 30 ms frame, the step of the voice gate."""


def frames(
    blocks: Iterable[np.ndarray], each_block: Callable[[], None] | None = None
) -> Iterator[np.ndarray]:
    """Blocks of any size cut into frames of FRAME samples (a last partial frame is dropped);
    `each_block` is called as each block arrives."""
    pending = np.zeros(0, dtype=np.int16)
    for block in blocks:
        if each_block is not None:
            each_block()
        pending = np.concatenate([pending, block]) if len(pending) else block
        whole = len(pending) - len(pending) % FRAME
        for i in range(0, whole, FRAME):
            yield pending[i : i + FRAME]
        pending = pending[whole:]
