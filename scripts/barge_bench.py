"""Barge-in benchmark: commands heard over the assistant's voice, and its voice never taken for one.

    .venv/bin/python -m scripts.barge_bench [--json out.json] [--quick] [--only self|recall]

Both halves run the real `simulate` command, where the assistant's own voice comes back into the
microphone through a simulated room (`echo` gain, a delay and a reverberation tail):

- Self-triggers: whole episodes in which the person never talks over the assistant, so every
  `barge_in` is the assistant reacting to itself. Reported per hour of its own speech.
- Recall: "stop", "wait", "repeat" and "be quiet" said over a prompt at several offsets and in
  two voices; a command counts when the right `barge_in` comes. Latency: from the end of the
  person's word to the moment the speech is cut (audio clock), and the decoding time on top.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

NIGHTS = {
    "no answer": ["I have a cramp"],
    "still hurts, cannot stand": [
        "leg cramp",
        "still hurts",
        "still hurts",
        "I can't stand",
        "it's gone",
    ],
    "foot": ["I have a cramp", "it's my foot", "still hurts", "it's gone"],
    "red flag": ["I have a cramp", "my leg is swollen"],
    "controls": ["I have a cramp", "slower", "still hurts", "wait", "carry on", "it's gone"],
    "breathing": ["I have a cramp", "I can't breathe"],
    "demo": ["I have a cramp", "still hurts", "it's better"],
}
"""Episodes with no talking over: every barge-in in them is a self-trigger."""
COMMANDS = {"stop": "stop", "wait": "wait", "repeat": "repeat", "be quiet": "stop"}
OFFSETS = [0.6, 1.5, 2.5]
WHEN = {
    "first prompt": ["I have a cramp"],
    "after a question": ["I have a cramp", "still hurts"],
}
"""Over the first prompt of the night (the echo canceller has heard nothing yet), or over the
prompt after the first question (it has heard about 20 s of the assistant)."""
VOICES = ["en-us", "en-us+f2"]
ECHOES = [0.3, 0.6]
SELF_ECHOES = [0.3, 0.6, 0.9]
"""Its own voice comes back at up to 0.9 of its level when measuring self-triggers."""
EMERGENCY = ["your emergency number", "911", "999", "112"]
"""Every wording of the emergency number is said in the self-trigger nights."""


def simulate(
    turns: list[str],
    echo: float,
    voice: str,
    folder: Path,
    data: Path,
    emergency: str = "your emergency number",
) -> list[dict]:
    """Run one scenario; its events."""
    config = folder / "config.toml"
    config.write_text(f"[routine]\nemergency = {json.dumps(emergency)}\n", encoding="utf-8")
    body = f'[scenario]\nvoice = "{voice}"\necho = {echo}\n'
    for turn in turns:
        if turn.startswith("over:"):
            _, at, text = turn.split(":", 2)
            body += f'[[turn]]\nsay = "{text}"\nduring = "speech"\nat = {at}\n'
        else:
            body += f"[[turn]]\nsay = {json.dumps(turn)}\n"
    scenario = folder / "night.toml"
    scenario.write_text(body, encoding="utf-8")
    events = folder / "events.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "assistant", "--config", str(config), "--data-dir", str(data)]
        + ["simulate", str(scenario), "--events", str(events)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    return [json.loads(line) for line in events.read_text().splitlines()]


def self_triggers(folder: Path, data: Path, echoes: list[float]) -> dict:
    """Barge-ins during episodes where nobody talks over the assistant."""
    found: list[dict] = []
    speech = 0.0
    for echo, (name, turns), emergency in itertools.product(echoes, NIGHTS.items(), EMERGENCY):
        events = simulate(turns, echo, "en-us", folder, data, emergency)
        speech += sum(e["seconds"] for e in events if e["event"] == "say")
        found += [
            {"night": name, "echo": echo, "emergency": emergency, "text": e["text"], "t": e["t"]}
            for e in events
            if e["event"] == "barge_in"
        ]
    hours = speech / 3600
    return {
        "speech_hours": round(hours, 4),
        "self_triggers": len(found),
        "per_hour": round(len(found) / hours, 1) if hours else None,
        "which": found,
    }


def recall(folder: Path, data: Path, echoes: list[float], voices: list[str]) -> dict:
    """Commands said over the first prompts of an episode."""
    rows: list[dict[str, Any]] = []
    for (when, before), echo, voice, (said, intent), at in itertools.product(
        WHEN.items(), echoes, voices, COMMANDS.items(), OFFSETS
    ):
        events = simulate([*before, f"over:{at}:{said}"], echo, voice, folder, data)
        person = [e for e in events if e["event"] == "person" and e["during"] == "speech"]
        barges = [e for e in events if e["event"] == "barge_in"]
        hit = bool(barges) and barges[0]["name"] == intent
        latency = barges[0]["t"] - person[0]["speech_end"] if hit and person else None
        row = {"when": when, "echo": echo, "voice": voice, "said": said, "at": at, "heard": hit}
        row["latency_s"] = round(latency, 3) if latency is not None else None
        rows.append(row)
    heard = [r for r in rows if r["heard"]]
    latencies = [r["latency_s"] for r in heard if r["latency_s"] is not None]
    return {
        "tries": len(rows),
        "heard": len(heard),
        "recall": round(len(heard) / len(rows), 3),
        "latency_p50_s": round(float(np.percentile(latencies, 50)), 3) if latencies else None,
        "latency_max_s": round(max(latencies), 3) if latencies else None,
        "by_when": {
            when: f"{sum(r['heard'] for r in rows if r['when'] == when)}/"
            f"{sum(r['when'] == when for r in rows)}"
            for when in WHEN
        },
        "by_echo": {
            str(echo): f"{sum(r['heard'] for r in rows if r['echo'] == echo)}/"
            f"{sum(r['echo'] == echo for r in rows)}"
            for echo in echoes
        },
        "missed": [r for r in rows if not r["heard"]],
    }


def main() -> int:
    """Run both halves and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--quick", action="store_true", help="one echo level and one voice")
    parser.add_argument("--only", choices=["self", "recall"], help="run one half")
    args = parser.parse_args()
    echoes = ECHOES[:1] if args.quick else ECHOES
    self_echoes = SELF_ECHOES[-1:] if args.quick else SELF_ECHOES
    voices = VOICES[:1] if args.quick else VOICES
    with tempfile.TemporaryDirectory() as tmp:
        folder, data = Path(tmp), Path(tmp) / "data"
        figures: dict[str, dict] = {}
        if args.only != "recall":
            figures["self"] = self_triggers(folder, data, self_echoes)
        if args.only != "self":
            figures["recall"] = recall(folder, data, echoes, voices)
    if "self" in figures:
        s = figures["self"]
        print(f"self-triggers: {s['self_triggers']} in {s['speech_hours'] * 60:.1f} min of speech")
        print(f"  ({s['per_hour']} per hour)  {s['which']}")
    if "recall" in figures:
        r = figures["recall"]
        print(f"recall: {r['heard']}/{r['tries']} = {r['recall']:.0%}  by echo {r['by_echo']}")
        print(f"  by when: {r['by_when']}")
        print(f"latency, end of word to speech cut: p50 {r['latency_p50_s']} s", end=", ")
        print(f"max {r['latency_max_s']} s")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
