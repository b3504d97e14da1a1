"""Soak: a whole night (8 hours by default) through `cramp-assistant run --input`, faster than
real time, watching the process's memory as it goes.

    .venv/bin/python -m scripts.soak                 # 8 hours, report on stdout
    .venv/bin/python -m scripts.soak --hours 2 --json soak.json

The night is generated (never committed): a fan and microphone hiss all along, one hour with the
fan off (near silence), a few sentences of sleep talk an hour, and one cramp an hour, answered in
one of four ways (stop, "it's gone", "better" after the stretch, or no answer at all). The WAV is
written in one-minute pieces, so building it costs little memory.

Checks: the run ends cleanly; one episode per planned cramp, each one ended, and no other;
resident memory after the first hour grows by less than 5% (each hour's level is the median of
its samples: a leak raises the level hour after hour, while one utterance's working memory is a
brief spike that is given back; the peak is reported beside it).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

from scripts.make_corpus import ORDINARY_SPEECH, sentences
from scripts.speechgen import RATE, brown_noise, speak

HOUR = 3600
FAN_RMS = 150.0
HISS_RMS = 30.0
QUIET_HOUR = 3
"""The hour in which the fan is off: only the microphone's hiss, for an hour."""
TRIGGERS = ["I have a cramp", "leg cramp", "I've got a cramp", "help my leg"]
ANSWERS: list[list[tuple[float, str]]] = [
    [(13.0, "stop")],  # during the stretch's hold
    [(13.0, "the cramp is gone")],
    [(47.0, "it's better")],  # after the hold, when asked whether it is easing
    [],  # no answer at all: the routine ends on its own
]
"""Replies, in seconds after the trigger is said, for each kind of episode (taken in turn)."""
SLEEP_TALK_PER_HOUR = 6
MAX_GROWTH = 0.05


@dataclass
class Utterance:
    """Speech placed in the night."""

    at: float
    text: str


def plan(hours: int, rng: np.random.Generator) -> tuple[list[Utterance], list[float]]:
    """What is said when: every utterance, and the times the cramps begin."""
    said: list[Utterance] = []
    cramps: list[float] = []
    talk = sentences(ORDINARY_SPEECH)
    for hour in range(hours):
        start = hour * HOUR + rng.uniform(10, 45) * 60
        cramps.append(start)
        said.append(Utterance(start, TRIGGERS[hour % len(TRIGGERS)]))
        said += [Utterance(start + delay, text) for delay, text in ANSWERS[hour % len(ANSWERS)]]
        for _ in range(SLEEP_TALK_PER_HOUR):
            at = hour * HOUR + rng.uniform(60, HOUR - 60)
            if abs(at - start) > 5 * 60:  # sleep talk is never mixed into an episode
                said.append(Utterance(at, str(rng.choice(talk))))
    return sorted(said, key=lambda u: u.at), cramps


def write_night(path: Path, hours: int, said: list[Utterance], rng: np.random.Generator) -> None:
    """The night as a 16 kHz mono WAV, written a minute at a time."""
    piece, overlap = 60 * RATE, RATE // 10
    fade = np.linspace(0.0, 1.0, overlap)
    tail = np.zeros(overlap)
    voices = {u.text: speak(u.text) * 0.5 * 32767 for u in said}
    with soundfile.SoundFile(str(path), "w", RATE, 1, "PCM_16") as out:
        for first in range(0, hours * HOUR * RATE, piece):
            fan = brown_noise(piece + overlap, rng) * FAN_RMS
            fan[:overlap] = fan[:overlap] * fade + tail * (1 - fade)  # no click between pieces
            tail = fan[piece:]
            audio = fan[:piece] if first // (HOUR * RATE) != QUIET_HOUR else np.zeros(piece)
            audio = audio + rng.normal(0.0, HISS_RMS, piece)
            for u in said:
                begin = int(u.at * RATE) - first
                voice = voices[u.text]
                if begin < piece and begin + len(voice) > 0:
                    lo, hi = max(0, begin), min(piece, begin + len(voice))
                    audio[lo:hi] += voice[lo - begin : hi - begin]
            out.write(np.clip(audio, -32768, 32767).astype(np.int16))


def run_and_watch(night: Path, data: Path, events: Path) -> tuple[int, list[dict], float, str]:
    """Run the assistant on the night; sample (audio seconds, resident MB) every half second."""
    process = subprocess.Popen(
        [sys.executable, "-m", "assistant", "--data-dir", str(data), "run", "--input", str(night)]
        + ["--events", str(events)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    samples: list[dict] = []
    began = time.monotonic()
    while process.poll() is None:
        position = _audio_position(process.pid, night)
        rss = _resident_mb(process.pid)
        if position is not None and rss is not None:
            samples.append({"audio_s": round(position, 1), "rss_mb": round(rss, 2)})
        time.sleep(0.5)
    _, err = process.communicate()
    return process.returncode, samples, time.monotonic() - began, err


def _resident_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _audio_position(pid: int, night: Path) -> float | None:
    """How far into the night the assistant has read, from the file's offset in /proc."""
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            if fd.resolve() == night.resolve():
                pos = int(Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text().split()[1])
                return pos / 2 / RATE
    except (OSError, ValueError, IndexError):
        return None
    return None


def judge(hours: int, cramps: list[float], records: list[dict], samples: list[dict]) -> dict:
    """The figures and whether each check passed."""
    triggers = [r for r in records if r["event"] == "trigger"]
    ends = [r for r in records if r["event"] == "episode_end"]
    answered = [c for c in cramps if any(c < r["t"] < c + 15 for r in triggers)]
    extra = [r for r in triggers if not any(c < r["t"] < c + 15 for c in cramps)]
    after_first_hour = [s["rss_mb"] for s in samples if s["audio_s"] >= HOUR]
    at_one_hour = after_first_hour[0] if after_first_hour else None
    peak = max(after_first_hour) if after_first_hour else None
    # A leak shows as a rising level, hour after hour; one utterance's working memory is a
    # brief spike that is given back. So each hour's level is its median sample.
    levels = [
        float(np.median(hour))
        for h in range(1, hours)
        if (hour := [s["rss_mb"] for s in samples if h * HOUR <= s["audio_s"] < (h + 1) * HOUR])
    ]
    # Growth is the last hour's level against the second hour's (the first of `levels`): a
    # leak is still there at the end, where a level that rose for one hour and came back is
    # not one (a fresh clone's soak: 308.6, 308.8, 330.0, 309.7, 310.4, 310.2, 310.4 MB,
    # failed when the highest was used).
    growth = (levels[-1] - levels[0]) / levels[0] if levels else None
    outcomes: dict[str, int] = {}
    for r in ends:
        outcomes[r["outcome"]] = outcomes.get(r["outcome"], 0) + 1
    return {
        "hours": hours,
        "cramps_planned": len(cramps),
        "cramps_answered": len(answered),
        "other_triggers": len(extra),
        "episodes_ended": len(ends),
        "outcomes": outcomes,
        "rss_mb_at_1h": at_one_hour,
        "rss_mb_peak_after_1h": peak,
        "rss_mb_hourly_level": [round(level, 1) for level in levels],
        "rss_growth_after_1h": round(growth, 4) if growth is not None else None,
        "checks": {
            "every cramp answered": len(answered) == len(cramps),
            "no other episode": not extra,
            "every episode ended": len(ends) == len(triggers),
            "memory flat": growth is not None and growth < MAX_GROWTH,
        },
    }


def main() -> int:
    """Build the night, run it, print the figures; exit 1 if a check failed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hours", type=int, default=8)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--work", type=Path, help="folder for the night and the data (kept)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    if args.hours < 2:
        parser.error("--hours must be at least 2 (memory is judged after the first hour)")
    work = args.work or Path(tempfile.mkdtemp(prefix="soak-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(args.seed)
    said, cramps = plan(args.hours, rng)
    night = work / "night.wav"
    began = time.monotonic()
    write_night(night, args.hours, said, rng)
    print(f"Built {args.hours} h night in {time.monotonic() - began:.0f} s: {night}", flush=True)
    events = work / "events.jsonl"
    code, samples, seconds, err = run_and_watch(night, work / "data", events)
    records = [json.loads(line) for line in events.read_text().splitlines() if line]
    figures = judge(args.hours, cramps, records, samples)
    figures |= {
        "exit_code": code,
        "run_seconds": round(seconds, 1),
        "speed_x_realtime": round(args.hours * HOUR / seconds, 1),
        "rss_samples": samples[:: max(1, len(samples) // 200)],
    }
    figures["checks"]["clean exit"] = code == 0 and "Traceback" not in err
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1))
    for key, value in figures.items():
        if key not in ("rss_samples", "checks"):
            print(f"{key:>22}: {value}")
    for check, ok in figures["checks"].items():
        print(f"{'ok' if ok else 'FAILED':>22}: {check}")
    if code != 0:
        print(err[-2000:], file=sys.stderr)
    return 0 if all(figures["checks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
