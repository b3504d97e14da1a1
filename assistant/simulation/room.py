"""The room a scenario is played in: the person's turns reach the microphone when the assistant
listens (or speaks), over fan noise and the echo of the assistant's own voice (a delay and a short
reverberation at the scenario's `echo` gain, as a bedside speaker's would)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from assistant.audio.chunk import FRAME, RATE
from assistant.audio.convert import read_audio, resample, to_int16
from assistant.audio.sinks import AudioSink
from assistant.audio.sources import AudioSource, paced
from assistant.config.settings import Voice
from assistant.errors import AudioInputError
from assistant.events import Event, EventLog, ListeningBegan, PersonSpoke
from assistant.simulation.scenario import Scenario, Turn
from assistant.speech.synthesizer import WorkerSynthesizer

SETTLE = 2.0
"""Seconds after a turn before an assistant still waiting for a trigger is taken to be asleep."""
MAX_SECONDS = 4 * 3600.0
"""A scenario never runs longer than this on the audio clock (a routine that never ends)."""


class ScenarioSource(AudioSource):
    """Plays each turn into the microphone path when the assistant next listens (or speaks), over
    the echo of the assistant's own voice."""

    def __init__(
        self, scenario: Scenario, cache_dir: Path, seed: int = 0, realtime: bool = False
    ) -> None:
        self.scenario = scenario
        self.realtime = realtime
        self._person = WorkerSynthesizer(
            # espeak-ng always: the assistant's own voice is never the person's.
            cache_dir,
            Voice(engine="espeak", rate=scenario.rate, volume=1.0, voice=scenario.voice),
        )
        self._turns = deque(enumerate(scenario.turns, 1))
        """(number in the file, turn) of the turns not yet played."""
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

    def follow(self, events: EventLog) -> None:
        """Take turns as the night's event log tells of it (a `listening` event: the person
        answers), and record in it what the person said."""
        self._events = events
        events.listeners.append(self._on_event)

    def _on_event(self, event: Event) -> None:
        if isinstance(event, ListeningBegan):
            self.listening(event.mode, event.t)

    def listening(self, mode: str, t: float) -> None:
        """The assistant listens (`trigger`, `reply` or `hold`) from audio time `t`."""
        self._mode = mode
        if not self._turns or t < self._busy_until:
            return
        wanted = "hold" if mode == "hold" else "reply"
        if self._turns[0][1].during == wanted:
            self._speak_turn(t + self.scenario.pause)

    def heard_speaker(self, samples: np.ndarray, rate: int, t: float) -> None:
        """The assistant's voice, played from audio time `t`, reaches the microphone."""
        if self._turns and self._turns[0][1].during == "speech" and t >= self._busy_until:
            self._speak_turn(t + self._turns[0][1].at)
        if self.scenario.echo <= 0:
            return
        voice = resample(samples.astype(np.float32), rate, RATE)
        self._echo.append((int(t * RATE), np.convolve(voice, self._room)))

    def speaker_stopped(self, t: float) -> None:
        """The assistant stopped speaking at `t`: its echo dies away within the room's tail."""
        cut = int(t * RATE) + len(self._room)
        self._echo = [(s, a[: max(0, cut - s)]) for s, a in self._echo if s < cut]

    @property
    def unplayed(self) -> list[str]:
        """The turns the night ended without playing, each described for the person."""
        return [
            f"turn {number} ({turn.kind} {turn.value!r}, during = {turn.during!r})"
            for number, turn in self._turns
        ]

    def _speak_turn(self, at: float) -> None:
        _, turn = self._turns.popleft()
        lead = max(0.0, at - max(self._t, self._queued_until))
        self._queue.append(np.zeros(int(lead * RATE), dtype=np.int16))
        audio = self._turn_audio(turn)
        self._queue.append(audio)
        start = max(self._t, self._queued_until) + lead
        self._queued_until = start + len(audio) / RATE
        self._busy_until = start + _voice_end(audio)  # done talking, though the file runs on
        if self._events is not None and turn.kind != "silence":
            speech_end = round(start + _voice_end(audio), 3)
            self._events.emit(PersonSpoke(start, str(turn.value), turn.during, speech_end))

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
        return to_int16(resample(mono, speech.rate, RATE))

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
                    # Asleep and the last turn long over: the next turn, or the end of the night
                    # (a turn for a hold or for its speech cannot come while it sleeps).
                    if not self._turns or self._turns[0][1].during != "reply":
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
    normalised: np.ndarray = response / np.abs(response).max()
    return normalised


def _voice_end(audio: np.ndarray) -> float:
    """Seconds from the start of `audio` to the end of its last loud part."""
    loud = np.flatnonzero(np.abs(audio.astype(np.float32)) > 0.05 * max(1, np.abs(audio).max()))
    return (loud[-1] + 1) / RATE if len(loud) else 0.0
