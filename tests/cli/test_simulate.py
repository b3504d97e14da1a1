"""Whole episodes through the real command: the person's replies are synthesized, then *heard*
by the real recognizer, and the assistant's answers come back as events."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.commands import ROOT, run_cli

pytestmark = pytest.mark.speech


def simulate(tmp_path: Path, data_dir: Path, body: str, *extra: str) -> list[dict]:
    scenario = tmp_path / "night.toml"
    scenario.write_text('[scenario]\nvoice = "en-us"\n' + body, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    done = run_cli(
        "--data-dir",
        data_dir,
        "simulate",
        scenario,
        "--events",
        events,
        "--output",
        tmp_path / "night.wav",
        *extra,
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
        '[[turn]]\nsay = "still hurts"\n[[turn]]\nsay = "it\'s better"\n',
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
    assert "Ten seconds." not in said(events)  # it stopped before the first count


def test_after_stop_nothing_but_the_goodbye(tmp_path: Path, data_dir: Path) -> None:
    # Three cramps already tonight: the frequency advice is due, but never after "stop".
    for start in ("2026-11-20T23:10", "2026-11-21T00:40", "2026-11-21T01:30"):
        done = run_cli("--data-dir", data_dir, "diary", "add", "--start", start, "--minutes", "3")
        assert done.returncode == 0, done.stderr
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "stop"\nduring = "hold"\n',
        "--start",
        "2026-11-21T03:00",
    )
    assert kinds(events, "episode_end", "outcome") == ["stopped"]
    stop = next(e["t"] for e in events if e["event"] == "intent" and e["name"] == "stop")
    after = [e["text"] for e in events if e["event"] == "say" and e["t"] >= stop]
    assert after and not any("cramps tonight" in line or "doctor" in line for line in after)
    assert len(after) <= 2, after  # the goodbye, nothing more


def test_no_answer_at_all(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(tmp_path, data_dir, '[[turn]]\nsay = "I have a cramp"\n')
    assert kinds(events, "episode_end", "outcome") == ["no_response"]
    asked = "Is the cramp getting better?"
    reprompts = [t for t in kinds(events, "say", "text") if t.startswith(asked)]
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


# ------------------------------------------------------------------ voice controls


def test_slower_and_quieter_last_into_the_next_night(tmp_path: Path) -> None:
    own = tmp_path / "data"  # preferences are kept in the data folder: not the shared one
    # Said as a person would ask (the single words are in the listening benchmark): this test is
    # about what is remembered, not about hearing at the edge of the threshold.
    first = simulate(
        tmp_path,
        own,
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "slow down"\nduring = "hold"\n'
        '[[turn]]\nsay = "too loud"\nduring = "hold"\n[[turn]]\nsay = "stop"\nduring = "hold"\n',
    )
    assert [e["name"] for e in first if e["event"] == "intent"] == ["slower", "quieter", "stop"]
    assert [(e["setting"], e["value"]) for e in first if e["event"] == "adjust"] == [
        ("pace", 120),
        ("volume", 0.429),
    ]
    lines = {e["text"]: e["seconds"] for e in first if e["event"] == "say"}
    assert "Okay, slower." in lines and "Okay, quieter." in lines
    second = simulate(tmp_path, own, '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "stop"\n')
    start = second[0]
    assert (start["pace"], start["volume"]) == (120, 0.429)
    # The same greeting takes longer at the slower pace.
    greeting = "I'm here. Straighten your leg."
    before = simulate(tmp_path, tmp_path / "other", '[[turn]]\nsay = "cramp"\n')
    slow = next(e["seconds"] for e in second if e["event"] == "say" and e["text"] == greeting)
    usual = next(e["seconds"] for e in before if e["event"] == "say" and e["text"] == greeting)
    assert slow > usual * 1.1


def test_wait_then_go_on(tmp_path: Path, data_dir: Path) -> None:
    events = simulate(
        tmp_path,
        data_dir,
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "wait"\nduring = "hold"\n'
        '[[turn]]\nsilence = 30\n[[turn]]\nsay = "carry on"\n[[turn]]\nsay = "it\'s gone"\n'
        'during = "hold"\n',
    )
    assert kinds(events, "intent", "name") == ["wait", "go_on", "gone"]
    text = said(events)
    assert "Okay, I'll wait." in text and "Okay, let's go on." in text
    assert kinds(events, "step", "id").count("stretch") == 2  # the stretch starts again
    assert kinds(events, "episode_end", "outcome") == ["relieved"]


def test_foot_variant_and_other_leg(tmp_path: Path) -> None:
    # Its own data folder: the shared one's cached renderings (some made by the espeak-ng
    # fallback in the fault tests) change the echo in the microphone. Whisper hears espeak's
    # "other leg" as "lag": "now the other leg" sat at the second opinion's bar (-6.8 against
    # -7 before this round, -7.2 after it, with the prompts' timing shifted 30 ms); "it's the
    # other leg" is at -5.3. This test is about the routing, not that edge.
    events = simulate(
        tmp_path,
        tmp_path / "data",
        '[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "it\'s my foot"\n'
        '[[turn]]\nsay = "it\'s the other leg"\n[[turn]]\nsay = "it\'s gone"\nduring = "hold"\n',
    )
    assert kinds(events, "intent", "name") == ["foot", "other_leg", "gone"]
    steps = kinds(events, "step", "id")
    assert "foot_stretch" in steps and "other_leg" in steps
    assert kinds(events, "episode_end", "outcome") == ["relieved"]


# ------------------------------------------------------------------ barge-in


def test_stop_said_over_the_assistant_cuts_it_off_at_once(tmp_path: Path, data_dir: Path) -> None:
    """Its own voice comes back into the microphone (echo 0.3); "stop" said over a prompt ends
    the speech within 300 ms of the end of the word, and the routine stops."""
    events = simulate(
        tmp_path,
        data_dir,
        'echo = 0.3\n[[turn]]\nsay = "I have a cramp"\n[[turn]]\nsay = "still hurts"\n'
        '[[turn]]\nsay = "stop"\nduring = "speech"\nat = 1.5\n',
    )
    over = next(e for e in events if e["event"] == "person" and e["during"] == "speech")
    barge = [e for e in events if e["event"] == "barge_in"]
    assert [b["name"] for b in barge] == ["stop"]
    assert 0 <= barge[0]["t"] - over["speech_end"] <= 0.3
    assert kinds(events, "episode_end", "outcome") == ["stopped"]
    # The prompt it was saying was cut: what follows is the goodbye.
    later = [e["text"] for e in events if e["event"] == "say" and e["t"] >= barge[0]["t"]]
    assert later[0].startswith("Okay, I'll stop.")


def test_its_own_voice_never_cuts_it_off(tmp_path: Path, data_dir: Path) -> None:
    """A whole episode with a loud echo (0.6) and nobody talking over it: no barge-in."""
    events = simulate(
        tmp_path,
        data_dir,
        'echo = 0.6\n[[turn]]\nsay = "leg cramp"\n[[turn]]\nsay = "still hurts"\n'
        '[[turn]]\nsay = "still hurts"\n[[turn]]\nsay = "I can\'t stand"\n'
        '[[turn]]\nsay = "it\'s gone"\n',
    )
    assert kinds(events, "barge_in", "name") == []
    assert sum(kinds(events, "say", "seconds")) > 45  # its own voice heard back for so long
    assert kinds(events, "episode_end", "outcome") == ["relieved"]


def test_a_full_disk_never_ends_the_night(tmp_path: Path, data_dir: Path) -> None:
    """The event log and the remembered pace both hit a full disk (/dev/full answers every
    write with ENOSPC): the episode still runs to the end the routine decides."""
    own = tmp_path / "own-data"
    own.mkdir()
    (own / "preferences.part").symlink_to("/dev/full")
    scenario = tmp_path / "night.toml"
    scenario.write_text(
        '[scenario]\nvoice = "en-us"\n[[turn]]\nsay = "I have a cramp"\n'
        '[[turn]]\nsay = "slower"\nduring = "hold"\n'
        '[[turn]]\nsay = "it\'s gone"\nduring = "hold"\n',
        encoding="utf-8",
    )
    done = run_cli("--data-dir", own, "simulate", scenario, "--events", "/dev/full")
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "No space left on device" in done.stderr  # said once, in the log
    assert "episode ended: relieved" in done.stdout


def test_the_demo_never_hears_itself(tmp_path: Path) -> None:
    """The sample night with the emergency number 911 (its echo was once taken for "wait")."""
    config = tmp_path / "config.toml"
    config.write_text('[routine]\nemergency = "911"\n', encoding="utf-8")
    events = tmp_path / "events.jsonl"
    done = run_cli(
        "--config", config, "--data-dir", tmp_path / "data", "demo", "--fast", "--events", events
    )
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in events.read_text().splitlines()]
    assert kinds(records, "barge_in", "name") == []
    assert kinds(records, "intent", "name") == ["still_hurts", "better"]
    assert kinds(records, "episode_end", "outcome") == ["relieved"]


# ------------------------------------------------------------------ the scenario file itself


def test_a_missing_audio_file_is_refused_before_the_night_starts(tmp_path: Path) -> None:
    scenario = tmp_path / "night.toml"
    scenario.write_text('[[turn]]\nsay = "I have a cramp"\n[[turn]]\naudio = "better.wav"\n')
    data = tmp_path / "data"
    done = run_cli("--data-dir", data, "simulate", scenario, "--diary", timeout=60)
    assert done.returncode == 2
    assert f"turn[2].audio: expected an audio file ({tmp_path / 'better.wav'} does not exist)" in (
        done.stderr
    )
    assert "Traceback" not in done.stderr
    assert not (data / "diary.sqlite3").exists()  # no night, so no interrupted episode


def test_a_turn_that_is_never_played_is_named_and_fails_the_run(tmp_path: Path) -> None:
    """The night ends (stop) before the third turn, meant for a hold, could come."""
    scenario = tmp_path / "night.toml"
    scenario.write_text(
        '[scenario]\nvoice = "en-us"\n[[turn]]\nsay = "I have a cramp"\n'
        '[[turn]]\nsay = "stop"\nduring = "hold"\n[[turn]]\nsay = "slower"\nduring = "hold"\n'
    )
    done = run_cli("--data-dir", tmp_path / "data", "simulate", scenario, timeout=300)
    assert done.returncode == 1
    assert "before turn 3 (say 'slower', during = 'hold') could be played" in done.stderr


def test_the_readme_scenario_runs_as_written(tmp_path: Path) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("A scenario:\n\n```toml\n", 1)[1].split("```", 1)[0]
    scenario = tmp_path / "night.toml"
    scenario.write_text(example, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    done = run_cli("--data-dir", tmp_path / "data", "simulate", scenario, "--events", events)
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in events.read_text().splitlines()]
    assert [r["outcome"] for r in records if r["event"] == "episode_end"] == ["relieved"]


def test_the_demo_log_and_console_go_forward_in_time(tmp_path: Path) -> None:
    events = tmp_path / "events.jsonl"
    done = run_cli("--data-dir", tmp_path / "data", "demo", "--fast", "--events", events)
    assert done.returncode == 0, done.stderr
    times = [json.loads(line)["t"] for line in events.read_text().splitlines()]
    assert times == sorted(times)
    shown = [float(line[1:8]) for line in done.stdout.splitlines() if line.startswith("[")]
    assert len(shown) > 20 and shown == sorted(shown)
    # What the scripted person says, and what the microphone heard, are told apart.
    assert "person:    I have a cramp" in done.stdout
    assert "heard:     i have a cramp   (trigger)" in done.stdout
