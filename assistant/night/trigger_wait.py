"""A trigger waits a moment before it is answered: the speaker may be going on.

The voice gate closes an utterance after 0.3 s of quiet, and a stop consonant or a comma can
leave that much inside what someone says: "a cramped ... flat", "cramped ... for space". The
first piece alone sounds like a trigger ("a cramp"). So a trigger heard is held for a moment on
the audio clock; if the speaker goes on, it is not answered, and what follows is heard alone and
joined with it (assistant.night.quiet, assistant.night.hearing).

On a device the wait costs nothing while the trigger is still being decided: the microphone's
frames queue up while the recognizer works, so the wait's audio has arrived by the time the
work is done. Only the work beyond the wait delays the answer (`PendingTrigger.work_left`).
"""

from __future__ import annotations

from dataclasses import dataclass

WENT_ON_WAIT = 0.1
"""Seconds a trigger waits, once the gate has closed its utterance, to see whether the speaker
goes on at once: the gate cuts "a cramped ... flat" and "cramped ... for space" where a stop
consonant leaves a third of a second of quiet, and "a cramp" alone woke it (4 near-triggers in
scripts.tune's cache of the benchmark corpus; a voiced frame came 0 to 0.09 s after the gate
closed, the next utterance opened 0.09 to 0.18 s after). When the speaker goes on, the trigger
leads into what follows, which is heard alone and then joined with it. The wait adds to every
trigger's answer that is decided in less time (goal: 0.5 s from the end of speech)."""
GATE_OPENS = 0.12
"""After a voiced frame, how long the gate may take to open an utterance (three voiced frames
of the last five): a trigger waits that long rather than answer over a word beginning."""
WENT_ON_LONGEST = 0.3
"""The longest a trigger waits in all: a voice that comes and goes without the gate opening
(a cough, a creak) does not hold it back longer."""


@dataclass(frozen=True)
class PendingTrigger:
    """A trigger heard, not yet answered."""

    text: str
    speech_end: float
    work: float
    """Seconds of work done on it (decoding) before it was held."""
    held: float
    """When it was held (audio clock): the gate had just closed its utterance."""

    def work_left(self, now: float) -> float:
        """The work still to put on the clock when it is answered at `now`: the audio of the
        wait came in while the work was done (a device's frames queue up meanwhile), so only
        the work longer than the wait delays the answer."""
        return max(0.0, self.work - (now - self.held))


class TriggerWait:
    """Holds a trigger for WENT_ON_WAIT after its utterance, on the audio clock."""

    def __init__(self) -> None:
        self.pending: PendingTrigger | None = None
        self._until = 0.0
        self._latest = 0.0

    def hold(self, pending: PendingTrigger) -> None:
        """Hold `pending` from when it was heard (the gate has just closed its utterance)."""
        self.pending = pending
        self._until, self._latest = pending.held + WENT_ON_WAIT, pending.held + WENT_ON_LONGEST

    def due(self, now: float, hearing_voice: bool) -> PendingTrigger | None:
        """The trigger to answer at `now`, if its wait is over. A voiced frame may be a word
        beginning: the wait is stretched until the gate could open (GATE_OPENS)."""
        if self.pending is None:
            return None
        if hearing_voice:
            self._until = min(max(self._until, now + GATE_OPENS), self._latest)
        return self.release() if now >= self._until else None

    def release(self) -> PendingTrigger | None:
        """The trigger held, if any, no longer held: answered when the wait is over or the
        input ends, dropped when the speaker goes on (a new utterance opened)."""
        released, self.pending = self.pending, None
        return released
