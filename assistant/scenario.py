"""A whole night in a file: the person's turns, played into the assistant's ears when it listens.

    [scenario]              # optional
    noise = 30.0            # background noise (RMS, 16-bit units) under everything
    pause = 0.7             # seconds between the assistant's last word and the person's answer
    voice = "en-us+m3"      # espeak-ng voice for `say` turns
    rate = 150              # their speaking rate (words per minute)

    [[turn]]
    say = "I have a cramp"  # rendered by the synthesizer, then heard through the recognizer
    [[turn]]
    silence = 20            # the person says nothing for 20 s
    [[turn]]
    audio = "reply.wav"     # a recording (path relative to the scenario file)
    during = "hold"         # optional: speak while a position is held instead of after a question

Each turn is spoken the next time the assistant listens; after the last turn, silence until the
episode ends.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.chunk import FRAME, RATE
from assistant.audio.convert import read_audio, resample
from assistant.audio.sources import AudioSource, paced
from assistant.errors import AudioInputError, ConfigError, read_toml
from assistant.speech.synthesizer import Synthesizer, Voice

SETTLE = 2.0
"""Seconds after a turn before an assistant still waiting for a trigger is taken to be asleep."""
MAX_SECONDS = 4 * 3600.0
"""A scenario never runs longer than this on the audio clock (a routine that never ends)."""


@dataclass(frozen=True)
class Turn:
    """One thing the person does."""

    kind: str
    """`say`, `audio` or `silence`."""
    value: str | float
    during: str = "reply"
    """When it is spoken: `reply` (a question or the trigger wait) or `hold`."""


@dataclass(frozen=True)
class Scenario:
    """Turns and how the room sounds."""

    turns: tuple[Turn, ...]
    base_dir: Path
    noise: float = 30.0
    pause: float = 0.7
    voice: str = "en-us+m3"
    rate: int = 150


def load_scenario(path: Path) -> Scenario:
    """Read and check a scenario file."""
    return parse_scenario(read_toml(path, "scenario file"), str(path), path.parent)


def parse_scenario(data: dict, where: str, base_dir: Path) -> Scenario:
    """Build a Scenario from parsed TOML."""
    head = data.get("scenario", {})
    unknown = set(head) - {"noise", "pause", "voice", "rate"}
    if unknown:
        raise ConfigError(where, f"scenario.{sorted(unknown)[0]}", "noise, pause, voice or rate")
    turns = []
    raw_turns = data.get("turn", [])
    if not isinstance(raw_turns, list) or not raw_turns:
        raise ConfigError(where, "turn", "at least one [[turn]] table")
    for i, raw in enumerate(raw_turns, 1):
        key = f"turn[{i}]"
        kinds = [k for k in ("say", "audio", "silence") if k in raw]
        if len(kinds) != 1 or set(raw) - {"say", "audio", "silence", "during"}:
            raise ConfigError(
                where, key, "exactly one of say, audio or silence (and optional during)"
            )
        kind = kinds[0]
        value = raw[kind]
        if kind == "silence":
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ConfigError(where, f"{key}.silence", "a number of seconds, 0 or more")
            value = float(value)
        elif not isinstance(value, str) or not value.strip():
            raise ConfigError(where, f"{key}.{kind}", "a non-empty string")
        during = raw.get("during", "reply")
        if during not in ("reply", "hold"):
            raise ConfigError(where, f"{key}.during", "reply or hold")
        turns.append(Turn(kind, value, during))
    return Scenario(
        turns=tuple(turns),
        base_dir=base_dir,
        noise=float(head.get("noise", 30.0)),
        pause=float(head.get("pause", 0.7)),
        voice=str(head.get("voice", "en-us+m3")),
        rate=int(head.get("rate", 150)),
    )


class ScenarioSource(AudioSource):
    """Plays each turn into the microphone path when the assistant next listens."""

    def __init__(
        self, scenario: Scenario, cache_dir: Path, seed: int = 0, realtime: bool = False
    ) -> None:
        self.scenario = scenario
        self.realtime = realtime
        self._person = Synthesizer(
            cache_dir, Voice(rate=scenario.rate, volume=1.0, voice=scenario.voice)
        )
        self._turns = deque(scenario.turns)
        self._queue: deque[np.ndarray] = deque()
        self._rng = np.random.default_rng(seed)
        self._t = 0.0
        self._mode = "trigger"
        self._busy_until = 0.0
        self._person.render([str(t.value) for t in scenario.turns if t.kind == "say"])

    def listening(self, mode: str, t: float) -> None:
        self._mode = mode
        if not self._turns or t < self._busy_until:
            return
        wanted = "hold" if mode == "hold" else "reply"
        if self._turns[0].during != wanted:
            return
        turn = self._turns.popleft()
        lead = max(0.0, t - self._t) + self.scenario.pause
        self._queue.append(np.zeros(int(lead * RATE), dtype=np.int16))
        audio = self._turn_audio(turn)
        self._queue.append(audio)
        self._busy_until = t + self.scenario.pause + len(audio) / RATE

    def _turn_audio(self, turn: Turn) -> np.ndarray:
        if turn.kind == "silence":
            return np.zeros(int(float(turn.value) * RATE), dtype=np.int16)
        if turn.kind == "audio":
            path = self.scenario.base_dir / str(turn.value)
            if not path.exists():
                raise AudioInputError(f"{path}: audio file of a scenario turn not found")
            return read_audio(path)
        speech = self._person.speech(str(turn.value))
        mono = speech.samples.astype(np.float32) / 32768.0
        return (np.clip(resample(mono, speech.rate, RATE), -1, 1) * 32767).astype(np.int16)

    def blocks(self) -> Iterator[np.ndarray]:
        return paced(self._frames(), self.realtime)

    def _frames(self) -> Iterator[np.ndarray]:
        pending = np.zeros(0, dtype=np.int16)
        while self._t < MAX_SECONDS:
            while len(pending) < FRAME and self._queue:
                pending = np.concatenate([pending, self._queue.popleft()])
            if len(pending) >= FRAME:
                block, pending = pending[:FRAME], pending[FRAME:]
            else:
                if self._mode == "trigger" and self._t >= self._busy_until + SETTLE:
                    # Asleep and the last turn long over: the next turn, or the end of the night.
                    if not self._turns:
                        return
                    self.listening("trigger", self._t)
                block = np.zeros(FRAME, dtype=np.int16)
            yield self._with_noise(block)
            self._t += FRAME / RATE

    def _with_noise(self, block: np.ndarray) -> np.ndarray:
        if self.scenario.noise <= 0:
            return block
        noisy = block.astype(np.float32) + self._rng.normal(0.0, self.scenario.noise, len(block))
        return np.clip(noisy, -32768, 32767).astype(np.int16)
