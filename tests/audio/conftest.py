"""The private PulseAudio daemon, one per test."""

from __future__ import annotations

import pytest

from tests.audio.pulse import VirtualAudio


@pytest.fixture
def virtual_audio():
    """A started VirtualAudio, stopped after the test."""
    audio = VirtualAudio()
    audio.start()
    yield audio
    audio.stop()
