"""A whole night in a file: the person's turns, played into the assistant's ears when it listens.

    [scenario]              # optional
    noise = 30.0            # background noise (RMS, 16-bit units) under everything
    pause = 0.7             # seconds between the assistant's last word and the person's answer
    voice = "en-us+m3"      # espeak-ng voice for `say` turns
    rate = 150              # their speaking rate (words per minute)
    echo = 0.3              # how loud the assistant's own voice reaches the microphone (0: not)

    [[turn]]
    say = "I have a cramp"  # rendered by the synthesizer, then heard through the recognizer
    [[turn]]
    silence = 20            # the person says nothing for 20 s
    [[turn]]
    audio = "reply.wav"     # a recording (path relative to the scenario file)
    during = "hold"         # optional: speak while a position is held instead of after a question
    [[turn]]
    say = "stop"
    during = "speech"       # talk over the assistant: `at` seconds into its next speech
    at = 1.0

Each turn is spoken the next time the assistant listens (or speaks, for `during = "speech"`);
after the last turn, silence until the episode ends (played by assistant.simulation.room).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import ConfigError, number_in, read_toml


@dataclass(frozen=True)
class Turn:
    """One thing the person does."""

    kind: str
    """`say`, `audio` or `silence`."""
    value: str | float
    during: str = "reply"
    """When it is spoken: `reply` (a question or the trigger wait), `hold`, or `speech`."""
    at: float = 1.0
    """For `during = "speech"`: seconds into the assistant's speech."""


@dataclass(frozen=True)
class Scenario:
    """Turns and how the room sounds."""

    turns: tuple[Turn, ...]
    base_dir: Path
    noise: float = 30.0
    pause: float = 0.7
    voice: str = "en-us+m3"
    rate: int = 150
    echo: float = 0.3


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file."""
    return parse_scenario(read_toml(path, "scenario file"), str(path), path.parent)


def parse_scenario(data: dict[str, Any], where: str, base_dir: Path) -> Scenario:
    """Build a Scenario from parsed TOML."""
    head = data.get("scenario", {})
    if not isinstance(head, dict):
        raise ConfigError(where, "scenario", "a [scenario] table")
    unknown = set(head) - {"noise", "pause", "voice", "rate", "echo"}
    if unknown:
        raise ConfigError(
            where, f"scenario.{sorted(unknown)[0]}", "noise, pause, voice, rate or echo"
        )
    turns = []
    raw_turns = data.get("turn", [])
    if not isinstance(raw_turns, list) or not raw_turns:
        raise ConfigError(where, "turn", "at least one [[turn]] table")
    for i, raw in enumerate(raw_turns, 1):
        key = f"turn[{i}]"
        if not isinstance(raw, dict):
            raise ConfigError(where, key, "a [[turn]] table")
        kinds = [k for k in ("say", "audio", "silence") if k in raw]
        if len(kinds) != 1 or set(raw) - {"say", "audio", "silence", "during", "at"}:
            raise ConfigError(
                where, key, "exactly one of say, audio or silence (and optional during, at)"
            )
        kind = kinds[0]
        value = raw[kind]
        if kind == "silence":
            value = number_in(value, 0, 3600, where, f"{key}.silence", " seconds")
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(where, f"{key}.{kind}", "a non-empty string")
        elif kind == "audio" and not (base_dir / value).is_file():
            # Checked before the night starts, not when the turn comes (minutes in).
            raise ConfigError(
                where, f"{key}.audio", f"an audio file ({base_dir / value} does not exist)"
            )
        during = raw.get("during", "reply")
        if not isinstance(during, str) or during not in ("reply", "hold", "speech"):
            raise ConfigError(where, f"{key}.during", "reply, hold or speech")
        at = number_in(raw.get("at", 1.0), 0, 600, where, f"{key}.at", " seconds")
        turns.append(Turn(kind, value, during, at))
    return Scenario(
        turns=tuple(turns),
        base_dir=base_dir,
        noise=number_in(head.get("noise", 30.0), 0, 32767, where, "scenario.noise", " (RMS)"),
        pause=number_in(head.get("pause", 0.7), 0, 60, where, "scenario.pause", " seconds"),
        voice=_voice(head.get("voice", "en-us+m3"), where),
        rate=int(number_in(head.get("rate", 150), 80, 450, where, "scenario.rate", " wpm")),
        echo=number_in(head.get("echo", 0.3), 0, 1, where, "scenario.echo"),
    )


def _voice(value: object, where: str) -> str:
    """An espeak-ng voice this machine has (a mistyped one would run the night in silence)."""
    from assistant.speech.synthesizer import unknown_voice

    if not isinstance(value, str) or not value.strip():
        raise ConfigError(where, "scenario.voice", "an espeak-ng voice name, e.g. en-us")
    why = unknown_voice(value)
    if why:
        raise ConfigError(where, "scenario.voice", f"an espeak-ng voice ({why})")
    return value
