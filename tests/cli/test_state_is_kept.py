"""Nothing the person keeps is overwritten by an output they name: the diary, the settings, the
preferences and the lock are refused as `--events`, `--output`, `--record-dir` or `report --out`,
however the path is spelt (`--events <data>/diary.sqlite3` once emptied a diary of 3 episodes)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.commands import diary_of, run_cli


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return diary_of(tmp_path / "data", "2026-11-01T03:00", "2026-11-02T03:00", "2026-11-03T03:00")


def episodes(data: Path) -> int:
    listing = run_cli("--data-dir", data, "diary", "--since", "2026-01-01", "--json", check=True)
    return listing.stdout.count('"started"')


@pytest.mark.parametrize(
    ("spelling", "what"),
    [
        ("{data}/diary.sqlite3", "the diary"),
        ("{data}/../data/./diary.sqlite3", "the diary"),
        ("{link}", "the diary"),
        ("{data}/preferences.json", "the preferences"),
        ("{data}/assistant.lock", "the lock"),
        ("{config}", "the settings file"),
    ],
)
@pytest.mark.parametrize("option", ["run --events", "run --output", "run --record-dir", "report"])
def test_an_output_onto_what_is_kept_is_refused(
    data: Path, tmp_path: Path, spelling: str, what: str, option: str
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[voice]\nrate = 150\n", encoding="utf-8")
    link = tmp_path / "looks-harmless.jsonl"
    link.symlink_to(data / "diary.sqlite3")
    target = spelling.format(data=data, link=link, config=config)
    command, _, flag = option.partition(" ")
    if command == "report":
        argv = ["report", "--out", target, "--force"]
    else:
        argv = ["run", "--input", str(tmp_path / "missing.wav"), flag, target]
    before = config.read_bytes()
    done = run_cli("--config", config, "--data-dir", data, *argv)
    assert done.returncode == 2
    assert f"that is {what}" in done.stderr and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert episodes(data) == 3
    assert config.read_bytes() == before


def test_the_same_cramp_added_twice_is_one_episode(data: Path) -> None:
    # Typed twice, it would be two cramps in one night: "worth telling a doctor about".
    again = run_cli(
        "--data-dir", data, "diary", "add", "--start", "2026-11-02T03:00", "--minutes", "3"
    )
    assert again.returncode == 2
    assert "episode 2 already starts at Mon 02 Nov 2026 03:00; nothing added" in again.stderr
    assert episodes(data) == 3


def test_an_episode_added_with_stdout_on_a_full_disk_is_stored_and_says_so(data: Path) -> None:
    with open("/dev/full", "w") as full:
        done = run_cli(
            "--data-dir", data, "diary", "add", "--start", "2026-11-04T03:00", "--minutes", "3",
            stdout=full, timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr  # it was stored: exit 2 said it was not
    assert episodes(data) == 4
