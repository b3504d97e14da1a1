"""Whole episodes through the real command: the person's replies are synthesized, then *heard*
by the real recognizer, and the assistant's answers come back as events."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.speech


def simulate(tmp_path: Path, data_dir: Path, body: str) -> list[dict]:
    scenario = tmp_path / "night.toml"
    scenario.write_text('[scenario]\nvoice = "en-us"\n' + body, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "assistant",
            "--data-dir",
            str(data_dir),
            "simulate",
            str(scenario),
            "--events",
            str(events),
            "--output",
            str(tmp_path / "night.wav"),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHONWARNINGS": "error"},
    )
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return [json.loads(line) for line in events.read_text().splitlines()]


def kinds(events: list[dict], kind: str, field: str) -> list:
    return [e[field] for e in events if e["event"] == kind]


def said(events: list[dict]) -> str:
    return " ".join(kinds(events, "say", "text"))


def test_relieved_at_once(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path, data_dir, '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "it\'s gone"\n'
    )
    assert kinds(events, "trigger", "text") == ["i have a cramp"]
    assert kinds(events, "intent", "name") == ["gone"]
    assert kinds(events, "episode_end", "outcome") == ["relieved"]
    assert "pillow" in said(events)
    assert (tmp_path / "night.wav").stat().st_size > 100_000  # the spoken night was written


def test_still_hurts_twice_then_better(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "leg cramp"\n[[turn]]\nsay = "still hurts"\n'
        '[[turn]]\nsay = "still hurts"\n[[turn]]\nsay = "better"\n',
    )
    assert kinds(events, "intent", "name") == ["still_hurts", "still_hurts", "better"]
    steps = kinds(events, "step", "id")
    assert steps[:4] == ["greet", "stretch", "ask_easing", "stretch_again"]
    assert "sit_up" in steps and "extra_hold" in steps
    assert kinds(events, "episode_end", "outcome") == ["relieved"]


def test_cannot_stand(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "still hurts"\n'
        '[[turn]]\nsay = "still hurts"\n[[turn]]\nsay = "I can\'t stand"\n'
        '[[turn]]\nsay = "it\'s gone"\n',
    )
    steps = kinds(events, "step", "id")
    assert "seated_stretch" in steps and "stand" not in steps
    assert "towel" in said(events)
    assert kinds(events, "episode_end", "outcome") == ["relieved"]


def test_red_flag_mid_routine(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "my leg is swollen"\n',
    )
    assert kinds(events, "red_flag", "kind") == ["clot"]
    assert kinds(events, "episode_end", "outcome") == ["escalated"]
    assert "urgent medical advice" in said(events)
    assert "Rub the tight muscle" not in said(events)


def test_stop_during_a_hold(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "stop"\nduring = "hold"\n',
    )
    assert kinds(events, "intent", "name") == ["stop"]
    assert kinds(events, "episode_end", "outcome") == ["stopped"]
    assert "Ten." not in said(events)  # it stopped before the first count


def test_no_answer_at_all(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(tmp_path, data_dir, '[[turn]]\nsay = "I have a cramp"\n')
    assert kinds(events, "episode_end", "outcome") == ["no_response"]
    reprompts = [t for t in kinds(events, "say", "text") if t.startswith("Is the cramp easing?")]
    assert len(reprompts) == 1


def test_talk_about_cramps_does_not_start_the_routine(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "My mother had a leg cramp last night, and she said it was awful."\n'
        '[[turn]]\nsay = "Night cramps in the calf are common in older adults."\n',
    )
    assert kinds(events, "trigger", "text") == []
    assert kinds(events, "say", "text") == []


def test_every_event_has_a_time_on_the_audio_clock(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(tmp_path, data_dir, '[[turn]]\nsay = "cramp"\n[[turn]]\nsay = "stop"\n')
    times = [e["t"] for e in events]
    assert all(isinstance(t, float | int) and t >= 0 for t in times)
    heard = [e for e in events if e["event"] == "trigger"]
    first_answer = next(e for e in events if e["event"] == "say")
    # The answer comes soon after the person stops speaking.
    assert 0 <= first_answer["t"] - heard[0]["speech_end"] < 1.5
