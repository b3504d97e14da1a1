"""Keeps the diary from the assistant's events, and never lets the diary stop the routine.

Every diary operation is guarded: a file that is not a diary, a locked or read-only database, a
full disk are logged (once per problem) and the person is still guided through the cramp.
"""

from __future__ import annotations

import logging
import re
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from assistant.dialogue.routine import DiaryWords, Routine
from assistant.diary.frequency import MANY_NIGHTS, SEVERAL_TONIGHT, advice_reason
from assistant.diary.store import Diary, DiaryError
from assistant.events import (
    EpisodeEnded,
    Event,
    IntentHeard,
    LineFailed,
    RedFlagRaised,
    StepEntered,
    TriggerHeard,
)

log = logging.getLogger(__name__)


COUNTED_AHEAD = 20
"""Counts of cramps in a week rendered before the night (a higher count is rendered when said)."""

SAME = timedelta(seconds=1)
"""Episodes from a recording starting this close to one in the diary are that one again."""


class EpisodeRecorder:
    """Listens to event records (`t` on the audio clock) and writes episodes to the diary."""

    def __init__(
        self,
        path: Path | None,
        origin: datetime,
        source: str = "voice",
        routine: Routine | None = None,
    ) -> None:
        """`path`: the diary; None for a throwaway one (a sample or simulated night that must not
        touch the person's record). `source`: how its episodes are marked (voice, simulated,
        file). `routine`: says which steps are for which muscle, and the words to say."""
        self.words = routine.diary if routine else DiaryWords()
        self._scratch: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._scratch = tempfile.TemporaryDirectory(prefix="cramp-scratch-diary-")
            path = Path(self._scratch.name) / "diary.sqlite3"
        self.path = path
        self.origin = origin
        """Wall-clock time of audio time 0."""
        self.source = source
        self._muscles = (
            {s.id: s.muscle for s in routine.steps.values() if s.muscle} if routine else {}
        )
        self.problems: list[str] = []
        self._diary: Diary | None = None
        self._episode: int | None = None
        self._state: dict[str, Any] = {}
        self._unspoken = False
        self._guard(self._open)

    def _open(self) -> None:
        self._diary = Diary(self.path, recover=True)  # its assistant holds the data folder
        if self._diary.recovered:
            log.warning("closed %d interrupted episode(s) in the diary", self._diary.recovered)

    def when(self, t: float) -> datetime:
        """The wall-clock time of audio time `t`."""
        return self.origin + timedelta(seconds=t)

    def _guard(self, action: Callable[[], None]) -> None:
        try:
            action()
        except DiaryError as err:
            message = str(err)
            if message not in self.problems:
                self.problems.append(message)
                log.error("diary: %s (the routine goes on)", message)

    def handle(self, event: Event) -> None:
        """One event of the night."""
        if self._diary is None and isinstance(event, TriggerHeard):
            # The diary could not be opened at start (locked by another program, a full
            # disk): tried again at each cramp, so one bad minute does not lose the night.
            self._guard(self._open)
        if self._diary is None:
            return
        now = self.when(event.t)
        if isinstance(event, TriggerHeard):
            self._begin(now)
        elif self._episode is not None and isinstance(event, EpisodeEnded):
            self._end(now, event.outcome)
        elif self._episode is not None and self._noted(event):
            episode, state = self._episode, self._state
            self._guard(lambda: self._diary.update(episode, now, **state))  # type: ignore[union-attr]

    def _begin(self, now: datetime) -> None:
        # The muscle is unknown until a step for one is entered ("it's my foot"): a
        # recording where nobody said so is not recorded as the calf.
        self._state = {"steps": [], "replies": [], "red_flags": [], "muscle": None}
        self._episode = None
        self._unspoken = False

        def start() -> None:
            assert self._diary is not None
            if self.source == "file" and self._diary.episodes(now - SAME, now + SAME):
                # The same recording run again: its cramp is in the diary already.
                log.warning("an episode at %s is in the diary already: not again", now)
                return
            self._episode = self._diary.start(now, self.source)

        self._guard(start)

    def _noted(self, event: Event) -> bool:
        """Keep what `event` says about the episode; True when the row should be updated."""
        state = self._state
        if isinstance(event, StepEntered):
            state["steps"].append(event.id)
            state["muscle"] = self._muscles.get(event.id, state["muscle"])
        elif isinstance(event, IntentHeard):
            state["replies"].append(event.name)
            if event.name in ("severity", "leg") and event.kind:
                state[event.name] = int(event.kind) if event.name == "severity" else event.kind
        elif isinstance(event, RedFlagRaised):
            state["red_flags"].append(event.kind)
        elif isinstance(event, LineFailed):
            self._unspoken = True
            return False
        else:
            return False
        return True

    def _end(self, now: datetime, outcome: str) -> None:
        episode, state, self._episode = self._episode, self._state, None
        diary = self._diary
        if episode is None or diary is None:
            return
        if self._unspoken and outcome in ("relieved", "no_response"):
            # The person never heard the routine: it cannot count as having helped.
            outcome = "unspoken"
        self._guard(lambda: diary.update(episode, now, **state))
        self._guard(lambda: diary.finish(episode, now, outcome))

    def closing_words(self, t: float) -> list[str]:
        """Frequency advice at an episode's end, said once a week at most."""
        if self._diary is None:
            return []
        now = self.when(t)
        words: list[str] = []

        def advise() -> None:
            assert self._diary is not None
            reason = advice_reason(self._diary.episodes(now - timedelta(days=15)), now)
            if reason and not self._diary.advice_since("frequency", now - timedelta(days=7)):
                self._diary.advice_given("frequency", now)
                words.extend(_sentences(self.advice(reason)))

        self._guard(advise)
        return words

    def cramps_this_week(self, t: float) -> list[str]:
        """The spoken answer to 'how many cramps this week?'."""
        if self._diary is None:
            return [self.words.cannot_read]
        now = self.when(t)
        found: list[int] = []
        self._guard(lambda: found.append(len(self._diary.episodes(now - timedelta(days=7), now))))  # type: ignore[union-attr]
        if not found:
            return [self.words.cannot_read]
        return [self.words.week(found[0])]

    def advice(self, reason: str) -> str:
        """The frequency rule `reason` (diary.frequency) as the assistant says it."""
        return {SEVERAL_TONIGHT: self.words.several_tonight, MANY_NIGHTS: self.words.many_nights}[
            reason
        ]

    @staticmethod
    def lines(words: DiaryWords) -> list[str]:
        """Every line the diary's keeper can say with `words` (rendered before the night with
        the routine's: at 3 a.m. no line waits for the synthesizer)."""
        advice = [*_sentences(words.several_tonight), *_sentences(words.many_nights)]
        weeks = [words.week(n) for n in range(COUNTED_AHEAD + 1)]
        return [words.cannot_read, *weeks, *advice]

    def close(self) -> None:
        """Close the diary."""
        if self._diary is not None:
            self._diary.close()
        if self._scratch is not None:
            self._scratch.cleanup()


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.?!])\s+", text.strip()) if s]
