"""Checking that a routine holds together: every reference names a step, every step can end,
the built-in steps exist, no sentence belongs to two intents of one question, and a step that
assumes the person is sitting is reached only by a confirmation."""

from __future__ import annotations

from assistant.dialogue.intents import ASLEEP
from assistant.dialogue.routine import BARGE_IN_INTENTS, CONFIRMS_POSITION, INTENTS, Routine, Step
from assistant.dialogue.templates import Templates, overlaps, where_of
from assistant.dialogue.vocabulary import RED_FLAG_KINDS
from assistant.dialogue.vocabulary import ROUTINE_OUTCOMES as OUTCOMES
from assistant.errors import ConfigError


def check_routine(routine: Routine) -> None:
    """Every reference names a step, every step can end, and the built-ins exist."""
    _check_built_in_steps(routine)
    for phrase in routine.barge_in:
        if routine.templates.key_of(phrase) not in BARGE_IN_INTENTS:
            expected = f"phrases of the stop, wait or repeat intents, not {phrase!r}"
            raise ConfigError(routine.source, "routine.barge_in", expected)
    _check_no_sentence_has_two_intents(routine.templates)
    _check_routine_replies(routine)
    for step in routine.steps.values():
        _check_step(routine, step)
    _check_every_step_can_end(routine)
    _check_positions_are_confirmed(routine)


def _must_exist(routine: Routine, target: str, key: str) -> None:
    if target not in routine.steps:
        ids = ", ".join(sorted(routine.steps))
        raise ConfigError(routine.source, key, f"the id of a step (one of: {ids})")


def _check_built_in_steps(routine: Routine) -> None:
    """The start, escalation, stop and quiet steps exist; escalation and stop end."""
    _must_exist(routine, routine.start, "routine.start")
    _must_exist(routine, routine.escalate_step, "routine.escalate_step")
    _must_exist(routine, routine.stop_step, "routine.stop_step")
    _must_exist(routine, routine.quiet_step, "routine.quiet_step")
    # Escalation interrupts any step that allows it; a step it leads to that did not end the
    # episode would be interrupted again, at once, for ever (RecursionError mid-episode).
    for key, target in (
        ("routine.escalate_step", routine.escalate_step),
        ("routine.stop_step", routine.stop_step),
    ):
        if not routine.steps[target].end:
            expected = f"a step with `end` ({target!r} does not end)"
            raise ConfigError(routine.source, key, expected)


def _check_routine_replies(routine: Routine) -> None:
    """The replies understood everywhere, during holds, and where each red flag leads."""
    where = routine.source
    for intent, target in routine.global_replies.items():
        _check_intent(intent, where, f"routine.global_replies.{intent}")
        _must_exist(routine, target, f"routine.global_replies.{intent}")
    for intent in routine.hold_replies:
        _check_intent(intent, where, "routine.hold_replies")
    for kind in RED_FLAG_KINDS:
        if kind not in routine.red_flag_steps:
            raise ConfigError(where, f"routine.red_flag_steps.{kind}", "a step for this red flag")
    for kind, target in routine.red_flag_steps.items():
        _must_exist(routine, target, f"routine.red_flag_steps.{kind}")


def _check_step(routine: Routine, step: Step) -> None:
    """One step ends, asks (every reply and the silence leading to a step), or goes on."""
    where, key = routine.source, f"steps.{step.id}"
    if step.end:
        if step.end not in OUTCOMES:
            raise ConfigError(where, f"{key}.end", f"one of {', '.join(OUTCOMES)}")
        return
    if step.asks:
        for intent, targets in step.replies.items():
            _check_intent(intent, where, f"{key}.replies.{intent}")
            for target in targets:
                _must_exist(routine, target, f"{key}.replies.{intent}")
        if not step.on_silence:
            raise ConfigError(where, f"{key}.on_silence", "a step to go to when nobody answers")
        _must_exist(routine, step.on_silence, f"{key}.on_silence")
    elif step.next:
        _must_exist(routine, step.next, f"{key}.next")
    else:
        raise ConfigError(where, key, "`next`, `replies` or `end`: this step leads nowhere")


def _check_positions_are_confirmed(routine: Routine) -> None:
    """A step that assumes a position (standing up assumes sitting) is reached only by an
    explicit confirmation: "okay" said to acknowledge must never send someone to stand."""
    assuming = {sid for sid, step in routine.steps.items() if step.assumes}
    ways: list[tuple[str, str, str]] = []  # (key, how, target)
    for step in routine.steps.values():
        key = f"steps.{step.id}"
        ways += [(f"{key}.next", "next", step.next), (f"{key}.on_silence", "", step.on_silence)]
        ways += [
            (f"{key}.replies.{intent}", intent, target)
            for intent, targets in step.replies.items()
            for target in targets
        ]
    ways += [(f"routine.global_replies.{i}", "", t) for i, t in routine.global_replies.items()]
    ways += [(f"routine.red_flag_steps.{k}", "", t) for k, t in routine.red_flag_steps.items()]
    ways += [("routine.start", "", routine.start), ("routine.quiet_step", "", routine.quiet_step)]
    for key, how, target in ways:
        if target in assuming and how != CONFIRMS_POSITION:
            position = routine.steps[target].assumes
            raise ConfigError(
                routine.source,
                key,
                f"only a `{CONFIRMS_POSITION}` reply to lead to {target!r}, which assumes the "
                f"person is {position}",
            )


def _check_every_step_can_end(routine: Routine) -> None:
    """A step from which no path reaches an end would keep a person in the routine forever."""
    can_end = {sid for sid, s in routine.steps.items() if s.end}
    changed = True
    while changed:
        changed = False
        for sid, step in routine.steps.items():
            if sid in can_end:
                continue
            targets = [step.next, step.on_silence]
            targets += [t for ts in step.replies.values() for t in ts]
            if any(t in can_end for t in targets if t):
                can_end.add(sid)
                changed = True
    stuck = sorted(set(routine.steps) - can_end)
    if stuck:
        raise ConfigError(routine.source, f"steps.{stuck[0]}", "a path from this step to an `end`")


def _check_no_sentence_has_two_intents(templates: Templates) -> None:
    """A reply means one thing: no sentence may be allowed by two intents (or two kinds); and
    asleep, no sentence is both a trigger (or the diary question) and not a trigger."""
    found = overlaps(templates, ASLEEP)
    if found is not None:
        sentence, first, second = found
        also = f"a {first.replace('_', ' ')} sentence"
    else:
        found = overlaps(templates, [k for k in templates.keys if k not in ASLEEP])
        if found is None:
            return
        sentence, first, second = found
        also = first.replace(":", " ")
    raise ConfigError(
        templates.where, where_of(second), f"sentences of its own ({sentence!r} is also {also})"
    )


def _check_intent(intent: str, where: str, key: str) -> None:
    if intent not in INTENTS:
        raise ConfigError(where, key, f"an intent name (one of: {', '.join(INTENTS)})")
