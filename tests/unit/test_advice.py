"""The report's frequency advice in one pass is the same as asking the rule at every start."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import example, given, settings
from hypothesis import strategies as st

from assistant.diary.frequency import advice_reasons, first_advice
from assistant.diary.store import Episode

START = datetime(2026, 1, 1, 12, 0)


def asked_at_every_start(episodes: list[Episode]) -> list[tuple[str, datetime]]:
    """The rule's own definition, as the report once applied it (quadratic)."""
    found: dict[str, datetime] = {}
    for episode in sorted(episodes, key=lambda e: e.started):
        for reason in advice_reasons(episodes, episode.started):
            found.setdefault(reason, episode.started)
    return sorted(found.items(), key=lambda item: item[1])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=60 * 24 * 40), max_size=60))
# Both rules met at one start: the third cramp of a night that is also the third night of a week
# after a week of three. The report gives both (it once said the rule gave only the first).
@example(minutes=[0, 1440, 2880, 4320, 5760, 12960, 12960, 12960])
def test_one_pass_gives_what_the_rule_says_at_every_start(minutes: list[int]) -> None:
    episodes = [
        Episode(i, START + timedelta(minutes=m), None, "relieved") for i, m in enumerate(minutes)
    ]
    assert first_advice(episodes) == asked_at_every_start(episodes)


def test_a_hundred_thousand_episodes_in_one_pass() -> None:
    # Every night for 270 years, four a night: both rules met, found without a quadratic walk.
    episodes = [
        Episode(i, START + timedelta(hours=6 * i), None, "relieved") for i in range(100_000)
    ]
    found = dict(first_advice(episodes))
    assert set(found) == {"several in one night", "three nights a week for two weeks"}
