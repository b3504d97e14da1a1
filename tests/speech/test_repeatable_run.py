"""`run --input FILE --repeatable` hears a file the same way every run, whatever the load.

Counting the work of each answer on the audio clock (as a device lives it) moved where listening
resumed after the answer with the machine's load; the front end then gave Whisper slightly other
audio, and the benchmark heard one or two triggers a level more or fewer from run to run. A
repeatable run logs the work with the answer instead (`work`), so the benchmark's latency still
counts it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from scripts.speechgen import RATE, brown_noise, speak, speech_level
from tests.commands import start_cli

pytestmark = pytest.mark.speech

SAID = [
    ("i have a cramp", "en-us"),
    ("my leg is cramping", "en-us+m3"),
    ("i've got a cramp", "en-gb"),
]
"""Said 12 s apart in fan noise at 20 dB: the first wakes it, the others answer its questions."""


def night_file(path: Path) -> None:
    rng = np.random.default_rng(7)
    voices = [speak(text, voice) for text, voice in SAID]
    level = np.mean([speech_level(v) for v in voices]) / 10 ** (20 / 20)
    night = brown_noise(int((4 + 12 * len(SAID)) * RATE), rng) * level
    for i, voice in enumerate(voices):
        start = int((3 + 12 * i) * RATE)
        night[start : start + len(voice)] += voice * 0.5 * 32767
    soundfile.write(str(path), np.clip(night, -32768, 32767).astype(np.int16), RATE)


def test_a_file_is_heard_the_same_way_by_two_runs_side_by_side(tmp_path: Path) -> None:
    wav = tmp_path / "night.wav"
    night_file(wav)
    runs = []
    for i in range(2):  # side by side: each one's work takes another time
        events = tmp_path / f"events-{i}.jsonl"
        child = start_cli(
            "--data-dir", tmp_path / f"data-{i}", "run", "--input", wav, "--repeatable",
            "--events", events,
        )  # fmt: skip
        runs.append((child, events))
    logs = []
    for child, events in runs:
        _, err = child.communicate(timeout=600)
        assert child.returncode == 0, err
        logs.append([json.loads(line) for line in events.read_text().splitlines()])

    def timeless(log: list[dict]) -> list[dict]:
        return [{k: v for k, v in e.items() if k not in ("work", "ready_seconds")} for e in log]

    assert timeless(logs[0]) == timeless(logs[1])
    # The first starts an episode; the others are heard as answers to its questions.
    heard = [e["transcript"] for e in logs[0] if e["event"] == "heard"]
    assert [e["text"] for e in logs[0] if e["event"] == "trigger"] == ["i have a cramp"], heard
    assert len(heard) >= len(SAID), heard
    # Each turn carries the work it waited for, for the benchmark's latency.
    turns = [e for e in logs[0] if "work" in e]
    assert len(turns) >= 3 and all(e["event"] in ("say", "tone") for e in turns)
    assert turns[0]["t"] > 4.0 and turns[0]["work"] > 0.0
