"""Text as the dialogue compares it: what a recognizer wrote and what a routine lists."""

from __future__ import annotations

import re

_NOT_WORD = re.compile(r"[^a-z' ]+")


def normalise(text: str) -> str:
    """Lower-case, curly quotes straightened, punctuation dropped, spaces folded."""
    text = text.lower().replace("\u2019", "'")
    return " ".join(_NOT_WORD.sub(" ", text).split())
