"""The assistant's voice is understood: every line the night can say, in the default voice at the
default pace, comes back word for word when Whisper tiny.en transcribes it (a line that does not is
rewritten in plainer words, never left out). scripts/intelligibility.py prints the same measure
for every engine and pace."""

from __future__ import annotations

from dataclasses import replace

import pytest

from assistant.config.settings import Settings
from assistant.dialogue.routine_file import load_routine
from assistant.night.assistant import every_line
from assistant.speech.synthesizer import WorkerSynthesizer
from scripts.intelligibility import Listener, hear_all

pytestmark = pytest.mark.speech


def test_every_line_in_the_default_voice_comes_back_word_for_word() -> None:
    settings = Settings()
    voice = replace(settings.voice, volume=1.0)  # as rendered: the volume is the speaker's
    synthesizer = WorkerSynthesizer(settings.speech_cache, voice, timeout=60.0)
    assert synthesizer.engine == "piper", synthesizer.describe()  # setup installs it
    lines = every_line(load_routine(emergency=settings.routine.emergency))
    heard = hear_all(synthesizer, Listener(), lines)
    wrong = [(h.line, h.heard) for h in heard if h.errors]
    assert len(heard) > 80
    assert wrong == []
