"""The routine file: it loads, it is safe by the clinical guidance, and bad files are refused."""

from __future__ import annotations

import re
import tomllib
from datetime import datetime
from pathlib import Path

import pytest

from assistant.dialogue.routine import Routine
from assistant.dialogue.routine_file import default_routine_path, load_routine, parse_routine
from assistant.errors import ConfigError

FORBIDDEN = re.compile(
    r"\b(needle|needles|pin|pins|prick|pierce|cut|cutting|quinine|magnesium|supplement|"
    r"it's nothing|not a clot|painkiller|ibuprofen|paracetamol)\b",
    re.IGNORECASE,
)


def raw_routine() -> dict:
    return tomllib.loads(default_routine_path().read_text(encoding="utf-8"))


def referrers(routine: Routine, target: str) -> list[tuple[str, str]]:
    """(step, how) pairs for every way into `target`."""
    found = []
    for step in routine.steps.values():
        if step.next == target:
            found.append((step.id, "next"))
        if step.on_silence == target:
            found.append((step.id, "on_silence"))
        for intent, targets in step.replies.items():
            if target in targets:
                found.append((step.id, intent))
    for intent, t in routine.global_replies.items():
        if t == target:
            found.append(("*", intent))
    return found


def test_the_shipped_routine_loads(routine: Routine) -> None:
    assert routine.start == "greet"
    sentences = routine.templates.sentences_of("trigger")
    for phrase in ("i have a cramp", "leg cramp", "foot cramp", "help my leg", "cramp"):
        assert phrase in sentences


def test_nothing_unsafe_is_ever_said(routine: Routine) -> None:
    for line in routine.prompts():
        assert not FORBIDDEN.search(line), line


def test_every_sentence_is_short(routine: Routine) -> None:
    for line in routine.prompts():
        for sentence in re.split(r"(?<=[.?!])\s+", line):
            assert len(sentence.split()) <= 12, sentence


def assert_only_reached_by(routine: Routine, word: str, replies: set[str], asked: str) -> None:
    """Every way into every instruction step whose lines hold `word` is one of `replies` to a
    question holding `asked` (questions and end steps that merely mention the word are not
    instructions: "before you rub it", "do not rub")."""
    steps = [s for s in routine.steps.values() if any(word in x.lower() for x in s.say)]
    steps = [s for s in steps if not s.end and not s.asks]
    assert steps
    for step in steps:
        for source, how in referrers(routine, step.id):
            question = " ".join(routine.steps[source].say).lower()
            assert how in replies and asked in question, (step.id, source, how)


def test_rubbing_is_only_reached_by_answering_no_to_the_swelling_question(
    routine: Routine,
) -> None:
    assert_only_reached_by(routine, "rub", {"no"}, "red, hot or swollen")


def test_standing_is_only_reached_by_a_reply_that_confirms_sitting(routine: Routine) -> None:
    # Every way into every step that tells the person to stand, over the whole routine file:
    # only "ready" (I'm sitting) to a question about sitting leads there: not "still hurts",
    # and not "okay" or "yes" said to acknowledge.
    assert_only_reached_by(routine, "stand", {"ready"}, "sitting")
    assert "First, sit on the edge of the bed." in routine.steps["sit_up"].say


def test_the_emergency_number_is_configurable(routine: Routine) -> None:
    assert any("nine nine nine" in line for line in routine.steps["red_breathing"].say)
    plain = load_routine()
    assert any("your emergency number" in line for line in plain.steps["red_breathing"].say)


def test_it_escalates_after_about_ten_minutes(routine: Routine) -> None:
    assert 540 <= routine.escalate_after <= 660
    assert routine.steps[routine.escalate_step].end == "escalated"


WORDS_40 = [f"word{chr(97 + i // 26)}{chr(97 + i % 26)}" for i in range(40)]


@pytest.mark.parametrize(
    ("change", "key", "expected"),
    [
        (lambda d: d["steps"]["stretch"].update(next="nowhere"), "steps.stretch.next", "a step"),
        (
            lambda d: d["steps"]["ask_easing"]["replies"].update(sideways="rest"),
            "steps.ask_easing.replies.sideways",
            "an intent name",
        ),
        (lambda d: d["steps"]["greet"].pop("next"), "steps.greet", "leads nowhere"),
        (lambda d: d["steps"]["greet"].update(wait=3), "steps.greet.wait", "step keys"),
        (lambda d: d["steps"]["stretch"].update(hold="long"), "steps.stretch.hold", "seconds"),
        (lambda d: d["routine"].update(start="nope"), "routine.start", "a step"),
        (lambda d: d["triggers"].update(phrases=[]), "triggers.phrases", "trigger phrase"),
        (
            lambda d: d["not_triggers"].update(phrases=["i [have] a cramp", "leg cream"]),
            "not_triggers.phrases",
            "sentences of its own ('i have a cramp' is also a trigger sentence)",
        ),
        (
            lambda d: (
                d["steps"].update(loop_a={"say": ["a"], "next": "loop_b"})
                or d["steps"].update(loop_b={"say": ["b"], "next": "loop_a"})
            ),
            "steps.loop_a",
            "path from this step to an `end`",
        ),
        (
            lambda d: (
                d["routine"].update(escalate_after=0)
                or d["steps"]["escalate_time"].pop("end")
                or d["steps"]["escalate_time"].update(next="rest")
            ),
            "routine.escalate_step",
            "a step with `end` ('escalate_time' does not end)",
        ),
        (
            lambda d: d["steps"]["sit_up"]["replies"].update(done="stand"),
            "steps.sit_up.replies.done",
            "only a `ready` reply to lead to 'stand', which assumes the person is sitting",
        ),
        (
            lambda d: d["intents"].update(done=["okay", "[it's] better"]),
            "intents.done",
            'sentences of its own ("it\'s better" is also better)',
        ),
        (
            lambda d: d["intents"].update(better=["[it's] (better"]),
            "intents.better",
            "sentence templates",
        ),
        (
            lambda d: d["triggers"].update(phrases=["<nothing> cramp"]),
            "triggers.phrases",
            "rules in [expansion_rules] (Missing expansion rule <nothing>)",
        ),
        (
            lambda d: d["triggers"].update(phrases=["{limbs} cramp"]),
            "triggers.phrases",
            "not {lists}",
        ),
        (
            lambda d: (
                d["expansion_rules"].update(loop="a <loop>") or d["intents"].update(stop=["<loop>"])
            ),
            "intents.stop",
            "expansion rules that do not refer to themselves",
        ),
        (
            lambda d: d["intents"].update(stop=[" ".join(["(" + "|".join(WORDS_40) + ")"] * 3)]),
            "intents.stop",
            "at most 50,000 sentences",
        ),
    ],
)
def test_a_broken_routine_is_refused_naming_the_key(change, key: str, expected: str) -> None:
    data = raw_routine()
    change(data)
    with pytest.raises(ConfigError) as err:
        parse_routine(data, "my-routine.toml")
    message = str(err.value)
    assert message.startswith(f"my-routine.toml: {key}: expected ")
    assert expected in message


def test_a_file_that_is_not_toml_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "routine.toml"
    bad.write_text("[steps\nsay = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="routine.toml: expected valid TOML"):
        load_routine(bad)


def test_the_diary_keepers_words_come_from_the_routine_file(tmp_path: Path) -> None:
    from assistant.diary.recorder import EpisodeRecorder
    from assistant.night.assistant import every_line

    data = raw_routine()
    data["diary"]["week_many"] = "You had {count} cramps this week."
    data["diary"]["several_tonight"] = "Many cramps tonight. Tell your doctor."
    routine = parse_routine(data, "routine.toml")
    recorder = EpisodeRecorder(
        tmp_path / "diary.sqlite3", datetime(2026, 11, 20, 3), routine=routine
    )
    try:
        assert recorder.words.week(4) == "You had 4 cramps this week."
        assert recorder.advice("several in one night") == "Many cramps tonight. Tell your doctor."
    finally:
        recorder.close()
    lines = every_line(routine)  # rendered before the night, as every routine line is
    assert "You had 20 cramps this week." in lines and "Tell your doctor." in lines
    data["diary"]["week_many"] = "You had cramps this week."
    with pytest.raises(ConfigError, match="diary.week_many: expected a sentence with {count}"):
        parse_routine(data, "routine.toml")
