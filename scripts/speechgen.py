"""Generated speech for tests and benchmarks: espeak-ng voices, mixed with noise at a given SNR.

Shared by the tests and scripts/make_corpus.py; the audio itself is never committed.
"""

from __future__ import annotations

import hashlib
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile
import soxr

RATE = 16000
CACHE = Path(tempfile.gettempdir()) / "cramp-assistant-speechgen"


def speak(text: str, voice: str = "en-us", rate: int = 150) -> np.ndarray:
    """`text` spoken by espeak-ng, as float samples in [-1, 1] at 16 kHz (cached on disk)."""
    key = hashlib.sha1(f"{voice}|{rate}|{text}".encode()).hexdigest()
    path = CACHE / f"{key}.wav"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp.wav")
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(tmp), text],
            check=True,
            capture_output=True,
        )
        tmp.replace(path)
    data, sr = soundfile.read(str(path), dtype="float32")
    return soxr.resample(data, sr, RATE) if sr != RATE else data


def brown_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Brown (fan-like) noise with unit RMS."""
    walk = np.cumsum(rng.normal(0.0, 1.0, n))
    walk -= np.convolve(walk, np.ones(801) / 801, mode="same")  # keep it from drifting away
    return walk / (np.sqrt(np.mean(walk**2)) + 1e-12)


def mix(
    speech: np.ndarray,
    snr_db: float | None,
    rng: np.random.Generator,
    lead: float = 0.6,
    tail: float = 1.0,
    floor_rms: float = 30.0,
) -> np.ndarray:
    """Speech with silence around it and brown noise at `snr_db` (None: clean), as int16.

    The SNR is taken over the speech itself (its loud part), as a listener would judge it;
    a faint floor of white noise stands in for a microphone's own hiss.
    """
    pad = np.zeros(int(lead * RATE)), speech * 0.5 * 32767, np.zeros(int(tail * RATE))
    audio = np.concatenate(pad)
    if snr_db is not None:
        loud = np.abs(speech) > 0.02
        speech_rms = np.sqrt(np.mean((speech[loud] * 0.5 * 32767) ** 2)) if loud.any() else 1.0
        audio += brown_noise(len(audio), rng) * speech_rms / (10 ** (snr_db / 20))
    audio += rng.normal(0.0, floor_rms, len(audio))
    return np.clip(audio, -32768, 32767).astype(np.int16)
