"""The relief routine as data: loading a routine TOML file and checking that it holds together."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from assistant.config.settings import Settings
from assistant.dialogue.templates import Templates, overlaps, parse_templates
from assistant.dialogue.text import normalise
from assistant.dialogue.vocabulary import LEGS, MUSCLES, RED_FLAG_KINDS
from assistant.dialogue.vocabulary import ROUTINE_OUTCOMES as OUTCOMES
from assistant.errors import ConfigError, number_in, read_toml

INTENTS = (
    "better",
    "gone",
    "still_hurts",
    "done",
    "ready",
    "repeat",
    "stop",
    "cannot_stand",
    "red_flag",
    "foot",
    "yes",
    "no",
    "severity",
    "leg",
    "slower",
    "faster",
    "quieter",
    "louder",
    "wait",
    "go_on",
    "other_leg",
)
"""Reply intents the assistant understands; `unknown` is what anything else becomes."""

CONFIRMS_POSITION = "ready"
"""The one intent that may lead to a step that assumes a position."""
CONTROL_LINES = ("slower", "faster", "quieter", "louder", "wait", "wait_reminder", "go_on")
"""The lines a routine says when a voice control is heard ([controls]); also `okay`, said when
which leg it is was heard, or a red flag was not confirmed (optional: "Okay.")."""
BARGE_IN_INTENTS = ("stop", "wait", "repeat")
"""What may be said over the assistant's own voice."""
KINDED_INTENTS = {
    "red_flag": RED_FLAG_KINDS,
    "severity": tuple(str(i) for i in range(11)),
    "leg": LEGS,
}
"""Intents whose phrases come in kinds: which red flag, how bad (0 to 10), which leg."""


@dataclass(frozen=True)
class Step:
    """One step of the routine."""

    id: str
    say: tuple[str, ...] = ()
    hold: float = 0.0
    """Seconds to hold a position; 0 for none."""
    count_every: float = 10.0
    """Seconds between counts spoken during a hold."""
    after: tuple[str, ...] = ()
    replies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Intent name -> next step ids (the n-th time the reply comes, the n-th id; last repeats)."""
    reprompt: str = ""
    on_silence: str = ""
    next: str = ""
    end: str = ""
    """Outcome when the episode ends at this step; empty when it does not."""
    red_flag: str = ""
    escalate: bool = True
    """Whether the ten-minute escalation may interrupt this step."""
    helps: str = ""
    """What this step is, in words for the report ("stretching"), when relief after it counts
    as this step having helped; empty for questions and repeats."""
    muscle: str = ""
    """The muscle this step is for (calf, foot) when it is for one only: the diary keeps it."""
    assumes: str = ""
    """A position the person must already be in (`sitting`): only an explicit confirmation
    (the `ready` intent) may lead here, never "okay" or "yes" said to acknowledge."""

    @property
    def asks(self) -> bool:
        """True when the step asks a question and waits for a reply."""
        return bool(self.replies)


@dataclass(frozen=True)
class Routine:
    """A whole routine: steps, trigger templates and reply templates."""

    name: str
    start: str
    steps: dict[str, Step]
    triggers: tuple[str, ...]
    """Sentence templates of the trigger (`[triggers] phrases`)."""
    intents: dict[str, tuple[str, ...]]
    """Intent name -> sentence templates. Red flags appear as `red_flag:<kind>`."""
    global_replies: dict[str, str]
    hold_replies: tuple[str, ...]
    red_flag_steps: dict[str, str]
    counting: dict[int, str]
    templates: Templates = field(compare=False, repr=False)
    """Every template parsed: keys `trigger`, `query` and the intents' (see dialogue.templates)."""
    queries: tuple[str, ...] = ()
    """Templates of the questions answered when asleep ("how many cramps this week")."""
    reply_timeout: float = 8.0
    escalate_after: float = 600.0
    escalate_step: str = ""
    stop_step: str = ""
    quiet_step: str = ""
    """Where a wait that nobody ends leads (the routine ends quietly)."""
    wait_timeout: float = 90.0
    """Seconds a "wait" lasts before a reminder, and again before the quiet end."""
    quiet_words: str = ""
    """Said before the quiet end when the person had answered earlier in the episode (they were
    there, then went silent: one calm line, not silence); never after a false trigger."""
    barge_in: tuple[str, ...] = ()
    """Phrases heard even while the assistant speaks (stop, wait, repeat)."""
    controls: dict[str, str] = field(default_factory=dict)
    """What is said when a voice control is heard: slower, faster, quieter, louder, wait,
    wait_reminder, go_on."""
    confirm: dict[str, str] = field(default_factory=dict)
    """By red flag kind: the yes/no question asked when a red flag was heard without
    confidence ([confirm]); a red flag is confirmed, never dropped."""
    diary: DiaryWords = field(default_factory=lambda: DiaryWords())
    """What the diary's keeper says ([diary]): the week's count, frequency advice."""
    source: str = ""

    def prompts(self) -> list[str]:
        """Every line the routine can say (for pre-rendering and wording checks)."""
        lines: list[str] = []
        for step in self.steps.values():
            lines += [*step.say, *step.after]
            if step.reprompt:
                lines.append(step.reprompt)
        if self.quiet_words:
            lines.append(self.quiet_words)
        lines += self.counting.values()
        lines += self.controls.values()
        lines += self.confirm.values()
        return list(dict.fromkeys(lines))


@dataclass(frozen=True)
class DiaryWords:
    """What the diary's keeper says, in the routine's language ([diary] in the routine file)."""

    cannot_read: str = "Sorry, I can't read the diary right now."
    week_none: str = "In the last seven days, you had no cramps."
    week_one: str = "In the last seven days, you had one cramp."
    week_many: str = "In the last seven days, you had cramps {count} times."
    """{count}: the number (said last: "11 cramps" ran together for Whisper, "cramps 11 times"
    did not)."""
    several_tonight: str = "You've had several cramps tonight. Please tell your doctor about them."
    """Advice at the end of the third or later episode of a night (once a week at most)."""
    many_nights: str = (
        "You had cramps on three or more nights a week, for two weeks. "
        "Please see your doctor about them."
    )
    """Advice when cramps came on three or more nights a week, two weeks running."""

    def week(self, count: int) -> str:
        """The answer to "how many cramps this week?"."""
        if count == 0:
            return self.week_none
        if count == 1:
            return self.week_one
        return self.week_many.replace("{count}", str(count))


def default_routine_path() -> Path:
    """The routine shipped inside the package."""
    return Path(str(resources.files("assistant") / "routines" / "en.toml"))


def load_routine(path: Path | None = None, emergency: str = "your emergency number") -> Routine:
    """Load and check a routine file; raise ConfigError naming the file, key and expectation."""
    path = path or default_routine_path()
    return parse_routine(read_toml(path, "routine file"), str(path), emergency)


def routine_of(settings: Settings) -> Routine:
    """The routine the settings name (the built-in one by default)."""
    path = Path(settings.routine.path).expanduser() if settings.routine.path else None
    return load_routine(path, emergency=settings.routine.emergency)


def parse_routine(
    data: dict[str, Any], where: str, emergency: str = "your emergency number"
) -> Routine:
    """Build a Routine from parsed TOML, checking every reference."""
    reader = _Reader(where, emergency)
    head = reader.table(data, "routine")
    steps_table = reader.table(data, "steps")
    steps = {sid: reader.step(sid, body) for sid, body in steps_table.items()}
    intents = reader.intents(reader.table(data, "intents"))
    triggers = reader.str_list(reader.table(data, "triggers"), "phrases", "triggers")
    if not triggers:
        raise ConfigError(where, "triggers.phrases", "at least one trigger phrase")
    queries = reader.str_list(data.get("queries", {}), "cramps_this_week", "queries")
    rules = reader.rules(data.get("expansion_rules", {}))
    templates = parse_templates({"trigger": triggers, "query": queries, **intents}, rules, where)
    counting_raw = reader.table(data, "counting").get("words", {})
    if not isinstance(counting_raw, dict) or not all(
        k.isdigit() and isinstance(v, str) for k, v in counting_raw.items()
    ):
        raise ConfigError(where, "counting.words", 'a table of seconds = "word", e.g. 10 = "Ten."')
    counting = {int(k): str(v) for k, v in counting_raw.items()}
    routine = Routine(
        name=str(head.get("name", "routine")),
        start=reader.str_(head, "start", "routine"),
        steps=steps,
        triggers=triggers,
        intents=intents,
        global_replies=reader.mapping(head, "global_replies", "routine"),
        hold_replies=reader.str_list(head, "hold_replies", "routine") or ("stop", "red_flag"),
        red_flag_steps=reader.mapping(head, "red_flag_steps", "routine"),
        counting=counting,
        templates=templates,
        queries=queries,
        reply_timeout=reader.number(head, "reply_timeout", "routine", 8.0),
        escalate_after=reader.number(head, "escalate_after", "routine", 600.0),
        escalate_step=reader.str_(head, "escalate_step", "routine"),
        stop_step=reader.str_(head, "stop_step", "routine"),
        quiet_step=reader.str_(head, "quiet_step", "routine"),
        wait_timeout=reader.number(head, "wait_timeout", "routine", 90.0),
        quiet_words=reader.str_(head, "quiet_words", "routine").replace("{emergency}", emergency),
        controls=reader.controls(data.get("controls", {})),
        diary=reader.diary_words(data.get("diary", {})),
        confirm=reader.confirm(data.get("confirm", {})),
        barge_in=tuple(_normalise(p) for p in reader.str_list(head, "barge_in", "routine")),
        source=where,
    )
    check_routine(routine)
    return routine


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
    """A reply means one thing: no sentence may be allowed by two intents (or two kinds)."""
    found = overlaps(templates, [k for k in templates.keys if k not in ("trigger", "query")])
    if found is not None:
        sentence, first, second = found
        raise ConfigError(
            templates.where,
            "intents." + second.replace(":", "."),
            f"sentences of its own ({sentence!r} is also {first.replace(':', ' ')})",
        )


def _check_intent(intent: str, where: str, key: str) -> None:
    if intent not in INTENTS:
        raise ConfigError(where, key, f"an intent name (one of: {', '.join(INTENTS)})")


def _normalise(text: str) -> str:
    return normalise(text)


class _Reader:
    """Reads typed values out of parsed TOML with errors that name the key."""

    STEP_KEYS = {
        "say",
        "hold",
        "count_every",
        "after",
        "replies",
        "reprompt",
        "on_silence",
        "next",
        "end",
        "red_flag",
        "escalate",
        "helps",
        "muscle",
        "assumes",
    }

    def __init__(self, where: str, emergency: str) -> None:
        self.where = where
        self.emergency = emergency

    def diary_words(self, table: object) -> DiaryWords:
        if not isinstance(table, dict):
            raise ConfigError(self.where, "diary", "a table")
        default = DiaryWords()
        words = DiaryWords(
            **{
                name: self.str_(table, name, "diary") or getattr(default, name)
                for name in DiaryWords.__dataclass_fields__
            }
        )
        if "{count}" not in words.week_many:
            raise ConfigError(self.where, "diary.week_many", "a sentence with {count} in it")
        return words

    def table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise ConfigError(self.where, key, "a table")
        return value

    def str_(self, data: dict[str, Any], key: str, prefix: str) -> str:
        value = data.get(key, "")
        if not isinstance(value, str):
            raise ConfigError(self.where, f"{prefix}.{key}", "a string")
        return value

    def number(self, data: dict[str, Any], key: str, prefix: str, default: float) -> float:
        # A day at most: NaN or infinity would leave a hold or a question open all night.
        value = data.get(key, default)
        return number_in(value, 0, 86400, self.where, f"{prefix}.{key}", " seconds")

    def mapping(self, data: dict[str, Any], key: str, prefix: str) -> dict[str, str]:
        if not isinstance(data, dict):
            raise ConfigError(self.where, prefix, "a table")
        value = data.get(key, {})
        if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
            raise ConfigError(self.where, f"{prefix}.{key}", "a table of name = step")
        return dict(value)

    def str_list(self, data: dict[str, Any], key: str, prefix: str) -> tuple[str, ...]:
        if not isinstance(data, dict):
            raise ConfigError(self.where, prefix, "a table")
        value = data.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(self.where, f"{prefix}.{key}", "a list of strings")
        return tuple(value)

    def rules(self, data: object) -> dict[str, str]:
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise ConfigError(self.where, "expansion_rules", 'a table of name = "template"')
        return dict(data)

    def controls(self, data: object) -> dict[str, str]:
        if not isinstance(data, dict):
            raise ConfigError(self.where, "controls", "a table")
        missing = [key for key in CONTROL_LINES if not isinstance(data.get(key), str)]
        if missing:
            raise ConfigError(self.where, f"controls.{missing[0]}", "a line to say")
        okay = data.get("okay", "Okay.")
        if not isinstance(okay, str):
            raise ConfigError(self.where, "controls.okay", "a line to say")
        return {**{key: data[key] for key in CONTROL_LINES}, "okay": okay}

    def confirm(self, data: object) -> dict[str, str]:
        if not isinstance(data, dict):
            raise ConfigError(self.where, "confirm", "a table of red flag kind = question")
        missing = [kind for kind in RED_FLAG_KINDS if not isinstance(data.get(kind), str)]
        if missing:
            raise ConfigError(self.where, f"confirm.{missing[0]}", "a yes/no question to ask")
        return {kind: data[kind] for kind in RED_FLAG_KINDS}

    def lines(self, data: dict[str, Any], key: str, prefix: str) -> tuple[str, ...]:
        return tuple(
            line.replace("{emergency}", self.emergency) for line in self.str_list(data, key, prefix)
        )

    def step(self, sid: str, body: object) -> Step:
        prefix = f"steps.{sid}"
        if not isinstance(body, dict):
            raise ConfigError(self.where, prefix, "a table")
        unknown = set(body) - self.STEP_KEYS
        if unknown:
            raise ConfigError(
                self.where,
                f"{prefix}.{sorted(unknown)[0]}",
                f"one of the step keys ({', '.join(sorted(self.STEP_KEYS))})",
            )
        replies_raw = body.get("replies", {})
        if not isinstance(replies_raw, dict):
            raise ConfigError(self.where, f"{prefix}.replies", "a table of intent = step")
        replies = {
            intent: self.str_list(replies_raw, intent, f"{prefix}.replies")
            for intent in replies_raw
        }
        escalate = body.get("escalate", True)
        if not isinstance(escalate, bool):
            raise ConfigError(self.where, f"{prefix}.escalate", "true or false")
        count_every = self.number(body, "count_every", prefix, 10.0)
        if count_every <= 0:
            raise ConfigError(self.where, f"{prefix}.count_every", "a number of seconds above 0")
        muscle = self.str_(body, "muscle", prefix)
        if muscle and muscle not in MUSCLES:
            raise ConfigError(self.where, f"{prefix}.muscle", f"one of {', '.join(MUSCLES)}")
        red_flag = self.str_(body, "red_flag", prefix)
        if red_flag and red_flag not in RED_FLAG_KINDS:
            raise ConfigError(self.where, f"{prefix}.red_flag", f"one of {RED_FLAG_KINDS}")
        return Step(
            id=sid,
            say=self.lines(body, "say", prefix),
            hold=self.number(body, "hold", prefix, 0.0),
            count_every=count_every,
            after=self.lines(body, "after", prefix),
            replies=replies,
            reprompt=self.str_(body, "reprompt", prefix).replace("{emergency}", self.emergency),
            on_silence=self.str_(body, "on_silence", prefix),
            next=self.str_(body, "next", prefix),
            end=self.str_(body, "end", prefix),
            red_flag=red_flag,
            escalate=escalate,
            helps=self.str_(body, "helps", prefix),
            muscle=muscle,
            assumes=self.str_(body, "assumes", prefix),
        )

    def intents(self, table: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        result: dict[str, tuple[str, ...]] = {}
        for name, value in table.items():
            if name not in INTENTS:
                raise ConfigError(self.where, f"intents.{name}", f"one of {', '.join(INTENTS)}")
            if name in KINDED_INTENTS:
                kinds = KINDED_INTENTS[name]
                if not isinstance(value, dict):
                    raise ConfigError(self.where, f"intents.{name}", "a table of kind = phrases")
                for kind in value:
                    if kind not in kinds:
                        raise ConfigError(
                            self.where, f"intents.{name}.{kind}", f"one of {', '.join(kinds)}"
                        )
                    result[f"{name}:{kind}"] = self.str_list(value, kind, f"intents.{name}")
            else:
                result[name] = self.str_list(table, name, "intents")
        return result
