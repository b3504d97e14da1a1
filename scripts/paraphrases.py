"""How people say things to the assistant, written apart from the routine's templates.

This set measures generalisation: it was written before the templates, from how a person in
pain and half awake talks (fillers, contractions, "a bit", negation, the body part they feel),
and nothing in `assistant/` reads it. The benchmark reports these wordings apart from the ones
the templates list, and `scripts.make_corpus` speaks them in espeak-ng voices.

Each intent has at least ten wordings. The negatives are sentences that share words or sounds
with a trigger but do not mean "I have a cramp now": none of them may wake the assistant.

By 2026-12-05 the templates understood every reply here but one as text, so what the benchmark
measures with them is hearing, not wording; LATER_REPLIES, written later and not spoken in the
corpus, measure wording as text:

    .venv/bin/python -m scripts.paraphrases
"""

from __future__ import annotations

TRIGGERS = [
    "my leg is cramping",
    "ow, my calf is cramping up",
    "oh no, cramp in my leg",
    "I've got a really bad cramp",
    "help, cramp",
    "cramp in my calf",
    "I'm getting a cramp",
    "my foot's cramping",
    "ouch, leg cramp",
    "I have a horrible cramp in my leg",
    "another cramp",
    "my calf has cramped up",
    "I've got cramp again",
    "help me, I have a cramp",
    "I'm having a cramp",
    "cramp, cramp",
]
"""Said to wake it: a cramp, now, in the speaker's own body."""

REPLIES = {
    "better": [
        "that helped",
        "better now",
        "it's a bit better",
        "yeah, it's easing",
        "much better, thanks",
        "it's getting easier",
        "a little better",
        "it's easing off now",
        "that's better",
        "it's loosening up",
    ],
    "gone": [
        "it's gone now",
        "all gone",
        "the cramp's gone",
        "it stopped",
        "it's over",
        "it went away",
        "no more cramp",
        "it's finished",
        "it's passed now",
        "I think it's gone",
    ],
    "still_hurts": [
        "no, it's worse",
        "it still hurts",
        "not yet",
        "still cramping",
        "it's not better",
        "no, still hurts",
        "it hurts a lot",
        "it's getting worse",
        "it isn't easing",
        "still really painful",
    ],
    "ready": [
        "I'm sitting",
        "ready",
        "I'm ready",
        "yes, I'm sitting up",
        "okay, I'm sitting",
        "I'm sitting up now",
        "I'm on the edge of the bed",
        "I'm sat up",
        "ready now",
        "I'm sitting down",
    ],
    "repeat": [
        "what did you say",
        "say that again",
        "sorry, what",
        "can you repeat that",
        "pardon",
        "I didn't catch that",
        "repeat that please",
        "again please",
        "what was that",
        "come again",
    ],
    "stop": [
        "stop",
        "please stop",
        "stop talking",
        "that's enough",
        "be quiet",
        "cancel",
        "leave me alone",
        "stop it",
        "no more",
        "shut up",
    ],
    "cannot_stand": [
        "I can't stand up",
        "I can't stand",
        "I'm too dizzy",
        "I can't get up",
        "I feel dizzy",
        "I'm not able to stand",
        "I cannot get up",
        "I can't put weight on it",
        "I'm dizzy",
        "no, I can't stand",
    ],
    "foot": [
        "it's in my toes",
        "it's my foot",
        "my foot",
        "it's in my foot",
        "my toes",
        "my toes are curling",
        "it's the arch of my foot",
        "the cramp is in my foot",
        "it's my toes",
        "in my foot",
    ],
    "yes": [
        "yes",
        "yeah",
        "yep",
        "yes it is",
        "I think so",
        "yes, a bit",
        "it is",
        "uh huh",
        "yes, it is",
        "yeah it is",
    ],
    "no": [
        "no",
        "nope",
        "no, it's not",
        "it isn't",
        "not really",
        "no it isn't",
        "I don't think so",
        "no, not at all",
        "nah",
        "no it's fine",
    ],
    "red_flag": [
        "my leg is swollen",
        "it's red and hot",
        "my leg is all swollen",
        "I can't breathe",
        "my chest hurts",
        "I'm short of breath",
        "I hurt my leg",
        "I fell",
        "my leg is numb",
        "I can't move my leg",
    ],
    "slower": [
        "slower",
        "slow down",
        "slower please",
        "you're going too fast",
        "too fast",
        "can you slow down",
        "speak more slowly",
        "not so fast",
        "a bit slower",
        "talk slower",
    ],
    "louder": [
        "louder",
        "I can't hear you",
        "speak up",
        "louder please",
        "too quiet",
        "can you speak up",
        "a bit louder",
        "I can't hear",
        "turn it up",
        "speak louder",
    ],
    "quieter": [
        "quieter",
        "too loud",
        "not so loud",
        "quieter please",
        "a bit quieter",
        "softer",
        "turn it down",
        "you're too loud",
        "speak quietly",
        "lower your voice",
    ],
    "wait": [
        "wait",
        "hold on",
        "wait a moment",
        "just a minute",
        "give me a second",
        "one moment",
        "hang on",
        "wait a sec",
        "pause",
        "give me a moment",
    ],
    "other_leg": [
        "the other leg",
        "it's the other leg",
        "now it's my other leg",
        "my other leg",
        "the other one",
        "it's in the other leg",
        "other leg",
        "now the other leg",
        "the other leg's cramping now",
        "it moved to the other leg",
    ],
    "faster": [
        "faster",
        "speed up",
        "a bit faster",
        "faster please",
        "too slow",
        "you're too slow",
        "hurry up",
        "quicker",
        "can you go faster",
        "talk faster",
    ],
    "go_on": [
        "go on",
        "carry on",
        "okay, carry on",
        "I'm back",
        "keep going",
        "continue",
        "let's go on",
        "go ahead",
        "you can go on",
        "okay, continue",
    ],
    "done": [
        "okay",
        "ok",
        "done",
        "I'm done",
        "next",
        "alright",
        "all right",
        "okay, done",
        "finished",
        "what's next",
    ],
    "severity": [
        "seven",
        "about a seven",
        "it was an eight",
        "maybe five",
        "I'd say six",
        "ten",
        "it was a nine",
        "three",
        "probably a four",
        "eight out of ten",
    ],
    "leg": [
        "my left leg",
        "the right one",
        "it's my right leg",
        "left",
        "the left leg",
        "both legs",
        "both of them",
        "right leg",
        "it's the left",
        "my right calf",
    ],
}
"""Replies, by intent: what people answer at the assistant's questions."""

NEAR_TRIGGERS = [
    "I had a cramp last week",
    "cramps are awful",
    "a cramped flat",
    "I have a cold",
    "foot cream",
    "my sister gets cramps",
    "the room is cramped",
    "I had cramp yesterday",
    "I hope I don't get a cramp",
    "do you get cramps",
    "I have a camp bed",
    "I've got a clamp",
    "leg cream",
    "a cramped seat",
    # Written later, after the benchmark's false wakes were read and before the routine's
    # "not a trigger" templates were written (so those templates never saw these):
    "I used to get cramps",
    "she had a cramp in the night",
    "my calf was cramping yesterday",
    "the cramp went away",
    "cramps run in my family",
    "I read about leg cramps",
    "we were cramped in the car",
    "a cramped kitchen",
    "I have a lamp",
    "I have a grant",
    "I've got a crumb",
    "I'm camping",
    "my leg is itching",
    "my foot is cold",
    "I had a charley horse last month",
    "help me find my glasses",
    "my leg is fine",
    "got a cramp last night",
    "have a drink",
    "crank it up",
]
"""Said on their own: past tense, talk about cramps, other senses, near sounds. None may wake it."""

LATER_REPLIES = {
    "better": [
        "it's a little bit better",
        "yeah, that's helping",
        "better, thanks",
        "I think that helped",
        "it's easing up a bit",
        "a lot better now",
        "yes it's getting easier",
        "oh that's better",
    ],
    "gone": [
        "it's gone now I think",
        "yes, all gone",
        "it went",
        "it's passed",
        "the cramp went away",
        "it's over, thanks",
        "I think the cramp's gone",
        "it's gone, it's gone",
    ],
    "still_hurts": [
        "no, still hurting",
        "it's no better",
        "no, it hurts",
        "still really sore",
        "ow, it's still cramping",
        "it's getting worse now",
        "not yet, no",
        "it hasn't eased",
    ],
    "ready": [
        "yes I'm sitting",
        "I'm sitting on the edge",
        "I'm up now",
        "okay, I'm ready",
        "sitting up",
        "I'm sitting on the side of the bed",
    ],
    "repeat": [
        "what?",
        "sorry, can you repeat that",
        "I didn't catch that",
        "say it again",
        "what was that?",
        "huh?",
    ],
    "stop": [
        "stop!",
        "just stop",
        "no more please",
        "shut up",
        "leave me alone",
        "that's enough now",
    ],
    "cannot_stand": [
        "I can't stand",
        "I can't put my weight on it",
        "I'm too dizzy to get up",
        "no, I'm dizzy",
        "I feel faint",
        "I can't get up right now",
    ],
    "red_flag": [
        "my leg's swollen",
        "it's really hot",
        "my calf is red",
        "it's swollen and red",
        "I'm short of breath",
        "I've got chest pain",
        "I hurt my leg",
        "my foot's numb",
        "I can't move my leg",
        "my leg is bleeding",
    ],
    "slower": ["slow down", "too fast", "a bit slower please", "you're talking too fast"],
    "louder": ["speak up", "I can't hear", "louder", "can you speak louder"],
    "wait": ["wait", "hold on a minute", "one second", "just a moment"],
}
"""Replies written on 2026-12-05, after REPLIES had all come to be understood word for word
(the templates had grown to take every one of them, so REPLIES no longer measured wording) and
after that day's new templates were written; never used to write one: at 47300e5 the templates
understood 57 of these 70, with that day's changes 67, and 64 once three of them were taken out
again (they led PocketSphinx astray on the benchmark's replies). Not spoken in the corpus (its
figures stay comparable); `python -m scripts.paraphrases` prints how many of each set are
understood, and which are not."""


def main() -> None:
    """How many wordings of each set the routine's templates understand, as text (what
    Whisper writes when it hears them right), and which they do not."""
    from assistant.dialogue.intents import IntentMatcher
    from assistant.dialogue.routine_file import load_routine

    matcher = IntentMatcher(load_routine())
    for name, replies in (("REPLIES", REPLIES), ("LATER_REPLIES", LATER_REPLIES)):
        said = [(intent, text) for intent, texts in replies.items() for text in texts]
        missed = [(i, t, matcher.match(t).name) for i, t in said if matcher.match(t).name != i]
        print(f"{name}: {len(said) - len(missed)} of {len(said)} understood")
        for intent, text, got in missed:
            print(f"  {text!r}: {intent} taken as {got}")
    for name, texts, wanted in (
        ("TRIGGERS", TRIGGERS, True),
        ("NEAR_TRIGGERS", NEAR_TRIGGERS, False),
    ):
        wrong = [t for t in texts if matcher.is_trigger(t) != wanted]
        does = "wake it" if wanted else "do not wake it"
        print(f"{name}: {len(texts) - len(wrong)} of {len(texts)} {does}")
        for text in wrong:
            print(f"  {text!r}")


if __name__ == "__main__":
    main()
