"""Speaking: pyttsx3 (espeak-ng on Linux) renders each line to a WAV, cached; playback is ours.

Rendering runs in a worker process with a time-out, because pyttsx3 with espeak-ng is known to
hang on repeated use; if it fails, espeak-ng is called directly. Lines are rendered once and kept
on disk, so a prompt is ready the moment it is needed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from assistant.config.settings import Voice

log = logging.getLogger(__name__)

RETRY_AFTER = 60.0
"""Seconds before an engine that failed is tried again: both engines, once they failed on all
that was asked; pyttsx3 alone, once it hung (espeak-ng renders meanwhile)."""


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


class SpeechUnavailable(Exception):
    """A line could not be rendered now, and no earlier rendering of it exists."""


class Synthesizer:
    """Text to audio through pyttsx3, with a disk cache and a time-out on every rendering.

    A line that cannot be rendered (pyttsx3 hung or failed, and espeak-ng too) falls back to an
    earlier rendering of the same words, even at another pace or voice; only a line never
    rendered before raises SpeechUnavailable.
    """

    def __init__(self, cache_dir: Path, voice: Voice | None = None, timeout: float = 8.0) -> None:
        """`timeout`: seconds a rendering may take (a batch gets 0.2 s more a line; pyttsx3
        renders about 70 lines a second here)."""
        self.voice = voice or Voice()
        self.cache_dir = cache_dir
        self.timeout = timeout
        self._memory: dict[str, _Cached] = {}
        """Lines in use, by text: a disk fault later cannot take them away."""
        self._retry_at = 0.0
        """When rendering may be tried again after both engines failed."""
        self._pyttsx3_back_at = 0.0
        """When pyttsx3 may be tried again after it hung."""
        self._background: list[threading.Thread] = []
        """Renderings running beside the caller (`render_soon`)."""

    def speech(self, text: str) -> Speech:
        """The audio of `text` (rendered now if it is not cached), at the configured volume."""
        cached = self._memory.get(text)
        if cached is None or cached.key != self._voice_key():
            cached = self._load(text)
        gain = max(0.0, min(1.0, self.voice.volume))
        return Speech((cached.samples * gain).astype(np.int16), cached.rate)

    def render(self, lines: list[str]) -> list[str]:
        """Render every line not yet on disk (one worker process for the lot) and keep them in
        memory; return the lines that could not be rendered."""
        todo = {line: self._path(line) for line in dict.fromkeys(lines)}
        # A cached file that cannot be read (a power cut mid-write, a full disk) is rendered again.
        todo = {line: path for line, path in todo.items() if not _is_audio(path)}
        failed: list[str] = []
        if todo and time.monotonic() < self._retry_at:
            # Both engines failed moments ago: trying again now would only make the person
            # wait a time-out per line. Earlier renderings and tones stand in meanwhile.
            failed = list(todo)
        elif todo:
            self.cache_dir.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryDirectory(dir=self.cache_dir) as tmp:
                folder = Path(tmp)
                jobs = [{"text": t, "path": str(folder / f"{i}.wav")} for i, t in enumerate(todo)]
                if not self._render_with_pyttsx3(jobs):
                    self._render_with_espeak(jobs)
                for job in jobs:
                    if _is_audio(Path(job["path"])):
                        _durable(Path(job["path"]))
                        Path(job["path"]).replace(todo[job["text"]])
                    else:
                        failed.append(job["text"])
            if len(failed) == len(todo):
                self._retry_at = time.monotonic() + RETRY_AFTER
                log.error(
                    "the assistant cannot speak: neither pyttsx3 nor espeak-ng rendered %d "
                    "line(s) (is espeak-ng installed?); earlier renderings or tones stand in",
                    len(failed),
                )
        for line in dict.fromkeys(lines):
            if line not in failed:
                self._remember(line, self._path(line))
        return failed

    def render_soon(self, lines: list[str]) -> None:
        """Render `lines` on a background thread: a hung engine must not stop the caller (the
        audio loop). Lines needed before then are rendered when they are asked for."""
        thread = threading.Thread(target=self.render, args=(lines,), daemon=True, name="render")
        self._background = [t for t in self._background if t.is_alive()] + [thread]
        thread.start()

    def finish_rendering(self, timeout: float = 60.0) -> None:
        """Wait for background renderings (at the end of a night, before the process exits)."""
        for thread in self._background:
            thread.join(timeout)
        self._background = []

    def _load(self, text: str) -> _Cached:
        path = self._path(text)
        if not _is_audio(path) and self.render([text]):
            earlier = self._memory.get(text) or self._earlier_rendering(text)
            if earlier is None:
                raise SpeechUnavailable(text)
            log.warning("could not render %r now; using an earlier rendering", text)
            return earlier
        return self._remember(text, path)

    def _remember(self, text: str, path: Path) -> _Cached:
        data, rate = soundfile.read(str(path), dtype="int16")
        cached = _Cached(np.asarray(data).reshape(-1), rate, self._voice_key())
        self._memory[text] = cached
        return cached

    def _earlier_rendering(self, text: str) -> _Cached | None:
        for path in sorted(self.cache_dir.glob(f"{_text_key(text)}-*.wav")):
            if _is_audio(path):
                data, rate = soundfile.read(str(path), dtype="int16")
                return _Cached(np.asarray(data).reshape(-1), rate, "earlier")
        return None

    def _voice_key(self) -> str:
        return hashlib.sha1(json.dumps([self.voice.voice, self.voice.rate]).encode()).hexdigest()

    def _path(self, text: str) -> Path:
        return self.cache_dir / f"{_text_key(text)}-{self._voice_key()[:12]}.wav"

    def _render_with_pyttsx3(self, jobs: list[dict]) -> bool:
        if time.monotonic() < self._pyttsx3_back_at:
            return False  # it hung moments ago: espeak-ng at once, not a time-out per line
        request = json.dumps({"rate": self.voice.rate, "voice": self.voice.voice, "jobs": jobs})
        try:
            done = subprocess.run(
                # -P: the current folder is not put on the worker's import path, so a
                # pyttsx3.py or assistant/ lying there is never imported and run.
                [sys.executable, "-P", "-m", "assistant.speech.tts_worker"],
                input=request,
                capture_output=True,
                text=True,
                timeout=self.timeout + 0.2 * len(jobs),
            )
        except subprocess.TimeoutExpired:
            log.warning(
                "pyttsx3 hung rendering %d line(s); using espeak-ng directly for %g s",
                len(jobs),
                RETRY_AFTER,
            )
            self._pyttsx3_back_at = time.monotonic() + RETRY_AFTER
            return False
        ok = done.returncode == 0 and all(_is_audio(Path(j["path"])) for j in jobs)
        if not ok:
            why = done.stderr.strip()[-300:] or f"exit code {done.returncode}, no audio written"
            log.warning("pyttsx3 failed (%s); using espeak-ng directly", why)
        return ok

    def _render_with_espeak(self, jobs: list[dict]) -> None:
        espeak = shutil.which("espeak-ng") or shutil.which("espeak")
        if espeak is None:
            log.error("no speech synthesizer to fall back on: install espeak-ng")
            return
        for job in jobs:
            cmd = [espeak, "-s", str(self.voice.rate), "-w", job["path"], "--stdin"]
            if self.voice.voice:
                cmd += ["-v", self.voice.voice]
            try:
                # The text on stdin: a line starting with "-" can never be taken for an option.
                subprocess.run(
                    cmd,
                    input=job["text"].encode(),
                    check=True,
                    timeout=self.timeout,
                    capture_output=True,
                )
            except subprocess.TimeoutExpired:
                # Hung, not failed: every other line would wait as long. Both engines are out:
                # tones stand in for these lines at once (67 lines once took 581 s to start).
                log.error(
                    "espeak-ng hung on %r; %d more line(s) not tried now",
                    job["text"],
                    len(jobs) - jobs.index(job) - 1,
                )
                return
            except (subprocess.SubprocessError, OSError) as err:
                log.error("espeak-ng failed on %r: %s", job["text"], err)


@dataclass(frozen=True)
class _Cached:
    samples: np.ndarray
    rate: int
    key: str
    """The voice and pace it was rendered with."""


def _text_key(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:20]


def _durable(path: Path) -> None:
    """Make sure the file's bytes are on disk before it is renamed into the cache."""
    with path.open("rb") as f:
        os.fsync(f.fileno())


def _is_audio(path: Path) -> bool:
    try:
        return soundfile.info(str(path)).frames > 0
    except (RuntimeError, soundfile.LibsndfileError):
        return False


def unknown_voice(voice: str) -> str | None:
    """Why espeak-ng has no voice `voice` (e.g. "en-us", "en+f3"), or None when it has it (or
    cannot be asked: then pyttsx3's own error will tell)."""
    espeak = shutil.which("espeak-ng") or shutil.which("espeak")
    if not voice or espeak is None:
        return None
    base, _, variant = voice.partition("+")

    def names(option: str) -> set[str]:
        try:
            listing = subprocess.run(
                [espeak, option], capture_output=True, text=True, timeout=10, check=True
            ).stdout
        except (subprocess.SubprocessError, OSError):
            return set()
        found = set()
        for line in listing.splitlines()[1:]:
            parts = line.split()
            if len(parts) >= 5:
                found |= {parts[1].lower(), parts[3].lower(), parts[4].rsplit("/", 1)[-1].lower()}
        return found

    languages = names("--voices")
    if languages and base.lower() not in languages:
        return f"espeak-ng has no voice {base!r} (list them with: espeak-ng --voices)"
    if variant and (variants := names("--voices=variant")) and variant.lower() not in variants:
        return f"espeak-ng has no variant {variant!r} (list them with: espeak-ng --voices=variant)"
    return None
