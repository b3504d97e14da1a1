"""What may be said now, in the forms the recognizers need.

sentences   every sentence, normalised (Vosk's list; the second opinion's closed set)
automaton   the same set as the smallest word automaton (PocketSphinx's grammar): sentences
            that share a beginning or an ending share its states, so thousands of them make
            a few dozen states, and decoding stays as fast as for a handful
match       free text (Whisper's transcript) -> the sentence it is, or "" when it is none
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from assistant.dialogue.text import normalise


@dataclass(frozen=True)
class Automaton:
    """A word automaton: from `start`, each path of words to `final` is one sentence."""

    start: int
    final: int
    transitions: tuple[tuple[int, int, str | None], ...]
    """(from state, to state, word); word None: a step that says nothing (a sentence may end
    where a longer one goes on)."""


@dataclass(frozen=True)
class Grammar:
    """What may be said now."""

    sentences: tuple[str, ...]
    """Every sentence allowed, normalised, each once."""
    matcher: Callable[[str], bool] | None = field(default=None, compare=False)
    """True when a normalised text is allowed (templates: hassil's matcher); None: membership
    of `sentences` alone."""

    def match(self, text: str) -> str:
        """The normalised sentence `text` is, when it is one allowed now; else ""."""
        said = normalise(text)
        if not said:
            return ""
        if said in self._members or (self.matcher is not None and self.matcher(said)):
            return said
        return ""

    @cached_property
    def _members(self) -> frozenset[str]:
        return frozenset(self.sentences)

    @cached_property
    def automaton(self) -> Automaton:
        """The smallest word automaton of the sentences (see the module's docstring)."""
        return word_automaton(self.sentences)

    @staticmethod
    def of(phrases: Iterable[str]) -> Grammar:
        """A grammar of exactly these phrases (barge-in words, tests, tools)."""
        return Grammar(tuple(dict.fromkeys(s for s in map(normalise, phrases) if s)))

    def __bool__(self) -> bool:
        return bool(self.sentences)


def word_automaton(sentences: Iterable[str]) -> Automaton:
    """A trie of the sentences with equal subtrees merged (a minimal acyclic automaton)."""
    trie: dict[str, Any] = {}
    end = ""  # a key no word can be: marks that a sentence ends at this node
    for sentence in sentences:
        node = trie
        for word in sentence.split():
            node = node.setdefault(word, {})
        node[end] = {}
    final = 0
    ids: dict[tuple[object, ...], int] = {(): final}
    transitions: list[tuple[int, int, str | None]] = []

    def state(node: dict[str, Any]) -> int:
        children = tuple(sorted((w, state(c)) for w, c in node.items() if w != end))
        signature = (end in node, children)
        if not children:
            return final  # nothing follows: the end of every sentence is one state
        found = ids.get(signature)
        if found is None:
            found = ids[signature] = len(ids)
            transitions.extend((found, target, word) for word, target in children)
            if end in node:
                transitions.append((found, final, None))
        return found

    start = state(trie)
    return Automaton(start, final, tuple(transitions))
