"""The words the assistant's records are made of, in one place: how an episode ends, which leg,
which muscle, which red flag, and how each is written for a person (the diary, the report)."""

from __future__ import annotations

ROUTINE_OUTCOMES = ("relieved", "stopped", "escalated", "no_response")
"""How a routine may end an episode (a step's `end`)."""
OUTCOMES = (*ROUTINE_OUTCOMES, "interrupted", "unspoken")
"""How an episode is stored: also `interrupted` (the assistant stopped mid-episode) and
`unspoken` (no line of the routine could be spoken, so it cannot count as relieved)."""
OUTCOME_WORDS = {
    "relieved": "relieved",
    "stopped": "stopped by the person",
    "escalated": "told to get help",
    "no_response": "no answer",
    "interrupted": "interrupted",
    "unspoken": "assistant could not speak",
}
"""Each outcome as a person reads it."""
LEGS = ("left", "right", "both")
MUSCLES = ("calf", "foot")
RED_FLAG_KINDS = ("clot", "breathing", "injury", "weakness")
SOURCE_WORDS = {
    "voice": "heard at night",
    "file": "from a recording",
    "simulated": "simulated",
    "manual": "entered by hand",
}
"""Where an episode came from, and how a person reads it."""


def outcome_words(outcome: str) -> str:
    """`outcome` as a person reads it (an unknown code as it is)."""
    return OUTCOME_WORDS.get(outcome, outcome.replace("_", " "))
