"""The step sequencer: pure logic. Events in (with their time), actions out; no audio, no clock.

The assistant feeds it what happened (a trigger, a reply's intent, a time-out) and carries out
the actions it returns, in order: say these lines, listen for these intents for so long, end the
episode. Everything the routine does is therefore testable in a few lines without any audio.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.dialogue.actions import (
    Action,
    Adjust,
    EndEpisode,
    EnterStep,
    Listen,
    RaiseRedFlag,
    Say,
    Tone,
)
from assistant.dialogue.intents import Intent
from assistant.dialogue.routine import Routine, Step
from assistant.modes import Mode

Reply = list[Action] | None
"""What one rule of `Sequencer.reply` makes of a reply: actions, or None when it does not apply."""

CONTROLS = {
    "slower": ("pace", -1),
    "faster": ("pace", +1),
    "quieter": ("volume", -1),
    "louder": ("volume", +1),
}
"""Voice controls: understood at every question and during holds; the routine goes on."""
ALWAYS_UNDERSTOOD = ("stop", "repeat", "red_flag", "leg", "wait", *CONTROLS)
WAITING_UNDERSTOOD = ("go_on", "done", "stop", "red_flag", *CONTROLS)
"""What is understood while the routine waits for "go on"."""
"""Replies understood at every question, whatever the step."""


def replies_expected(routine: Routine, step: Step) -> tuple[str, ...]:
    """The intents that mean something when `step` asks its question."""
    return tuple(dict.fromkeys([*step.replies, *routine.global_replies, *ALWAYS_UNDERSTOOD]))


CONFIRM_UNDERSTOOD = ("yes", "no", "stop", "red_flag", "repeat")
"""What is understood while a red flag heard without confidence is being confirmed."""


def reprompt_expected(routine: Routine, step: Step) -> tuple[str, ...]:
    """The narrower set listened for after a re-prompt: the step's own answers, plus "gone",
    stop, repeat, the red flags, "wait" and the voice controls (a question not understood is
    often one not heard: "louder, please" is as likely an answer to it as "better"). The
    asides (the other leg, the foot, which leg) wait for the next question."""
    return tuple(
        dict.fromkeys([*step.replies, "gone", "stop", "repeat", "red_flag", "wait", *CONTROLS])
    )


def hold_expected(routine: Routine) -> tuple[str, ...]:
    """The intents that mean something while a position is held."""
    return tuple(dict.fromkeys([*routine.hold_replies, "wait", *CONTROLS]))


def every_expectation(routine: Routine) -> list[tuple[tuple[str, ...], Mode]]:
    """Every (intents, mode) the routine can listen for, so grammars are built ahead."""
    found: list[tuple[tuple[str, ...], Mode]] = []
    for step in routine.steps.values():
        if step.asks:
            found.append((replies_expected(routine, step), "reply"))
            found.append((reprompt_expected(routine, step), "reply"))
    found.append((hold_expected(routine), "hold"))
    found.append((WAITING_UNDERSTOOD, "reply"))
    found.append((CONFIRM_UNDERSTOOD, "reply"))
    return found


# ----------------------------------------------------------------------------- the sequencer


@dataclass
class _Episode:
    started: float
    step: Step
    listen: Listen | None = None
    held: float = 0.0
    missed: int = 0
    reply_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    waiting: bool = False
    """The person said "wait": the step resumes on "go on"."""
    confirming: str = ""
    """A red flag of this kind was heard without confidence: its yes/no question is asked."""
    asked_again: bool = False
    """The confirmation question was already asked twice."""
    resume: Listen | None = None
    """What was listened for before the confirmation question."""
    answered: bool = False
    """The person has answered something in this episode (so silence now is not a false
    trigger, and the quiet end says one calm line)."""


class Sequencer:
    """Walks the routine: `start()` once, then `trigger`, `reply` or `timeout` as they happen."""

    def __init__(self, routine: Routine, count_with: str = "words") -> None:
        """`count_with`: holds counted aloud (`words`) or marked by a tone (`tones`)."""
        self.routine = routine
        self.count_with = count_with
        self._episode: _Episode | None = None
        self._answered_episode_ended: float | None = None

    @property
    def in_episode(self) -> bool:
        """True between a trigger and the end of that episode."""
        return self._episode is not None

    @property
    def step_id(self) -> str:
        """The current step, or empty when waiting for a trigger."""
        return self._episode.step.id if self._episode else ""

    def soon_after_episode(self, t: float) -> bool:
        """True within `again_within` seconds of the end of an episode the person answered in
        (not a likely false wake): a cramp coming back may be "another one" then."""
        ended = self._answered_episode_ended
        return ended is not None and t - ended <= self.routine.again_within

    def start(self) -> list[Action]:
        """Begin by waiting for a trigger."""
        return [self._asleep()]

    def trigger(self, t: float) -> list[Action]:
        """A trigger phrase was heard at `t` seconds."""
        if self._episode is not None:
            return []
        first = self.routine.steps[self.routine.start]
        self._episode = _Episode(started=t, step=first)
        return [Tone("heard"), *self._enter(first, t)]

    def reply(self, intent: Intent, t: float) -> list[Action]:
        """A reply was heard and understood as `intent` at `t` seconds."""
        ep = self._episode
        if ep is None or ep.listen is None:
            return []
        ep.answered = ep.answered or intent.name != "unknown"
        if ep.confirming:
            return self._confirmation(intent, t)
        # The rules in order, the first that applies decides: what stops the routine, a voice
        # control, a pause, what is said in passing, an answer to the question.
        for rule in (self._stopping, self._control, self._pause, self._in_passing, self._answer):
            actions = rule(ep, ep.listen, intent, t)
            if actions is not None:
                return actions
        return self._missed(t, heard_something=True)

    def _stopping(self, ep: _Episode, listen: Listen, intent: Intent, t: float) -> Reply:
        """A red flag (confirmed first when heard without confidence), or stop."""
        name, kind = intent.name, intent.kind
        if name == "red_flag" and not intent.sure and kind in self.routine.confirm:
            ep.confirming, ep.asked_again, ep.resume = kind, False, listen
            ep.listen = Listen("reply", CONFIRM_UNDERSTOOD, self.routine.reply_timeout)
            return [Say(self.routine.confirm[kind]), ep.listen]
        if name == "red_flag":
            target = ep.step.replies.get("red_flag", (self.routine.red_flag_steps[kind],))[0]
            return self._go(target, t)
        if name == "stop":
            return self._go(self.routine.stop_step, t)
        return None

    def _control(self, ep: _Episode, listen: Listen, intent: Intent, t: float) -> Reply:
        """Slower, faster, quieter, louder: the routine goes on (the question said again)."""
        if intent.name not in CONTROLS:
            return None
        setting, direction = CONTROLS[intent.name]
        actions: list[Action] = [
            Adjust(setting, direction),
            Say(self.routine.controls[intent.name]),
        ]
        if listen.mode == "reply" and not ep.waiting:
            actions += [Say(line) for line in ep.step.say]  # the question, at the new pace
        return [*actions, listen]

    def _pause(self, ep: _Episode, listen: Listen, intent: Intent, t: float) -> Reply:
        """ "Wait", and "go on" while waiting (anything else waits on)."""
        if ep.waiting:
            if intent.name in ("go_on", "done"):
                ep.waiting = False
                return [Say(self.routine.controls["go_on"]), *self._enter(ep.step, t)]
            return [listen]
        if intent.name == "wait":
            ep.waiting, ep.missed = True, 0
            ep.listen = Listen("reply", WAITING_UNDERSTOOD, self.routine.wait_timeout)
            return [Say(self.routine.controls["wait"]), ep.listen]
        return None

    def _in_passing(self, ep: _Episode, listen: Listen, intent: Intent, t: float) -> Reply:
        """During a hold, which leg it is, "repeat": the step goes on."""
        name = intent.name
        if listen.mode == "hold":
            if name in listen.expect and name in self.routine.global_replies:
                return self._go(self.routine.global_replies[name], t)
            return [listen]  # anything else during a hold: keep holding
        if name == "leg":
            # Which leg, said in passing: noted (for the diary), and the question still stands.
            ep.missed = 0
            return [Say(self.routine.controls["okay"]), listen]
        if name == "repeat":
            ep.missed = 0
            return [*(Say(line) for line in ep.step.say), listen]
        return None

    def _answer(self, ep: _Episode, listen: Listen, intent: Intent, t: float) -> Reply:
        """An answer to the step's question, or one understood at every question."""
        step, name = ep.step, intent.name
        targets = step.replies.get(name)
        if targets:
            count = ep.reply_counts.get((step.id, name), 0)
            ep.reply_counts[(step.id, name)] = count + 1
            return self._go(targets[min(count, len(targets) - 1)], t)
        if name in self.routine.global_replies:
            return self._go(self.routine.global_replies[name], t)
        return None

    def timeout(self, t: float) -> list[Action]:
        """Nothing was said within the current listen's time-out."""
        ep = self._episode
        if ep is None or ep.listen is None:
            return []
        if ep.confirming:  # no answer to "is your leg swollen?": the red flag stands
            return self._confirmed(ep.confirming, t)
        if ep.waiting:
            ep.missed += 1
            if ep.missed == 1:
                return [Say(self.routine.controls["wait_reminder"]), ep.listen]
            ep.waiting = False
            return self._go(self.routine.quiet_step, t)
        if ep.listen.mode == "hold":
            return self._hold_tick(t)
        return self._missed(t, heard_something=False)

    # ------------------------------------------------------------------ internals

    def _confirmation(self, intent: Intent, t: float) -> list[Action]:
        """The answer to a red flag's yes/no question."""
        ep = self._episode
        assert ep is not None
        if intent.name in ("yes", "red_flag"):
            return self._confirmed(intent.kind or ep.confirming, t)
        if intent.name == "stop":
            ep.confirming = ""
            return self._go(self.routine.stop_step, t)
        if intent.name == "no":
            listen = ep.resume
            ep.confirming, ep.resume = "", None
            ep.listen = listen
            if listen is None:
                return []
            again = [Say(line) for line in ep.step.say] if listen.mode == "reply" else []
            return [Say(self.routine.controls["okay"]), *again, listen]
        if not ep.asked_again:  # not understood (or "repeat"): ask once more
            ep.asked_again = True
            return [Say(self.routine.confirm[ep.confirming]), ep.listen] if ep.listen else []
        return self._confirmed(ep.confirming, t)  # still unclear: act on the red flag

    def _confirmed(self, kind: str, t: float) -> list[Action]:
        ep = self._episode
        assert ep is not None
        ep.confirming, ep.resume = "", None
        target = ep.step.replies.get("red_flag", (self.routine.red_flag_steps[kind],))[0]
        return self._go(target, t)

    def _asleep(self) -> Listen:
        return Listen(mode="trigger")

    def _go(self, target: str, t: float) -> list[Action]:
        assert self._episode is not None
        step = self.routine.steps[target]
        if step.escalate and not step.end and self._overdue(t):
            step = self.routine.steps[self.routine.escalate_step]
        return self._enter(step, t)

    def _overdue(self, t: float) -> bool:
        assert self._episode is not None
        return t - self._episode.started >= self.routine.escalate_after

    def _enter(self, step: Step, t: float) -> list[Action]:
        ep = self._episode
        assert ep is not None
        ep.step, ep.held, ep.missed = step, 0.0, 0
        actions: list[Action] = [EnterStep(step.id)]
        if step.red_flag:
            actions.append(RaiseRedFlag(step.red_flag))
        actions += [Say(line) for line in step.say]
        quiet = step.id == self.routine.quiet_step and ep.answered and self.routine.quiet_words
        if quiet:
            actions.append(Say(self.routine.quiet_words))
        if step.end:
            actions.append(EndEpisode(step.end))
            if ep.answered:
                self._answered_episode_ended = t
            self._episode = None
            actions.append(self._asleep())
            return actions
        if step.hold > 0:
            expect = hold_expected(self.routine)
            ep.listen = Listen("hold", expect, min(step.count_every, step.hold))
        elif step.asks:
            ep.listen = Listen(
                "reply", replies_expected(self.routine, step), self.routine.reply_timeout
            )
        else:
            ep.listen = None
            return actions + self._go(step.next, t)
        actions.append(ep.listen)
        return actions

    def _hold_tick(self, t: float) -> list[Action]:
        ep = self._episode
        assert ep is not None and ep.listen is not None
        step = ep.step
        ep.held += ep.listen.timeout or 0.0
        actions: list[Action] = []
        spoken = self.routine.counting.get(round(ep.held))
        count: Action | None = None
        if spoken:
            count = Tone("count") if self.count_with == "tones" else Say(spoken)
        if ep.held < step.hold - 1e-6:
            if count:
                actions.append(count)
            remaining = step.hold - ep.held
            ep.listen = Listen("hold", ep.listen.expect, min(step.count_every, remaining))
            return [*actions, ep.listen]
        if count and self.count_with == "words":
            actions.append(count)
        actions.append(Tone("hold_end"))
        actions += [Say(line) for line in step.after]
        return actions + self._go(step.next, t)

    def _missed(self, t: float, heard_something: bool) -> list[Action]:
        """No reply, or one that means nothing here: reprompt once, then the silence path."""
        ep = self._episode
        assert ep is not None and ep.listen is not None
        ep.missed += 1
        step = ep.step
        if step.reprompt and (ep.missed == 1 or heard_something and ep.missed == 2):
            # The re-prompt names the answers: listen for those (and stop, the red flags),
            # so a second try has fewer phrases to confuse.
            narrowed = reprompt_expected(self.routine, step)
            ep.listen = Listen("reply", narrowed, ep.listen.timeout)
            return [Say(step.reprompt), ep.listen]
        return self._go(step.on_silence, t)
