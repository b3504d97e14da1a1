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
# Measured on this short corpus with PocketSphinx and the Whisper second opinion (at 10 dB, each
# file drawn with its own random generator: scripts/make_corpus.py's file_rng): triggers the
# templates list 6 of 8 (Whisper wrote "I am a Tram." and "I am a friend." for "I have a
# cramp"), unlisted wordings 8 of 8, no false wake in the cramp talk, ordinary speech or noise,
# nor among 72 short phrases, 17 near-triggers and 38 replies said alone; replies 90.9% right
# (listed) and 100% (unlisted), none wrong. Each bar sits a little below (or above, for errors)
# what was measured.
RECALL_BAR = 0.625
UNLISTED_RECALL_BAR = 0.50
NEAR_BAR = 2
REPLY_RIGHT_BAR = 0.80
REPLY_WRONG_BAR = 0.06


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("bench")
    corpus = work / "corpus"
    subprocess.run(
        [sys.executable, "-m", "scripts.make_corpus", "--out", str(corpus), "--small"],
        check=True,
        cwd=ROOT,  # scripts run as modules from the repository's root
        capture_output=True,
        timeout=600,
    )
    out = work / "bench.json"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "scripts.bench",
            "--corpus",
            str(corpus),
            "--json",
            str(out),
            "--engine",
            "pocketsphinx+whisper",
        ],
        cwd=ROOT,  # scripts run as modules from the repository's root
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stderr
    assert "| trigger recall, 10dB: listed / unlisted wordings / both |" in done.stdout
    return json.loads(out.read_text())["results"][0]


def test_trigger_recall(results: dict) -> None:
    assert results["trigger_recall"]["10dB"] >= RECALL_BAR
    assert results["paraphrase_trigger_recall"]["10dB"] >= UNLISTED_RECALL_BAR


def test_no_false_triggers_on_cramp_talk_speech_or_noise(results: dict) -> None:
    for kind in ("cramp-talk", "ordinary-speech", "bedroom-noise"):
        assert results["negatives"][kind]["false_triggers"] == 0, kind


def test_short_phrases_said_alone_rarely_trigger(results: dict) -> None:
    # The hardest negatives (near-homophones of the triggers, out of quiet). Measured: see the
    # README; the bar only stops it getting worse.
    near = results["negatives"]["short-phrases"]["false_triggers"]
    near += results["negatives"]["near-triggers"]["false_triggers"]
    assert near <= NEAR_BAR


def test_replies_said_alone_never_wake_it(results: dict) -> None:
    assert results["negatives"]["replies-alone"]["false_triggers"] == 0


def test_replies_understood_and_rarely_wrong(results: dict) -> None:
    for kind in ("reply", "reply_paraphrase"):  # listed wordings, and people's own
        accuracy = results["replies"]["10dB"][kind]
        assert accuracy["right"] >= REPLY_RIGHT_BAR, kind
        assert accuracy["wrong"] <= REPLY_WRONG_BAR, kind


def test_answers_come_quickly_and_listening_is_cheap(results: dict) -> None:
    # Guards, not goals (the goals are the benchmark's): five times each goal, so that a busy
    # CI machine (or the suite run in the background) still passes; memory does not slow down.
    assert results["trigger_latency"]["p95"] < 5 * 0.5
    assert results["idle_cpu_per_audio_second"] < 5 * 0.01
    assert results["peak_memory_mb"] < 600
    assert results["start_to_listening_s"] < 5 * 3.0
