"""The real PocketSphinx engine on generated speech with fan noise, through the real loop.

Bars sit a little below what was measured, so that a regression fails and noise does not.
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from assistant.audio.convert import write_wav
from assistant.audio.sinks import NullSink
from assistant.audio.sources import WavSource
from assistant.config.settings import ListeningSettings
from assistant.dialogue.intents import IntentMatcher
from assistant.dialogue.routine import Routine
from assistant.dialogue.sequencer import replies_expected
from assistant.events import EventLog
from assistant.night.assistant import Assistant
from assistant.night.hearing import Ears
from assistant.speech.pocketsphinx_engine import PocketSphinxRecognizer
from assistant.speech.synthesizer import WorkerSynthesizer
from scripts.speechgen import mix, speak

pytestmark = pytest.mark.speech

VOICES = ["en-us", "en-us+f2", "en+m1"]
RATES = [120, 170]

CRAMP_TALK = [
    "Night leg cramps are sudden, painful tightenings of the calf muscle.",
    "Many older adults say they have a cramp in the leg at least once a week.",
    "If you get a leg cramp, stretching the calf usually helps within minutes.",
    "She told me she had a foot cramp last night and could not sleep again.",
    "Doctors ask how often the cramps come, how long they last, and which leg.",
]


@pytest.fixture(scope="module")
def recognizer() -> PocketSphinxRecognizer:
    return PocketSphinxRecognizer()


def triggers_heard(routine: Routine, audio: np.ndarray, tmp: Path, data_dir: Path) -> list[str]:
    """Run the whole assistant on `audio` as its microphone; return the trigger texts."""
    wav = tmp / "mic.wav"
    write_wav(wav, audio, 16000)
    events = EventLog(keep=True)
    assistant = Assistant(
        routine,
        Ears(PocketSphinxRecognizer(), ListeningSettings()),
        WorkerSynthesizer(data_dir / "speech"),
        WavSource(wav),
        NullSink(),
        events,
    )
    assistant.run()
    return [e["text"] for e in events.records if e["event"] == "trigger"]


def test_trigger_phrases_are_heard_in_fan_noise(
    routine: Routine, tmp_path: Path, data_dir: Path
) -> None:
    rng = np.random.default_rng(7)
    phrases = ["i have a cramp", "i've got a cramp", "leg cramp", "foot cramp", "help my leg"]
    results = []
    for phrase, voice, rate in itertools.product(phrases, VOICES, RATES):
        audio = mix(speak(phrase, voice, rate), snr_db=10, rng=rng, tail=2.0)
        results.append(bool(triggers_heard(routine, audio, tmp_path, data_dir)))
    recall = np.mean(results)
    assert recall >= 0.85, f"trigger recall at 10 dB SNR: {recall:.0%}"


def test_talk_about_cramps_never_starts_the_routine(
    routine: Routine, tmp_path: Path, data_dir: Path
) -> None:
    rng = np.random.default_rng(8)
    pieces = [
        mix(speak(s, voice), snr_db=20, rng=rng, lead=0.3, tail=0.4)
        for s, voice in zip(CRAMP_TALK, itertools.cycle(VOICES), strict=False)
    ]
    audio = np.concatenate(pieces)
    assert triggers_heard(routine, audio, tmp_path, data_dir) == []


def test_silence_and_fan_noise_never_start_the_routine(
    routine: Routine, tmp_path: Path, data_dir: Path
) -> None:
    rng = np.random.default_rng(9)
    audio = mix(np.zeros(16000 * 60, dtype=np.float32), snr_db=None, rng=rng)
    fan = rng.normal(0, 1, len(audio)).cumsum()
    fan = (fan - np.convolve(fan, np.ones(801) / 801, mode="same")) * 40
    noisy = np.clip(audio + fan, -32768, 32767).astype(np.int16)
    assert triggers_heard(routine, noisy, tmp_path, data_dir) == []


def test_replies_are_understood_and_rarely_mistaken(
    routine: Routine, recognizer: PocketSphinxRecognizer
) -> None:
    matcher = IntentMatcher(routine)
    step = routine.steps["ask_easing"]
    expect = replies_expected(routine, step)
    recognizer.expect(matcher.grammar(expect), "reply")
    replies = {
        "still hurts": "still_hurts",
        "it's better": "better",
        "better": "better",
        "it's gone": "gone",
        "stop": "stop",
        "repeat that": "repeat",
        "yes": "yes",
        "no": "no",
        "i can't stand": "cannot_stand",
        "my leg is swollen": "red_flag",
        "it's my foot": "foot",
    }
    rng = np.random.default_rng(10)
    right = wrong = total = 0
    for (said, intent), voice in itertools.product(replies.items(), VOICES):
        recognizer.begin()
        recognizer.feed(mix(speak(said, voice), snr_db=10, rng=rng))
        hypothesis = recognizer.end()
        got = matcher.match(hypothesis.text, expect).name if hypothesis.text else "unknown"
        total += 1
        right += got == intent
        wrong += got not in (intent, "unknown")
    assert right / total >= 0.85, f"reply accuracy {right}/{total}"
    assert wrong / total <= 0.07, f"wrong intents {wrong}/{total}"


def test_a_trigger_must_come_out_of_quiet(routine: Routine, tmp_path: Path, data_dir: Path) -> None:
    rng = np.random.default_rng(11)
    talk = speak("and then she said")
    trigger = speak("i have a cramp")
    right_after = mix(np.concatenate([talk, np.zeros(int(0.4 * 16000)), trigger]), 20, rng)
    assert triggers_heard(routine, right_after, tmp_path, data_dir) == []
    after_quiet = mix(np.concatenate([talk, np.zeros(int(2.5 * 16000)), trigger]), 20, rng)
    assert triggers_heard(routine, after_quiet, tmp_path, data_dir) == ["i have a cramp"]


def test_every_grammar_of_the_routine_is_built_from_its_templates(routine: Routine) -> None:
    # PocketSphinx takes each set of templates as a word automaton of the sentences they allow,
    # every word found in its dictionary or added ("cramp's" from "cramp"), none left out.
    from assistant.dialogue.sequencer import every_expectation

    matcher = IntentMatcher(routine)
    recognizer = PocketSphinxRecognizer()
    grammars = [(matcher.grammar(intents), mode) for intents, mode in every_expectation(routine)]
    for grammar, mode in [*grammars, (matcher.trigger_grammar(), "trigger")]:
        recognizer.expect(grammar, mode)
        assert all(recognizer._knows(w) for s in grammar.sentences for w in s.split())
