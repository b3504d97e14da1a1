"""Benchmark listening on the corpus from scripts/make_corpus.py; prints a table, writes JSON.

    .venv/bin/python -m scripts.make_corpus --out corpus
    .venv/bin/python -m scripts.bench --corpus corpus --json bench.json

Triggers, negatives, answer latency, processing cost, memory and start-up time are measured by
running the real command (`cramp-assistant run --input --repeatable`) on the corpus files: the
work of deciding and speaking is logged with each answer rather than put on the audio clock, so
a file is heard the same way every run (when it was put on the clock, where listening resumed
after each answer moved with the machine's load, and with it what Whisper was given: one or two
triggers a level came and went from run to run). The routine is
data, so the benchmark gives the assistant a routine whose first step says its greeting and
ends at once: every trigger (true or false) is answered, timed, and listening resumes.
Replies are decoded by the assistant's own gate, recognizer and intent matcher, clip by clip,
at a question where they mean something; a reply not understood is tried again in another
voice against the narrowed re-prompt's intents, as the dialogue does.
Wordings the templates list and wordings written apart from them (scripts/paraphrases.py) are
counted apart, and per voice.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent

from assistant.audio.chunk import FRAME, RATE  # noqa: E402
from assistant.audio.convert import read_audio, write_wav  # noqa: E402
from assistant.config.settings import ListeningSettings, Settings  # noqa: E402
from assistant.dialogue.intents import IntentMatcher  # noqa: E402
from assistant.dialogue.routine import Routine  # noqa: E402
from assistant.dialogue.routine_file import default_routine_path, load_routine  # noqa: E402
from assistant.dialogue.sequencer import (  # noqa: E402
    WAITING_UNDERSTOOD,
    replies_expected,
    reprompt_expected,
)
from assistant.night.hearing import Ears, Heard  # noqa: E402
from assistant.speech.choose import build_recognizer, find_vosk_model  # noqa: E402

GOALS = {
    "trigger_recall_clean": 0.97,
    "trigger_recall_15dB": 0.97,
    "trigger_recall_5dB": 0.90,
    "false_triggers_per_hour": 1 / 8,
    "reply_right_15dB": 0.95,
    "reply_wrong_15dB": 0.01,
    "reply_understood_within_two_tries": 0.99,
    "trigger_latency_p95": 0.500,
    "idle_cpu_per_audio_second": 0.01,
    "peak_memory_mb": 350,
    "start_to_listening_s": 3.0,
}
COMBINATIONS = {
    "pocketsphinx": {"engine": "pocketsphinx", "second_opinion": "off"},
    "pocketsphinx+whisper": {"engine": "pocketsphinx", "second_opinion": "whisper"},
    "whisper": {"engine": "whisper", "second_opinion": "off"},
    "vosk": {"engine": "vosk", "second_opinion": "off"},
    "vosk+whisper": {"engine": "vosk", "second_opinion": "whisper"},
}
"""What is measured: the first stage alone, and with the second opinion."""


def bench_routine(folder: Path) -> Path:
    """The shipped routine, but the first step says the greeting and ends the episode."""
    text = default_routine_path().read_text(encoding="utf-8")
    text = text.replace('start = "greet"', 'start = "bench_answer"', 1)
    text += (
        '\n[steps.bench_answer]\nsay = ["I\'m here. Straighten your leg."]\n'
        'end = "no_response"\nescalate = false\n'
    )
    path = folder / "bench-routine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_child(args: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    """Run a command; (wall seconds, CPU seconds, peak resident MB) of that child and the
    processes it waited for (the peak is the largest one's, not their sum)."""
    began = time.monotonic()
    child = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.monotonic() - began
    assert child.stderr is not None
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {child.stderr.read().decode()[-500:]}")
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


class Bench:
    """One engine's measurements."""

    def __init__(self, corpus: Path, engine: str, work: Path, extra: str = "") -> None:
        self.corpus = corpus
        self.engine = engine
        self.work = work
        self.manifest = json.loads((corpus / "manifest.json").read_text())
        self.listening: dict[str, Any] = {**COMBINATIONS[engine]}
        for line in extra.splitlines():  # e.g. "trigger_margin = -8.0" to explore a setting
            key, _, value = line.partition("=")
            self.listening[key.strip()] = json.loads(value.strip())
        config = work / f"config-{engine}.toml"
        body = "".join(f"{k} = {json.dumps(v)}\n" for k, v in self.listening.items())
        config.write_text(f'[listening]\n{body}[routine]\npath = "{bench_routine(work)}"\n')
        self.base = [
            sys.executable,
            "-m",
            "assistant",
            "--config",
            str(config),
            "--data-dir",
            str(work / "data"),
            "run",
        ]
        self.results: dict = {"engine": engine}
        # The assistant's speech is rendered on its first start and kept in the user's cache:
        # each benchmark has its own, so what the first start costs is measured every time.
        self.env = {**os.environ, "XDG_CACHE_HOME": str(work / "cache")}

    def run_file(self, wav: Path, name: str) -> tuple[list[dict], float, float, float]:
        events = self.work / f"{self.engine}-{name}.jsonl"
        wall, cpu, rss = run_child(
            [*self.base, "--input", str(wav), "--repeatable", "--events", str(events)], self.env
        )
        return [json.loads(x) for x in events.read_text().splitlines()], wall, cpu, rss

    def startup(self) -> None:
        silence = self.work / "silence.wav"
        write_wav(silence, np.random.default_rng(0).normal(0, 30, RATE * 8).astype(np.int16), RATE)
        # The first start renders every line the assistant says (Piper, in a worker process);
        # later starts find them on disk. The cost of listening is measured on those.
        _, _, rendering = run_child([*self.base, "--input", str(silence)], self.env)
        self.results["first_start_memory_mb"] = rendering
        _, self.startup_cpu, self.peak_rss = run_child(
            [*self.base, "--input", str(silence)], self.env
        )
        times = []
        for i in range(3):
            events = self.work / f"start-{i}.jsonl"
            began = time.monotonic()
            child = subprocess.Popen(
                [*self.base, "--input", str(silence), "--realtime", "--events", str(events)],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                env=self.env,
            )
            while not (events.exists() and '"listening"' in events.read_text()):
                time.sleep(0.01)
            times.append(time.monotonic() - began)
            child.terminate()
            child.wait()
        self.results["start_to_listening_s"] = statistics.median(times)

    def triggers(self) -> None:
        recall: dict[str, Any] = {}
        latencies: list[float] = []
        stages: dict[str, Any] = {}
        voices: Counter[tuple[str, str]] = Counter()
        missed: dict[str, list[str]] = {}
        for label, entry in self.manifest["positives"].items():
            events, _, _, rss = self.run_file(self.corpus / entry["file"], f"pos-{label}")
            stages[label] = trigger_stages(events, entry["clips"])
            self.peak_rss = max(self.peak_rss, rss)
            triggers = [e for e in events if e["event"] == "trigger"]
            # The answer is the first sound the person hears: the chime, then the greeting.
            says = [e for e in events if e["event"] in ("say", "tone")]
            hit: dict[int, dict] = {}
            for trig in triggers:
                for i, clip in enumerate(entry["clips"]):
                    if clip["start"] <= trig["speech_end"] <= clip["end"]:
                        hit.setdefault(i, trig)
            missed[label] = [
                what_was_heard(clip, events)
                for i, clip in enumerate(entry["clips"])
                if i not in hit
            ]
            for i, trig in hit.items():
                clip = entry["clips"][i]
                answer = next((s for s in says if s["t"] >= trig["t"]), None)
                if clip["kind"] == "trigger" and answer:
                    # A repeatable run logs the work instead of putting it on the clock.
                    waited = answer.get("work") or 0.0
                    latencies.append(answer["t"] + waited - clip["speech_end"])
            for i, clip in enumerate(entry["clips"]):
                voices[(clip["voice"], "said")] += 1
                voices[(clip["voice"], "heard")] += i in hit
            for kind in ("trigger", "trigger_paraphrase"):
                idx = [i for i, c in enumerate(entry["clips"]) if c["kind"] == kind]
                if idx:
                    recall.setdefault(kind, {})[label] = sum(i in hit for i in idx) / len(idx)
            both = list(range(len(entry["clips"])))
            recall.setdefault("all", {})[label] = sum(i in hit for i in both) / len(both)
        self.results["trigger_recall"] = recall.get("trigger", {})
        self.results["paraphrase_trigger_recall"] = recall.get("trigger_paraphrase", {})
        self.results["all_trigger_recall"] = recall.get("all", {})
        self.results["trigger_recall_by_voice"] = {
            voice: voices[(voice, "heard")] / voices[(voice, "said")]
            for voice in sorted({v for v, _ in voices})
        }
        self.results["trigger_latency"] = percentiles(latencies)
        self.results["trigger_stages"] = stages
        self.results["triggers_missed"] = missed

    def negatives(self) -> None:
        counts, seconds, per_kind = 0, 0.0, {}
        for entry in self.manifest["negatives"]:
            events, wall, cpu, rss = self.run_file(self.corpus / entry["file"], entry["kind"])
            self.peak_rss = max(self.peak_rss, rss)
            woke = [e for e in events if e["event"] == "trigger"]
            fired = [e["text"] for e in woke]
            counts += len(fired)
            seconds += entry["seconds"]
            per_kind[entry["kind"]] = {
                "hours": entry["seconds"] / 3600,
                "phrases": entry.get("n"),
                "false_triggers": len(fired),
                "heard_as": dict(Counter(fired)),
                "woken_by": said_when(woke, entry.get("clips", [])),
                "cpu_per_audio_second": (cpu - self.startup_cpu) / entry["seconds"],
            }
        self.results["negatives"] = per_kind
        self.results["false_triggers_per_hour"] = counts / (seconds / 3600)
        self.results["idle_cpu_per_audio_second"] = per_kind["bedroom-noise"][
            "cpu_per_audio_second"
        ]
        self.results["speech_cpu_per_audio_second"] = per_kind["cramp-talk"]["cpu_per_audio_second"]

    def replies(self) -> None:
        settings = Settings(
            listening=ListeningSettings(**self.listening), data_dir=self.work / "data"
        )
        recognizer, _ = build_recognizer(settings)
        routine = load_routine()
        matcher = IntentMatcher(routine)
        results: dict = {}
        confusions: Counter[str] = Counter()
        latencies: list[float] = []
        for label, entry in self.manifest.get("replies", {}).items():
            audio = read_audio(self.corpus / entry["file"])
            tally: dict = {k: Counter() for k in ("reply", "reply_paraphrase")}
            voices: Counter = Counter()
            attempts: dict[tuple[str, str, str], list[dict]] = {}
            for clip in entry["clips"]:
                attempts.setdefault((clip["kind"], clip["intent"], clip["text"]), []).append(clip)
            for (kind, intent, _), clips in attempts.items():
                first, narrowed = expectations(routine, intent)
                outcomes = []
                for clip, expect in zip(clips, (first, narrowed), strict=False):
                    ears = Ears(recognizer, settings.listening)
                    ears.listen_for(matcher.grammar(expect), "reply")
                    got, latency = hear_reply(ears, matcher, expect, audio, clip)
                    if got == ASKED:  # a red flag it was not sure of: asked about, not acted on
                        got = "red_flag" if intent == "red_flag" else "unknown"
                    right = got == intent or same_effect(intent, got, expect)
                    outcome = "right" if right else "unknown" if got == "unknown" else "wrong"
                    outcomes.append(outcome)
                    voices[(clip["voice"], outcome)] += 1
                    if outcome == "wrong":
                        confusions[f"{intent} -> {got}"] += 1
                    if latency is not None and got != "unknown":
                        latencies.append(latency)
                    if outcome != "unknown":
                        break  # understood (rightly or not): no second try
                tally[kind][outcomes[0]] += 1
                tally[kind]["within_two"] += outcomes[-1] == "right"
                tally[kind]["items"] += 1
            results[label] = {
                kind: {
                    k: tally[kind][k] / max(1, tally[kind]["items"])
                    for k in ("right", "wrong", "unknown", "within_two")
                }
                | {"items": tally[kind]["items"]}
                for kind in tally
            }
            results[label]["by_voice"] = {
                voice: voices[(voice, "right")]
                / max(1, sum(voices[(voice, o)] for o in ("right", "wrong", "unknown")))
                for voice in sorted({v for v, _ in voices})
            }
        self.results["replies"] = results
        self.results["reply_confusions"] = confusions.most_common(12)
        self.results["reply_latency"] = percentiles(latencies)

    def run(self, only: list[str] | None = None) -> dict:
        self.results["settings"] = self.listening
        self.startup()
        for part in only or ["triggers", "negatives", "replies"]:
            getattr(self, part)()
        self.results["peak_memory_mb"] = self.peak_rss
        return self.results


def expectations(routine: Routine, intent: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What is listened for at a question where `intent` means something, and after its
    narrowed re-prompt."""
    if intent == "go_on":
        return WAITING_UNDERSTOOD, WAITING_UNDERSTOOD
    step = routine.steps[{"ready": "sit_up", "severity": "ask_severity"}.get(intent, "ask_easing")]
    return replies_expected(routine, step), reprompt_expected(routine, step)


def same_effect(intent: str, got: str, expect: tuple[str, ...]) -> bool:
    """Whether `got`, heard for `intent`, does what the person asked all the same: while the
    routine waits, "okay" (done) and "go on" both carry on ("okay, continue" is heard as
    "okay" and "continue": the first is taken)."""
    return expect == WAITING_UNDERSTOOD and {intent, got} <= {"go_on", "done"}


ASKED = "red_flag asked about"
"""What `hear_reply` gives for a red flag heard without confidence: the night asks about it
("Is your leg red, hot or swollen? Say yes or no.") and a "no" goes back to the question, so
for any other reply it counts as not understood the first time, not as wrong."""
PACED_BEFORE = 0.5
"""Seconds before the end of a reply's speech from which its frames are fed in real time."""


def hear_reply(ears: Ears, matcher, expect, audio: np.ndarray, clip: dict):
    """Hear and match one reply clip through the assistant's own Ears; (intent, latency), the
    intent ASKED for a red flag heard without confidence.

    The latency is from the end of the speech to the moment the intent is known, with the time
    the recognizers took (the answer's first sound follows at once). From PACED_BEFORE before
    the end of the speech until the reply is heard, each frame is fed when a microphone would
    have given it (no sooner than its last sample), so what the recognizer does while the
    speaker pauses takes the time it would at night."""
    start = int(clip["start"] * RATE)
    segment = audio[start : int(clip["end"] * RATE)]
    intent, latency = "unknown", None
    paced_from = clip["speech_end"] - PACED_BEFORE
    base: float | None = None  # the wall clock's time at audio time 0, once paced
    for i in range(0, len(segment) - FRAME + 1, FRAME):
        t = clip["start"] + i / RATE
        if intent == "unknown" and t >= paced_from:
            base = time.monotonic() - (t + FRAME / RATE) if base is None else base
            time.sleep(max(0.0, base + t + FRAME / RATE - time.monotonic()))
        began = time.monotonic()
        heard = [e for e in ears.hear(segment[i : i + FRAME], t) if isinstance(e, Heard)]
        now = time.monotonic()
        for event in heard:
            text = event.hypothesis.text
            got = matcher.match(text, expect).name if text else "unknown"
            if got == "red_flag" and not event.hypothesis.sure:
                got = ASKED
            if intent == "unknown":
                intent = got
                unpaced = t + FRAME / RATE + now - began
                latency = now - base if base is not None else unpaced
                latency -= clip["speech_end"]
    return intent, latency


def said_when(triggers: list[dict], clips: list[dict]) -> list[str]:
    """What was really said where each false trigger was heard ("i had a cramp once -> i have
    a cramp"), for files said phrase by phrase; nothing for read-aloud talk."""
    out = []
    for trigger in triggers:
        clip = next(
            (c for c in clips if c["speech_start"] <= trigger["speech_end"] <= c["end"]), None
        )
        if clip is not None:
            out.append(f"{clip['text']} ({clip['voice']}, {clip['rate']}) -> {trigger['text']}")
    return out


def what_was_heard(clip: dict, events: list[dict]) -> str:
    """A trigger clip that did not wake it, and what each utterance inside it was heard as
    ("my calf is cramping (en+f4, 130, trigger_paraphrase) -> 'My calf is cramping.' -11.2")."""
    inside = heard_inside(clip, [e for e in events if e["event"] == "heard"])
    heard = "; ".join(
        f"{e['transcript'] if e.get('transcript') is not None else e['raw']!r} {e['score']}"
        for e in inside
    )
    said = f"{clip['text']} ({clip['voice']}, {clip['rate']}, {clip['kind']})"
    return f"{said} -> {heard or 'no utterance'}"


def heard_inside(clip: dict, heard: list[dict]) -> list[dict]:
    """The `heard` events whose utterance ended within the clip's speech or the quiet after it."""
    return [e for e in heard if clip["speech_start"] <= e["speech_end"] <= clip["end"]]


def trigger_stages(events: list[dict], clips: list[dict]) -> dict:
    """Of the true triggers: how many the gate turned into an utterance, how many the first
    stage proposed (or Whisper wrote as a sentence), how many the second opinion kept, how many
    were answered (the rules too)."""
    heard = [e for e in events if e["event"] == "heard" and e["mode"] == "trigger"]
    fired = [e for e in events if e["event"] == "trigger"]
    counts: Counter[str] = Counter()
    for clip in clips:
        if clip["kind"] != "trigger":
            continue
        counts["said"] += 1
        inside = heard_inside(clip, heard)
        if inside:
            counts["segmented"] += 1
        # Proposed by the first stage (accepted by it, or nearly and sent to the second
        # opinion), or written by Whisper as a sentence of the templates: then the first
        # stage is not asked (second_opinion.py), and this stage is the two together.
        first = [e for e in inside if e["text"] or "first_score" in e]
        if first:
            counts["first_stage"] += 1
        if any(e["text"] for e in inside):
            counts["second_opinion"] += 1
        if any(clip["speech_start"] <= e["speech_end"] <= clip["end"] for e in fired):
            counts["answered"] += 1
    return dict(counts)


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "p50": float(np.percentile(values, 50)),
        "p95": float(np.percentile(values, 95)),
    }


def table(results: list[dict]) -> str:
    lines = [
        "| figure | goal | " + " | ".join(r["engine"] for r in results) + " |",
        "|---|---|" + "---|" * len(results),
    ]

    def row(name: str, goal: str, fmt) -> None:
        cells = []
        for r in results:
            try:
                cells.append(fmt(r))
            except (KeyError, TypeError):
                cells.append("n/a")
        lines.append(f"| {name} | {goal} | " + " | ".join(cells) + " |")

    def pct(x: float) -> str:
        return f"{100 * x:.1f}%"

    for label in results[0].get("trigger_recall", {}):
        row(
            f"trigger recall, {label}: listed / unlisted wordings / both",
            "≥ 90%" if label == "5dB" else "≥ 97%",
            lambda r, s=label: " / ".join(
                pct(r[key][s])
                for key in ("trigger_recall", "paraphrase_trigger_recall", "all_trigger_recall")
            ),
        )
    for label in results[0].get("trigger_stages", {}):
        row(
            f"  {label}, listed: segmented / first stage / second opinion / answered",
            "",
            lambda r, s=label: (
                " / ".join(
                    str(r["trigger_stages"][s].get(k, 0))
                    for k in ("segmented", "first_stage", "second_opinion", "answered")
                )
                + f" of {r['trigger_stages'][s]['said']}"
            ),
        )
    row(
        "  trigger recall by voice (all levels)",
        "",
        lambda r: ", ".join(f"{v} {pct(x)}" for v, x in r["trigger_recall_by_voice"].items()),
    )
    row(
        "false triggers per hour of negatives",
        "≤ 0.125",
        lambda r: f"{r['false_triggers_per_hour']:.2f}",
    )
    for kind in results[0].get("negatives", {}):
        row(
            f"  false triggers in {kind}",
            "",
            lambda r, k=kind: (
                f"{r['negatives'][k]['false_triggers']} in {r['negatives'][k]['hours']:.2f} h"
                + (
                    f" ({r['negatives'][k]['phrases']} phrases)"
                    if r["negatives"][k].get("phrases")
                    else ""
                )
            ),
        )

    def split(d: dict) -> str:
        return (
            f"{pct(d['right'])} / {pct(d['wrong'])} / {pct(d['unknown'])}; "
            f"{pct(d['within_two'])} in two tries ({d['items']})"
        )

    def ms(d: dict) -> str:
        return f"{1000 * d['p50']:.0f} / {1000 * d['p95']:.0f} ms"

    for label in results[0].get("replies", {}):
        for kind, name in (("reply", "listed"), ("reply_paraphrase", "unlisted")):
            row(
                f"replies, {label}, {name} wordings: right / wrong / not understood, first try",
                "≥ 95% / ≤ 1%; ≥ 99% in two tries",
                lambda r, s=label, k=kind: split(r["replies"][s][k]),
            )
        row(
            f"  replies, {label}: right by voice (every try)",
            "",
            lambda r, s=label: ", ".join(
                f"{v} {pct(x)}" for v, x in r["replies"][s]["by_voice"].items()
            ),
        )
    row(
        "answer latency after a trigger (first sound), p50 / p95",
        "p95 ≤ 500 ms",
        lambda r: ms(r["trigger_latency"]),
    )
    row("answer latency after a reply, p50 / p95", "p95 ≤ 500 ms", lambda r: ms(r["reply_latency"]))
    row(
        "CPU per audio second, idle on bedroom noise",
        "≤ 0.01 s",
        lambda r: f"{r['idle_cpu_per_audio_second']:.4f} s",
    )
    row(
        "CPU per audio second, hearing cramp talk",
        "(info)",
        lambda r: f"{r['speech_cpu_per_audio_second']:.4f} s",
    )
    row("peak resident memory", "≤ 350 MB", lambda r: f"{r['peak_memory_mb']:.0f} MB")
    row(
        "  first start: the speech worker rendering every line",
        "(info)",
        lambda r: f"{r['first_start_memory_mb']:.0f} MB",
    )
    row("start to listening", "≤ 3 s", lambda r: f"{r['start_to_listening_s']:.2f} s")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    parser.add_argument("--json", type=Path, default=ROOT / "bench.json")
    parser.add_argument("--engine", choices=["all", *COMBINATIONS], default="all")
    parser.add_argument(
        "--set", default="", help="listening settings to try, e.g. 'trigger_margin = -8.0'"
    )
    parser.add_argument("--only", choices=["triggers", "negatives", "replies"], action="append")
    args = parser.parse_args()
    if not (args.corpus / "manifest.json").exists():
        sys.exit(
            f"{args.corpus}: no corpus; make one with scripts/make_corpus.py --out {args.corpus}"
        )
    engines = ["pocketsphinx", "pocketsphinx+whisper", "whisper"]
    if find_vosk_model(Settings()) is not None:
        engines += ["vosk", "vosk+whisper"]
    else:
        print("vosk: no English Vosk model installed; benchmarking PocketSphinx only", flush=True)
    if args.engine != "all":
        engines = [args.engine]
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for engine in engines:
            print(f"benchmarking {engine}...", flush=True)
            results.append(Bench(args.corpus, engine, Path(tmp), args.set).run(args.only))
    report = {
        "date": date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        "python": platform.python_version(),
        "corpus": str(args.corpus),
        "goals": GOALS,
        "results": results,
    }
    args.json.write_text(json.dumps(report, indent=1))
    print(f"\n{report['date']}, {report['machine']}\n")
    print(table(results))


if __name__ == "__main__":
    main()
