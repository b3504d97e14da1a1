"""`cramp-assistant run` as a child process on the virtual devices, watched through its events."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from scripts.speechgen import mix, speak
from tests.audio.pulse import VirtualAudio
from tests.commands import start_cli

Event = dict


class LiveAssistant:
    """Starts `run` on the virtual microphone and speaker, with a data folder of its own (a run
    that outlived its test must not hold another test's lock); `stop()` ends it with Ctrl-C,
    then SIGTERM, then SIGKILL."""

    def __init__(self, audio: VirtualAudio, folder: Path) -> None:
        self.audio = audio
        self.events_path = folder / "events.jsonl"
        self.data_dir = folder / "data"
        self.process = start_cli(
            "--data-dir", self.data_dir, "-v", "run", "--events", self.events_path, env=audio.env
        )
        self.origin = 0.0
        """Wall-clock time of audio time 0, once listening has begun."""
        self.stdout = ""
        self.stderr = ""

    def events(self) -> list[Event]:
        """The events written so far."""
        if not self.events_path.exists():
            return []
        return [json.loads(line) for line in self.events_path.read_text().splitlines() if line]

    def wait_for(self, check: Callable[[Event], bool], seconds: float, after: int = 0) -> Event:
        """The first event (from index `after`) that passes `check`, waiting up to `seconds`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            found = [e for e in self.events()[after:] if check(e)]
            if found:
                return found[0]
            if self.process.poll() is not None:
                raise AssertionError(f"the assistant exited: {self.process.communicate()[1]}")
            time.sleep(0.05)
        raise AssertionError(f"no such event within {seconds} s; events: {self.events()}")

    def wait_until_listening(self, seconds: float = 60.0) -> None:
        """Wait for the first `listening` event; the audio clock starts about then."""
        self.wait_for(lambda e: e["event"] == "listening", seconds)
        self.origin = time.monotonic()

    def wait_until_audio_time(self, t: float) -> None:
        """Sleep until the assistant's audio clock reaches about `t`."""
        delay = self.origin + t - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    def say(self, text: str, trailing_silence: float = 3.0, seed: int = 1) -> None:
        """Speak `text` (espeak-ng, 20 dB above room noise) into the microphone; wait for it."""
        speech = mix(speak(text), snr_db=20, rng=np.random.default_rng(seed))
        self.audio.speak_into_microphone(speech, trailing_silence).join()

    def stop(self) -> None:
        """End the assistant as Ctrl-C would, more firmly if it does not end; keep what it
        printed."""
        for stop in (signal.SIGINT, signal.SIGTERM, signal.SIGKILL):
            if self.process.poll() is None:
                self.process.send_signal(stop)
            try:
                self.stdout, self.stderr = self.process.communicate(timeout=15)
                return
            except subprocess.TimeoutExpired:
                continue


def said_after(events: list[Event], index: int) -> list[str]:
    """What the assistant said from event `index` on."""
    return [e["text"] for e in events[index:] if e["event"] == "say"]


def loudness(recording: Path) -> float:
    """RMS of a raw s16le recording (0 when empty)."""
    heard = np.fromfile(recording, dtype=np.int16).astype(np.float64)
    return float(np.sqrt(np.mean(heard**2))) if len(heard) else 0.0
