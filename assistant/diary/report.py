"""The report to take to a doctor: one self-contained, print-friendly HTML file.

Charts are drawn with matplotlib and embedded as images; nothing is fetched from anywhere.
"""

from __future__ import annotations

import base64
import html
import io
import os
import statistics
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from assistant.dialogue.routine import Routine
from assistant.dialogue.vocabulary import SOURCE_WORDS, outcome_words
from assistant.diary.frequency import ADVICE_WRITTEN, first_advice, nights
from assistant.diary.store import Episode
from assistant.diary.view import noun, plural
from assistant.errors import UserError

DOCTOR_NOTE = (
    "Most night cramps are harmless and stop by themselves, but frequent cramps are worth a "
    "visit to a GP: cramps on 3 or more nights a week for 2 weeks, several in one night, or "
    "sleep that is often disturbed by them. Some medicines can bring cramps on (for example "
    "diuretics, statins and some inhalers): a doctor or pharmacist can review them, and no "
    "medicine should be stopped without their advice. Urgent medical advice the same day is "
    "needed for a leg that is swollen, red, hot or throbbing, or a cramp that has not eased "
    "after about ten minutes; the emergency number for breathlessness or chest pain."
)


def _chart(draw: Callable[[Any], None]) -> str:
    """A chart as base64 PNG; "" without matplotlib (an optional package: setup installs it)."""
    if find_spec("matplotlib") is None:
        return ""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 2.6), dpi=110)
    draw(ax)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return base64.b64encode(buffer.getvalue()).decode()


def _image(name: str, title: str, png: str) -> str:
    """The chart's image, or a line saying why there is none."""
    if not png:
        return f'<p id="{name}">{title}: no chart (matplotlib is not installed).</p>'
    return f'<img id="{name}" alt="{title}" src="data:image/png;base64,{png}">'


def median_minutes(episodes: list[Episode]) -> float | None:
    """Median duration of finished episodes."""
    values = [e.minutes for e in episodes if e.minutes is not None]
    return statistics.median(values) if values else None


MAX_WEEKS = 156
"""The weekly chart shows at most the last three years (one bar a week stays readable)."""


def per_week(episodes: list[Episode], since: datetime, now: datetime) -> list[tuple[str, int]]:
    """(week label, episodes) for each week from `since` (or the first episode, if later; at
    most MAX_WEEKS back) to `now`."""
    first = min((e.started for e in episodes), default=now)
    since = max(since, min(first, now - timedelta(weeks=12)), now - timedelta(weeks=MAX_WEEKS))
    start = (since - timedelta(days=since.weekday())).date()
    by_week = Counter((e.started.date() - start).days // 7 for e in episodes)  # one pass
    weeks = []
    day, index = start, 0
    while day <= now.date():
        weeks.append((f"{day:%d %b}", by_week.get(index, 0)))
        day, index = day + timedelta(days=7), index + 1
    return weeks


def per_hour(episodes: list[Episode]) -> list[tuple[int, int]]:
    """(hour, episodes) for every hour of the day, from 18:00 round to 17:00 (night in the
    middle): every episode is counted, whenever it began."""
    counts = Counter(e.started.hour for e in episodes)
    hours = [*range(18, 24), *range(0, 18)]
    return [(h, counts.get(h, 0)) for h in hours]


def write_report(
    path: Path,
    episodes: list[Episode],
    since: datetime,
    now: datetime,
    routine: Routine | None = None,
) -> None:
    """Write the report. `routine` names what each step is ("stretching") for "what helped"."""
    weeks = per_week(episodes, since, now)
    hours = per_hour(episodes)

    def weekly(ax: Any) -> None:
        ax.bar([w for w, _ in weeks], [c for _, c in weeks], color="#4a6fa5")
        ax.set_title("Episodes per week (week starting)")
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
        _counts_axis(ax, [c for _, c in weeks])

    def hourly(ax: Any) -> None:
        ax.bar([f"{h:02d}" for h, _ in hours], [c for _, c in hours], color="#7a5195")
        ax.set_title("Episodes by hour they began (18:00 to 17:00)")
        ax.tick_params(axis="x", labelsize=7)
        _counts_axis(ax, [c for _, c in hours])

    median = median_minutes(episodes)
    legs = Counter(e.leg or "not said" for e in episodes)
    outcomes = Counter(outcome_words(e.outcome) for e in episodes)
    relieved = [e for e in episodes if e.outcome == "relieved"]
    helped = Counter(_what_helped(e, routine) for e in relieved if e.source != "manual")
    by_hand = sum(e.source == "manual" for e in relieved)
    sources = Counter(e.source for e in episodes)
    not_heard = sum(v for k, v in sources.items() if k != "voice")
    flags = [(e, f) for e in episodes for f in e.red_flags]
    severities = [e.severity for e in episodes if e.severity is not None]
    advice = advice_in_period(episodes)
    origin_note = (
        f" {not_heard} of the {plural(len(episodes), 'episode')} "
        f"{'was' if not_heard == 1 else 'were'} not heard at night: "
        + ", ".join(f"{v} {SOURCE_WORDS.get(k, k)}" for k, v in sources.items() if k != "voice")
        + " (marked in the table)."
        if not_heard
        else ""
    )
    nights_count = len(nights(episodes))
    nights_word = noun(nights_count, "night")

    def items(counter: Counter[str]) -> str:
        return (
            "".join(f"<li>{html.escape(str(k))}: {v}</li>" for k, v in counter.most_common())
            or "<li>none recorded</li>"
        )

    rows = "".join(
        f"<tr><td>{e.started:%a %d %b %Y %H:%M}</td>"
        f"<td>{'' if e.minutes is None else f'{e.minutes:.1f}'}</td>"
        f"<td>{html.escape(e.leg or '-')}</td><td>{html.escape(e.muscle or '-')}</td>"
        f"<td>{'' if e.severity is None else e.severity}</td>"
        f"<td>{html.escape(outcome_words(e.outcome))}</td>"
        f"<td>{html.escape(', '.join(e.red_flags) or '-')}</td>"
        f"<td>{html.escape(SOURCE_WORDS.get(e.source, e.source))}</td></tr>"
        for e in episodes
    )
    flag_list = (
        "".join(f"<li>{e.started:%a %d %b %Y %H:%M}: {html.escape(f)}</li>" for e, f in flags)
        or "<li>none</li>"
    )
    advice_html = (
        "".join(
            f'<p class="advice" id="advice">{html.escape(text)} (first on {day:%d %b %Y})</p>'
            for text, day in advice
        )
        if advice
        else '<p id="advice">The diary does not show cramps often enough to call for a visit on '
        "that ground alone.</p>"
    )
    finished = sum(e.minutes is not None for e in episodes)
    median_text = "-" if median is None else f"{median:.1f} min"
    severity_text = "-" if not severities else f"{sum(severities) / len(severities):.1f} / 10"
    # What each figure rests on: 2 ratings of 6 episodes are not "the average severity".
    median_base = f" (of {finished} timed)" if finished != len(episodes) else ""
    severity_base = f" ({len(severities)} of {len(episodes)} rated)"
    helped_note = (
        f"<p>{plural(by_hand, 'episode')} logged by hand: what helped was not recorded.</p>"
        if by_hand
        else ""
    )
    weekly_png, hourly_png = _chart(weekly), _chart(hourly)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Night leg cramp report</title>
<style>
body {{ font-family: sans-serif; max-width: 52em; margin: 2em auto; color: #222; }}
h1 {{ font-size: 1.5em; }} h2 {{ font-size: 1.15em; margin-top: 1.6em; }}
.figures {{ display: flex; gap: 2em; flex-wrap: wrap; }}
.figure {{ border: 1px solid #ccc; padding: .6em 1em; border-radius: 4px; }}
.figure b {{ display: block; font-size: 1.6em; }}
.advice {{ border-left: 4px solid #b33; padding-left: .8em; font-weight: bold; }}
table {{ border-collapse: collapse; width: 100%; font-size: .9em; }}
td, th {{ border-bottom: 1px solid #ddd; padding: .25em .5em; text-align: left; }}
img {{ max-width: 100%; }}
@media print {{ body {{ margin: 0; max-width: none; }} .figure, img {{ break-inside: avoid; }} }}
</style></head>
<body>
<h1>Night leg cramps: {since:%d %b %Y} to {now:%d %b %Y}</h1>
<p id="origin">Recorded by an offline bedside assistant. Times are local.
{html.escape(origin_note)}</p>
<div class="figures">
 <div class="figure" id="episodes"><b>{len(episodes)}</b>{noun(len(episodes), "episode")}</div>
 <div class="figure" id="nights"><b>{nights_count}</b>{nights_word} with cramps</div>
 <div class="figure" id="median"><b>{median_text}</b>median duration{median_base}</div>
 <div class="figure" id="severity"><b>{severity_text}</b>average severity{severity_base}</div>
</div>
<h2>When to see a doctor</h2>
{advice_html}
<p>{html.escape(DOCTOR_NOTE)}</p>
<h2>How often</h2>
{_image("chart-weeks", "Episodes per week", weekly_png)}
{_image("chart-hours", "Episodes by hour", hourly_png)}
<h2>Legs</h2><ul>{items(legs)}</ul>
<h2>How episodes ended</h2><ul>{items(outcomes)}</ul>
<h2>What helped (last step before relief)</h2><ul>{items(helped)}</ul>{helped_note}
<h2>Red flags raised</h2><ul id="red-flags">{flag_list}</ul>
<h2>All episodes</h2>
<table><tr><th>when</th><th>minutes</th><th>leg</th><th>muscle</th><th>severity</th>
<th>outcome</th><th>red flags</th><th>recorded</th></tr>{rows}</table>
</body></html>
"""
    _write_whole(path, page)


def _write_whole(path: Path, text: str) -> None:
    """Write a file that is whole or not there: a temporary file beside it, flushed to the disk,
    then renamed over it (a full disk once left an earlier report cut short at 53 KB)."""
    if path.exists() and not path.is_file():
        raise UserError(f"{path}: not a regular file; a report is written to a file")
    part = path.with_name(f".{path.name}.part")
    try:
        with part.open("w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(part, path)
    except OSError as err:
        part.unlink(missing_ok=True)
        raise OSError(err.errno, err.strerror, str(path)) from err


def advice_in_period(episodes: list[Episode]) -> list[tuple[str, datetime]]:
    """Each kind of frequency advice the diary called for in the period, with when it first did,
    in the words of a report (no second person, no "tonight")."""
    return [(ADVICE_WRITTEN[reason], when) for reason, when in first_advice(episodes)]


def _counts_axis(ax: Any, counts: list[int]) -> None:
    """A count axis from 0 up, in whole numbers, even when every count is 0."""
    ax.set_ylim(0, max(1, *counts) * 1.1 if counts else 1)
    ax.yaxis.get_major_locator().set_params(integer=True)


def _what_helped(episode: Episode, routine: Routine | None) -> str:
    """The last step before relief that the routine says helps ("stretching")."""
    steps = routine.steps if routine else {}
    for step in reversed(episode.steps):
        if step in steps and steps[step].helps:
            return steps[step].helps
    return "it passed"


def is_report(path: Path) -> bool:
    """True when `path` is a report this program wrote (safe to write over)."""
    try:
        with path.open("rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b"<title>Night leg cramp report</title>" in head
