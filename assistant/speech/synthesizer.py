"""Speaking: pyttsx3 (espeak-ng on Linux) renders each line to a WAV, cached; playback is ours.

Rendering runs in a worker process with a time-out, because pyttsx3 with espeak-ng is known to
hang on repeated use; if it fails, espeak-ng is called directly. Lines are rendered once and kept
on disk, so a prompt is ready the moment it is needed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Voice:
    """How the assistant sounds."""

    rate: int = 140
    """Words per minute, 80 to 260: slow and calm at night (espeak's own default is 175)."""
    volume: float = 0.6
    """0.05 to 1: moderate, so as not to wake the house; applied at playback (no re-rendering)."""
    voice: str = ""
    """An espeak-ng voice name (e.g. `en-us`, `en+f3`); empty for the default."""


@dataclass(frozen=True)
class Speech:
    """A rendered line."""

    samples: np.ndarray
    """int16 mono."""
    rate: int
    """Hertz."""

    @property
    def seconds(self) -> float:
        """Duration in seconds."""
        return len(self.samples) / self.rate


class Synthesizer:
    """Text to audio through pyttsx3, with a disk cache and a time-out on every rendering."""

    def __init__(self, cache_dir: Path, voice: Voice | None = None, timeout: float = 20.0) -> None:
        self.voice = voice or Voice()
        self.cache_dir = cache_dir
        self.timeout = timeout
        self._memory: dict[str, Speech] = {}

    def speech(self, text: str) -> Speech:
        """The audio of `text` (rendered now if it is not cached), at the configured volume."""
        path = self._path(text)
        if not path.exists():
            self.render([text])
        cached = self._memory.get(text)
        if cached is None:
            data, rate = soundfile.read(str(path), dtype="int16")
            cached = Speech(np.asarray(data).reshape(-1), rate)
            self._memory[text] = cached
        gain = max(0.0, min(1.0, self.voice.volume))
        return Speech((cached.samples * gain).astype(np.int16), cached.rate)

    def render(self, lines: list[str]) -> None:
        """Render every line not yet on disk (one worker process for the lot)."""
        todo = {
            line: self._path(line) for line in dict.fromkeys(lines) if not self._path(line).exists()
        }
        if not todo:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as tmp:
            jobs = [{"text": t, "path": str(Path(tmp) / f"{i}.wav")} for i, t in enumerate(todo)]
            if not self._render_with_pyttsx3(jobs):
                self._render_with_espeak(jobs)
            for job in jobs:
                Path(job["path"]).replace(todo[job["text"]])

    def _path(self, text: str) -> Path:
        key = json.dumps([self.voice.voice, self.voice.rate, text]).encode()
        return self.cache_dir / f"{hashlib.sha1(key).hexdigest()}.wav"

    def _render_with_pyttsx3(self, jobs: list[dict]) -> bool:
        request = json.dumps({"rate": self.voice.rate, "voice": self.voice.voice, "jobs": jobs})
        try:
            done = subprocess.run(
                [sys.executable, "-m", "assistant.speech.tts_worker"],
                input=request,
                capture_output=True,
                text=True,
                timeout=self.timeout + 0.5 * len(jobs),
            )
        except subprocess.TimeoutExpired:
            log.warning("pyttsx3 hung rendering %d line(s); using espeak-ng directly", len(jobs))
            return False
        ok = done.returncode == 0 and all(_is_audio(Path(j["path"])) for j in jobs)
        if not ok:
            log.warning("pyttsx3 failed (%s); using espeak-ng directly", done.stderr.strip()[-300:])
        return ok

    def _render_with_espeak(self, jobs: list[dict]) -> None:
        espeak = shutil.which("espeak-ng") or shutil.which("espeak")
        if espeak is None:
            raise RuntimeError("no speech synthesizer: install espeak-ng")
        for job in jobs:
            cmd = [espeak, "-s", str(self.voice.rate), "-w", job["path"]]
            if self.voice.voice:
                cmd += ["-v", self.voice.voice]
            subprocess.run(
                [*cmd, job["text"]], check=True, timeout=self.timeout, capture_output=True
            )


def _is_audio(path: Path) -> bool:
    try:
        return soundfile.info(str(path)).frames > 0
    except (RuntimeError, soundfile.LibsndfileError):
        return False
