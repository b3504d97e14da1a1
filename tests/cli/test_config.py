"""`config path|show|check|init`: the settings file a person can find, read and trust."""

from __future__ import annotations

import os
import tomllib
from dataclasses import fields
from pathlib import Path

import pytest

from assistant.cli import main
from assistant.config.settings import Settings, load_settings


def run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_writes_every_key_documented_private_and_equal_to_the_defaults(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "conf" / "config.toml"
    base = ("--config", str(path), "--data-dir", str(tmp_path / "data"))
    code, out, _ = run(capsys, *base, "config", "path")
    assert code == 0 and "config init" in out  # not there yet, and how to make it
    assert run(capsys, *base, "config", "init")[0] == 0
    assert path.stat().st_mode & 0o777 == 0o600
    text = path.read_text(encoding="utf-8")
    written = tomllib.loads(text)
    for section in fields(Settings):
        if section.name == "data_dir":
            continue
        for key in fields(getattr(Settings(), section.name)):
            assert key.name in written[section.name], f"{section.name}.{key.name} missing"
            # each key has a comment line just above it
            line = text.index(f"\n{key.name} = ")
            assert text[:line].rsplit("\n", 1)[1].startswith("# ")
    loaded = load_settings(path)
    assert loaded == Settings(data_dir=tmp_path / "data")
    code, _, err = run(capsys, *base, "config", "init")
    assert code == 2 and "already exists" in err  # never written over


def test_show_reports_a_changed_value_with_its_default(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[voice]\nrate = 120\n", encoding="utf-8")
    code, out, _ = run(capsys, "--config", str(path), "--data-dir", str(tmp_path), "config", "show")
    assert code == 0
    assert "rate = 120" in out
    above = out[: out.index("rate = 120")].rsplit("\n# ", 2)
    assert "Default: 140" in "".join(above[-2:])


def test_check_names_the_routine_and_refuses_a_broken_one(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    path = tmp_path / "config.toml"
    path.write_text("", encoding="utf-8")
    code, out, _ = run(
        capsys, "--config", str(path), "--data-dir", str(tmp_path), "config", "check"
    )
    assert code == 0 and "Settings OK" in out and "Routine OK" in out
    routine = tmp_path / "routine.toml"
    routine.write_text('[routine]\nstart = "nowhere"\n', encoding="utf-8")
    path.write_text(f'[routine]\npath = "{routine}"\n', encoding="utf-8")
    code, out, err = run(
        capsys, "--config", str(path), "--data-dir", str(tmp_path), "config", "check"
    )
    assert code == 2 and str(routine) in err and out == ""


def test_init_writes_the_defaults_even_when_the_person_has_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The person's own file (as `setup` writes it) must not leak into a new one called defaults.
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "home"))
    own = tmp_path / "home" / "cramp-assistant" / "config.toml"
    own.parent.mkdir(parents=True)
    own.write_text('[routine]\nemergency = "911"\n', encoding="utf-8")
    new = tmp_path / "new.toml"
    code, _, err = run(capsys, "--config", str(new), "--data-dir", str(tmp_path), "config", "init")
    assert code == 0, err
    assert load_settings(new) == Settings(data_dir=tmp_path)


def test_the_tests_never_see_the_persons_own_settings() -> None:
    from assistant.config.settings import default_config_path

    assert "cramp-tests-home-" in str(default_config_path())


def test_a_killed_write_leaves_the_old_settings_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The write dies half-way (as a kill or a power cut would): the file in place is still the
    old one, whole, and no half-written file is left to be read as the defaults."""
    from assistant.config import document as config_file

    path = tmp_path / "config.toml"
    path.write_text('[routine]\nemergency = "999"\n', encoding="utf-8")

    def dies(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", dies)
    with pytest.raises(OSError):
        config_file.write_atomically(path, "[routine]\nemergency = ")
    assert load_settings(path).routine.emergency == "999"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_show_says_each_range_once(capsys: pytest.CaptureFixture, tmp_path: Path) -> None:
    # "Words per minute, 80 to 260 ... Range 80 to 260." said it twice.
    code, out, _ = run(capsys, "--data-dir", str(tmp_path), "config", "show")
    assert code == 0
    assert "80 to 260" in out and "Range 80 to 260" not in out
    assert "Range -20 to 5." in out  # a range the field's words do not give is still said
