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

from assistant.dialogue.text import normalise, readings


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
    confirmed: frozenset[str] = frozenset()
    """Sentences that are asked about rather than dropped when only the first stage heard them
    (the red flags that have a yes/no question): taken as unsure, the dialogue confirms them."""

    def match(self, text: str) -> str:
        """The normalised sentence `text` is, when it is one allowed now (read as it is, or
        loosened: `readings`); else ""."""
        for said in readings(text):
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
    """The minimal acyclic word automaton of the sentences, built in one pass over them sorted
    (Daciuk, Mihov, Watson and Watson, 2000): only the sentence being added is held as a path of
    open states; each state is merged with an equal one as soon as no later sentence can reach
    it. A whole trie of the trigger's 60,000 sentences held 24 MB at its peak, freed only
    in part afterwards."""
    final = 0  # the end of every sentence is one state
    ids: dict[tuple[object, ...], int] = {(): final}
    transitions: list[tuple[int, int, str | None]] = []

    def state(children: dict[str, int], ends: bool) -> int:
        if not children:
            return final
        signature = (ends, tuple(sorted(children.items())))
        found = ids.get(signature)
        if found is None:
            found = ids[signature] = len(ids)
            transitions.extend((found, target, word) for word, target in signature[1])
            if ends:
                transitions.append((found, final, None))
        return found

    path = [_Open()]  # the open states along the previous sentence, from the start
    previous: list[str] = []

    def close_down_to(depth: int) -> None:
        while len(path) > depth + 1:
            done = path.pop()
            path[-1].children[previous[len(path) - 1]] = state(done.children, done.ends)

    # A space sorts before every character of a word, so sorted text is sorted word by word:
    # sentences sharing a beginning come together, each after the shorter ones it extends.
    for sentence in sorted(set(sentences)):
        words = sentence.split()
        common = 0
        for a, b in zip(previous, words, strict=False):
            if a != b:
                break
            common += 1
        close_down_to(common)
        path.extend(_Open() for _ in words[common:])
        path[-1].ends = True
        previous = words
    close_down_to(0)
    return Automaton(state(path[0].children, path[0].ends), final, tuple(transitions))


@dataclass
class _Open:
    """A state still being built: the states its words lead to so far."""

    children: dict[str, int] = field(default_factory=dict)
    ends: bool = False
    """A sentence ends here."""
