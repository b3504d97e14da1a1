"""Ears: the one hearing pipeline (front end, voice gate, recognizer with its second opinion).

The night's loop, `setup`'s microphone check and the benchmark all hear through this, built from
the settings in force, so what is measured is what runs at night.

    audio frame -> front end (noise suppression, gain) -> voice gate (Silero or webrtcvad)
                -> recognizer told what may be said now (first stage + second opinion)

A recognizer that can hear ahead is told when the speaker pauses (and goes on), so that it
starts on an answer while the gate's hang-over decides whether the utterance is over. The
night's loop then reads a file no faster than a microphone gives it (`pace`), so that the work
begun at the pause takes the time it would at night.

The last utterance and the quiet after it are kept, so that an utterance can also be heard
joined with the one before it (`hear_joined`): the gate cuts "help, ... cramp" at its comma,
and "cramp" alone, a third of a second, is too little for Whisper to know.
"""

from __future__ import annotations

import logging
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from assistant.audio.chunk import FRAME, RATE, frames
from assistant.audio.frontend import FrontEnd
from assistant.audio.frontend import available as front_end_available
from assistant.audio.gate import (
    SpeechContinues,
    SpeechEnded,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    VoiceGate,
)
from assistant.audio.keep import UtteranceKeeper
from assistant.audio.vad import SpeechDetector, build_detector
from assistant.config.settings import ListeningSettings
from assistant.dialogue.grammar import Grammar
from assistant.events import UtteranceHeard
from assistant.modes import Mode
from assistant.speech.recognizer import HearsAhead, Hypothesis, Recognizer

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Began:
    """An utterance began at `t` (audio clock, pre-roll included)."""

    t: float


@dataclass(frozen=True)
class Heard:
    """An utterance ended and was recognised."""

    hypothesis: Hypothesis
    ended: SpeechEnded
    audio: np.ndarray
    """What the recognizer heard (after the front end)."""
    event: UtteranceHeard
    """Its record for the event log (with what was listened for when it was said)."""


HearingEvent = Began | Heard

JOIN_GAP_SECONDS = 1.5
"""The longest quiet after an utterance that is kept for hearing it joined with the next (the
quiet a trigger needs, 1.2 s by default, is the longest that joins at night)."""


def build_front_end(listening: ListeningSettings) -> FrontEnd:
    """The front end the settings ask for (pass-through when webrtc-noise-gain is missing)."""
    if not front_end_available():
        return FrontEnd()
    return FrontEnd(listening.noise_suppression, listening.auto_gain)


def build_gate(
    listening: ListeningSettings,
    end_silence: float | None = None,
    detector: SpeechDetector | None = None,
) -> VoiceGate:
    """A voice gate with the detector and end silence the settings ask for."""
    detector = detector or build_detector(listening.vad, listening.vad_aggressiveness)
    silence = listening.end_silence if end_silence is None else end_silence
    return VoiceGate(detector, end_silence=silence)


class Ears:
    """Hears utterances in a stream of 30 ms frames, and says what was said.

    The one owner of what the recognizer listens for: `listen_for` sets it; barge-in
    `borrow`s the recognizer for the phrases heard over the assistant's voice and `give_back`
    restores what was listened for before."""

    def __init__(
        self,
        recognizer: Recognizer,
        listening: ListeningSettings,
        keeper: UtteranceKeeper | None = None,
        detector: Callable[[], SpeechDetector] | None = None,
    ) -> None:
        """`keeper`: writes each utterance to disk (only when the person asked for it);
        `detector`: makes the speech detector of each gate (default: as the settings say);
        tests pass a simple one."""
        self.recognizer = recognizer
        self.listening = listening
        self.front_end = build_front_end(listening)
        self.make_detector = detector or (
            lambda: build_detector(listening.vad, listening.vad_aggressiveness)
        )
        self.gate = build_gate(listening, detector=self.make_detector())
        self.keeper = keeper
        self._mode: Mode = "trigger"
        self._grammar = Grammar.of([])
        self._lent = False
        self._audio: list[np.ndarray] = []
        self._last = np.zeros(0, np.int16)
        """The last utterance heard."""
        self._gap: deque[np.ndarray] = deque(maxlen=round(JOIN_GAP_SECONDS * RATE / FRAME))
        """The frames since it ended (at most JOIN_GAP_SECONDS)."""
        self._lead: np.ndarray | None = None
        """What came before the utterance being heard: the last one and the quiet between,
        when that quiet was short enough to be kept whole."""
        self._ahead_since: tuple[float, float] | None = None
        """While the recognizer decides ahead: when the pause was heard (audio clock, wall
        clock)."""

    @property
    def in_speech(self) -> bool:
        """True while an utterance is open."""
        return self.gate.in_speech

    @property
    def hearing_voice(self) -> bool:
        """Whether the last frame was voice (a word may be starting, before the gate opens)."""
        return self.gate.voiced

    @property
    def mode(self) -> Mode:
        """What is listened for now (outside barge-in)."""
        return self._mode

    def listen_for(self, grammar: Grammar, mode: Mode) -> None:
        """What may be said now (see Recognizer.expect)."""
        self._grammar, self._mode = grammar, mode
        if not self._lent:
            self.recognizer.expect(grammar, mode)

    def prepare(self, grammar: Grammar, mode: Mode) -> None:
        """Build a grammar the night will need, now rather than while someone waits; what is
        listened for is restored afterwards."""
        self.recognizer.expect(grammar, mode)
        if self._grammar:
            self.recognizer.expect(self._grammar, self._mode)

    def borrow(self, grammar: Grammar) -> Recognizer:
        """The recognizer, listening for `grammar` over the assistant's own voice, until
        `give_back`."""
        self._lent = True
        self.recognizer.expect(grammar, "barge")
        return self.recognizer

    def give_back(self) -> None:
        """Barge-in is over: listen again for what was listened for before it."""
        if self._lent:
            self._lent = False
            if self._grammar:
                self.recognizer.expect(self._grammar, self._mode)

    def reset(self) -> None:
        """Forget any open utterance (the assistant is speaking over it), and the last one:
        nothing said before its voice is joined with what is said after."""
        self.gate.reset()
        self._ahead_since = None
        self._audio = []
        self._last = np.zeros(0, np.int16)
        self._gap.clear()

    def hear(self, frame: np.ndarray, t: float) -> list[HearingEvent]:
        """Feed one frame that starts at `t`; what began and what was heard."""
        cleaned = self.front_end.process(frame)
        out: list[HearingEvent] = []
        if not self.gate.in_speech:
            self._gap.append(cleaned)
        for event in self.gate.frame(cleaned, t):
            if not isinstance(event, SpeechContinues):
                self._ahead_since = None
            if isinstance(event, SpeechStarted):
                self.recognizer.begin()
                self._lead = self._before(len(event.audio))
                self._audio = []
                self._feed(event.audio)
                out.append(Began(event.t))
            elif isinstance(event, SpeechContinues):
                self._feed(event.audio)
            elif isinstance(event, SpeechPaused) and isinstance(self.recognizer, HearsAhead):
                if self.recognizer.pause(event.rest):
                    self._ahead_since = (t + FRAME / RATE, time.monotonic())
            elif isinstance(event, SpeechResumed) and isinstance(self.recognizer, HearsAhead):
                self.recognizer.resume()
            elif isinstance(event, SpeechEnded):
                out.append(self._heard(event, t))
        return out

    def pace(self, t: float) -> None:
        """While the recognizer decides ahead, wait until a microphone would have given the
        frame that starts at `t`: a file is read faster than it was spoken, and the work begun
        at the speaker's pause must have the hang-over's time, as at night. From a microphone
        the frame has come by then: no wait."""
        if self._ahead_since is None:
            return
        heard, wall = self._ahead_since
        delay = wall + (t + FRAME / RATE - heard) - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def flush(self, t: float) -> list[HearingEvent]:
        """The input ended at `t`: recognise an utterance still open."""
        return [self._heard(e, t) for e in self.gate.flush() if isinstance(e, SpeechEnded)]

    def utterances(self, audio: np.ndarray, start: float = 0.0) -> list[HearingEvent]:
        """Everything heard in a whole clip (int16, 16 kHz), flushed at its end."""
        events: list[HearingEvent] = []
        t = start
        for i, frame in enumerate(frames([audio])):
            t = start + i * FRAME / RATE
            events += self.hear(frame, t)
        return events + self.flush(t)

    def hear_joined(self) -> Hypothesis | None:
        """The last utterance heard again, joined with the one before it and the quiet between
        (as one utterance, listening for what is listened for now); None when there was none
        within JOIN_GAP_SECONDS."""
        if self._lead is None or not len(self._last):
            return None
        self.recognizer.begin()
        self.recognizer.feed(np.concatenate([self._lead, self._last]))
        return self.recognizer.end()

    def _before(self, preroll: int) -> np.ndarray | None:
        """The last utterance and the quiet after it, up to the pre-roll of `preroll` samples
        that begins the new one (None when the quiet was longer than what is kept)."""
        gap = list(self._gap)
        kept = sum(len(f) for f in gap)
        self._gap.clear()
        if not len(self._last) or len(gap) == self._gap.maxlen:
            return None
        return np.concatenate([self._last, *gap])[: len(self._last) + max(0, kept - preroll)]

    def _feed(self, audio: np.ndarray) -> None:
        self.recognizer.feed(audio)
        self._audio.append(audio)

    def _heard(self, ended: SpeechEnded, t: float) -> Heard:
        hypothesis = self.recognizer.end()
        audio = np.concatenate(self._audio) if self._audio else np.zeros(0, np.int16)
        self._audio = []
        self._last = audio
        self._gap.clear()
        if self.keeper is not None and len(audio):
            try:
                self.keeper.keep(audio, ended.t, self._mode, hypothesis.text)
            except OSError as err:  # a full disk: stop keeping, never stop listening
                log.error("utterances are no longer kept (--record-dir): %s", err)
                self.keeper = None
        return Heard(hypothesis, ended, audio, heard_event(t, hypothesis, ended, self._mode))


def heard_event(t: float, hypothesis: Hypothesis, ended: SpeechEnded, mode: Mode) -> UtteranceHeard:
    """The `heard` event for one utterance (with the second opinion's view, when it decided)."""

    def rounded(value: float | None, digits: int) -> float | None:
        return round(value, digits) if value is not None and math.isfinite(value) else None

    judged = hypothesis.first_score is not None
    return UtteranceHeard(
        t,
        text=hypothesis.text,
        raw=hypothesis.raw,
        score=rounded(hypothesis.score, 3),
        seconds=round(ended.seconds, 2),
        speech_end=round(ended.t, 3),
        mode=mode,
        transcript=hypothesis.transcript if judged else None,
        first_score=rounded(hypothesis.first_score, 3) if judged else None,
    )
