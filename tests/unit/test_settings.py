"""Settings files: defaults, and one clear message for each kind of mistake."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.config.settings import load_settings
from assistant.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_are_calm_and_quiet(tmp_path: Path) -> None:
    settings = load_settings(write(tmp_path, ""), data_dir=tmp_path)
    assert settings.voice.rate < 175  # slower than espeak's default
    assert settings.voice.volume <= 0.7
    assert settings.listening.engine == "auto"
    assert settings.data_dir == tmp_path


def test_values_are_read(tmp_path: Path) -> None:
    path = write(tmp_path, '[voice]\nrate = 120\nvolume = 0.4\n[routine]\nemergency = "112"\n')
    settings = load_settings(path)
    assert (settings.voice.rate, settings.voice.volume) == (120, 0.4)
    assert settings.routine.emergency == "112"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[voice]\nspeed = 3\n", "voice.speed: expected one of engine, rate, volume, voice"),
        ("[voice]\nrate = 'fast'\n", "voice.rate: expected a whole number"),
        ("[voice]\nvolume = 7.0\n", "voice.volume: expected a value from 0.05 to 1.0"),
        ("[listening]\nengine = 'kaldi'\n", "listening.engine: expected one of auto, vosk"),
        ("[voice]\nengine = 'festival'\n", "voice.engine: expected one of piper, espeak"),
        ("[colour]\n", "colour: expected one of the sections"),
        ("[voice\n", "expected valid TOML"),
    ],
)
def test_mistakes_are_refused_with_file_key_and_expectation(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_a_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="expected an existing settings file"):
        load_settings(tmp_path / "nope.toml")


def test_the_night_volume_applies_between_the_night_hours(tmp_path: Path) -> None:
    from datetime import datetime

    settings = load_settings(
        write(tmp_path, '[sound]\nnight_hours = "23-06"\nnight_volume = 0.5\n')
    )
    at = [settings.sound.factor(datetime(2026, 11, 25, hour)) for hour in (22, 23, 3, 6, 12)]
    assert at == [1.0, 0.5, 0.5, 1.0, 1.0]
    with pytest.raises(ConfigError, match="sound.night_hours: expected HH-HH"):
        load_settings(write(tmp_path, '[sound]\nnight_hours = "late"\n'))
