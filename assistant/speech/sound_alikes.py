"""Sound-alike rivals of a trigger: the same sentence with "cramp" put as a word a sound away.

Asleep, what only sounds like a trigger ("I have a camp", "I'm camping", "I've got a crumb")
can score within the bar with Whisper, as close as real triggers do in noise. Asked about the
same sentence with "camp", "crumb" or "tramp" in place of "cramp", Whisper says which it heard:
a sentence whose likeliest rival scores RIVAL_LEAD or more above it is not taken
(second_opinion). Measured on the benchmark corpus (scripts/whisper_trials.py --trial rivals,
README): near-triggers woke it 3 times instead of 7, for 3 of 324 trigger clips lost. Every
rival is scored: scoring only the 5 closest in writing to Whisper's own transcript (tried at
2af3675, about 125 ms less at p95 after a trigger) made the same decisions on the corpus's cached
utterances, but not through the night: "a crab", written "A trap.", woke it in 2 of 3 runs of
the near-triggers with 5 and in none of 3 with all 13 ("a crab" leads by 6.2, and is not among
the 5 closest to "A trap.")."""

from __future__ import annotations

import re

SOUND_ALIKES = (
    "camp", "clamp", "crumb", "crab", "stamp", "tramp", "cream",
    "ramp", "crime", "chrome", "crap", "grant", "trump",
)  # fmt: skip
"""Words a sound away from "cramp". Not "cram": a real "cramp" said alone is written "Cram" by
Whisper and scores 1.8 to 4.3 above "cramp"."""
RIVAL_LEAD = 6.0
"""How far above a sentence its likeliest rival must score for the sentence to be refused. On
the corpus, at 6: 3 trigger clips lost of 324 and near-trigger wakes 7 -> 3; at 4: 16 lost for
one wake fewer (2); at 0: 56 lost for 1; at 8, no wake fewer."""
ABOVE_OWN = 2.0
"""How far above Whisper's own transcript a rival is taken to score at most. A rival's lead over
a sentence plus that sentence's margin is the rival's score minus the transcript's, and Whisper's
own transcript is nearly the likeliest it can write: over the corpus's 216 sentences asked about
(trigger clips and negatives, scripts/whisper_trials.py's cached utterances) it was 0.98 at most.
So a sentence within RIVAL_LEAD - ABOVE_OWN of the transcript cannot be refused, and its
rivals are not scored (112 of the 178 trigger utterances asked about, at 130 ms each)."""
_CRAMP_WORD = re.compile(r"cramp(s|ing|ed)?$")


def rivals(sentence: str) -> list[str]:
    """`sentence` with each word of "cramp" in it put as each of its sound-alikes, its ending
    kept ("i'm cramping" -> "i'm camping", "i'm clamping", ...); none without such a word."""
    words = sentence.split()
    found = []
    for k, word in enumerate(words):
        if m := _CRAMP_WORD.match(word):
            ending = m.group(1) or ""
            found += [" ".join([*words[:k], a + ending, *words[k + 1 :]]) for a in SOUND_ALIKES]
    return found
