"""The loop's own rules, with scripted engines: fast, and each rule a few lines.

The same rules run with real engines in tests/cli and tests/speech; here they are isolated.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

import assistant.night.assistant as assistant_module
from assistant.config.settings import ListeningSettings
from assistant.dialogue.routine import Routine
from assistant.events import EventLog
from assistant.night.assistant import Assistant
from assistant.night.hearing import Ears
from assistant.night.trigger_wait import WENT_ON_WAIT
from assistant.speech.recognizer import Hypothesis
from tests.fakes import (
    ArraySource,
    FixedSynthesizer,
    LoudnessDetector,
    RecordingSink,
    ScriptedRecognizer,
    Timeline,
)

LISTENING = ListeningSettings(noise_suppression=0)


def night(
    routine: Routine,
    timeline: Timeline,
    heard: list[str],
    listening: ListeningSettings = LISTENING,
    per_word: float = 0.1,
    recognizer: ScriptedRecognizer | None = None,
    count_work_time: bool = False,
) -> tuple[list[dict], ScriptedRecognizer, RecordingSink]:
    recognizer = recognizer or ScriptedRecognizer(heard)
    sink = RecordingSink()
    events = EventLog(keep=True)
    ears = Ears(recognizer, listening, detector=LoudnessDetector)
    assistant = Assistant(
        routine,
        ears,
        FixedSynthesizer(per_word),
        ArraySource(timeline.audio),
        sink,
        events,
        count_work_time=count_work_time,
    )
    assistant.run()
    return events.records, recognizer, sink


def kinds(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["event"] == kind]


def test_a_trigger_out_of_quiet_starts_the_routine(routine: Routine) -> None:
    events, _, sink = night(routine, Timeline(8).word(3.0, 1.0), ["i have a cramp"])
    assert [e["text"] for e in kinds(events, "trigger")] == ["i have a cramp"]
    assert sink.played and sink.played[0][0] >= 4.0  # answered after the words, not before


def test_a_trigger_too_soon_after_other_speech_is_not_taken(routine: Routine) -> None:
    timeline = Timeline(8).word(0.5, 2.1).word(3.1, 1.0)  # 0.5 s of quiet before the phrase
    events, _, _ = night(routine, timeline, ["", "i have a cramp"])
    assert kinds(events, "trigger") == []


def test_verbose_says_which_rule_refused_a_trigger(routine: Routine, caplog) -> None:
    # -v: "heard ... 'i have a cramp'" and then nothing was no help; the rule is named.
    with caplog.at_level("INFO", logger="assistant.night.assistant"):
        night(routine, Timeline(8).word(0.5, 2.1).word(3.1, 1.0), ["", "i have a cramp"])
        night(routine, Timeline(10).word(2.0, 4.0), ["i have a cramp"])
        night(routine, Timeline(8).word(3.0, 1.0), ["i have a plan"])
    said = caplog.text
    assert "'i have a cramp' (the quiet rule: 0.30 s of quiet before it" in said
    assert "'i have a cramp' (the length rule: 4." in said
    assert "'i have a plan' (not a trigger sentence of the routine)" in said


def test_a_long_trigger_said_slowly_is_not_refused_for_its_length(routine: Routine) -> None:
    # "I have a horrible cramp in my leg" at 110 words a minute is 4.4 s; talk of that length
    # heard as a short trigger sentence is still refused.
    slow = night(routine, Timeline(10).word(3.0, 4.4), ["i have a horrible cramp in my leg"])[0]
    talk = night(routine, Timeline(10).word(3.0, 4.4), ["i have a cramp"])[0]
    assert [e["text"] for e in kinds(slow, "trigger")] == ["i have a horrible cramp in my leg"]
    assert kinds(talk, "trigger") == []


def test_another_one_out_of_the_blue_wakes_nothing(routine: Routine, caplog) -> None:
    with caplog.at_level("INFO", logger="assistant.night.assistant"):
        events, _, _ = night(routine, Timeline(8).word(3.0, 1.0), ["another one"])
    assert kinds(events, "trigger") == []
    assert "'another one' (a cramp coming back" in caplog.text


def test_another_one_soon_after_an_episode_the_person_answered_in_wakes_it(
    routine: Routine,
) -> None:
    # "stop" said over the stretch line ends the first episode; the cramp comes back.
    timeline = Timeline(40).word(2.0, 1.0).word(13.5, 0.5).word(30.0, 0.8)
    heard = ["i have a cramp", "stop", "another one"]
    events, _, _ = night(routine, timeline, heard, per_word=1.0)
    assert [e["text"] for e in kinds(events, "trigger")] == ["i have a cramp", "another one"]


def test_another_one_after_an_episode_nobody_answered_in_wakes_nothing(routine: Routine) -> None:
    # Nobody answered the first episode (likely a false wake): "another one" is not a cramp.
    timeline = Timeline(110).word(2.0, 1.0).word(100.0, 0.8)
    events, _, _ = night(routine, timeline, ["i have a cramp", "another one"])
    assert [e["outcome"] for e in kinds(events, "episode_end")] == ["no_response"]
    assert [e["text"] for e in kinds(events, "trigger")] == ["i have a cramp"]


def test_an_interjection_out_of_quiet_is_the_start_of_the_trigger(routine: Routine) -> None:
    # "Ow!" ... "my calf is cramping": the gate cuts them apart; the "ow" is not talk.
    timeline = Timeline(8).word(2.0, 0.2).word(2.7, 1.0)
    events, _, _ = night(routine, timeline, ["", "my calf is cramping"])
    assert [e["text"] for e in kinds(events, "trigger")] == ["my calf is cramping"]


def test_oh_no_then_the_trigger_is_heard_at_a_slow_pace(routine: Routine) -> None:
    # "Oh no!" (a second at a slow pace) ... "ow, my calf is cramping up" (2.4 s): the length
    # rule counts the sentence, not the sound before it.
    timeline = Timeline(9).word(2.0, 0.85).word(3.4, 2.4)
    events, _, _ = night(routine, timeline, ["", "my calf is cramping"])
    assert [e["text"] for e in kinds(events, "trigger")] == ["my calf is cramping"]


def test_only_one_short_sound_out_of_quiet_is_forgiven(routine: Routine) -> None:
    # Talk made of short words is still talk: two short sounds before it break the quiet.
    timeline = Timeline(9).word(2.0, 0.2).word(2.7, 0.2).word(3.4, 1.0)
    # The second is heard alone, then joined with the first (its beginning); not the third.
    events, recognizer, _ = night(routine, timeline, ["", "", "", "i have a cramp"])
    assert kinds(events, "trigger") == []
    assert recognizer.texts == []


def test_a_sound_before_an_utterance_is_heard_with_it_when_alone_it_is_nothing(
    routine: Routine,
) -> None:
    # "Help, ... cramp": the gate cuts at the comma, and "cramp" alone (a third of a second)
    # is too little to know; heard again with "help" before it, it is a trigger.
    timeline = Timeline(8).word(2.0, 0.4).word(2.75, 0.35)
    events, recognizer, _ = night(routine, timeline, ["", "", "help cramp"])
    assert [e["text"] for e in kinds(events, "trigger")] == ["help cramp"]
    assert recognizer.texts == []


def test_a_trigger_the_speaker_goes_on_from_at_once_is_not_taken_alone(
    routine: Routine,
) -> None:
    # "A cramped ... flat": the gate closed after "a cramp(ed)", and the speaker went on at
    # once. "flat" alone is nothing; with "a cramp" before it, it is "a cramped flat".
    timeline = Timeline(8).word(2.0, 0.6).word(2.95, 0.4)
    events, recognizer, sink = night(routine, timeline, ["a cramp", "", "a cramped flat"])
    assert kinds(events, "trigger") == [] and sink.played == []
    assert recognizer.texts == []


def test_a_trigger_is_answered_when_nobody_goes_on(routine: Routine) -> None:
    # The same trigger with the next sound 1.5 s later: it was answered before that sound.
    timeline = Timeline(8).word(2.0, 0.6).word(4.1, 0.4)
    events, _, sink = night(routine, timeline, ["a cramp", ""])
    assert [e["text"] for e in kinds(events, "trigger")] == ["a cramp"]
    assert 2.6 < sink.played[0][0] < 4.1


class Clock:
    """The wall clock the loop measures its work with, moved only by the recognizer."""

    def __init__(self) -> None:
        self.now = 100.0

    def monotonic(self) -> float:
        return self.now


class SlowRecognizer(ScriptedRecognizer):
    """Takes `work` seconds of the clock to decide each utterance."""

    def __init__(self, texts: list[str], clock: Clock, work: float) -> None:
        super().__init__(texts)
        self.clock, self.work = clock, work

    def end(self) -> Hypothesis:
        self.clock.now += self.work
        return super().end()


def test_a_trigger_is_answered_after_its_decoding_and_the_wait_overlaps_it(
    routine: Routine, monkeypatch
) -> None:
    # On a device the microphone's frames queue up while the utterance is decoded: the person
    # waits for the decoding, and the wait for the speaker to go on runs meanwhile.
    clock = Clock()
    monkeypatch.setattr(assistant_module, "time", clock)
    answers = {}
    for work in (0.0, 0.05, 0.5):
        recognizer = SlowRecognizer(["a cramp"], clock, work)
        timeline = Timeline(8).word(2.0, 0.6)
        _, _, sink = night(routine, timeline, [], recognizer=recognizer, count_work_time=True)
        answers[work] = sink.played[0][0]
    # Decoded in less than the wait: answered when the wait is over, not later.
    assert answers[0.05] == pytest.approx(answers[0.0])
    # Decoded in longer than the wait: answered when the decoding is done, the wait inside it.
    assert answers[0.5] == pytest.approx(answers[0.0] + 0.5 - WENT_ON_WAIT, abs=0.031)


def test_a_trigger_said_twice_in_a_breath_is_taken_once(routine: Routine) -> None:
    timeline = Timeline(8).word(2.0, 0.5).word(2.85, 0.5)  # "cramp, ... cramp"
    events, _, _ = night(routine, timeline, ["cramp", "cramp"])
    assert [e["text"] for e in kinds(events, "trigger")] == ["cramp"]
    assert kinds(events, "trigger")[0]["speech_end"] > 3.2  # the second one


def test_a_trigger_followed_at_once_by_more_talk_is_not_taken(routine: Routine) -> None:
    timeline = Timeline(9).word(2.0, 0.8).word(3.15, 2.5)
    events, _, _ = night(routine, timeline, ["i have a cramp", "", ""])
    assert kinds(events, "trigger") == []


def test_a_click_does_not_break_the_quiet_a_trigger_needs(routine: Routine) -> None:
    timeline = Timeline(8).word(2.4, 0.06).word(3.1, 1.0)  # a 60 ms click, then the phrase
    events, _, _ = night(routine, timeline, ["i have a cramp"])
    assert len(kinds(events, "trigger")) == 1


def test_a_trigger_inside_long_talk_is_not_taken(routine: Routine) -> None:
    events, _, _ = night(routine, Timeline(10).word(2.0, 4.0), ["i have a cramp"])
    assert kinds(events, "heard") and kinds(events, "trigger") == []


def test_the_quiet_rule_comes_from_the_settings(routine: Routine) -> None:
    timeline = Timeline(8).word(0.5, 2.1).word(3.1, 1.0)
    lenient = replace(LISTENING, silence_before_trigger=0.0)
    events, _, _ = night(routine, timeline, ["", "i have a cramp"], lenient)
    assert len(kinds(events, "trigger")) == 1


def test_the_recognizer_is_told_what_may_be_said(routine: Routine) -> None:
    _, recognizer, _ = night(routine, Timeline(5).word(2.0, 1.0), ["i have a cramp"])
    modes = [mode for _, mode in recognizer.expected]
    assert modes[-1] == "hold"  # after the greeting, the stretch is held
    triggers = [p for p, mode in recognizer.expected if mode == "trigger"]
    assert triggers and "i have a cramp" in triggers[0]


def test_talk_during_a_hold_is_not_a_reply(routine: Routine) -> None:
    timeline = Timeline(20).word(2.0, 1.0).word(12.0, 1.0)
    events, _, _ = night(routine, timeline, ["i have a cramp", ""])
    assert [e["name"] for e in kinds(events, "intent")] == []
    # Still holding, still counting when the input ends: the episode is kept as interrupted.
    assert [e["outcome"] for e in kinds(events, "episode_end")] == ["interrupted"]
    assert [e["id"] for e in kinds(events, "step")][-1] == "stretch"


def test_a_reply_below_the_bar_is_never_acted_on(routine: Routine) -> None:
    # The first stretch ends about 35 s in; "Is it getting better?" follows. Nothing understood: the
    # question is asked again, narrowed, and nothing is done.
    timeline = Timeline(60).word(2.0, 1.0).word(41.0, 0.8)
    events, recognizer, _ = night(routine, timeline, ["i have a cramp", ""])
    assert [e["name"] for e in kinds(events, "intent")] == ["unknown"]
    said = [e["text"] for e in kinds(events, "say")]
    assert "Is the cramp getting better? Say better, or still hurts." in said
    assert "That's good. Hold ten more seconds." not in said
    wide, narrowed = [p for p, mode in recognizer.expected if mode == "reply"][-2:]
    assert "the other leg" in wide and "the other leg" not in narrowed
    assert "better" in narrowed and "a bit louder" in narrowed


def test_no_answer_is_asked_again_after_the_time_out_then_the_episode_ends(
    routine: Routine,
) -> None:
    events, _, _ = night(routine, Timeline(90).word(2.0, 1.0), ["i have a cramp"])
    said = {e["text"]: e["t"] for e in kinds(events, "say")}
    asked = said["Is it getting better?"]
    again = said["Is the cramp getting better? Say better, or still hurts."]
    timeout = routine.reply_timeout
    assert timeout <= again - asked <= timeout + 2.5  # the question's own length, then the wait
    [end] = kinds(events, "episode_end")
    assert end["outcome"] == "no_response" and end["t"] >= again + timeout


def test_stop_said_over_its_voice_cuts_it_off_and_the_grammar_comes_back(
    routine: Routine,
) -> None:
    # A word a second: the greeting (5 words) from about 3.3 s, then the stretch line (9 words).
    # "stop" said 4 s into the stretch line, once the echo canceller has heard 8 s of its voice.
    timeline = Timeline(30).word(2.0, 1.0).word(13.5, 0.5)
    events, recognizer, sink = night(routine, timeline, ["i have a cramp", "stop"], per_word=1.0)
    [barge] = kinds(events, "barge_in")
    assert barge["name"] == "stop"
    assert sink.stopped and 0 <= sink.stopped[0] - barge["speech_end"] < 0.5  # at once
    modes = [mode for _, mode in recognizer.expected]
    at = modes.index("barge")
    assert modes[at + 1] == modes[at - 1]  # what it listened for before, back after the barge-in
    assert [e["outcome"] for e in kinds(events, "episode_end")] == ["stopped"]


def test_repeat_said_over_a_line_says_that_line_again(routine: Routine) -> None:
    timeline = Timeline(40).word(2.0, 1.0).word(13.5, 0.5)
    events, _, sink = night(routine, timeline, ["i have a cramp", "repeat"], per_word=1.0)
    [barge] = kinds(events, "barge_in")
    assert barge["name"] == "repeat" and sink.stopped
    line = "Gently pull your toes up toward your knee. Hold."
    again = [e["t"] for e in kinds(events, "say") if e["text"] == line]
    assert len(again) == 2 and again[1] > barge["t"]  # cut, then said whole once more
