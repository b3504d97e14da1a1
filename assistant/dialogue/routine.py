"""The relief routine as data: its steps, intents and words (routine_file reads it from TOML,
routine_check checks that it holds together)."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.dialogue.templates import Templates
from assistant.dialogue.vocabulary import LEGS, RED_FLAG_KINDS

INTENTS = (
    "better",
    "gone",
    "still_hurts",
    "done",
    "ready",
    "repeat",
    "stop",
    "cannot_stand",
    "red_flag",
    "foot",
    "yes",
    "no",
    "severity",
    "leg",
    "slower",
    "faster",
    "quieter",
    "louder",
    "wait",
    "go_on",
    "other_leg",
)
"""Reply intents the assistant understands; `unknown` is what anything else becomes."""

CONFIRMS_POSITION = "ready"
"""The one intent that may lead to a step that assumes a position."""
CONTROL_LINES = ("slower", "faster", "quieter", "louder", "wait", "wait_reminder", "go_on")
"""The lines a routine says when a voice control is heard ([controls]); also `okay`, said when
which leg it is was heard, or a red flag was not confirmed (optional: "Okay.")."""
BARGE_IN_INTENTS = ("stop", "wait", "repeat")
"""What may be said over the assistant's own voice."""
KINDED_INTENTS = {
    "red_flag": RED_FLAG_KINDS,
    "severity": tuple(str(i) for i in range(11)),
    "leg": LEGS,
}
"""Intents whose phrases come in kinds: which red flag, how bad (0 to 10), which leg."""


@dataclass(frozen=True)
class Step:
    """One step of the routine."""

    id: str
    say: tuple[str, ...] = ()
    hold: float = 0.0
    """Seconds to hold a position; 0 for none."""
    count_every: float = 10.0
    """Seconds between counts spoken during a hold."""
    after: tuple[str, ...] = ()
    replies: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Intent name -> next step ids (the n-th time the reply comes, the n-th id; last repeats)."""
    reprompt: str = ""
    on_silence: str = ""
    next: str = ""
    end: str = ""
    """Outcome when the episode ends at this step; empty when it does not."""
    red_flag: str = ""
    escalate: bool = True
    """Whether the ten-minute escalation may interrupt this step."""
    helps: str = ""
    """What this step is, in words for the report ("stretching"), when relief after it counts
    as this step having helped; empty for questions and repeats."""
    muscle: str = ""
    """The muscle this step is for (calf, foot) when it is for one only: the diary keeps it."""
    assumes: str = ""
    """A position the person must already be in (`sitting`): only an explicit confirmation
    (the `ready` intent) may lead here, never "okay" or "yes" said to acknowledge."""

    @property
    def asks(self) -> bool:
        """True when the step asks a question and waits for a reply."""
        return bool(self.replies)


@dataclass(frozen=True)
class Routine:
    """A whole routine: steps, trigger templates and reply templates."""

    name: str
    start: str
    steps: dict[str, Step]
    triggers: tuple[str, ...]
    """Sentence templates of the trigger (`[triggers] phrases`)."""
    intents: dict[str, tuple[str, ...]]
    """Intent name -> sentence templates. Red flags appear as `red_flag:<kind>`."""
    global_replies: dict[str, str]
    hold_replies: tuple[str, ...]
    red_flag_steps: dict[str, str]
    counting: dict[int, str]
    templates: Templates = field(compare=False, repr=False)
    """Every template parsed: keys `trigger`, `trigger_again`, `query`, `not_trigger` and the
    intents' (see dialogue.templates)."""
    triggers_again: tuple[str, ...] = ()
    """Templates of a cramp coming back, said without the word ("another one", `[triggers]
    again`): a trigger only within `again_within` seconds of an episode the person answered in."""
    again_within: float = 1800.0
    queries: tuple[str, ...] = ()
    """Templates of the questions answered when asleep ("how many cramps this week")."""
    not_triggers: tuple[str, ...] = ()
    """Templates of what is heard asleep and is not a trigger though it sounds like one (past
    tense, talk about cramps, "cramped", near sounds): heard, they wake nothing."""
    reply_timeout: float = 8.0
    escalate_after: float = 600.0
    escalate_step: str = ""
    stop_step: str = ""
    quiet_step: str = ""
    """Where a wait that nobody ends leads (the routine ends quietly)."""
    wait_timeout: float = 90.0
    """Seconds a "wait" lasts before a reminder, and again before the quiet end."""
    quiet_words: str = ""
    """Said before the quiet end when the person had answered earlier in the episode (they were
    there, then went silent: one calm line, not silence); never after a false trigger."""
    barge_in: tuple[str, ...] = ()
    """Phrases heard even while the assistant speaks (stop, wait, repeat)."""
    controls: dict[str, str] = field(default_factory=dict)
    """What is said when a voice control is heard: slower, faster, quieter, louder, wait,
    wait_reminder, go_on."""
    confirm: dict[str, str] = field(default_factory=dict)
    """By red flag kind: the yes/no question asked when a red flag was heard without
    confidence ([confirm]); a red flag is confirmed, never dropped."""
    diary: DiaryWords = field(default_factory=lambda: DiaryWords())
    """What the diary's keeper says ([diary]): the week's count, frequency advice."""
    source: str = ""

    def prompts(self) -> list[str]:
        """Every line the routine can say (for pre-rendering and wording checks)."""
        lines: list[str] = []
        for step in self.steps.values():
            lines += [*step.say, *step.after]
            if step.reprompt:
                lines.append(step.reprompt)
        if self.quiet_words:
            lines.append(self.quiet_words)
        lines += self.counting.values()
        lines += self.controls.values()
        lines += self.confirm.values()
        return list(dict.fromkeys(lines))


@dataclass(frozen=True)
class DiaryWords:
    """What the diary's keeper says, in the routine's language ([diary] in the routine file)."""

    cannot_read: str = "Sorry, I can't read the diary right now."
    week_none: str = "In the last seven days, you had no cramps."
    week_one: str = "In the last seven days, you had one cramp."
    week_many: str = "In the last seven days, you had cramps {count} times."
    """{count}: the number (said last: "11 cramps" ran together for Whisper, "cramps 11 times"
    did not)."""
    several_tonight: str = "You've had several cramps tonight. Please tell your doctor about them."
    """Advice at the end of the third or later episode of a night (once a week at most)."""
    many_nights: str = (
        "You had cramps on three or more nights a week, for two weeks. "
        "Please see your doctor about them."
    )
    """Advice when cramps came on three or more nights a week, two weeks running."""

    def week(self, count: int) -> str:
        """The answer to "how many cramps this week?"."""
        if count == 0:
            return self.week_none
        if count == 1:
            return self.week_one
        return self.week_many.replace("{count}", str(count))
