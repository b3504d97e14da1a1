"""Scripted stand-ins for the engines, for fast tests of the loop's own rules.

They never replace the real-engine tests (tests/speech, tests/cli, tests/audio); they let a rule
of the loop (a trigger comes out of quiet, talk during a hold is not a reply...) be checked in
milliseconds. Audio is made of "words": bursts of loud noise, which the LoudnessDetector takes
for speech; the ScriptedRecognizer says, for each utterance in turn, what it "heard".
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from assistant.audio.chunk import RATE
from assistant.audio.sinks import AudioSink
from assistant.audio.sources import AudioSource
from assistant.config.settings import Voice
from assistant.dialogue.grammar import Grammar
from assistant.modes import Mode
from assistant.speech.recognizer import Hypothesis
from assistant.speech.synthesizer import Speech


class LoudnessDetector:
    """Speech is any frame louder than `level` RMS."""

    name = "loudness"

    def __init__(self, level: float = 1000.0) -> None:
        self.level = level

    def is_speech(self, frame: np.ndarray) -> bool:
        return float(np.sqrt(np.mean(frame.astype(np.float64) ** 2))) > self.level


class ScriptedRecognizer:
    """Hears, utterance after utterance, the texts it was given ("" for nothing)."""

    name = "scripted"

    def __init__(self, texts: list[str]) -> None:
        self.texts = list(texts)
        self.expected: list[tuple[list[str], str]] = []
        """Every `expect` call, in order: (sentences, mode)."""
        self.samples = 0

    def expect(self, grammar: Grammar, mode: Mode = "reply") -> None:
        self.expected.append((list(grammar.sentences), mode))

    def begin(self) -> None:
        self.samples = 0

    def feed(self, samples: np.ndarray) -> None:
        self.samples += len(samples)

    def end(self) -> Hypothesis:
        text = self.texts.pop(0) if self.texts else ""
        return Hypothesis(text, 0.0 if text else -10.0, text)


class ArraySource(AudioSource):
    """Audio from an array, in 30 ms blocks."""

    def __init__(self, audio: np.ndarray) -> None:
        self.audio = audio

    def blocks(self) -> Iterator[np.ndarray]:
        for i in range(0, len(self.audio), 480):
            yield self.audio[i : i + 480]


class RecordingSink(AudioSink):
    """Keeps (time, seconds) of everything played."""

    def __init__(self) -> None:
        self.played: list[tuple[float, float]] = []
        self.stopped: list[float] = []

    def play(self, samples: np.ndarray, rate: int, t: float) -> None:
        self.played.append((t, len(samples) / rate))

    def stop(self, t: float) -> None:
        self.stopped.append(t)


class FixedSynthesizer:
    """Every line lasts `per_word` seconds a word (0.1 by default); nothing is rendered."""

    def __init__(self, per_word: float = 0.1) -> None:
        self.voice = Voice()
        self.per_word = per_word

    def speech(self, text: str) -> Speech:
        """A quiet hum as long as the line (not silence: barge-in learns from what plays)."""
        seconds = self.per_word * max(1, len(text.split()))
        t = np.arange(int(seconds * 16000)) / 16000
        return Speech((300 * np.sin(2 * np.pi * 220 * t)).astype(np.int16), 16000)

    def render(self, lines: list[str]) -> list[str]:
        return []

    def prepare(self, lines: list[str], beside: bool = False) -> None:
        pass

    def render_soon(self, lines: list[str]) -> None:
        pass


class Timeline:
    """Builds a quiet night with loud bursts ("words") at given times."""

    def __init__(self, seconds: float) -> None:
        rng = np.random.default_rng(0)
        self.audio = rng.normal(0, 30, int(seconds * RATE)).astype(np.int16)

    def word(self, at: float, seconds: float) -> Timeline:
        """A burst of speech-like loudness from `at` for `seconds`."""
        rng = np.random.default_rng(int(at * 1000))
        start, n = int(at * RATE), int(seconds * RATE)
        self.audio[start : start + n] = rng.normal(0, 5000, n).astype(np.int16)
        return self
