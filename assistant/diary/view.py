"""The diary for people: a table in the terminal, CSV and JSON."""

from __future__ import annotations

import csv
import json
from datetime import datetime
from typing import IO, Any

from assistant.diary.frequency import nights as group_by_night
from assistant.diary.store import Episode

COLUMNS = ["started", "minutes", "leg", "muscle", "severity", "outcome", "red_flags", "source"]


def row(ep: Episode) -> dict[str, Any]:
    """An episode as plain values."""
    return {
        "started": ep.started.isoformat(timespec="minutes"),
        "minutes": round(ep.minutes, 1) if ep.minutes is not None else None,
        "leg": ep.leg,
        "muscle": ep.muscle,
        "severity": ep.severity,
        "outcome": ep.outcome,
        "red_flags": ",".join(ep.red_flags),
        "source": ep.source,
        "steps": ep.steps,
        "replies": ep.replies,
    }


def table(episodes: list[Episode], since: datetime) -> str:
    """A readable table with a one-line summary."""
    if not episodes:
        return f"No cramps recorded since {since:%a %d %b %Y}."
    lines = [f"{'when':<22}{'min':>5}  {'leg':<6}{'muscle':<7}{'sev':>4}  {'outcome':<12}red flags"]
    for ep in episodes:
        minutes = f"{ep.minutes:.1f}" if ep.minutes is not None else "-"
        severity = str(ep.severity) if ep.severity is not None else "-"
        lines.append(
            f"{ep.started:%a %d %b %Y %H:%M}  {minutes:>5}  {ep.leg or '-':<6}"
            f"{ep.muscle or '-':<7}{severity:>4}  {ep.outcome:<12}{', '.join(ep.red_flags) or '-'}"
        )
    nights = len(group_by_night(episodes))  # noon to noon, as the report counts them
    lines.append(
        f"{plural(len(episodes), 'episode')} on {plural(nights, 'night')} "
        f"since {since:%a %d %b %Y}."
    )
    return "\n".join(lines)


def write_csv(episodes: list[Episode], out: IO[str]) -> None:
    """CSV with a header row."""
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for ep in episodes:
        writer.writerow(row(ep))


def to_json(episodes: list[Episode]) -> str:
    """A JSON list of episodes."""
    return json.dumps([row(ep) for ep in episodes], indent=1)


def plural(n: int, word: str) -> str:
    """ "1 night", "2 nights"."""
    return f"{n} {noun(n, word)}"


def noun(n: int, word: str) -> str:
    """`word` for `n` of them: "night", "nights"."""
    return word if n == 1 else f"{word}s"
