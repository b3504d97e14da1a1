"""Asleep, what only sounds like a trigger ("I have a camp", "I'm camping", "I've got a crumb")
is refused because Whisper finds a sound-alike far likelier; the real trigger in the same voice
still wakes it. The real PocketSphinx and Whisper on espeak-ng speech, through the Ears."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.config.settings import Settings
from assistant.dialogue.intents import IntentMatcher
from assistant.dialogue.routine import Routine
from assistant.night.hearing import Ears, Heard
from assistant.speech.choose import build_recognizer
from assistant.speech.second_opinion import SecondOpinion
from scripts.speechgen import mix, speak

pytestmark = pytest.mark.speech

NEAR = [
    ("I have a camp", "I have a cramp", "en-us", 130),
    ("I'm camping", "I'm cramping", "en+m1", 170),
    ("I've got a crumb", "I've got a cramp", "en-us", 130),
]
"""A near-trigger, the trigger it sounds like, and the voice and words a minute both are said
in: clips each taken for a trigger when no rival is weighed (measured, and asserted below)."""


@pytest.fixture(scope="module")
def recognizer() -> SecondOpinion:
    built, why = build_recognizer(Settings())
    assert isinstance(built, SecondOpinion), f"the second opinion is installed by setup: {why}"
    return built


def triggers(
    recognizer: SecondOpinion, routine: Routine, said: str, voice: str, rate: int
) -> list[str]:
    """The triggers the Ears take from `said`, alone in quiet, asleep."""
    ears = Ears(recognizer, Settings().listening)
    ears.listen_for(IntentMatcher(routine).trigger_grammar(), "trigger")
    audio = mix(
        speak(said, voice, rate), snr_db=None, rng=np.random.default_rng(5), lead=2.0, tail=2.0
    )
    heard = [e for e in ears.utterances(audio) if isinstance(e, Heard)]
    return [e.hypothesis.text for e in heard if e.hypothesis.text]


@pytest.mark.parametrize(("near", "trigger", "voice", "rate"), NEAR)
def test_a_near_trigger_whisper_hears_as_its_sound_alike_does_not_wake_it(
    recognizer: SecondOpinion, routine: Routine, near: str, trigger: str, voice: str, rate: int
) -> None:
    lead = recognizer.rival_lead
    try:
        recognizer.rival_lead = math.inf  # no rival weighed: this clip passes for a trigger
        assert triggers(recognizer, routine, near, voice, rate) != []
    finally:
        recognizer.rival_lead = lead
    assert triggers(recognizer, routine, near, voice, rate) == []
    assert triggers(recognizer, routine, trigger, voice, rate) != []
