"""Clicks in continuous fan noise at 8-9 dB SNR once counted as unanswered replies: an immediate
re-prompt, and every episode of a noisy night ended `no_response` 14 s after the first question.
With the front end (noise suppression, Silero VAD), the clicks are not replies."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from scripts.speechgen import RATE, brown_noise, speak, speech_level
from tests.commands import run_cli

pytestmark = pytest.mark.speech

SNR_DB = 8.5


def clicks_in_fan_noise(
    rng: np.random.Generator, seconds: float, level: float, first: float
) -> np.ndarray:
    """Fan noise at `level` (RMS) with a click of 0.12-0.3 s every 2-3.5 s from `first` on (a
    creaking bed, a fan's rattle)."""
    audio = brown_noise(int(seconds * RATE), rng) * level
    at = first
    while at < seconds - 0.5:
        n = int(rng.uniform(0.12, 0.3) * RATE)
        start = int(at * RATE)
        burst = rng.normal(0.0, 1.0, n) * np.exp(-np.arange(n) / (0.03 * RATE))
        audio[start : start + n] += burst * level * 6
        at += rng.uniform(2.0, 3.5)
    return audio


def test_clicks_in_fan_noise_are_not_taken_for_replies(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    said = speak("I have a cramp")
    trigger = said * 0.5 * 32767
    level = speech_level(said) / 10 ** (SNR_DB / 20)  # fan noise RMS, 16-bit units
    night = clicks_in_fan_noise(rng, 110.0, level, first=5.0)  # after the trigger
    night[2 * RATE : 2 * RATE + len(trigger)] += trigger
    night += rng.normal(0.0, 30.0, len(night))
    wav = tmp_path / "night.wav"
    soundfile.write(str(wav), np.clip(night, -32768, 32767).astype(np.int16), RATE)
    events_path = tmp_path / "events.jsonl"
    done = run_cli("--data-dir", tmp_path / "data", "run", "--input", wav, "--events", events_path)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in events_path.read_text().splitlines()]
    assert [e["text"] for e in events if e["event"] == "trigger"] == ["i have a cramp"]
    asked = next(
        e["t"] for e in events if e["event"] == "say" and e["text"] == "Is it getting better?"
    )
    reprompt = "Is the cramp getting better? Say better, or still hurts."
    again = next(e["t"] for e in events if e["event"] == "say" and e["text"] == reprompt)
    # Asked again only once the reply time-out (8 s) has passed with no answer, not at a click.
    assert again - asked >= 8.0
    ended = next(e["t"] for e in events if e["event"] == "episode_end")
    assert ended - asked >= 16.0
