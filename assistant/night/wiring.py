"""Builds a night from the settings: routine, hearing, voice, diary, events, and runs it.

`run`, `simulate` and `demo` differ only in where the sound comes from and goes to, and in
whether the episodes reach the person's diary; everything else is wired here, once.
"""

from __future__ import annotations

import logging
import sys
import time
from datetime import datetime
from pathlib import Path

from assistant.audio.echo import echo_canceller
from assistant.audio.keep import UtteranceKeeper
from assistant.audio.sinks import AudioSink
from assistant.audio.sources import AudioSource
from assistant.config.preferences import Preferences
from assistant.config.settings import Settings
from assistant.dialogue.routine_file import routine_of
from assistant.diary.recorder import EpisodeRecorder
from assistant.errors import UserError
from assistant.events import EventLog, Started
from assistant.night.assistant import Assistant
from assistant.night.hearing import Ears
from assistant.simulation.room import ScenarioSource
from assistant.speech.choose import build_recognizer
from assistant.speech.synthesizer import WorkerSynthesizer, unknown_voice
from assistant.system.instance import InstanceLock
from assistant.system.watchdog import Watchdog


def run_night(
    settings: Settings,
    source: AudioSource,
    sink: AudioSink,
    events_path: Path | None,
    where: str,
    origin: datetime,
    replay: bool = False,
    keeper: UtteranceKeeper | None = None,
    diary: Path | None = None,
    kind: str = "voice",
) -> int:
    """Run a night. `diary`: where episodes go (None: a throwaway diary); `kind`: how they are
    marked in it (voice, file, simulated). The data folder is this night's alone."""
    began = time.monotonic()
    with InstanceLock(settings.data_dir):
        check_voice(settings)
        routine = routine_of(settings)
        recognizer, why = build_recognizer(settings)
        verbose = logging.getLogger().isEnabledFor(logging.INFO)  # -v
        events = EventLog(events_path, echo=sys.stdout, verbose=verbose)
        if isinstance(source, ScenarioSource):
            source.follow(events)  # its person answers when the log says the night listens
        recorder = EpisodeRecorder(diary, origin, kind, routine)
        events.listeners.append(recorder.handle)
        preferences = Preferences(settings.preferences_path)
        voice = preferences.apply(settings.voice)
        synthesizer = WorkerSynthesizer(settings.speech_cache, voice)
        assistant = Assistant(
            routine,
            Ears(recognizer, settings.listening, keeper=keeper),
            synthesizer,
            source,
            sink,
            events,
            recorder,
            Watchdog(),
            count_work_time=not replay,
            preferences=preferences,
            sound=settings.sound,
            origin=origin,
            echo=echo_canceller(),
        )
        assistant.prepare(listen_first=kind == "voice")
        ready = time.monotonic() - began
        message = f"{why} {where.rstrip('.')}; {synthesizer.describe()}."
        events.emit(
            Started(
                0.0,
                message,
                recognizer.name,
                round(ready, 3),
                voice.rate,
                voice.volume,
                synthesizer.engine,
            )
        )
        try:
            assistant.run()
        finally:
            synthesizer.stop_rendering()  # a new pace's lines, or a first start's, still rendering
            source.close()
            events.close()
            recorder.close()
    return 0


def check_voice(settings: Settings) -> None:
    """Refuse a voice espeak-ng does not have: the assistant would be mute all night."""
    why = unknown_voice(settings.voice.voice)
    if why:
        raise UserError(f"voice.voice = {settings.voice.voice!r}: {why}")
