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
    "oh dear",
    "oh god",
    "oh my god",
    "oh",
    "ow",
    "ouch",
    "ooh",
    "ah",
    "ahh",
    "aah",
    "argh",
    "ugh",
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
LOOSE_LEADING = (
    "okay", "ok", "alright", "all right", "just", "sorry", "i think", "i guess", "no thanks",
)  # fmt: skip
"""Words that usually go before the meaning but are part of some sentences ("okay" is done,
"just a second" waits, "sorry" asks again, "i think so" is yes): taken off only for `readings`'
second reading, and never leaving "so" alone."""
LOOSE_TRAILING = (
    "i think", "right now", "at the moment", "now", "then", "again", "a bit", "a little",
    "slightly", "completely", "badly",
)  # fmt: skip
"""The same after the meaning ("better I think", "stop now", "what was that again", "slow
down a bit"): read past here rather than written into the templates, where each would multiply
the sentences the second opinion chooses its closest among (a grammar of 10,500 sentences at a
question instead of 6,400 lost 4 of 210 unlisted replies the benchmark had understood)."""


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
    return _taken_off(" ".join(words(text)), LEADING, TRAILING)


def _taken_off(
    said: str, leading: tuple[str, ...], trailing: tuple[str, ...], kept: str = ""
) -> str:
    """`said` with `leading` words taken off its start and `trailing` off its end while
    something else follows, and not when only `kept` would be left."""
    changed = True
    while changed:
        changed = False
        for lead in leading:
            rest = said[len(lead) + 1 :]
            if said.startswith(lead + " ") and rest != kept:
                said, changed = rest, True
        for tail in trailing:
            if said.endswith(" " + tail):
                said, changed = said[: -len(tail) - 1], True
    return said


def readings(text: str) -> tuple[str, ...]:
    """The ways `text` is compared with what is expected, in order: `normalise`d, then, when
    that is different, loosened: the words around a meaning that some sentences keep
    (LOOSE_LEADING, LOOSE_TRAILING) taken off the ends, and a word said twice in a row once
    ("stop, stop", "it's, it's better"). A person half awake says "okay, I think it's
    easing now"; the templates say "it's easing"."""
    said = normalise(text)
    if not said:
        return ()
    said_words = said.split()
    once = " ".join(w for k, w in enumerate(said_words) if k == 0 or said_words[k - 1] != w)
    front = _loosened(once, LOOSE_LEADING, ())
    both = _loosened(front, (), LOOSE_TRAILING)
    return tuple(dict.fromkeys(r for r in (said, once, front, both) if r))


def _loosened(said: str, leading: tuple[str, ...], trailing: tuple[str, ...]) -> str:
    loose = _taken_off(said, leading, trailing, kept="so")  # "i think so" is a yes
    while loose != said:
        # "okay, so it's better" -> "so it's better" -> "it's better"
        said, loose = (
            loose,
            _taken_off(_taken_off(loose, LEADING, TRAILING), leading, trailing, "so"),
        )
    return said
