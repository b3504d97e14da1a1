"""Faults around the night, injected for real, never end it: a full disk under `--record-dir`,
a console whose pipe was closed, a console on a full disk. The person is still answered."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import soundfile

from scripts.speechgen import RATE, mix, speak
from tests.commands import run_cli, start_cli


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A folder on a 256 KB file system (a tmpfs mounted for the test)."""
    folder = tmp_path / "small"
    folder.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


@pytest.fixture
def full_disk(small_disk: Path) -> Path:
    """A folder on a small file system with 24 KB left."""
    (small_disk / "filler").write_bytes(b"\0" * (232 * 1024))
    return small_disk


def trigger_file(folder: Path) -> Path:
    """Two cramps, two and a half minutes apart, each "I have a cramp" out of quiet."""
    rng = np.random.default_rng(4)
    one = mix(speak("I have a cramp"), snr_db=20, rng=rng, lead=3.0, tail=150.0)
    wav = folder / "night.wav"
    soundfile.write(str(wav), np.concatenate([one, one]), RATE, subtype="PCM_16")
    return wav


def events(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_keeping_utterances_on_a_full_disk_is_given_up_once_and_the_night_goes_on(
    tmp_path: Path, full_disk: Path
) -> None:
    log = tmp_path / "events.jsonl"
    wav = trigger_file(tmp_path)
    done = run_cli(
        "--data-dir", tmp_path / "data", "run", "--input", wav, "--events", log,
        "--record-dir", full_disk,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("utterances are no longer kept") == 1
    assert len([e for e in events(log) if e["event"] == "trigger"]) == 2
    assert not [p for p in full_disk.iterdir() if p.suffix == ".wav" and p.stat().st_size == 0]


def demo(tmp_path: Path, stdout) -> tuple[subprocess.Popen, Path]:
    log = tmp_path / "events.jsonl"
    child = start_cli(
        "--data-dir", tmp_path / "data", "demo", "--fast", "--events", log, stdout=stdout
    )
    return child, log


def test_a_console_pipe_closed_mid_night_does_not_end_the_night(tmp_path: Path) -> None:
    child, log = demo(tmp_path, subprocess.PIPE)
    assert child.stdout is not None
    child.stdout.readline()  # someone watched the first line, then closed the pipe
    child.stdout.close()
    _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err
    ends = [e["outcome"] for e in events(log) if e["event"] == "episode_end"]
    assert ends == ["relieved"], err
    assert "Traceback" not in err
    assert err.count("the console cannot be written") == 1


def test_a_console_on_a_full_disk_does_not_end_the_night(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        child, log = demo(tmp_path, full)
        _, err = child.communicate(timeout=600)
    assert child.returncode == 0, err
    ends = [e["outcome"] for e in events(log) if e["event"] == "episode_end"]
    assert ends == ["relieved"], err
    assert "Traceback" not in err


def test_ctrl_c_ends_a_night_started_from_a_background_job(tmp_path: Path) -> None:
    # A shell's background job starts with SIGINT ignored; the assistant must still end on it,
    # and not keep its data folder locked for every run after it.
    import signal
    import time

    quiet = tmp_path / "quiet.wav"
    soundfile.write(str(quiet), np.zeros(RATE * 120, dtype=np.int16), RATE, subtype="PCM_16")
    log = tmp_path / "events.jsonl"
    child = start_cli(
        "--data-dir", tmp_path / "data", "run", "--input", quiet, "--realtime", "--events", log,
        stdout=subprocess.DEVNULL,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while not (log.exists() and '"listening"' in log.read_text()):
        assert child.poll() is None and time.monotonic() < deadline, "it never listened"
        time.sleep(0.1)
    child.send_signal(signal.SIGINT)
    _, err = child.communicate(timeout=30)
    assert child.returncode == 130, err


def test_a_report_over_an_earlier_one_on_a_full_disk_leaves_the_earlier_whole(
    tmp_path: Path, small_disk: Path
) -> None:
    from tests.commands import diary_of

    data = diary_of(tmp_path / "data", "2026-11-20T03:00", "2026-11-21T03:00")
    report = small_disk / "report.html"
    first = run_cli("--data-dir", data, "report", "--out", report, "--since", "2026-11-01")
    assert first.returncode == 0, first.stderr
    before = report.read_bytes()
    free = subprocess.run(["df", "--output=avail", "-B1", str(small_disk)], capture_output=True,
                          text=True).stdout.split()[-1]  # fmt: skip
    (small_disk / "filler").write_bytes(b"\0" * max(0, int(free) - 8192))
    again = run_cli("--data-dir", data, "report", "--out", report, "--since", "2026-11-01")
    assert again.returncode == 2
    assert f"{report}: No space left on device" in again.stderr and "Traceback" not in again.stderr
    assert report.read_bytes() == before and before.rstrip().endswith(b"</html>")
    assert {p.name for p in small_disk.iterdir()} == {"filler", "report.html"}  # no part left
