"""How well the assistant's voice is understood: every line the night can say is rendered with
each engine at each pace, Whisper tiny.en transcribes it back, and the words that came back wrong
are counted (substitutions, insertions and deletions over the line's words, after both sides are
normalised as the dialogue normalises: lower case, numbers as words, punctuation dropped).

    python -m scripts.intelligibility                     # piper and espeak, paces 110 140 170
    python -m scripts.intelligibility --engine piper --rate 140 --show-wrong

Whisper stands in for a listener: a line it gets wrong is a line a half-asleep person may miss.
The renderings land in a cache folder of their own (--cache), so a second run only transcribes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from rapidfuzz.distance import Levenshtein

from assistant.audio.convert import resample_int16
from assistant.config.settings import Settings, Voice
from assistant.dialogue.routine_file import load_routine
from assistant.dialogue.text import words
from assistant.night.assistant import every_line
from assistant.speech.models import plain_files
from assistant.speech.models.manifest import whisper_entry
from assistant.speech.synthesizer import WorkerSynthesizer


@dataclass(frozen=True)
class Heard:
    """One line, as rendered and as transcribed."""

    line: str
    heard: str
    errors: int
    """Words wrong: substituted, inserted or left out."""
    words: int


class Listener:
    """Whisper tiny.en (the assistant's own second opinion's model) writing down what it hears."""

    def __init__(self) -> None:
        from faster_whisper import WhisperModel

        info = whisper_entry(Settings())
        folder = plain_files.locate(Settings(), info) if info else None
        if folder is None:
            sys.exit("Whisper tiny.en is not installed: bash scripts/setup.sh installs it")
        self._model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=2)

    def transcribe(self, samples: np.ndarray, rate: int) -> str:
        """What Whisper writes for int16 `samples` at `rate` Hz."""
        audio = resample_int16(samples, rate, 16000).astype(np.float32) / 32768.0
        segments, _ = self._model.transcribe(
            audio,
            language="en",
            beam_size=5,
            temperature=0.0,  # no sampling fallback: the same audio is always heard the same
            condition_on_previous_text=False,
            vad_filter=False,
        )
        return " ".join(segment.text.strip() for segment in segments)


CONTRACTIONS = {
    "you're": "you are",
    "i'm": "i am",
    "it's": "it is",
    "that's": "that is",
    "let's": "let us",
    "i'll": "i will",
    "you've": "you have",
    "can't": "cannot",
    "don't": "do not",
}
"""Spelt out on both sides, as Whisper's own English normaliser does: "you're" for "you are" is
the same words heard, not a word heard wrong."""


def _spelt_out(text: str) -> list[str]:
    return " ".join(CONTRACTIONS.get(word, word) for word in words(text)).split()


def word_errors(said: str, heard: str) -> tuple[int, int]:
    """(words wrong, words said) between a line and its transcript, both normalised."""
    expected, got = _spelt_out(said), _spelt_out(heard)
    return Levenshtein.distance(expected, got), len(expected)


def hear_all(synthesizer: WorkerSynthesizer, listener: Listener, lines: list[str]) -> list[Heard]:
    """Render `lines` with `synthesizer` and have `listener` write each down."""
    synthesizer.render(lines)
    # Every line by the engine asked for: espeak-ng standing in for a Piper that failed would
    # measure the wrong voice.
    missing = synthesizer.missing(lines)
    if missing:
        sys.exit(f"{synthesizer.engine}: {len(missing)} line(s) not rendered, e.g. {missing[0]!r}")
    found = []
    for line in lines:
        speech = synthesizer.speech(line)
        heard = listener.transcribe(speech.samples, speech.rate)
        errors, count = word_errors(line, heard)
        found.append(Heard(line, heard, errors, count))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engine", nargs="+", default=["piper", "espeak"])
    parser.add_argument("--rate", nargs="+", type=int, default=[110, 140, 170])
    default_cache = Path(tempfile.gettempdir()) / "intelligibility"
    parser.add_argument("--cache", type=Path, default=default_cache)
    parser.add_argument("--show-wrong", action="store_true", help="print every line heard wrong")
    args = parser.parse_args()

    lines = every_line(load_routine())
    listener = Listener()
    print(f"{len(lines)} lines, {sum(len(words(line)) for line in lines)} words each time\n")
    print("| engine | pace (words a minute) | words wrong | lines wrong | render s (cold) |")
    print("|---|---|---|---|---|")
    for engine in args.engine:
        for rate in args.rate:
            voice = replace(Voice(), engine=engine, rate=rate, volume=1.0)
            synthesizer = WorkerSynthesizer(args.cache, voice, timeout=30.0)
            if synthesizer.engine != engine:
                sys.exit(f"{engine} cannot speak here: {synthesizer.describe()}")
            began = time.monotonic()
            synthesizer.render(lines)
            rendered = time.monotonic() - began
            found = hear_all(synthesizer, listener, lines)
            wrong = sum(h.errors for h in found)
            total = sum(h.words for h in found)
            bad = [h for h in found if h.errors]
            print(
                f"| {engine} | {rate} | {wrong} of {total} ({100 * wrong / total:.1f}%) "
                f"| {len(bad)} of {len(found)} | {rendered:.1f} |",
                flush=True,
            )
            if args.show_wrong:
                for h in bad:
                    print(f"|   | {h.errors} wrong | {h.line!r} | heard {h.heard!r} |  |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
