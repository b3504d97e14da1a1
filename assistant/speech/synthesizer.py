"""Speaking: each line rendered to a WAV once, cached on disk; playback is ours.

The voice is Piper's natural voice (`[voice] engine = "piper"`, when installed) or espeak-ng
through pyttsx3 (`"espeak"`). Either renders in a worker process that is given up when it stops
making progress, because engines hang (pyttsx3 with espeak-ng is known to); whatever the worker
could not render, espeak-ng renders directly. Lines are rendered once and kept on disk, each under
the engine and pace that made it, so a prompt is ready the moment it is needed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

import numpy as np
import soundfile

from assistant.config.settings import Voice
from assistant.speech.piper_voice import LEVEL, SEED, VOICE_NAME, why_not_available

log = logging.getLogger(__name__)

STOP_CHECK_SECONDS = 0.25
"""How often a rendering looks whether the night has ended while it waits for the worker."""
RETRY_AFTER = 60.0
"""Seconds before an engine that failed is tried again: both engines, once they failed on all
that was asked; the worker's engine (Piper or pyttsx3), once it hung or failed (espeak-ng
renders meanwhile)."""


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


class Synthesizer(Protocol):
    """What the night needs of a voice: lines as audio, rendered ahead when asked."""

    voice: Voice
    """Pace and volume now (the night changes them on "slower", "quieter" and the like)."""

    def speech(self, text: str) -> Speech:
        """The audio of `text` at the voice's volume; SpeechUnavailable when it cannot be had."""
        ...

    def prepare(self, lines: list[str], beside: bool = False) -> None:
        """Render `lines` before they are needed (`beside`: in the background)."""
        ...

    def render_soon(self, lines: list[str]) -> None:
        """Render `lines` in the background (a new pace's lines)."""
        ...


class WorkerSynthesizer:
    """A Synthesizer: text to audio through Piper or pyttsx3 in a worker process, with a disk
    cache and a time-out on the worker.

    A line that cannot be rendered (the worker hung or failed, and espeak-ng too) falls back to
    an earlier rendering of the same words, even at another pace or voice; only a line never
    rendered before raises SpeechUnavailable.
    """

    def __init__(self, cache_dir: Path, voice: Voice | None = None, timeout: float = 8.0) -> None:
        """`timeout`: seconds the worker may go without finishing a line (the first line
        includes starting Python and loading the engine) and espeak-ng may take on one line."""
        self.voice = voice or Voice()
        self.cache_dir = cache_dir
        self.timeout = timeout
        self.espeak_timeout = timeout  # espeak-ng's alone can be longer (a test's short time-out)
        self._memory: dict[str, _Cached] = {}
        """Lines in use, by text: a disk fault later cannot take them away."""
        self._retry_at = 0.0
        """When rendering may be tried again after both engines failed."""
        self._worker_back_at = 0.0
        """When the worker's engine may be tried again after it hung or failed."""
        self._background: list[threading.Thread] = []
        """Renderings running beside the caller (`render_soon`)."""
        self._stopping = threading.Event()
        """Set when the night ends: renderings still running stop, keeping the lines done."""
        self.piper_missing = why_not_available() if self.voice.engine == "piper" else None
        """Why Piper cannot speak here, when it was asked for and cannot (then espeak-ng does)."""

    @property
    def engine(self) -> str:
        """What renders new lines: `piper` or `espeak` (pyttsx3, then espeak-ng directly)."""
        if self.voice.engine == "piper" and self.piper_missing is None:
            return "piper"
        return "espeak"

    def describe(self) -> str:
        """Which voice speaks and why, in a few words (the start line, `config check`)."""
        if self.engine == "piper":
            return f"voice: Piper {VOICE_NAME}, {self.voice.rate} words a minute"
        why = self.piper_missing or 'voice.engine = "espeak"'
        return f"voice: espeak-ng {self.voice.voice or 'default'} ({why})"

    def speech(self, text: str) -> Speech:
        """The audio of `text` (rendered now if it is not cached), at the configured volume."""
        cached = self._memory.get(text)
        if cached is None or cached.key != self._key(self.engine):
            cached = self._load(text)
        return Speech((cached.samples * self.voice.gain).astype(np.int16), cached.rate)

    def render(self, lines: list[str]) -> list[str]:
        """Render every line not yet on disk (one worker process for the lot) and keep them in
        memory; return the lines that could not be rendered."""
        wanted = list(dict.fromkeys(lines))
        todo = self.missing(wanted)
        found = {line: self._path(line) for line in wanted if line not in todo}
        failed: list[str] = []
        if todo and self._stopping.is_set():
            failed = todo  # the night is over: the next start renders them
        elif todo and time.monotonic() < self._retry_at:
            # Both engines failed moments ago: trying again now would only make the person
            # wait a time-out per line. Earlier renderings and tones stand in meanwhile.
            failed = todo
        elif todo:
            found.update(self._render_new(todo))
            failed = [line for line in todo if line not in found]
            if len(failed) == len(todo) and not self._stopping.is_set():
                self._retry_at = time.monotonic() + RETRY_AFTER
                log.error(
                    "the assistant cannot speak: neither %s nor espeak-ng rendered %d line(s) "
                    "(is espeak-ng installed?); earlier renderings or tones stand in",
                    self._worker_name(),
                    len(failed),
                )
        for line, path in found.items():
            self._remember(line, path)
        return failed

    def prepare(self, lines: list[str], beside: bool = False) -> None:
        """Render `lines` before they are needed. `beside`: a microphone waits, someone may need
        it now: lines not rendered yet (a first start, a new pace) are rendered on a background
        thread, and a line needed before its turn is rendered when it is said."""
        if beside and (missing := self.missing(lines)):
            log.warning(
                "rendering %d line(s) beside listening (a first start takes a while; %s)",
                len(missing),
                self.describe(),
            )
            self.render_soon(lines)
        elif failed := self.render(lines):
            log.error("%d line(s) of the routine could not be rendered: %r", len(failed), failed)

    def missing(self, lines: list[str]) -> list[str]:
        """Those of `lines` the current engine and pace have not rendered yet (a cached file that
        cannot be read, after a power cut mid-write or a full disk, counts as not rendered)."""
        return [line for line in dict.fromkeys(lines) if not _is_audio(self._path(line))]

    def render_soon(self, lines: list[str]) -> None:
        """Render `lines` on a background thread: a hung engine must not stop the caller (the
        audio loop). Lines needed before then are rendered when they are asked for."""
        thread = threading.Thread(target=self.render, args=(lines,), daemon=True, name="render")
        self._background = [t for t in self._background if t.is_alive()] + [thread]
        thread.start()

    def stop_rendering(self, timeout: float = 30.0) -> None:
        """End background renderings (at the end of a night, before the process exits): the
        worker is stopped, the lines it finished are kept, the rest wait for the next start."""
        self._stopping.set()
        for thread in self._background:
            thread.join(timeout)
        self._background = []

    def _render_new(self, todo: list[str]) -> dict[str, Path]:
        """Render `todo` with the worker, then what it could not with espeak-ng; the cached file
        of each line rendered."""
        made: dict[str, Path] = {}
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.cache_dir) as tmp:
            jobs = [{"text": t, "path": str(Path(tmp) / f"{i}.wav")} for i, t in enumerate(todo)]
            if time.monotonic() >= self._worker_back_at:
                self._run_worker(jobs)
                made.update(self._keep(jobs, self.engine))
            if self._stopping.is_set():
                return made
            rest = [job for job in jobs if job["text"] not in made]
            for job in rest:  # espeak-ng's rendering of the line, kept from an earlier failure
                if _is_audio(earlier := self._path(job["text"], "espeak")):
                    made[job["text"]] = earlier
            rest = [job for job in rest if job["text"] not in made]
            if rest:
                self._render_with_espeak(rest)
                made.update(self._keep(rest, "espeak"))
        return made

    def _keep(self, jobs: list[dict[str, Any]], engine: str) -> dict[str, Path]:
        """Move the jobs rendered into the cache, under `engine`'s name for them."""
        kept: dict[str, Path] = {}
        for job in jobs:
            if _is_audio(Path(job["path"])):
                _durable(Path(job["path"]))
                kept[job["text"]] = Path(job["path"]).replace(self._path(job["text"], engine))
        return kept

    def _load(self, text: str) -> _Cached:
        path = self._path(text)
        if _is_audio(path):
            return self._remember(text, path)
        if not self.render([text]):  # remembers what it made (perhaps espeak-ng's, as a stand-in)
            return self._memory[text]
        earlier = self._memory.get(text) or self._earlier_rendering(text)
        if earlier is None:
            raise SpeechUnavailable(text)
        log.warning("could not render %r now; using an earlier rendering", text)
        return earlier

    def _remember(self, text: str, path: Path) -> _Cached:
        data, rate = soundfile.read(str(path), dtype="int16")
        key = path.stem.rsplit("-", 1)[-1]
        cached = _Cached(np.asarray(data).reshape(-1), rate, key)
        self._memory[text] = cached
        return cached

    def _earlier_rendering(self, text: str) -> _Cached | None:
        for path in sorted(self.cache_dir.glob(f"{_text_key(text)}-*.wav")):
            if _is_audio(path):
                data, rate = soundfile.read(str(path), dtype="int16")
                return _Cached(np.asarray(data).reshape(-1), rate, "earlier")
        return None

    def _key(self, engine: str) -> str:
        """The engine and pace a rendering was made with, in 12 characters."""
        if engine == "piper":
            parts: list[object] = ["piper", VOICE_NAME, SEED, LEVEL, self.voice.rate]
        else:
            parts = [self.voice.voice, self.voice.rate]  # as earlier versions named them
        return hashlib.sha1(json.dumps(parts).encode()).hexdigest()[:12]

    def _path(self, text: str, engine: str | None = None) -> Path:
        return self.cache_dir / f"{_text_key(text)}-{self._key(engine or self.engine)}.wav"

    def _worker_name(self) -> str:
        return "Piper" if self.engine == "piper" else "pyttsx3"

    def _run_worker(self, jobs: list[dict[str, Any]]) -> bool:
        """Render `jobs` in the worker process; False (and espeak-ng for a while) when it hung
        or failed."""
        request = {
            "engine": self.engine,
            "rate": self.voice.rate,
            "voice": self.voice.voice,
            "jobs": jobs,
        }
        done: set[int] = set()
        with tempfile.TemporaryFile() as errors, _worker(errors) as worker:
            outcome = _follow(
                worker, json.dumps(request).encode(), len(jobs), done, self.timeout, self._stopping
            )
            errors.seek(0)
            why = errors.read().decode(errors="replace").strip()[-300:]
        name = self._worker_name()
        if outcome == "stopped":
            for index, job in enumerate(jobs):
                if index not in done:  # perhaps half written when the worker was stopped
                    Path(job["path"]).unlink(missing_ok=True)
            return False
        if outcome == "hung":
            log.warning(
                "%s hung rendering %d line(s); using espeak-ng directly for %g s",
                name,
                len(jobs),
                RETRY_AFTER,
            )
        elif worker.returncode != 0 or not all(_is_audio(Path(j["path"])) for j in jobs):
            why = why or f"exit code {worker.returncode}, no audio written"
            log.warning("%s failed (%s); using espeak-ng directly for %g s", name, why, RETRY_AFTER)
        else:
            return True
        self._worker_back_at = time.monotonic() + RETRY_AFTER
        return False

    def _render_with_espeak(self, jobs: list[dict[str, Any]]) -> None:
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
                    timeout=self.espeak_timeout,
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


@contextlib.contextmanager
def _worker(errors: IO[bytes]) -> Iterator[subprocess.Popen[bytes]]:
    """The speech worker process, killed on the way out if it still runs (it hung, or the night
    was stopped meanwhile: SIGTERM must not leave it behind)."""
    # A stop arriving while the process is being started would leave it unknown to us: held
    # until it is started, then delivered.
    stops = {signal.SIGTERM, signal.SIGINT}
    held = signal.pthread_sigmask(signal.SIG_BLOCK, stops)
    worker: subprocess.Popen[bytes] | None = None
    try:
        try:
            worker = subprocess.Popen(
                # -P: the current folder is not put on the worker's import path, so a
                # pyttsx3.py or assistant/ lying there is never imported and run.
                [sys.executable, "-P", "-m", "assistant.speech.tts_worker"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=errors,
            )
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
        yield worker
    finally:
        if worker is not None:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
            if worker.stdout is not None:
                worker.stdout.close()


def _follow(
    worker: subprocess.Popen[bytes],
    request: bytes,
    lines: int,
    done: set[int],
    patience: float,
    stopping: threading.Event,
) -> str:
    """Hand `request` (of `lines` lines) to the worker and wait while it makes progress (a line
    done at least every `patience` seconds), adding the index of each line done to `done`.
    `done` when it finished, `hung` when it stalled, `stopped` when `stopping` was set."""
    assert worker.stdin is not None and worker.stdout is not None

    def send() -> None:  # a frozen worker never reads: the caller must not block on it
        try:
            assert worker.stdin is not None
            worker.stdin.write(request)
            worker.stdin.close()
        except OSError:
            pass  # it died: its exit code tells

    threading.Thread(target=send, daemon=True, name="worker-request").start()
    for _ in range(lines):
        waiting_since = time.monotonic()
        while not select.select([worker.stdout], [], [], STOP_CHECK_SECONDS)[0]:
            if stopping.is_set():
                return "stopped"
            if time.monotonic() - waiting_since >= patience:
                return "hung"
        line = worker.stdout.readline()
        if not line:
            break  # it exited: its exit code and files tell how it went
        with contextlib.suppress(ValueError):
            done.add(int(line))
    try:
        worker.wait(timeout=patience)
    except subprocess.TimeoutExpired:
        return "hung"
    return "done"


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
        return bool(soundfile.info(str(path)).frames > 0)
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
