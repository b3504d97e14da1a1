"""Every branch of the routine, through the pure sequencer (no audio, no clock)."""

from __future__ import annotations

import pytest

from assistant.dialogue.actions import (
    Adjust,
    EndEpisode,
    EnterStep,
    Listen,
    RaiseRedFlag,
    Say,
    Tone,
)
from assistant.dialogue.intents import Intent
from assistant.dialogue.routine import Routine
from assistant.dialogue.sequencer import Sequencer


class Night:
    """Drives a sequencer the way the assistant does, keeping a transcript."""

    def __init__(self, routine: Routine) -> None:
        self.seq = Sequencer(routine)
        self.t = 0.0
        self.actions = self.seq.start()
        self.log = list(self.actions)

    def _take(self, actions: list) -> list:
        self.actions = actions
        self.log += actions
        return actions

    def trigger(self) -> list:
        return self._take(self.seq.trigger(self.t))

    def reply(self, name: str, kind: str = "", sure: bool = True) -> list:
        self.t += 5
        return self._take(self.seq.reply(Intent(name, name, kind, sure), self.t))

    def wait(self) -> list:
        listen = self.listening
        self.t += listen.timeout or 0
        return self._take(self.seq.timeout(self.t))

    def hold_through(self) -> None:
        """Let every hold in progress run to its end."""
        while self.listening and self.listening.mode == "hold":
            self.wait()

    @property
    def listening(self) -> Listen:
        listens = [a for a in self.actions if isinstance(a, Listen)]
        assert listens, "the sequencer never listened"
        return listens[-1]

    @property
    def step(self) -> str:
        return self.seq.step_id

    def said(self) -> list[str]:
        return [a.text for a in self.log if isinstance(a, Say)]

    def steps(self) -> list[str]:
        return [a.id for a in self.log if isinstance(a, EnterStep)]

    def outcome(self) -> str | None:
        ends = [a.outcome for a in self.log if isinstance(a, EndEpisode)]
        return ends[-1] if ends else None


@pytest.fixture
def night(routine: Routine) -> Night:
    return Night(routine)


def test_asleep_until_a_trigger(night: Night) -> None:
    assert night.listening == Listen("trigger")
    assert night.reply("still_hurts") == []  # replies mean nothing while asleep


def test_trigger_starts_straight_away_with_the_stretch(night: Night) -> None:
    night.trigger()
    assert night.steps() == ["greet", "stretch"]
    assert night.said()[0].startswith("I'm here")
    assert "pull your toes up" in night.said()[1].lower()
    assert night.listening.mode == "hold"


def test_a_hold_is_counted_aloud_then_eased(night: Night) -> None:
    night.trigger()
    night.hold_through()
    assert night.said()[2:6] == [
        "Ten seconds.",
        "Twenty seconds.",
        "Thirty seconds.",
        "Now slowly let go.",
    ]
    assert night.step == "ask_easing"
    assert night.listening.mode == "reply"


def test_better_gives_a_short_extra_hold_then_rest(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("better")
    assert night.step == "extra_hold"
    night.hold_through()
    assert night.step == "ask_severity"  # one optional question for the diary
    night.reply("severity", "7")
    assert night.outcome() == "relieved"
    assert night.steps()[-4:] == ["extra_hold", "rest", "ask_severity", "goodnight"]
    assert any("pillow" in line for line in night.said())
    assert night.listening == Listen("trigger")  # back to sleep


def test_gone_goes_straight_to_rest(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("gone")
    assert night.said()[-1] == "How bad was it, from one to ten?"
    night.wait()  # no answer to the optional question: fine
    assert night.outcome() == "relieved"
    assert night.said()[-1] == "Good night."


def test_still_hurts_stretches_again_then_sits_up_before_standing(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("still_hurts")
    assert night.step == "stretch_again"
    night.hold_through()
    night.reply("still_hurts")
    assert night.step == "sit_up"
    assert "First, sit on the edge of the bed." in night.said()
    night.reply("ready")
    assert night.step == "stand"
    steps = night.steps()
    assert steps.index("sit_up") < steps.index("stand")


def test_massage_only_after_saying_the_leg_is_not_swollen(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("still_hurts")
    night.hold_through()
    night.reply("still_hurts")
    night.reply("ready")
    night.hold_through()
    night.reply("still_hurts")
    assert night.step == "ask_swelling"
    night.reply("no")
    assert night.step == "massage"


def test_a_swollen_leg_is_a_red_flag_and_never_massaged(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("still_hurts")
    night.hold_through()
    night.reply("still_hurts")
    night.reply("ready")
    night.hold_through()
    night.reply("still_hurts")
    night.reply("yes")
    assert RaiseRedFlag("clot") in night.log
    assert night.outcome() == "escalated"
    assert "massage" not in night.steps()
    assert any("urgent medical advice" in line for line in night.said())


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("clot", "urgent medical advice today"),
        ("breathing", "Call nine nine nine now."),
        ("injury", "Do not rub an injured leg."),
        ("weakness", "Please see a doctor about it."),
    ],
)
def test_a_red_flag_at_any_question_stops_the_routine(night: Night, kind: str, words: str) -> None:
    night.trigger()
    night.hold_through()
    night.reply("red_flag", kind)
    assert RaiseRedFlag(kind) in night.log
    assert night.outcome() == "escalated"
    assert any(words in line for line in night.said())


def test_a_red_flag_heard_unsure_is_confirmed_then_acted_on(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("red_flag", "clot", sure=False)
    assert night.said()[-1] == "Is your leg red, hot or swollen? Say yes or no."
    assert night.listening.expect == ("yes", "no", "stop", "red_flag", "repeat")
    assert night.outcome() is None
    night.reply("yes")
    assert RaiseRedFlag("clot") in night.log and night.outcome() == "escalated"


def test_no_to_the_confirmation_goes_back_to_the_question(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("red_flag", "weakness", sure=False)
    night.reply("no")
    assert night.said()[-2:] == ["Okay.", "Is it getting better?"]
    assert night.step == "ask_easing" and RaiseRedFlag("weakness") not in night.log
    night.reply("better")
    assert night.step == "extra_hold"


def test_an_unsure_red_flag_is_never_dropped(night: Night) -> None:
    # No answer to the confirmation question: the red flag stands.
    night.trigger()
    night.hold_through()
    night.reply("red_flag", "breathing", sure=False)
    night.wait()
    assert RaiseRedFlag("breathing") in night.log
    assert "Call nine nine nine now." in night.said()


def test_the_reprompt_narrows_what_is_listened_for(night: Night) -> None:
    night.trigger()
    night.hold_through()
    wide = night.listening.expect
    night.reply("unknown")
    assert night.said()[-1] == "Is the cramp getting better? Say better, or still hurts."
    narrow = night.listening.expect
    assert {"better", "still_hurts", "stop", "red_flag"} <= set(narrow)
    # A question asked again may not have been heard: "louder" and "wait" still work.
    assert {"louder", "slower", "wait"} <= set(narrow)
    assert len(narrow) < len(wide) and "other_leg" not in narrow
    night.reply("still_hurts")
    assert night.step == "stretch_again"


def test_a_red_flag_during_a_hold_stops_the_hold(night: Night) -> None:
    night.trigger()
    night.reply("red_flag", "breathing")
    assert night.outcome() == "escalated"
    assert "Call nine nine nine now." in night.said()


def test_stop_ends_at_once_even_during_a_hold(night: Night) -> None:
    night.trigger()
    assert night.listening.mode == "hold"
    night.reply("stop")
    assert night.outcome() == "stopped"
    assert night.said()[-1].startswith("Okay, I'll stop.")


def test_talk_during_a_hold_does_not_interrupt_it(night: Night) -> None:
    night.trigger()
    before = night.step
    assert night.reply("better") == [night.listening]
    assert night.step == before


def test_cannot_stand_switches_to_the_seated_stretch(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("still_hurts")
    night.hold_through()
    night.reply("still_hurts")
    night.reply("cannot_stand")
    assert night.step == "seated_stretch"
    assert any("towel" in line for line in night.said())


def test_foot_switches_to_the_foot_stretch(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("foot")
    assert night.step == "foot_stretch"
    assert any("curled toes" in line for line in night.said())


def test_repeat_says_the_question_again(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("repeat")
    assert night.said()[-1] == "Is it getting better?"
    assert night.step == "ask_easing"


def test_no_answer_reprompts_once_then_ends_quietly(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.wait()
    assert night.said()[-1].startswith("Is the cramp getting better?")
    spoken = len(night.said())
    night.wait()
    assert night.outcome() == "no_response"
    assert len(night.said()) == spoken  # quietly: a false trigger costs nothing more


def test_silence_after_answers_ends_with_one_calm_line_not_in_silence(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("still_hurts")
    night.hold_through()
    assert night.step == "ask_easing"
    night.wait()
    night.wait()
    assert night.outcome() == "no_response"
    assert night.said()[-1] == "I'll be quiet now. Say I have a cramp if you need me."


def test_unclear_replies_reprompt_twice_then_take_the_silence_path(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.reply("unknown")
    night.reply("unknown")
    assert night.step == "ask_easing"
    night.reply("unknown")
    assert night.outcome() == "no_response"


def test_after_ten_minutes_without_relief_it_advises_medical_help(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.t = 601
    night.reply("still_hurts")
    assert night.step == ""
    assert night.outcome() == "escalated"
    assert "escalate_time" in night.steps()
    assert any("doctor" in line for line in night.said())


def test_relief_after_ten_minutes_still_ends_relieved(night: Night) -> None:
    night.trigger()
    night.hold_through()
    night.t = 700
    night.reply("gone")
    night.wait()
    assert night.outcome() == "relieved"


def test_a_second_trigger_during_an_episode_is_ignored(night: Night) -> None:
    night.trigger()
    assert night.trigger() == []


def test_a_cramp_coming_back_is_expected_only_for_a_while_after_an_answered_episode(
    night: Night, routine: Routine
) -> None:
    assert not night.seq.soon_after_episode(night.t)  # nothing yet tonight
    night.trigger()
    night.reply("stop")
    ended = night.t
    assert night.seq.soon_after_episode(ended + 60)
    assert not night.seq.soon_after_episode(ended + routine.again_within + 1)


def test_which_leg_is_noted_and_the_question_still_stands(night: Night) -> None:
    night.trigger()
    night.hold_through()
    assert "leg" in night.listening.expect
    night.reply("leg", "left")
    assert night.step == "ask_easing"
    assert night.said()[-1] == "Okay."
    night.reply("gone")
    assert night.step == "ask_severity"


# ------------------------------------------------------------------ voice controls


def test_slower_adjusts_the_pace_and_asks_the_question_again(routine: Routine) -> None:
    night = Night(routine)
    night.trigger()
    night.hold_through()
    assert night.step == "ask_easing"
    actions = night.reply("slower")
    assert actions[0] == Adjust("pace", -1)
    assert [a.text for a in actions if isinstance(a, Say)] == [
        "Okay, slower.",
        "Is it getting better?",
    ]
    assert night.step == "ask_easing" and night.listening.mode == "reply"


def test_quieter_during_a_hold_keeps_holding(routine: Routine) -> None:
    night = Night(routine)
    night.trigger()
    assert night.listening.mode == "hold"
    actions = night.reply("quieter")
    assert actions[0] == Adjust("volume", -1)
    assert [a.text for a in actions if isinstance(a, Say)] == ["Okay, quieter."]
    assert night.step == "stretch" and night.listening.mode == "hold"


def test_wait_pauses_until_go_on_then_the_step_starts_again(routine: Routine) -> None:
    night = Night(routine)
    night.trigger()
    night.hold_through()
    night.reply("wait")
    assert night.said()[-1].startswith("Okay, I'll wait.")
    assert night.listening.timeout == routine.wait_timeout
    night.reply("better")  # not a way out of the wait
    assert night.step == "ask_easing" and night.said()[-1].startswith("Okay, I'll wait.")
    night.reply("go_on")
    assert night.said()[-2:] == ["Okay, let's go on.", "Is it getting better?"]
    night.reply("better")
    assert night.step == "extra_hold"


def test_okay_ends_a_wait_as_go_on_does(routine: Routine) -> None:
    # "Okay, continue" is heard as "okay" then "continue": the first, alone, carries on (the
    # benchmark counts it right for this reason: scripts/bench.py, same_effect).
    night = Night(routine)
    night.trigger()
    night.hold_through()
    night.reply("wait")
    night.reply("done")
    assert night.said()[-2:] == ["Okay, let's go on.", "Is it getting better?"]


def test_a_wait_nobody_ends_gets_a_reminder_then_ends_quietly(routine: Routine) -> None:
    night = Night(routine)
    night.trigger()
    night.reply("wait")
    night.wait()
    assert night.said()[-1] == "I'm still here. Say go on, or stop."
    night.wait()
    ends = [a for a in night.log if isinstance(a, EndEpisode)]
    assert ends == [EndEpisode("no_response")]


def test_other_leg_starts_the_stretch_on_the_other_leg(routine: Routine) -> None:
    night = Night(routine)
    night.trigger()
    night.hold_through()
    night.reply("other_leg")
    assert "Okay, the other leg. Straighten that leg." in night.said()
    assert night.step == "stretch"


# ------------------------------------------------------------------ tones


def test_a_soft_tone_marks_the_trigger_and_the_end_of_a_hold(routine: Routine) -> None:
    night = Night(routine)
    assert night.trigger()[0] == Tone("heard")
    night.hold_through()
    tones = [a for a in night.log if isinstance(a, Tone)]
    assert tones == [Tone("heard"), Tone("hold_end")]
    assert "Ten seconds." in night.said()


def test_holds_can_be_counted_by_tones_instead_of_words(routine: Routine) -> None:
    night = Night(routine)
    night.seq = Sequencer(routine, count_with="tones")
    night.actions = night.seq.start()
    night.trigger()
    night.hold_through()
    assert not {"Ten seconds.", "Twenty seconds.", "Thirty seconds."} & set(night.said())
    kinds = [a.kind for a in night.log if isinstance(a, Tone)]
    assert kinds == ["heard", "count", "count", "hold_end"]
