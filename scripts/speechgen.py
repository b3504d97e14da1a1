"""Generated speech for tests and benchmarks: espeak-ng voices, mixed with noise at a given SNR.

Shared by the tests and scripts/make_corpus.py; the audio itself is never committed.
"""

from __future__ import annotations

import hashlib
import os
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
        # Its own name: two processes (the tests beside a benchmark) may render the same line.
        tmp = path.with_suffix(f".{os.getpid()}.tmp.wav")
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(rate), "-w", str(tmp), text],
            check=True,
            capture_output=True,
        )
        tmp.replace(path)
    data, sr = soundfile.read(str(path), dtype="float32")
    return soxr.resample(data, sr, RATE) if sr != RATE else data


def brown_noise(n: int, rng: np.random.Generator) -> np.ndarray:
    """Brown (fan-like) noise with unit RMS: power falling as 1/f^2 above 20 Hz."""
    spectrum = np.fft.rfft(rng.normal(0.0, 1.0, n))
    freqs = np.fft.rfftfreq(n, 1 / RATE)
    spectrum /= np.maximum(freqs, 20.0)
    noise = np.fft.irfft(spectrum, n)
    return noise / (np.sqrt(np.mean(noise**2)) + 1e-12)


def speech_level(speech: np.ndarray) -> float:
    """RMS (16-bit units, as `mix` scales it) of the loud part of float speech."""
    loud = np.abs(speech) > 0.02
    return float(np.sqrt(np.mean((speech[loud] * 0.5 * 32767) ** 2))) if loud.any() else 1.0


def continuous_brown_noise(n: int, rng: np.random.Generator, piece: int = 1 << 22) -> np.ndarray:
    """Unit-RMS brown noise of any length, made in pieces of about 4 minutes joined with 0.1 s
    cross-fades (one FFT over hours of audio needs tens of gigabytes)."""
    if n <= piece:
        return brown_noise(n, rng)
    fade = RATE // 10
    ramp = np.linspace(0.0, 1.0, fade)
    out = np.empty(n)
    at, tail = 0, None
    while at < n:
        chunk = brown_noise(min(piece, n - at) + fade, rng)
        if tail is not None:
            chunk[:fade] = tail * (1 - ramp) + chunk[:fade] * ramp
        take = min(len(chunk) - fade, n - at)
        out[at : at + take] = chunk[:take]
        tail = chunk[take : take + fade] if take + fade <= len(chunk) else None
        at += take
    return out


def add_room(audio: np.ndarray, fan_rms: float, rng: np.random.Generator, floor_rms: float = 30.0):
    """One continuous fan (brown noise) and microphone hiss under a whole recording, as int16."""
    noisy = audio.astype(np.float64) + rng.normal(0.0, floor_rms, len(audio))
    if fan_rms > 0:
        noisy += continuous_brown_noise(len(audio), rng) * fan_rms
    return np.clip(noisy, -32768, 32767).astype(np.int16)


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
        audio += brown_noise(len(audio), rng) * speech_level(speech) / (10 ** (snr_db / 20))
    audio += rng.normal(0.0, floor_rms, len(audio))
    return np.clip(audio, -32768, 32767).astype(np.int16)
