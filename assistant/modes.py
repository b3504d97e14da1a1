"""What the assistant is listening for, as one type used from the recognizers to the event log."""

from __future__ import annotations

from typing import Literal

Mode = Literal["trigger", "reply", "hold", "barge"]
"""`trigger`: asleep, waiting to be woken (strict: a false wake costs sleep); `reply`: a question
was asked; `hold`: a position is held (only a few replies count); `barge`: words said over the
assistant's own voice (as strict as a trigger)."""

STRICT: tuple[Mode, ...] = ("trigger", "barge")
"""Modes where nobody was asked anything: what is heard must be sure."""
