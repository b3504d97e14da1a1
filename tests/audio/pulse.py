"""A private PulseAudio daemon with a virtual microphone (a FIFO) and a virtual speaker.

PortAudio sees it through ALSA's pulse plugin, so the assistant opens real devices; the test
writes speech into the microphone at real-time pace and records the speaker's monitor.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

RATE = 16000


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
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=20,
        )
        self._wait_for_server()
        self.pactl("load-module", "module-null-sink", "sink_name=speaker")
        self.load_microphone()

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

    def speak_into_microphone(
        self, samples: np.ndarray, trailing_silence: float = 10.0
    ) -> threading.Thread:
        """Write int16 samples, then quiet noise, into the microphone at real-time pace."""
        tail = np.random.default_rng(0).normal(0, 30, int(trailing_silence * RATE))
        audio = np.concatenate([samples.astype(np.float64), tail]).clip(-32768, 32767)
        data = audio.astype(np.int16).tobytes()

        def write() -> None:
            step = RATE // 50 * 2  # 20 ms of bytes
            began = time.monotonic()
            with open(self.fifo, "wb", buffering=0) as fifo:
                for i in range(0, len(data), step):
                    fifo.write(data[i : i + step])
                    delay = began + (i + step) / (2 * RATE) - time.monotonic()
                    if delay > 0:
                        time.sleep(delay)

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Stop recording and the daemon; remove the folder."""
        if self._recorder:
            self._recorder.terminate()
            self._recorder.wait(timeout=10)
        subprocess.run(["pulseaudio", "--kill"], env=self.env, capture_output=True, timeout=20)
        shutil.rmtree(self.dir, ignore_errors=True)


def pulse_available() -> bool:
    """True when the PulseAudio programs are installed."""
    return all(shutil.which(p) for p in ("pulseaudio", "pactl", "parec"))
