"""Replies in words people use, matched to intents; anything else is `unknown`."""

from __future__ import annotations

import pytest

from assistant.dialogue.intents import IntentMatcher, normalise
from assistant.dialogue.routine import Routine


@pytest.fixture(scope="module")
def matcher(routine: Routine) -> IntentMatcher:
    return IntentMatcher(routine)


@pytest.mark.parametrize(
    ("said", "intent", "kind"),
    [
        ("Still hurts.", "still_hurts", ""),
        ("It's better!", "better", ""),
        ("it\u2019s gone", "gone", ""),
        ("Stop", "stop", ""),
        ("Say that again", "repeat", ""),
        ("I can't stand", "cannot_stand", ""),
        ("I'm dizzy", "cannot_stand", ""),
        ("It's my foot", "foot", ""),
        ("Yes", "yes", ""),
        ("no", "no", ""),
        ("ready", "ready", ""),
        ("okay", "done", ""),
        ("My leg is swollen", "red_flag", "clot"),
        ("I can't breathe", "red_flag", "breathing"),
        ("I hurt my leg", "red_flag", "injury"),
        ("my leg is numb", "red_flag", "weakness"),
        # Whisper writes "quieter" as "Quiet..." or "Quiet, please.": not a stop.
        ("Quiet...", "quieter", ""),
        ("Quiet, please.", "quieter", ""),
        ("Be quiet!", "stop", ""),
    ],
)
def test_phrasings_map_to_intents(
    matcher: IntentMatcher, said: str, intent: str, kind: str
) -> None:
    got = matcher.match(said)
    assert (got.name, got.kind) == (intent, kind)


@pytest.mark.parametrize("said", ["banana", "what time is it", "", "the cat is on the bed"])
def test_anything_else_is_unknown(matcher: IntentMatcher, said: str) -> None:
    assert matcher.match(said).name == "unknown"


def test_only_allowed_intents_match(matcher: IntentMatcher) -> None:
    assert matcher.match("yes", allowed=["stop", "gone"]).name == "unknown"
    assert matcher.match("stop", allowed=["stop", "gone"]).name == "stop"


def test_phrases_for_the_recognizer(matcher: IntentMatcher) -> None:
    phrases = matcher.phrases(["stop", "red_flag"])
    assert "stop" in phrases and "my leg is swollen" in phrases
    assert "yes" not in phrases


@pytest.mark.parametrize(
    ("said", "trigger"),
    [
        ("I have a cramp", True),
        ("I have a cramps", True),
        ("I have a crump", False),
        ("leg cramp", True),
        ("I have a camera", False),
        ("my leg", False),
        ("cramping up the stairs", False),
    ],
)
def test_triggers_match_whole_phrases(matcher: IntentMatcher, said: str, trigger: bool) -> None:
    assert matcher.is_trigger(said) is trigger


def test_normalise() -> None:
    assert normalise("  I've GOT a Cramp!! ") == "i've got a cramp"


def test_barge_in_never_listens_for_a_word_the_assistant_is_saying(routine: Routine) -> None:
    from assistant.dialogue.intents import barge_in_phrases

    while_saying = barge_in_phrases(routine.barge_in, ["I'm still here. Say go on, or stop."])
    assert "stop" not in while_saying and "stop it" not in while_saying
    assert "wait" in while_saying
    holding = barge_in_phrases(routine.barge_in, ["Gently pull your toes up. Hold."])
    assert "hold on" not in holding and "stop" in holding
