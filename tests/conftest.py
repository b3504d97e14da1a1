"""Shared fixtures: the real routine, generated speech, and a private data folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# The fuzz tier (tests/unit/test_fuzz.py): a quick look in the fast tier, a longer one in the full
# suite (scripts/test.sh sets HYPOTHESIS_PROFILE); a hang or a slow case is a failure either way.
settings.register_profile("fast", max_examples=25, deadline=None)
settings.register_profile("full", max_examples=400, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))

ROOT = Path(__file__).resolve().parent.parent

from assistant.dialogue.routine import Routine  # noqa: E402
from assistant.dialogue.routine_file import load_routine  # noqa: E402

# The tests never read or write the person's own settings or data: the platform folders point
# into a private temporary home for the whole session (child processes inherit it).
_HOME = Path(tempfile.mkdtemp(prefix="cramp-tests-home-"))
for _name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
    os.environ[_name] = str(_HOME / _name.lower())


@pytest.fixture(scope="session")
def routine() -> Routine:
    """The routine shipped with the assistant, with a recognisable emergency number."""
    return load_routine(emergency="nine nine nine")


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One data folder for the session (rendered speech is cached there), never the user's."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture(scope="session")
def rendered_speech() -> None:
    """The assistant's lines rendered once for the session, in its shared speech cache, as a
    first start would leave them (a fresh cache takes Piper about a minute here; the tests of
    a first start use a cache of their own)."""
    from assistant.config.settings import Settings
    from assistant.night.assistant import every_line
    from assistant.speech.synthesizer import WorkerSynthesizer

    settings = Settings()
    lines = every_line(load_routine())
    WorkerSynthesizer(settings.speech_cache, settings.voice, timeout=60.0).render(lines)


@pytest.fixture(autouse=True)
def _speech_is_rendered(request: pytest.FixtureRequest) -> None:
    """Every test beyond the fast tier starts with the routine's lines rendered."""
    if "unit" not in request.node.path.parts:
        request.getfixturevalue("rendered_speech")
