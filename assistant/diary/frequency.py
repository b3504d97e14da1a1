"""How often cramps come, and when that is worth telling a doctor: the frequency rules over the
diary's episodes (the wording the assistant says is the routine's: [diary] in its file)."""

from __future__ import annotations

import bisect
from datetime import date, datetime, timedelta

from assistant.diary.store import Episode


def nights(episodes: list[Episode]) -> dict[date, list[Episode]]:
    """Episodes grouped by night: a night runs from noon to noon, named by its evening's date."""
    grouped: dict[date, list[Episode]] = {}
    for ep in episodes:
        night = (ep.started - timedelta(hours=12)).date()
        grouped.setdefault(night, []).append(ep)
    return grouped


SEVERAL_TONIGHT = "several in one night"
MANY_NIGHTS = "three nights a week for two weeks"
ADVICE_WRITTEN = {
    SEVERAL_TONIGHT: "Several cramps (three or more) in one night: worth telling a doctor about.",
    MANY_NIGHTS: "Cramps on three or more nights a week, for two weeks: worth a visit to a doctor.",
}
"""The same advice as the report prints it, for a doctor to read."""


def advice_reasons(episodes: list[Episode], now: datetime) -> list[str]:
    """Every frequency rule the diary meets at `now` (SEVERAL_TONIGHT, MANY_NIGHTS), in order."""
    by_night = nights([e for e in episodes if e.started <= now])
    this_night = (now - timedelta(hours=12)).date()
    met = []
    if len(by_night.get(this_night, [])) >= 3:
        met.append(SEVERAL_TONIGHT)
    weeks = []
    for back in (0, 7):
        end = this_night - timedelta(days=back)
        count = sum(1 for n in by_night if end - timedelta(days=6) <= n <= end)
        weeks.append(count)
    if all(count >= 3 for count in weeks):
        met.append(MANY_NIGHTS)
    return met


def advice_reason(episodes: list[Episode], now: datetime) -> str | None:
    """The first frequency rule the diary meets at `now`, if any: the one said at night."""
    return next(iter(advice_reasons(episodes, now)), None)


def first_advice(episodes: list[Episode]) -> list[tuple[str, datetime]]:
    """Each frequency rule the episodes meet at some episode's start, with the first such start,
    in order: what `advice_reasons` says at every start, in one pass (a report of 100,000 episodes
    asked it once per episode, over all of them: minutes, quadratic)."""
    found: dict[str, datetime] = {}
    per_night: dict[date, int] = {}
    seen_nights: list[date] = []  # sorted: nights are met in time order
    ordered = sorted(episodes, key=lambda e: e.started)
    i = 0
    while i < len(ordered) and len(found) < 2:
        now = ordered[i].started
        while i < len(ordered) and ordered[i].started <= now:  # every episode started by `now`
            night = (ordered[i].started - timedelta(hours=12)).date()
            if night not in per_night:
                seen_nights.append(night)
            per_night[night] = per_night.get(night, 0) + 1
            i += 1
        this_night = (now - timedelta(hours=12)).date()
        if per_night.get(this_night, 0) >= 3:
            found.setdefault(SEVERAL_TONIGHT, now)
        weeks = [
            bisect.bisect_right(seen_nights, end)
            - bisect.bisect_left(seen_nights, end - timedelta(days=6))
            for end in (this_night, this_night - timedelta(days=7))
        ]
        if all(count >= 3 for count in weeks):
            found.setdefault(MANY_NIGHTS, now)
    return sorted(found.items(), key=lambda item: item[1])
