"""Turning recognised text into intent names, with the routine's sentence templates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from assistant.dialogue.grammar import Grammar
from assistant.dialogue.routine import Routine
from assistant.dialogue.text import normalise

__all__ = ["UNKNOWN", "Intent", "IntentMatcher", "barge_in_phrases", "normalise"]

UNKNOWN = "unknown"
TRIGGER = "trigger"
TRIGGER_AGAIN = "trigger_again"
QUERY = "query"
NOT_TRIGGER = "not_trigger"
"""The template keys of the trigger, of a cramp coming back ("another one": a trigger only soon
after an episode), of the question answered when asleep, and of what sounds like a trigger and
is not one."""
ASLEEP = (TRIGGER, TRIGGER_AGAIN, QUERY, NOT_TRIGGER)
"""The keys listened for asleep (the rest are replies during an episode)."""


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
    """Matches text against the templates. A reply may also be a close misspelling of one of
    its sentences (free decoding writes words the templates spell otherwise), above a high bar;
    a trigger never is: "foot cream" is two letters from "foot cramp", and a false wake costs
    sleep."""

    def __init__(self, routine: Routine, fuzzy_cutoff: float = 0.85) -> None:
        self.templates = routine.templates
        self._fuzzy_cutoff = 100 * fuzzy_cutoff
        # A red flag with a yes/no question is asked about when only the first stage heard it.
        self._confirmed = [f"red_flag:{kind}" for kind in routine.confirm]

    def keys(self, intents: Iterable[str]) -> list[str]:
        """The template keys of these intent names (`red_flag` -> every `red_flag:<kind>`)."""
        wanted = set(intents)
        return [key for key in self.templates.keys if key.split(":", 1)[0] in wanted]

    def grammar(self, intents: Iterable[str]) -> Grammar:
        """What the recognizer should expect when these intents mean something."""
        return self.templates.grammar(self.keys(intents), self._confirmed)

    def trigger_grammar(self) -> Grammar:
        """What the recognizer should expect when asleep: triggers, the diary question, and
        what only sounds like a trigger (so that, heard, it wins over a trigger sentence and
        wakes nothing: the night takes only a trigger or the question)."""
        return self.templates.grammar(ASLEEP)

    def phrases(self, intents: Iterable[str]) -> list[str]:
        """Every sentence of these intents (normalised)."""
        return list(self.grammar(intents).sentences)

    def is_trigger(self, text: str) -> bool:
        """True when the templates of the trigger allow `text`."""
        return self.templates.key_of(text, [TRIGGER]) == TRIGGER

    def is_query(self, text: str) -> bool:
        """True when `text` asks how many cramps there were this week."""
        return self.templates.key_of(text, [QUERY]) == QUERY

    def is_trigger_again(self, text: str) -> bool:
        """True when `text` says a cramp came back without naming it ("another one")."""
        return self.templates.key_of(text, [TRIGGER_AGAIN]) == TRIGGER_AGAIN

    def wakes(self, text: str, soon_after_episode: bool = False) -> bool:
        """True when `text` said asleep wakes it: a trigger, or the diary's question; and soon
        after an episode, a cramp coming back ("another one")."""
        if self.is_trigger(text) or self.is_query(text):
            return True
        return soon_after_episode and self.is_trigger_again(text)

    def match(self, text: str, allowed: Iterable[str] | None = None) -> Intent:
        """The intent of `text` among `allowed` intents (all when None); `unknown` if none."""
        keys = [k for k in self.templates.keys if k not in ASLEEP]
        if allowed is not None:
            wanted = set(self.keys(allowed))  # once, not once per key (every reply comes here)
            keys = [k for k in keys if k in wanted]
        key = self._key(text, keys)
        if key is None:
            return Intent(UNKNOWN, text)
        name, _, kind = key.partition(":")
        return Intent(name, text, kind)

    def _key(self, text: str, keys: list[str]) -> str | None:
        key = self.templates.key_of(text, keys)
        if key is not None:
            return key
        said = normalise(text)
        if not said:
            return None
        from rapidfuzz import fuzz, process

        sentences = self.templates.sentences(keys)
        close = process.extractOne(
            said, sentences, scorer=fuzz.ratio, score_cutoff=self._fuzzy_cutoff
        )
        return self.templates.key_of(close[0], keys) if close else None


def barge_in_phrases(phrases: tuple[str, ...], lines: list[str]) -> list[str]:
    """The barge-in phrases to listen for while `lines` are said: none that shares a word with
    them, so the assistant's own voice cannot be taken for a command."""
    spoken = set(normalise(" ".join(lines)).split())
    return [phrase for phrase in phrases if not spoken & set(phrase.split())]
