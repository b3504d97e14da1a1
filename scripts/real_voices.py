"""A smoke test on real human voices: Debian's pocketsphinx-testdata (apt-get install
pocketsphinx-testdata), 14 recordings: read sentences, card names, digits, short commands.

    .venv/bin/python -m scripts.real_voices [--json real-voices.json]

For each recording: Whisper's own transcript against the reference (word error rate), and
whether the trigger grammar would wake the assistant, per combination: PocketSphinx alone
(whole clip, no length or quiet rule) and PocketSphinx with the second opinion. None of these
recordings is a trigger, so every wake is a false one.
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from assistant.audio.convert import read_audio  # noqa: E402
from assistant.config.settings import Settings  # noqa: E402
from assistant.dialogue.intents import IntentMatcher, normalise  # noqa: E402
from assistant.dialogue.routine_file import load_routine  # noqa: E402
from assistant.speech.choose import build_judge  # noqa: E402
from assistant.speech.pocketsphinx_engine import PocketSphinxRecognizer  # noqa: E402
from assistant.speech.second_opinion import SecondOpinion  # noqa: E402

DATA = Path("/usr/share/pocketsphinx/test/data")
EXTRA = {
    "goforward.raw": "go forward ten meters",
    "numbers.raw": "",  # no reference shipped: transcript only
    "something.raw": "",
    "tidigits/dhd.2934z.raw": "two nine three four zero",
}


def recordings() -> list[tuple[Path, str]]:
    """(file, reference text) for every recording with audio in the package."""
    found = []
    for folder, listing in (("cards", "cards.transcription"), ("librivox", "transcription")):
        for line in (DATA / folder / listing).read_text().splitlines():
            words, _, name = line.rpartition("(")
            text = words.replace("<s>", "").replace("</s>", "").strip()
            found.append((DATA / folder / f"{name.strip(') ')}.wav", text))
    found += [(DATA / name, text) for name, text in EXTRA.items()]
    return [(path, text) for path, text in found if path.exists()]


def load(path: Path) -> np.ndarray:
    if path.suffix == ".raw":
        return np.fromfile(path, dtype="<i2")
    return read_audio(path)


NUMBERS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def spelled(text: str) -> str:
    """Digits as words ("10" -> "ten", "2934" -> "two nine three four"), "Mr." as "mister":
    how the references are written."""
    words = []
    for word in text.replace("Mr.", "mister").replace(",", " ").replace(".", " ").split():
        if word.isdigit():
            words += [NUMBERS[int(word)]] if int(word) <= 10 else [NUMBERS[int(d)] for d in word]
        else:
            words.append(word)
    return " ".join(words)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(edits, reference words) between two texts, by words."""
    ref, hyp = normalise(reference).split(), normalise(spelled(hypothesis)).split()
    matcher = difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False)
    same = sum(block.size for block in matcher.get_matching_blocks())
    return max(len(ref), len(hyp)) - same, len(ref)


def main() -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if not DATA.is_dir():
        sys.exit(f"{DATA}: not there; apt-get install pocketsphinx-testdata")
    triggers = IntentMatcher(load_routine()).trigger_grammar()
    judge, why = build_judge(Settings())
    if judge is None:
        sys.exit(f"no second opinion: {why}")
    first = PocketSphinxRecognizer()
    both = SecondOpinion(PocketSphinxRecognizer(), judge)
    rows: list[dict[str, Any]] = []
    edits, words = 0, 0
    for path, reference in recordings():
        audio = load(path)
        transcript = judge.transcribe(audio)
        if reference:
            e, n = word_errors(reference, transcript)
            edits, words = edits + e, words + n
        woke = {}
        for name, recognizer in (("pocketsphinx", first), ("pocketsphinx+whisper", both)):
            recognizer.expect(triggers, "trigger")
            recognizer.begin()
            recognizer.feed(audio)
            woke[name] = recognizer.end().text
        rows.append(
            {
                "file": str(path.relative_to(DATA)),
                "seconds": round(len(audio) / 16000, 1),
                "reference": reference,
                "whisper": transcript,
                "woke": woke,
            }
        )
        print(f"{rows[-1]['file']:55} {transcript[:50]!r:52} woke: {woke}", flush=True)
    result: dict[str, Any] = {
        "recordings": len(rows),
        "whisper_word_error_rate": edits / max(1, words),
        "false_wakes": {
            name: sum(bool(r["woke"][name]) for r in rows)
            for name in ("pocketsphinx", "pocketsphinx+whisper")
        },
        "rows": rows,
    }
    print(
        f"\n{len(rows)} real recordings: Whisper word error rate "
        f"{100 * result['whisper_word_error_rate']:.1f}%; woken by the trigger grammar "
        f"(whole clip, no length or quiet rule): {result['false_wakes']}"
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
