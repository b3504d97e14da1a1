"""Keeps the listening figures from sliding back: a short corpus through the real benchmark.

The bars sit a little below what this short corpus measured (see the README's table for the
full corpus): a regression in recall, false triggers or reply accuracy fails here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.speech
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    corpus = work / "corpus"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_corpus.py"), "--out", str(corpus), "--small"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    out = work / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "bench.py"),
            "--corpus",
            str(corpus),
            "--json",
            str(out),
            "--engine",
            "pocketsphinx",
        ],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    assert "| trigger recall, 10dB |" in done.stdout
    return json.loads(out.read_text())["results"][0]


def test_trigger_recall(results: dict) -> None:
    assert results["trigger_recall"]["10dB"] >= 0.80


def test_no_false_triggers_on_cramp_talk_speech_or_noise(results: dict) -> None:
    for kind in ("cramp-talk", "ordinary-speech", "bedroom-noise"):
        assert results["negatives"][kind]["false_triggers"] == 0, kind


def test_short_phrases_said_alone_rarely_trigger(results: dict) -> None:
    # The hardest negatives (near-homophones of the triggers, out of quiet). Measured: see the
    # README; the bar only stops it getting worse.
    phrases = results["negatives"]["short-phrases"]
    assert phrases["false_triggers"] <= 16


def test_replies_understood_and_rarely_wrong(results: dict) -> None:
    accuracy = results["reply_accuracy"]["10dB"]
    assert accuracy["right"] >= 0.7
    assert accuracy["wrong"] <= 0.10


def test_answers_come_quickly_and_listening_is_cheap(results: dict) -> None:
    # Generous margins: CI machines are slower and busier than a quiet benchmark run.
    assert results["trigger_latency"]["p95"] < 1.0
    assert results["idle_cpu_per_audio_second"] < 0.02
    assert results["peak_memory_mb"] < 300
    assert results["start_to_listening_s"] < 5.0
