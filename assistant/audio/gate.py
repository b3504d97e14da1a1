"""The voice-activity gate: cuts the audio stream into utterances, cheaply, before recognition.

Silence and fan noise stop here, so the recognizer only runs on speech. Which frames are speech
is the detector's business (assistant.audio.vad: Silero, or webrtcvad); the gate turns them into
utterances with a start rule, a hang-over and a cap. A short pre-roll is kept so that the first
syllable is not lost. A pause (a little silence, before the hang-over ends the utterance) is
told, so that recognition can begin while the hang-over runs.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

import numpy as np

from assistant.audio.chunk import FRAME, RATE
from assistant.audio.vad import SpeechDetector, WebRtcDetector


@dataclass(frozen=True)
class SpeechStarted:
    """Speech began; `audio` is the pre-roll plus the frames that started it."""

    t: float
    audio: np.ndarray


@dataclass(frozen=True)
class SpeechContinues:
    """More speech."""

    audio: np.ndarray


@dataclass(frozen=True)
class SpeechEnded:
    """Speech stopped at `t` (end of the last voiced frame), after `seconds` of speech."""

    t: float
    seconds: float
    capped: bool = False
    """True when it was cut for being too long rather than ended by silence."""


@dataclass(frozen=True)
class SpeechPaused:
    """The speaker stopped `PAUSE` ago: the utterance may be over (a recognizer may start on
    it, and the hang-over is still to come)."""

    rest: np.ndarray
    """What the hang-over would add if this is the end: the pause's own silence, repeated (so
    that what is decided ahead hears an utterance as long, and ending as quietly, as the end's)."""


@dataclass(frozen=True)
class SpeechResumed:
    """Speech came again after a pause: what was started on the audio before it is stale."""


GateEvent = SpeechStarted | SpeechContinues | SpeechPaused | SpeechResumed | SpeechEnded

PAUSE = 0.06
"""Silence after speech that makes a pause (two frames: one unvoiced frame inside a word is
common, two rarely)."""


class VoiceGate:
    """Frame-by-frame speech detector with pre-roll and hang-over."""

    def __init__(
        self,
        detector: SpeechDetector | None = None,
        start_frames: int = 3,
        end_silence: float = 0.3,
        preroll: float = 0.3,
        max_seconds: float = 10.0,
    ) -> None:
        self.detector = detector or WebRtcDetector()
        self._start_frames = start_frames
        self._end_frames = max(1, round(end_silence * RATE / FRAME))
        self._pause_frames = min(self._end_frames, max(1, round(PAUSE * RATE / FRAME)))
        self._preroll: deque[np.ndarray] = deque(
            maxlen=max(start_frames, round(preroll * RATE / FRAME))
        )
        self._recent: deque[bool] = deque(maxlen=start_frames + 2)
        self._last_frames: deque[np.ndarray] = deque(maxlen=self._pause_frames)
        self._max_frames = round(max_seconds * RATE / FRAME)
        self._in_speech = False
        self._silent_run = 0
        self._frames = 0
        self._start_t = 0.0
        self._last_voiced_end = 0.0
        self.voiced = False
        """Whether the detector heard voice in the last frame fed."""

    @property
    def in_speech(self) -> bool:
        """True while an utterance is open."""
        return self._in_speech

    def reset(self) -> None:
        """Forget any open utterance and the pre-roll (e.g. after the assistant spoke)."""
        self._in_speech = False
        self._preroll.clear()
        self._recent.clear()
        self._silent_run = 0

    def frame(self, samples: np.ndarray, t: float) -> list[GateEvent]:
        """Feed one 30 ms frame that starts at `t`; returns what changed."""
        voiced = self.voiced = self.detector.is_speech(samples)
        end_t = t + FRAME / RATE
        if not self._in_speech:
            self._preroll.append(samples)
            self._recent.append(voiced)
            if sum(self._recent) >= self._start_frames:
                self._in_speech = True
                self._frames = len(self._preroll)
                self._start_t = end_t - self._frames * FRAME / RATE
                self._silent_run = 0
                self._last_voiced_end = end_t
                audio = np.concatenate(list(self._preroll))
                self._preroll.clear()
                self._recent.clear()
                return [SpeechStarted(self._start_t, audio)]
            return []
        self._frames += 1
        events: list[GateEvent] = []
        if voiced:
            if self._silent_run >= self._pause_frames:
                events.append(SpeechResumed())
            self._silent_run = 0
            self._last_voiced_end = end_t
        else:
            self._silent_run += 1
        events.append(SpeechContinues(samples))
        self._last_frames.append(samples)
        if self._silent_run == self._pause_frames:
            silence = np.concatenate(list(self._last_frames))
            repeats = -(-self._end_frames // self._pause_frames)
            rest = np.tile(silence, repeats)[: (self._end_frames - self._pause_frames) * FRAME]
            events.append(SpeechPaused(rest))
        if self._silent_run >= self._end_frames or self._frames >= self._max_frames:
            capped = self._silent_run < self._end_frames
            self._in_speech = False
            self._silent_run = 0
            events.append(
                SpeechEnded(self._last_voiced_end, self._last_voiced_end - self._start_t, capped)
            )
        return events

    def flush(self) -> list[GateEvent]:
        """End an open utterance (the input ended)."""
        if not self._in_speech:
            return []
        self._in_speech = False
        return [SpeechEnded(self._last_voiced_end, self._last_voiced_end - self._start_t)]
