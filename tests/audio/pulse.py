"""A private PulseAudio daemon with a virtual microphone (a FIFO) and a virtual speaker.

The microphone is fed all the time, as a real one would be: room noise, and speech when asked.

PortAudio sees it through ALSA's pulse plugin, so the assistant opens real devices; the test
writes speech into the microphone at real-time pace and records the speaker's monitor.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

RATE = 16000
F_SETPIPE_SZ = 1031  # fcntl.F_SETPIPE_SZ, missing from Python 3.11's fcntl on some builds


class Spoken:
    """Speech queued for the microphone."""

    def __init__(self, trailing_silence: float) -> None:
        self.said = threading.Event()
        self.trailing_silence = trailing_silence

    def join(self, timeout: float = 120.0) -> None:
        """Wait until the speech and the silence after it have gone into the microphone."""
        if not self.said.wait(timeout):
            raise TimeoutError("the speech never went into the microphone")
        time.sleep(self.trailing_silence)


class VirtualAudio:
    """Start with `start()`, stop with `stop()`; `env` is what a client process needs."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="pulse-"))
        self.fifo = self.dir / "mic.fifo"
        self.env = {
            **os.environ,
            "XDG_RUNTIME_DIR": str(self.dir),
            "PULSE_RUNTIME_PATH": str(self.dir / "pulse"),
            "PULSE_SOURCE": "mic",
            "PULSE_SINK": "speaker",
            "HOME": str(self.dir),
        }
        self._recorder: subprocess.Popen | None = None
        self._writer: subprocess.Popen | None = None
        self.mic_module = ""
        self.speaker_module = ""
        self._queue: queue.Queue[tuple[np.ndarray, Spoken]] = queue.Queue()
        self._stopping = threading.Event()
        self._feeder = threading.Thread(target=self._feed, daemon=True)

    def start(self) -> None:
        """Start the daemon and load the two devices."""
        subprocess.run(
            [
                "pulseaudio",
                "-D",
                "-n",
                "--exit-idle-time=-1",
                "--disallow-exit",
                "--load=module-native-protocol-unix",
                "--load=module-cli-protocol-unix",  # for pacmd, which can kill a stream
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=20,
        )
        self._wait_for_server()
        self.load_speaker()
        self.load_microphone()
        self._feeder.start()

    def load_speaker(self) -> None:
        """(Re)load the null-sink speaker."""
        self.speaker_module = self.pactl(
            "load-module", "module-null-sink", "sink_name=speaker"
        ).strip()
        self.pactl("set-default-sink", "speaker")

    def load_microphone(self) -> None:
        """(Re)load the FIFO microphone."""
        self.mic_module = self.pactl(
            "load-module",
            "module-pipe-source",
            "source_name=mic",
            f"file={self.fifo}",
            "format=s16le",
            f"rate={RATE}",
            "channels=1",
        ).strip()
        self.pactl("set-default-source", "mic")

    def unplug_microphone(self, no_fallback: bool) -> None:
        """Remove the microphone. PulseAudio moves the streams recording from it to another
        source (here the speaker's monitor); `no_fallback` kills them instead, as when a machine's
        only microphone goes, or PortAudio talks to ALSA directly."""
        self.pactl("unload-module", self.mic_module)
        if no_fallback:
            for line in self.pactl("list", "short", "source-outputs").splitlines():
                subprocess.run(
                    ["pacmd", "kill-source-output", line.split()[0]],
                    env=self.env,
                    check=True,
                    capture_output=True,
                    timeout=20,
                )

    def recording_from_microphone(self) -> bool:
        """True when some client records from the microphone."""
        sources = dict(
            line.split()[:2] for line in self.pactl("list", "short", "sources").splitlines()
        )
        outputs = self.pactl("list", "short", "source-outputs").splitlines()
        return any(sources.get(line.split()[1]) == "mic" for line in outputs)

    def pactl(self, *args: str) -> str:
        """Run pactl against this daemon."""
        done = subprocess.run(
            ["pactl", *args], env=self.env, check=True, capture_output=True, text=True, timeout=20
        )
        return done.stdout

    def _wait_for_server(self) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            ok = subprocess.run(["pactl", "info"], env=self.env, capture_output=True, timeout=10)
            if ok.returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError("PulseAudio did not start")

    def record_speaker(self, path: Path) -> None:
        """Record the speaker's monitor into a raw s16le 16 kHz mono file until `stop`."""
        with path.open("wb") as out:  # the child keeps its own copy of the descriptor
            self._recorder = subprocess.Popen(
                ["parec", "-d", "speaker.monitor", "--format=s16le", f"--rate={RATE}"]
                + ["--channels=1"],
                env=self.env,
                stdout=out,
            )

    def stop_recording(self) -> None:
        """Stop recording the speaker: parec writes out what it still holds."""
        if self._recorder:
            self._recorder.terminate()
            self._recorder.wait(timeout=10)
            self._recorder = None

    def speak_into_microphone(self, samples: np.ndarray, trailing_silence: float = 10.0) -> Spoken:
        """Queue int16 samples for the microphone; `.join()` returns once they, and
        `trailing_silence` seconds of room noise after them, have been heard."""
        spoken = Spoken(trailing_silence)
        self._queue.put((samples.astype(np.int16), spoken))
        return spoken

    def _feed(self) -> None:
        """Like a real microphone, the FIFO never falls silent: room noise at real-time pace,
        with queued speech in its place; through unplugging and plugging in again."""
        rng = np.random.default_rng(0)
        step = RATE // 50  # 20 ms
        current: tuple[np.ndarray, Spoken] | None = None
        offset = 0
        while not self._stopping.is_set():
            try:
                fd = os.open(self.fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # no microphone module reading the FIFO right now
                time.sleep(0.05)
                continue
            # A real microphone keeps no backlog while nobody records: a small pipe, and what
            # does not fit is dropped rather than delivered late.
            fcntl.fcntl(fd, F_SETPIPE_SZ, 4096)
            began, sent = time.monotonic(), 0
            try:
                while not self._stopping.is_set():
                    if current is None and not self._queue.empty():
                        current, offset = self._queue.get(), 0
                    if current is not None:
                        chunk = current[0][offset : offset + step]
                        offset += step
                        if offset >= len(current[0]):
                            current[1].said.set()
                            current = None
                    else:
                        chunk = rng.normal(0, 30, step).astype(np.int16)
                    with contextlib.suppress(BlockingIOError):
                        os.write(fd, chunk.tobytes())
                    sent += len(chunk)
                    delay = began + sent / RATE - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)
            except BrokenPipeError:
                pass  # the microphone was unplugged: wait for it to come back
            finally:
                os.close(fd)

    def stop(self) -> None:
        """Stop recording and the daemon; remove the folder."""
        self._stopping.set()
        self.stop_recording()
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)


def pulse_available() -> bool:
    """True when the PulseAudio programs are installed."""
    return all(shutil.which(p) for p in ("pulseaudio", "pactl", "parec"))
