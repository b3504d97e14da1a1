"""Text as the dialogue compares it: what a recognizer wrote and what a routine lists.

Both sides go through `normalise`: lower case, numbers as words ("7" -> "seven"), punctuation
dropped, hesitations ("um", "uh") dropped, and the words people put around what they mean
("oh", "okay so", "please", "thanks") taken off the ends when something else was said. So the
routine's templates say only the meaning, and "Um, okay so, it's better, thanks." is "it's better".
"""

from __future__ import annotations

import re
from functools import cache

_NUMBER = re.compile(r"\d+")
_NOT_WORD = re.compile(r"[^\w' ]+|_")

HESITATIONS = frozenset({"um", "umm", "uh", "uhh", "erm", "er", "hmm", "mm", "hm"})
"""Sounds of hesitation, dropped wherever they are."""
AGREEING = frozenset({("uh", "huh"), ("mm", "hmm"), ("mhm", "hmm"), ("mm", "hm")})
"""Two sounds that together say yes ("uh-huh", "mm-hmm"): kept as one word."""
LEADING = (
    "oh no",
    "oh",
    "ow",
    "ouch",
    "ah",
    "argh",
    "okay so",
    "ok so",
    "so",
    "well",
    "and",
    "please",
)
"""Words said before the meaning; taken off the start while something else follows."""
TRAILING = ("please", "thanks", "thank you")
"""Words said after the meaning; taken off the end while something else comes before."""


@cache
def _number_words(number: int) -> str:
    from unicode_rbnf import RbnfEngine  # hassil's own number speller

    return str(RbnfEngine.for_language("en").format_number(number).text)


def _spell_numbers(text: str) -> str:
    return _NUMBER.sub(lambda m: f" {_number_words(int(m.group()[:12]))} ", text)


def words(text: str) -> list[str]:
    """Lower-case words with numbers spelt out; punctuation and hesitations dropped, except in
    "uh-huh" and "mm-hmm" (a yes: without its "uh", "huh?" asks what was said)."""
    text = _spell_numbers(text.lower().replace("\u2019", "'").replace("\u2018", "'"))
    found = [w.strip("'") for w in _NOT_WORD.sub(" ", text).split() if w.strip("'")]
    kept: list[str] = []
    for word in found:
        if kept and (kept[-1], word) in AGREEING:
            kept[-1] = f"{kept[-1]}-{word}"
        else:
            kept.append(word)
    return [w for w in kept if w not in HESITATIONS]


def normalise(text: str) -> str:
    """The meaning's words: see the module's docstring."""
    said = " ".join(words(text))
    changed = True
    while changed:
        changed = False
        for lead in LEADING:
            if said.startswith(lead + " "):
                said, changed = said[len(lead) + 1 :], True
        for tail in TRAILING:
            if said.endswith(" " + tail):
                said, changed = said[: -len(tail) - 1], True
    return said
