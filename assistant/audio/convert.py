"""Reading any WAV-like file as mono 16-bit audio at the recognizer's rate."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import soxr

from assistant.audio.chunk import RATE
from assistant.errors import AudioInputError

log = logging.getLogger(__name__)

RATES = (4000, 384000)
"""Sample rates a recording may have, in Hertz (speech needs 4 kHz at least)."""


def to_int16(samples: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16, clipping what lies outside."""
    clipped: np.ndarray = np.clip(samples, -1.0, 1.0) * 32767.0
    return clipped.astype(np.int16)


def resample(samples: np.ndarray, rate: int, target: int = RATE) -> np.ndarray:
    """Float mono samples from `rate` to `target` Hertz (soxr, high quality)."""
    if rate == target:
        return samples
    resampled: np.ndarray = soxr.resample(samples, rate, target)
    return resampled


def resample_int16(samples: np.ndarray, rate: int, target: int) -> np.ndarray:
    """int16 mono samples from `rate` to `target` Hertz."""
    return to_int16(resample(samples.astype(np.float32) / 32768.0, rate, target))


def read_audio(path: Path, target: int = RATE) -> np.ndarray:
    """Any rate, channel count and sample format that libsndfile reads -> mono int16 at `target`.

    Stereo is mixed down, a DC offset removed; a file that is not audio gets one clear error.
    """
    _check_audio_file(path)
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    with np.errstate(over="ignore", invalid="ignore"):
        mono, bad = _finite(data.astype(np.float64).mean(axis=1).astype(np.float32))
    if bad:
        log.warning("%s: samples not numbers or far out of range; heard as silence", path)
    mono = mono - float(np.mean(mono))
    return to_int16(resample(mono, rate, target))


def stream_audio(
    path: Path, target: int = RATE, block_seconds: float = 1.0
) -> Iterator[np.ndarray]:
    """Like `read_audio`, block by block, so that an hour-long file costs no more memory than a
    second of it. The DC offset is removed with a slow running mean."""
    return _blocks(path, _check_audio_file(path).samplerate, target, block_seconds)


def _check_audio_file(path: Path) -> Any:
    """The file's audio format, or one clear AudioInputError saying what is wrong with it."""
    if not path.exists():
        raise AudioInputError(f"{path}: no such audio file")
    if not path.is_file():  # a pipe or a device would be waited on for ever
        kind = "a folder" if path.is_dir() else "not a regular file (a pipe or a device?)"
        raise AudioInputError(f"{path}: {kind}; expected an audio file such as a WAV")
    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, TypeError) as err:
        raise AudioInputError(
            f"{path}: not a readable audio file ({err}); expected a WAV file"
        ) from None
    if info.frames == 0:
        raise AudioInputError(f"{path}: the audio file holds no samples")
    if not RATES[0] <= info.samplerate <= RATES[1]:
        raise AudioInputError(
            f"{path}: sample rate {info.samplerate} Hz; expected {RATES[0]} to {RATES[1]} Hz"
        )
    return info


MAX_FLOAT_SAMPLE = 16.0
"""Float samples beyond this (24 dB over full scale) are a file gone wrong, not sound: one
sample of 1e30 once made the running DC estimate deaf to the next minutes, two of 3e38 to the
whole file."""


def _finite(mono: np.ndarray) -> tuple[np.ndarray, int]:
    """`mono` with samples that are not numbers (NaN, infinity) or absurdly large made silent,
    so that one bad sample cannot make the file deaf; and how many there were."""
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(mono) | (np.abs(mono) > MAX_FLOAT_SAMPLE)
    count = int(bad.sum())
    return (np.where(bad, np.float32(0.0), mono) if count else mono), count


def _blocks(path: Path, rate: int, target: int, block_seconds: float) -> Iterator[np.ndarray]:
    resampler = soxr.ResampleStream(rate, target, 1, dtype="float32") if rate != target else None
    dc = None
    warned = False
    blocksize = max(1, int(rate * block_seconds))
    for block in soundfile.blocks(str(path), blocksize=blocksize, dtype="float32", always_2d=True):
        with np.errstate(over="ignore", invalid="ignore"):  # 3e38 + 3e38 is infinity
            mono, bad = _finite(block.astype(np.float64).mean(axis=1).astype(np.float32))
        if bad and not warned:  # said once, not once a block
            log.warning(
                "%s: samples that are not numbers or far out of range; heard as silence", path
            )
            warned = True
        dc = float(np.mean(mono)) if dc is None else 0.9 * dc + 0.1 * float(np.mean(mono))
        mono = mono - dc
        last = len(block) < blocksize
        if resampler is not None:
            mono = resampler.resample_chunk(mono, last=last)
        yield to_int16(mono)


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write int16 mono samples as a 16-bit WAV file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    soundfile.write(str(path), samples, rate, subtype="PCM_16")
