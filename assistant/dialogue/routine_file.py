"""Reading a routine TOML file into a Routine, with one clear error per mistake (file, key,
what was expected); the result is checked whole (routine_check) before it is used."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from assistant.config.settings import Settings
from assistant.dialogue.routine import (
    CONTROL_LINES,
    INTENTS,
    KINDED_INTENTS,
    DiaryWords,
    Routine,
    Step,
)
from assistant.dialogue.routine_check import check_routine
from assistant.dialogue.templates import parse_templates
from assistant.dialogue.text import normalise
from assistant.dialogue.vocabulary import MUSCLES, RED_FLAG_KINDS
from assistant.errors import ConfigError, number_in, read_toml


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
    triggers_table = reader.table(data, "triggers")
    triggers = reader.str_list(triggers_table, "phrases", "triggers")
    if not triggers:
        raise ConfigError(where, "triggers.phrases", "at least one trigger phrase")
    triggers_again = reader.str_list(triggers_table, "again", "triggers")
    queries = reader.str_list(data.get("queries", {}), "cramps_this_week", "queries")
    not_triggers = reader.str_list(data.get("not_triggers", {}), "phrases", "not_triggers")
    rules = reader.rules(data.get("expansion_rules", {}))
    by_key = {
        "trigger": triggers,
        "trigger_again": triggers_again,
        "query": queries,
        "not_trigger": not_triggers,
        **intents,
    }
    templates = parse_templates(by_key, rules, where)
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
        triggers_again=triggers_again,
        again_within=reader.number(triggers_table, "again_within", "triggers", 1800.0),
        intents=intents,
        global_replies=reader.mapping(head, "global_replies", "routine"),
        hold_replies=reader.str_list(head, "hold_replies", "routine") or ("stop", "red_flag"),
        red_flag_steps=reader.mapping(head, "red_flag_steps", "routine"),
        counting=counting,
        templates=templates,
        queries=queries,
        not_triggers=not_triggers,
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
