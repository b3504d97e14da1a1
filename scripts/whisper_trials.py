"""Trials of what else might make the second opinion hear more: measured, not adopted.

    .venv/bin/pip install pyrnnoise    # only for --trial rnnoise (not a dependency)
    .venv/bin/python -m scripts.whisper_trials --corpus corpus --trial rnnoise
    .venv/bin/python -m scripts.whisper_trials --corpus corpus --trial prompt
    .venv/bin/python -m scripts.whisper_trials --corpus corpus --trial rivals

Every trigger clip and negative of the benchmark corpus (scripts/make_corpus.py) is heard once
through the assistant's own Ears in trigger mode (front end, voice gate, PocketSphinx), and each
utterance's audio is kept (in --cache). The second opinion then judges every utterance as the
night does, once as it is and once with the trial, and the night's trigger rules are applied
(scripts/tune.py's `accepted`):

- `rnnoise`: a second pass when the first is below the bar, on the utterance after RNNoise
  (`pyrnnoise`'s library, at 48 kHz through soxr), the better margin taken;
- `prompt`: Whisper told what came before ("I have a cramp. My leg is cramping."), as its
  previous text, for its transcript and for every sentence it scores;
- `rivals`: the night's refusal of a trigger whose sound-alike rival ("camp", "crumb",
  "tramp", ...) scores RIVAL_LEAD above it (assistant.speech.sound_alikes), at several leads
  (inf: never refused).
"""

from __future__ import annotations

import argparse
import ctypes
import importlib.util
import json
import os
import pickle
from dataclasses import replace
from pathlib import Path

import numpy as np

from assistant.audio.convert import read_audio
from assistant.config.settings import ListeningSettings, Settings
from assistant.dialogue.grammar import Grammar
from assistant.dialogue.intents import IntentMatcher
from assistant.dialogue.routine_file import load_routine
from assistant.night.hearing import Ears
from assistant.speech.choose import build_judge, build_recognizer
from assistant.speech.models import plain_files
from assistant.speech.models.manifest import whisper_entry
from assistant.speech.recognizer import Hypothesis
from assistant.speech.second_opinion import SecondOpinion
from assistant.speech.whisper_engine import Listened, WhisperJudge
from scripts.tune import NEGATIVES, clips_heard, false_wakes, timed

ROOT = Path(__file__).resolve().parent.parent
PROMPT = "I have a cramp. My leg is cramping."
RULES = {"margin": -8.0, "max_seconds": 3.0, "quiet": 1.2}
LEADS = (np.inf, 0.0, 2.0, 4.0, 6.0, 8.0)
"""The sound-alike leads tried (inf: no sentence refused for a rival)."""


class _Replay:
    """A first stage that says again what PocketSphinx said of the utterance."""

    name = "replay"

    def __init__(self, threshold: float) -> None:
        self.threshold = threshold
        self.said = Hypothesis("", -np.inf)

    def expect(self, grammar: Grammar, mode: str = "reply") -> None:
        pass

    def begin(self) -> None:
        pass

    def feed(self, samples: np.ndarray) -> None:
        pass

    def end(self) -> Hypothesis:
        return self.said


def rnnoise(audio: np.ndarray) -> np.ndarray:
    """The utterance (int16, 16 kHz) through RNNoise, which runs at 48 kHz."""
    import soxr

    spec = importlib.util.find_spec("pyrnnoise")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("--trial rnnoise needs pyrnnoise: .venv/bin/pip install pyrnnoise")
    lib = ctypes.CDLL(os.path.join(list(spec.submodule_search_locations)[0], "librnnoise.so"))
    lib.rnnoise_create.restype = ctypes.c_void_p
    lib.rnnoise_create.argtypes = [ctypes.c_void_p]
    lib.rnnoise_destroy.argtypes = [ctypes.c_void_p]
    floats = ctypes.POINTER(ctypes.c_float)
    lib.rnnoise_process_frame.argtypes = [ctypes.c_void_p, floats, floats]
    state = lib.rnnoise_create(None)
    up = soxr.resample(audio.astype(np.float32), 16000, 48000)
    size = 480  # RNNoise's frame: 10 ms at 48 kHz
    padded = np.zeros((len(up) // size + 1) * size, np.float32)
    padded[: len(up)] = up
    out = np.zeros_like(padded)
    for start in range(0, len(padded), size):
        frame = np.ascontiguousarray(padded[start : start + size])
        cleaned = np.zeros(size, np.float32)
        lib.rnnoise_process_frame(
            state, cleaned.ctypes.data_as(floats), frame.ctypes.data_as(floats)
        )
        out[start : start + size] = cleaned
    lib.rnnoise_destroy(state)
    down = soxr.resample(out[: len(up)], 48000, 16000)
    return np.clip(down, -32768, 32767).astype(np.int16)


class DenoisedJudge(WhisperJudge):
    """Whisper on the utterance after RNNoise."""

    def listen(self, audio: np.ndarray) -> Listened:
        return super().listen(rnnoise(audio))


class PromptedJudge(WhisperJudge):
    """Whisper told PROMPT as the text before the utterance."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self.wait_until_warm()
        token = self._tokenizer.token_to_id
        told = self._tokenizer.encode(" " + PROMPT, add_special_tokens=False).ids
        self._before = [token("<|startofprev|>"), *told, *self._before]
        self._start = [*self._before, token("<|notimestamps|>")]


class RememberingJudge(WhisperJudge):
    """Whisper remembering what it heard and each sentence's rival lead, so that the night's
    second opinion judges the corpus again at another RIVAL_LEAD quickly."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder)
        self._heard: dict[int, Listened] = {}
        self._leads: dict[tuple[int, str], float] = {}

    def listen(self, audio: np.ndarray) -> Listened:
        key = hash(audio.tobytes())
        if key not in self._heard:
            self._heard[key] = super().listen(audio)
        return self._heard[key]

    def rival_lead(self, listened: Listened, sentence: str, rivals: list[str]) -> float:
        key = (hash(listened.encoded.tobytes()), sentence)
        if key not in self._leads:
            self._leads[key] = super().rival_lead(listened, sentence, rivals)
        return self._leads[key]


def said(h: Hypothesis) -> tuple[str, float, str]:
    """What PocketSphinx said of an utterance, as _Replay says it again."""
    return h.text, h.score, h.raw


def hear_corpus(corpus: Path) -> dict:
    """Every utterance of the trigger clips and negatives, with PocketSphinx's view and audio."""
    manifest = json.loads((corpus / "manifest.json").read_text())
    listening = replace(ListeningSettings(), second_opinion="off")
    first, _ = build_recognizer(Settings(listening=listening))
    grammar = IntentMatcher(load_routine()).trigger_grammar()
    files = {label: entry["file"] for label, entry in manifest["positives"].items()}
    files |= {e["kind"]: e["file"] for e in manifest["negatives"] if e["kind"] in NEGATIVES}
    heard: dict = {"threshold": getattr(first, "threshold", -2.5), "files": {}}
    for label, name in files.items():
        print(f"hearing {label}...", flush=True)
        ears = Ears(first, listening)
        ears.listen_for(grammar, "trigger")
        heard["files"][label] = [
            {**timing, "said": said(event.hypothesis), "audio": event.audio}
            for event, timing in timed(ears.utterances(read_audio(corpus / name)))
        ]
    return heard


def judged(
    heard: dict, judge: WhisperJudge, bar: float = -100.0, lead: float | None = None
) -> dict[str, list[dict]]:
    """What the night's second opinion makes of every utterance, in tune's form. Its own bar
    is `bar`, far below the night's by default so that RULES decide what is taken (rivals
    are only asked about where RULES would take a sentence: the night's bar); its rival lead
    is `lead` (None: the night's)."""
    first = _Replay(heard["threshold"])
    second = SecondOpinion(first, judge, trigger_margin=bar)
    if lead is not None:
        second.rival_lead = lead
    second.expect(IntentMatcher(load_routine()).trigger_grammar(), "trigger")
    out: dict[str, list[dict]] = {}
    for label, items in heard["files"].items():
        rows = []
        for u in items:
            first.said = Hypothesis(*u["said"])
            second.begin()
            second.feed(u["audio"])
            h = second.end()
            asked = h.first_score is not None
            rows.append(
                {
                    **{k: u[k] for k in ("end", "seconds", "capped", "quiet")},
                    "margin": h.score if asked else None,
                    "phrase": h.text,
                    "transcript": h.transcript,
                }
            )
        out[label] = rows
    return out


def better_of(plain: dict[str, list[dict]], trial: dict[str, list[dict]]) -> dict:
    """A second pass: the trial's view where the plain one is below the bar and it is better."""

    def margin(row: dict) -> float:
        return row["margin"] if row["margin"] is not None else -np.inf

    return {
        label: [
            t if margin(p) < RULES["margin"] and margin(t) > margin(p) else p
            for p, t in zip(rows, trial[label], strict=True)
        ]
        for label, rows in plain.items()
    }


def summary(results: dict[str, list[dict]], manifest: dict) -> str:
    """Trigger clips heard per level (listed/unlisted) and false wakes per negative kind."""
    parts = []
    for label, entry in manifest["positives"].items():
        counts = []
        for kind in ("trigger", "trigger_paraphrase"):
            clips = [c for c in entry["clips"] if c["kind"] == kind]
            counts.append(f"{clips_heard(results[label], clips, RULES)}/{len(clips)}")
        parts.append(f"{label} {' '.join(counts)}")
    false = [f"{k} {false_wakes(results[k], RULES)}" for k in NEGATIVES if k in results]
    return ", ".join(parts) + " | false wakes: " + ", ".join(false)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--trial", choices=["rnnoise", "prompt", "rivals"], required=True)
    parser.add_argument("--cache", type=Path, default=None, help="keep the utterances here")
    args = parser.parse_args()
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    cache = args.cache or args.corpus / "trial-utterances.pickle"
    if cache.exists():
        heard = pickle.loads(cache.read_bytes())
    else:
        heard = hear_corpus(args.corpus)
        cache.write_bytes(pickle.dumps(heard))
    settings = Settings()
    judge, why = build_judge(settings)
    entry = whisper_entry(settings)
    folder = plain_files.locate(settings, entry) if entry is not None else None
    if judge is None or folder is None:
        raise SystemExit(f"the trials need Whisper: {why}")
    if args.trial == "rivals":
        remembering = RememberingJudge(folder)
        for lead in LEADS:
            results = judged(heard, remembering, bar=RULES["margin"], lead=lead)
            print(f"rivals {lead:+.0f}:  ", summary(results, manifest), flush=True)
        return
    plain = judged(heard, judge)
    print("as it is:   ", summary(plain, manifest), flush=True)
    if args.trial == "rnnoise":
        trial = judged(heard, DenoisedJudge(folder))
        print("RNNoise:    ", summary(trial, manifest))
        print("second pass:", summary(better_of(plain, trial), manifest))
    else:
        print("prompted:   ", summary(judged(heard, PromptedJudge(folder)), manifest))


if __name__ == "__main__":
    main()
