"""Nothing leaves the machine and no audio is kept unless asked: proven by tracing `run`.

strace follows every process the assistant starts (the speech worker, espeak-ng) and every
system call, so a socket opened by a C library would show as well as one opened by Python.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile

from scripts.speechgen import RATE, mix, speak
from tests.commands import run_cli

pytestmark = [
    pytest.mark.speech,
    pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed"),
]


def night(path: Path) -> Path:
    """A short night: quiet, 'I have a cramp', then a reply and quiet."""
    rng = np.random.default_rng(5)
    parts = [
        mix(speak("I have a cramp"), snr_db=20, rng=rng, lead=2.0, tail=8.0),
        mix(speak("stop"), snr_db=20, rng=rng, lead=0.5, tail=4.0),
    ]
    soundfile.write(str(path), np.concatenate(parts), RATE, subtype="PCM_16")
    return path


def traced_run(tmp_path: Path, *extra: str) -> tuple[list[str], Path]:
    data = tmp_path / "data"  # a fresh one: speech is rendered inside the trace too
    trace = tmp_path / "trace.txt"
    wav = night(tmp_path / "night.wav")
    done = run_cli(
        "--data-dir", data, "run", "--input", wav, *extra,
        under=["strace", "-f", "-qq", "-e", "trace=socket,openat,creat", "-o", str(trace)],
        timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "(trigger)" in done.stdout  # the night was really heard and answered
    return trace.read_text().splitlines(), data


def test_run_opens_no_network_socket_and_writes_no_audio(tmp_path: Path) -> None:
    calls, data = traced_run(tmp_path)
    sockets = [c for c in calls if " socket(" in c]
    network = [c for c in sockets if "AF_INET" in c or "AF_PACKET" in c or "AF_NETLINK" in c]
    assert network == [], network
    created = [
        m.group(1)
        for c in calls
        if ("O_CREAT" in c or " creat(" in c) and (m := re.search(r'"([^"]+)"', c))
    ]
    assert created, "the trace saw no file written at all: it is not tracing"
    audio = [p for p in created if p.endswith((".wav", ".raw", ".flac"))]
    # The only sound files written are the assistant's own rendered lines, in its cache.
    assert all(p.startswith(str(data / "cache" / "speech")) for p in audio), audio
    for path in data.rglob("*"):
        assert path.stat().st_mode & 0o077 == 0 or path.is_symlink(), f"{path} is not private"


def test_record_dir_keeps_each_utterance_privately(tmp_path: Path) -> None:
    folder = tmp_path / "heard"
    traced_run(tmp_path, "--record-dir", str(folder))
    kept = sorted(folder.glob("*.wav"))
    assert any("_trigger_i-have-a-cramp" in p.name for p in kept), kept
    assert folder.stat().st_mode & 0o777 == 0o700
    for path in kept:
        assert path.stat().st_mode & 0o777 == 0o600
        info = soundfile.info(str(path))
        assert info.samplerate == RATE and 0.3 < info.duration < 5
