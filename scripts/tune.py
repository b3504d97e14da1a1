"""Tune the trigger rules and the second opinion's margins on the corpus (scripts/make_corpus.py).

    .venv/bin/python -m scripts.tune --corpus corpus

Each file is heard once, whole and continuous, through the assistant's own Ears in trigger
mode with the second opinion asked as at night and no margin applied; every utterance's
first-stage score, Whisper's best sentence, margin and transcript, its length and the quiet
before it are kept (in --cache). The Ears decide at the speaker's pause, as at night; with no
margin applied the pause's answer is nearly always a sentence and is kept, where the night,
refusing it at its margin, hears the utterance again whole if the first stage nearly took it
for a trigger (assistant/speech/second_opinion.py): the cache has the pause's answer only.
Then the rules are swept offline: for each combination, trigger recall per
noise level and false triggers on everything said alone, so a setting is chosen from the whole
trade, not from one voice or one clip.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from assistant.audio.chunk import FRAME, RATE  # noqa: E402
from assistant.audio.convert import read_audio  # noqa: E402
from assistant.config.settings import ListeningSettings, Settings  # noqa: E402
from assistant.dialogue.intents import IntentMatcher  # noqa: E402
from assistant.dialogue.routine_file import load_routine  # noqa: E402
from assistant.night.assistant import trigger_seconds  # noqa: E402
from assistant.night.hearing import Began, Ears, Heard, HearingEvent  # noqa: E402
from assistant.night.quiet import INTERJECTION_SECONDS  # noqa: E402
from assistant.speech.choose import build_recognizer  # noqa: E402
from assistant.speech.second_opinion import plausible  # noqa: E402

HANG_OVER = ListeningSettings().end_silence
"""The gate's hang-over: an utterance opened as the gate closed has this much quiet before it
(within half a frame)."""
NEGATIVES = ("near-triggers", "short-phrases", "replies-alone", "cramp-talk", "ordinary-speech")


def utterances(path: Path, listening: ListeningSettings) -> list[dict]:
    """Every utterance heard in a file in trigger mode, with what each stage made of it."""
    permissive = replace(listening, trigger_margin=-100.0, second_opinion="whisper")
    recognizer, _ = build_recognizer(Settings(listening=permissive))
    routine = load_routine()
    ears = Ears(recognizer, permissive)
    ears.listen_for(IntentMatcher(routine).trigger_grammar(), "trigger")
    out = []
    for heard, timing in timed(ears.utterances(read_audio(path))):
        h = heard.hypothesis
        consulted = h.first_score is not None
        out.append(
            {
                **timing,
                "first": h.raw,
                "first_score": h.first_score if consulted else h.score,
                "margin": h.score if consulted else None,
                "phrase": h.text,
                "transcript": h.transcript,
            }
        )
    return out


def timed(events: list[HearingEvent]) -> Iterator[tuple[Heard, dict]]:
    """Each utterance heard, with its end, length, whether it was capped, and the quiet before
    it (sounds shorter than 0.15 s do not break the quiet, as at night)."""
    began, previous_end = 0.0, -1e9
    for event in events:
        if isinstance(event, Began):
            began = event.t
            continue
        ended = event.ended
        yield (
            event,
            {
                "end": ended.t,
                "seconds": ended.seconds,
                "capped": ended.capped,
                "quiet": began - previous_end,
            },
        )
        if ended.seconds >= 0.15:
            previous_end = ended.t


def clips_heard(heard: list[dict], clips: list[dict], rules: dict) -> int:
    """How many of `clips` woke it: an utterance ending within the clip was accepted."""
    return sum(
        any(
            c["speech_start"] <= u["end"] <= c["end"] and accepted(heard, i, rules)
            for i, u in enumerate(heard)
        )
        for c in clips
    )


def false_wakes(heard: list[dict], rules: dict) -> int:
    """How many utterances of a negative file woke it."""
    return sum(accepted(heard, i, rules) for i in range(len(heard)))


@cache
def _matcher() -> IntentMatcher:
    return IntentMatcher(load_routine())


def accepted(utterances: list[dict], i: int, rules: dict) -> bool:
    """Would the assistant wake for utterance `i` under these rules? As the night decides:
    Whisper's best sentence within the margin, a trigger (or the diary's question), and
    plausible beside its transcript (the longer form and fewer-words rules of the second
    opinion), the length rule, and the quiet rule with one short sound out of quiet forgiven
    (assistant/night/quiet.py); and not when the speaker went on at once (the next utterance
    opened as the gate closed: assistant/night/trigger_wait.py). What the night then
    hears joined (an utterance with the sound before it) is not in the cache: an utterance is
    judged alone here, so recall is a little under what the night gets."""
    following = utterances[i + 1] if i + 1 < len(utterances) else None
    return heard_alone(utterances, i, rules) and not went_on(following)


def went_on(following: dict | None) -> bool:
    """Whether the next utterance opened as the gate closed (its quiet is the hang-over's and
    no more): the speaker went on at once."""
    return following is not None and following["quiet"] <= HANG_OVER + FRAME / RATE / 2


def heard_alone(utterances: list[dict], i: int, rules: dict) -> bool:
    """Utterance `i` is a trigger on its own, before what follows it is known."""
    u = utterances[i]
    if u["margin"] is None or u["margin"] < rules["margin"] or u["capped"] or not u["phrase"]:
        return False
    if not _matcher().wakes(u["phrase"]):
        return False
    if not plausible(u["phrase"], u["transcript"] or "", u["margin"], strict=True):
        return False
    quiet = u["quiet"]
    before = utterances[i - 1] if i > 0 else None
    if quiet < rules["quiet"] and before is not None and before["quiet"] >= rules["quiet"]:
        short = before["seconds"] <= INTERJECTION_SECONDS
        if short or went_on(u) and heard_alone(utterances, i - 1, rules):
            quiet = before["quiet"]
    longest = trigger_seconds(u["phrase"], rules["max_seconds"])
    return u["seconds"] <= longest and quiet >= rules["quiet"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--cache", type=Path, default=None, help="keep the utterances here")
    args = parser.parse_args()
    manifest = json.loads((args.corpus / "manifest.json").read_text())
    cache = args.cache or args.corpus / "tune-utterances.json"
    listening = ListeningSettings()
    data: dict = json.loads(cache.read_text()) if cache.exists() else {}
    for label, entry in manifest["positives"].items():
        if label not in data:
            print(f"hearing positives {label}...", flush=True)
            data[label] = utterances(args.corpus / entry["file"], listening)
    for entry in manifest["negatives"]:
        if entry["kind"] in NEGATIVES and entry["kind"] not in data:
            print(f"hearing {entry['kind']}...", flush=True)
            data[entry["kind"]] = utterances(args.corpus / entry["file"], listening)
    cache.write_text(json.dumps(data))

    grid = [
        {"margin": m, "max_seconds": s, "quiet": q}
        for m in (-5.0, -6.0, -7.0, -8.0, -9.0, -10.0, -12.0)
        for s in (2.5, 3.0, 3.5)
        for q in (0.8, 1.2)
    ]
    print(
        "margin max_s quiet | recall per level, listed/unlisted | false triggers per negative kind"
    )
    for rules in grid:
        recall = []
        for label, entry in manifest["positives"].items():
            rates = []
            for kind in ("trigger", "trigger_paraphrase"):
                clips = [c for c in entry["clips"] if c["kind"] == kind]
                hits = clips_heard(data[label], clips, rules)
                rates.append(f"{100 * hits / max(1, len(clips)):.1f}%")
            recall.append(f"{label} {'/'.join(rates)}")
        false = [f"{kind} {false_wakes(data[kind], rules)}" for kind in NEGATIVES if kind in data]
        print(
            f"{rules['margin']:6.1f} {rules['max_seconds']:4.1f} {rules['quiet']:4.1f} | "
            + ", ".join(recall)
            + " | "
            + ", ".join(false),
            flush=True,
        )
    margins = [u["margin"] for u in data.get("near-triggers", []) if u["margin"] is not None]
    if margins:
        print("near-trigger margins (highest):", np.round(sorted(margins)[-10:], 2))


if __name__ == "__main__":
    main()
