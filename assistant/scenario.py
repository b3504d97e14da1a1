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
after the last turn, silence until the episode ends. The assistant's voice comes back into the
microphone through a simulated room (a delay and a short reverberation) at `echo` gain, as a
bedside speaker's would.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.audio.chunk import FRAME, RATE
from assistant.audio.convert import read_audio, resample
from assistant.audio.sinks import AudioSink
from assistant.audio.sources import AudioSource, paced
from assistant.errors import AudioInputError, ConfigError, number_in, read_toml
from assistant.events import EventLog
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


def parse_scenario(data: dict, where: str, base_dir: Path) -> Scenario:
    """Build a Scenario from parsed TOML."""
    head = data.get("scenario", {})
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
        during = raw.get("during", "reply")
        if during not in ("reply", "hold", "speech"):
            raise ConfigError(where, f"{key}.during", "reply, hold or speech")
        at = number_in(raw.get("at", 1.0), 0, 600, where, f"{key}.at", " seconds")
        turns.append(Turn(kind, value, during, at))
    return Scenario(
        turns=tuple(turns),
        base_dir=base_dir,
        noise=number_in(head.get("noise", 30.0), 0, 32767, where, "scenario.noise", " (RMS)"),
        pause=number_in(head.get("pause", 0.7), 0, 60, where, "scenario.pause", " seconds"),
        voice=str(head.get("voice", "en-us+m3")),
        rate=int(number_in(head.get("rate", 150), 80, 450, where, "scenario.rate", " wpm")),
        echo=number_in(head.get("echo", 0.3), 0, 1, where, "scenario.echo"),
    )


class ScenarioSource(AudioSource):
    """Plays each turn into the microphone path when the assistant next listens (or speaks), over
    the echo of the assistant's own voice."""

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
        self._queued_until = 0.0
        self._rng = np.random.default_rng(seed)
        self._t = 0.0
        self._mode = "trigger"
        self._busy_until = 0.0
        self._echo: list[tuple[int, np.ndarray]] = []
        """The assistant's voice as the microphone hears it: (first sample, float samples)."""
        self._room = room_response(np.random.default_rng(seed + 1)) * scenario.echo
        self._events: EventLog | None = None
        self._person.render([str(t.value) for t in scenario.turns if t.kind == "say"])

    def attach_events(self, events: EventLog) -> None:
        self._events = events

    def listening(self, mode: str, t: float) -> None:
        self._mode = mode
        if not self._turns or t < self._busy_until:
            return
        wanted = "hold" if mode == "hold" else "reply"
        if self._turns[0].during == wanted:
            self._speak_turn(t + self.scenario.pause)

    def heard_speaker(self, samples: np.ndarray, rate: int, t: float) -> None:
        """The assistant's voice, played from audio time `t`, reaches the microphone."""
        if self._turns and self._turns[0].during == "speech" and t >= self._busy_until:
            self._speak_turn(t + self._turns[0].at)
        if self.scenario.echo <= 0:
            return
        voice = resample(samples.astype(np.float32), rate, RATE)
        self._echo.append((int(t * RATE), np.convolve(voice, self._room)))

    def speaker_stopped(self, t: float) -> None:
        """The assistant stopped speaking at `t`: its echo dies away within the room's tail."""
        cut = int(t * RATE) + len(self._room)
        self._echo = [(s, a[: max(0, cut - s)]) for s, a in self._echo if s < cut]

    def _speak_turn(self, at: float) -> None:
        turn = self._turns.popleft()
        lead = max(0.0, at - max(self._t, self._queued_until))
        self._queue.append(np.zeros(int(lead * RATE), dtype=np.int16))
        audio = self._turn_audio(turn)
        self._queue.append(audio)
        start = max(self._t, self._queued_until) + lead
        self._queued_until = start + len(audio) / RATE
        self._busy_until = start + _voice_end(audio)  # done talking, though the file runs on
        if self._events is not None and turn.kind != "silence":
            self._events.emit(
                start,
                "person",
                text=str(turn.value),
                during=turn.during,
                speech_end=round(start + _voice_end(audio), 3),
            )

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
            yield self._in_the_room(block)
            self._t += FRAME / RATE

    def _in_the_room(self, block: np.ndarray) -> np.ndarray:
        """The person's block as the microphone hears it: with the echo and the room's noise."""
        first = round(self._t * RATE)
        heard = block.astype(np.float32)
        for start, echo in self._echo:
            lo, hi = max(first, start), min(first + len(block), start + len(echo))
            if lo < hi:
                heard[lo - first : hi - first] += echo[lo - start : hi - start]
        self._echo = [(s, a) for s, a in self._echo if s + len(a) > first + len(block)]
        if self.scenario.noise > 0:
            heard += self._rng.normal(0.0, self.scenario.noise, len(block))
        return np.clip(heard, -32768, 32767).astype(np.int16)


class RoomSink(AudioSink):
    """A speaker in the scenario's room: what it plays also reaches the scenario's microphone."""

    def __init__(self, inner: AudioSink, room: ScenarioSource) -> None:
        self.inner = inner
        self.room = room

    def play(self, samples: np.ndarray, rate: int, t: float) -> None:
        self.inner.play(samples, rate, t)
        self.room.heard_speaker(samples, rate, t)

    def stop(self, t: float) -> None:
        self.inner.stop(t)
        self.room.speaker_stopped(t)

    def close(self) -> None:
        self.inner.close()


def room_response(rng: np.random.Generator) -> np.ndarray:
    """A bedside speaker to microphone path: 40 ms of latency, a direct path, and 150 ms of
    reverberation; peak gain 1."""
    delay, tail = int(0.04 * RATE), int(0.15 * RATE)
    response = np.zeros(delay + tail, dtype=np.float32)
    response[delay] = 1.0
    decay = np.exp(-np.arange(tail) / (0.03 * RATE))
    response[delay + 1 :] += (rng.normal(0.0, 0.25, tail - 1) * decay[1:]).astype(np.float32)
    return response / np.abs(response).max()


def _voice_end(audio: np.ndarray) -> float:
    """Seconds from the start of `audio` to the end of its last loud part."""
    loud = np.flatnonzero(np.abs(audio.astype(np.float32)) > 0.05 * max(1, np.abs(audio).max()))
    return (loud[-1] + 1) / RATE if len(loud) else 0.0
