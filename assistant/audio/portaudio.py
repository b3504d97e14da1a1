"""PortAudio's device list is fixed until the library is re-initialised; this does it safely.

Re-initialising closes every open stream, so streams remember the generation they were opened
in and drop themselves (without touching PortAudio) when it has changed.
"""

from __future__ import annotations

import threading

_lock = threading.Lock()
_generation = 0


def generation() -> int:
    """How many times PortAudio has been re-initialised in this process."""
    return _generation


def reinitialize() -> None:
    """Re-scan the audio devices (a device plugged in again gets a new entry)."""
    global _generation
    import sounddevice as sd

    with _lock:
        sd._terminate()
        sd._initialize()
        _generation += 1
