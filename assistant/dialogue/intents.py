"""Turning recognised text into intent names, using the phrasings listed in the routine."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from assistant.dialogue.routine import Routine
from assistant.dialogue.text import normalise

__all__ = ["UNKNOWN", "Intent", "IntentMatcher", "barge_in_phrases", "normalise"]

UNKNOWN = "unknown"


@dataclass(frozen=True)
class Intent:
    """What a reply meant."""

    name: str
    """One of the routine's intent names, or `unknown`."""
    text: str
    """The recognised text it came from."""
    kind: str = ""
    """For `red_flag`: which one (clot, breathing, injury, weakness)."""
    sure: bool = True
    """False when the recognizer was unsure (a red flag is then confirmed before acting)."""


class IntentMatcher:
    """Matches whole phrases first; close misspellings (free decoding) only above a high bar."""

    def __init__(self, routine: Routine, fuzzy_cutoff: float = 0.85) -> None:
        self._by_phrase: dict[str, str] = {}
        for key, phrases in routine.intents.items():
            for phrase in phrases:
                self._by_phrase.setdefault(phrase, key)
        self._fuzzy_cutoff = fuzzy_cutoff
        self._triggers = list(routine.triggers)
        self._queries = set(routine.queries)

    def is_trigger(self, text: str) -> bool:
        """True when `text` is one of the trigger phrases (or, from free decoding, very close)."""
        said = normalise(text)
        if said in self._triggers:
            return True
        return bool(difflib.get_close_matches(said, self._triggers, n=1, cutoff=self._fuzzy_cutoff))

    def is_query(self, text: str) -> bool:
        """True when `text` asks how many cramps there were this week."""
        return normalise(text) in self._queries

    def phrases(self, intents: tuple[str, ...] | list[str]) -> list[str]:
        """The phrases of these intents (what the recognizer should expect now)."""
        wanted = set(intents)
        return [phrase for phrase, key in self._by_phrase.items() if key.split(":", 1)[0] in wanted]

    def match(self, text: str, allowed: tuple[str, ...] | list[str] | None = None) -> Intent:
        """The intent of `text` among `allowed` intents (all when None); `unknown` if none."""
        said = normalise(text)
        candidates = {
            phrase: key
            for phrase, key in self._by_phrase.items()
            if allowed is None or key.split(":", 1)[0] in allowed
        }
        key = candidates.get(said)
        if key is None:
            close = difflib.get_close_matches(said, candidates, n=1, cutoff=self._fuzzy_cutoff)
            key = candidates[close[0]] if close else None
        if key is None:
            return Intent(UNKNOWN, text)
        name, _, kind = key.partition(":")
        return Intent(name, text, kind)


def barge_in_phrases(phrases: tuple[str, ...], lines: list[str]) -> list[str]:
    """The barge-in phrases to listen for while `lines` are said: none that shares a word with
    them, so the assistant's own voice cannot be taken for a command."""
    spoken = set(normalise(" ".join(lines)).split())
    return [phrase for phrase in phrases if not spoken & set(phrase.split())]
