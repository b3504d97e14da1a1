"""Barge-in: while the assistant speaks, it still hears "stop", "wait" or "repeat" said over it.

Its own voice is taken out of the microphone (SpeexDSP, with what is playing as the reference),
a talk-over detector lets through only sound well above the echo usually left, a quick gate cuts
the command, and the recognizer (with its second opinion) is borrowed for the barge-in phrases,
minus any that shares a word with the line being said. The assistant decides what a command
does; this module only says that one was heard.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.audio.chunk import RATE
from assistant.audio.echo import EchoCanceller, TalkOver
from assistant.audio.gate import SpeechContinues, SpeechEnded, SpeechStarted
from assistant.dialogue.grammar import Grammar
from assistant.dialogue.intents import barge_in_phrases
from assistant.events import UtteranceHeard
from assistant.night.hearing import Ears, build_gate, heard_event
from assistant.night.speech_player import SpeechPlayer
from assistant.speech.recognizer import Hypothesis

BARGE_END_SILENCE = 0.15
"""Seconds of silence that end a command said over the assistant (it must stop at once)."""
ECHO_LEARNING_SECONDS = 8.0
"""Seconds of its own voice the echo canceller hears before commands are taken over it."""
BARGE_AFTER = 0.4
"""Seconds into a line before a command said over it can be noticed."""


@dataclass(frozen=True)
class Overheard:
    """An utterance said over the assistant, recognised against the barge-in phrases."""

    hypothesis: Hypothesis
    ended: SpeechEnded
    event: UtteranceHeard
    """Its record for the event log."""


class BargeIn:
    """Listens over the assistant's own voice; `frame` returns what was said over it."""

    def __init__(
        self,
        barge_in: tuple[str, ...],
        ears: Ears,
        player: SpeechPlayer,
        echo: EchoCanceller | None = None,
    ) -> None:
        """`barge_in`: the routine's barge-in phrases; `ears`: whose recognizer is borrowed;
        `player`: what the speaker is playing (the echo canceller's reference); `echo`: takes
        its own voice out of the microphone (None: commands are heard over it without)."""
        self.phrases = barge_in
        self.ears = ears
        self.player = player
        self.gate = build_gate(ears.listening, BARGE_END_SILENCE, ears.make_detector())
        self.echo = echo
        self.talk_over = TalkOver()
        self.active = False
        """True while an utterance over its voice is being recognised."""
        self._echo_heard = 0.0
        """Seconds of its own voice the echo canceller has learnt from."""

    def stopped(self) -> None:
        """The speaker was stopped by a command: the next one starts afresh."""
        self.gate.reset()

    def cancel(self) -> None:
        """The assistant stopped speaking mid-utterance: whatever was said is not a command."""
        self.active = False
        self.gate.reset()
        self.ears.give_back()

    def frame(self, frame: np.ndarray, t: float) -> Overheard | None:
        """One microphone frame at `t` while the assistant speaks."""
        first = round(t * RATE)
        # What has been played out is forgotten, with or without an echo canceller.
        self.player.played_out(first)
        if self.echo is not None:
            reference = self.player.reference(first, len(frame))
            frame = self.echo.process(frame, reference)
            person = self.talk_over.person_speaking(frame, reference)
            if reference.any():
                self._echo_heard += len(frame) / RATE
            if self._echo_heard < ECHO_LEARNING_SECONDS:
                return None  # still learning the room: its own voice could pass for a command
            if not person:
                frame = np.zeros_like(frame)  # only its own voice: nothing to hear
        for event in self.gate.frame(frame, t):
            if isinstance(event, SpeechStarted):
                audible = self.player.heard_by(first)
                said = [line for p in audible for line in p.lines if isinstance(line, str)]
                phrases = barge_in_phrases(self.phrases, said)
                # Nobody talks over a line they have not heard yet; its first instants are
                # also when the echo canceller knows least.
                began = max((p.first for p in audible), default=first) / RATE
                if not phrases or t < began + BARGE_AFTER:
                    return None
                recognizer = self.ears.borrow(Grammar.of(phrases))
                recognizer.begin()
                recognizer.feed(event.audio)
                self.active = True
            elif isinstance(event, SpeechContinues) and self.active:
                self.ears.recognizer.feed(event.audio)
            elif isinstance(event, SpeechEnded) and self.active:
                self.active = False
                hypothesis = self.ears.recognizer.end()
                self.ears.give_back()
                return Overheard(hypothesis, event, heard_event(t, hypothesis, event, "barge"))
        return None
