"""`setup`'s emergency number question: what it prints is what it saves."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.cli.setup_wizard import Setup
from assistant.config.settings import RoutineSettings, Settings


@pytest.mark.parametrize(
    ("answer", "saved", "printed"),
    [
        ("", "911", "Kept: the assistant will say '911'."),
        ("ZZ", "911", "'ZZ' is not a country code I know. Kept: the assistant will say '911'."),
        ("GB", "999", "In an emergency, I will tell you to call 9 9 9."),
        ("112", "112", "In an emergency, I will tell you to call 1 1 2."),
    ],
)
def test_the_emergency_number_printed_is_the_one_saved(
    answer: str, saved: str, printed: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    settings = Settings(routine=RoutineSettings(emergency="911"), data_dir=tmp_path)
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return answer

    assert Setup(settings, tmp_path / "config.toml", ask)._emergency() == saved
    assert "[now: 911]" in prompts[0]
    assert capsys.readouterr().out.strip() == printed
