"""Commands that could destroy the person's data refuse to, with one line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from assistant.cli import main
from tests.commands import run_cli


def test_a_report_is_never_written_over_the_diary(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    data = tmp_path / "data"
    assert main(["--data-dir", str(data), "diary", "add", "--start", "2026-11-20T03:10"]
                + ["--minutes", "5"]) == 0  # fmt: skip
    diary = data / "diary.sqlite3"
    before = diary.read_bytes()
    code = main(["--data-dir", str(data), "report", "--out", str(diary)])
    assert code == 2
    assert "that is the diary, which it would overwrite" in capsys.readouterr().err
    assert diary.read_bytes() == before
    report = tmp_path / "report.html"
    assert main(["--data-dir", str(data), "report", "--out", str(report)]) == 0
    assert main(["--data-dir", str(data), "report", "--out", str(report)]) == 0  # its own: fine


def test_a_sample_or_simulated_night_never_enters_the_persons_diary(tmp_path: Path) -> None:
    import json
    import os
    import subprocess

    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "home")}  # the person's own folder

    def cli(*argv: str) -> subprocess.CompletedProcess:
        return run_cli(*argv, env=env)

    assert cli("demo", "--fast").returncode == 0
    night = tmp_path / "night.toml"
    night.write_text(
        '[scenario]\nvoice = "en-us"\n[[turn]]\nsay = "I have a cramp"\n'
        '[[turn]]\nsay = "it\'s gone"\n',
        encoding="utf-8",
    )
    assert cli("simulate", str(night)).returncode == 0
    listing = cli("diary", "--json", "--since", "2000-01-01")
    assert json.loads(listing.stdout) == []  # neither counted as the person's cramps
    assert cli("simulate", str(night), "--diary").returncode == 0  # asked for: kept, marked
    rows = json.loads(cli("diary", "--json", "--since", "2000-01-01").stdout)
    assert [r["source"] for r in rows] == ["simulated"]


def test_diary_piped_into_head_ends_quietly(tmp_path: Path) -> None:
    """`diary --json | head` once printed "Broken pipe"."""
    import subprocess
    import sys
    from datetime import datetime, timedelta

    from assistant.diary.store import Diary

    diary = Diary(tmp_path / "diary.sqlite3")
    for day in range(2000):  # far more than a pipe holds
        diary.add(datetime(2020, 1, 1, 3) + timedelta(days=day), 5)
    diary.close()
    command = f"{sys.executable} -m assistant --data-dir {tmp_path} diary --json --since 2019-01-01"
    piped = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -c 100 >/dev/null"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert piped.returncode == 0
    assert piped.stderr == ""


def test_verbose_shows_what_was_heard_and_not_taken(tmp_path: Path) -> None:
    """`-v` is for finding out why a trigger was not taken: every utterance and its score."""
    import numpy as np
    import soundfile

    from scripts.speechgen import RATE, mix, speak

    rng = np.random.default_rng(5)
    audio = mix(speak("I have a plan for the morning"), snr_db=20, rng=rng, lead=2.0, tail=3.0)
    wav = tmp_path / "night.wav"
    soundfile.write(str(wav), audio, RATE, subtype="PCM_16")
    quiet = run_cli("--data-dir", tmp_path / "data", "run", "--input", wav)
    verbose = run_cli("-v", "--data-dir", tmp_path / "data", "run", "--input", wav)
    assert quiet.returncode == verbose.returncode == 0, verbose.stderr
    assert "(heard" not in quiet.stdout
    assert re.search(
        r"\(heard [\d.]+ s in trigger mode: nothing accepted, score -?[\d.]+", verbose.stdout
    )


def test_a_recording_dates_its_episodes_by_when_it_was_recorded(tmp_path: Path) -> None:
    """A file recorded last week: its cramp is dated last week, not "now plus audio time"."""
    import os
    from datetime import datetime, timedelta

    import numpy as np
    import soundfile

    from assistant.diary.store import Diary
    from scripts.speechgen import RATE, mix, speak

    rng = np.random.default_rng(8)
    audio = mix(speak("I have a cramp"), snr_db=20, rng=rng, lead=30.0, tail=60.0)
    wav = tmp_path / "last-week.wav"
    soundfile.write(str(wav), audio, RATE, subtype="PCM_16")
    ended = datetime(2026, 11, 18, 3, 30)
    os.utime(wav, (ended.timestamp(), ended.timestamp()))
    data = tmp_path / "data"
    done = run_cli("--data-dir", data, "run", "--input", wav, "--diary")
    assert done.returncode == 0, done.stderr
    diary = Diary(data / "diary.sqlite3")
    [episode] = diary.episodes(datetime(2026, 1, 1))
    diary.close()
    began = ended - timedelta(seconds=len(audio) / RATE)
    assert began + timedelta(seconds=30) <= episode.started <= began + timedelta(seconds=35)


def test_say_to_a_file_says_what_it_wrote(tmp_path: Path) -> None:
    done = run_cli("--data-dir", tmp_path / "data", "say", "Hello.", "--output", tmp_path / "h.wav")
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(
        rf"Wrote {re.escape(str(tmp_path / 'h.wav'))} \(\d+\.\d s\)\.\n", done.stdout
    )
