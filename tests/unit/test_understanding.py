"""Understanding people: the routine's templates take wordings nobody listed one by one, and
refuse what only shares words with them (past tense, talk about cramps, other senses)."""

from __future__ import annotations

import pytest

from assistant.dialogue.intents import IntentMatcher
from assistant.dialogue.routine import Routine
from assistant.dialogue.text import normalise


@pytest.fixture(scope="module")
def matcher(routine: Routine) -> IntentMatcher:
    return IntentMatcher(routine)


@pytest.mark.parametrize(
    "said",
    [
        "My leg is cramping.",
        "Ow! My calf's cramping up.",
        "Um, I've got a really bad cramp in my leg.",
        "Help, cramp!",
        "cramp in my calf",
        "Oh no, I'm getting a cramp.",
        "My foot has cramped up",
        "I've got cramp again",
        "Oh no, cramping my leg.",  # "cramp in my leg" as Whisper writes it said quickly
    ],
)
def test_a_cramp_said_in_ordinary_words_wakes_it(matcher: IntentMatcher, said: str) -> None:
    assert matcher.is_trigger(said), said


@pytest.mark.parametrize(
    "said",
    [
        "I had a cramp last week",
        "Cramps are awful.",
        "a cramped flat",
        "I have a cold",
        "foot cream",
        "the room is cramped",
        "my sister gets cramps",
        "I have a plan",
        "help me up",
        "my leg",
        "cramping up the stairs",
        "it's cramping my style",
    ],
)
def test_talk_about_cramps_and_near_sounds_do_not(matcher: IntentMatcher, said: str) -> None:
    assert not matcher.is_trigger(said), said


def test_another_one_wakes_it_only_soon_after_an_episode(matcher: IntentMatcher) -> None:
    # "The other one" and "better now", said alone, were written "Another one." and woke it.
    assert matcher.trigger_grammar().match("another one")
    assert not matcher.is_trigger("Another one.") and not matcher.wakes("Another one.")
    assert matcher.wakes("Oh, another one!", soon_after_episode=True)
    assert matcher.wakes("another cramp") and matcher.wakes("I have a cramp", True)


@pytest.mark.parametrize(
    "said",
    [
        "I had a cramp last week",
        "my sister gets cramps",
        "a cramped room",
        "foot cream",
        # "had" heard as "have": the time still says it is past (Whisper wrote the first).
        "I have a cramp on Sunday.",
        "I've got a calf cramp last night",
    ],
)
def test_what_only_sounds_like_a_trigger_is_listened_for_asleep_and_wakes_nothing(
    matcher: IntentMatcher, said: str
) -> None:
    # Listened for, so that Whisper hearing it scores it beside "I have a cramp" and it wins.
    assert matcher.trigger_grammar().match(said)
    assert not matcher.is_trigger(said) and not matcher.is_query(said)


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        ("That helped.", "better"),
        ("Okay so it's a bit better now, thanks", "better"),
        ("No, it's worse.", "still_hurts"),
        ("It's not better.", "still_hurts"),
        ("It isn't easing", "still_hurts"),
        ("What did you say?", "repeat"),
        ("It's in my toes.", "foot"),
        ("I can't stand up.", "cannot_stand"),
        ("Yes, I'm sitting up.", "ready"),
        ("The cramp's gone now.", "gone"),
        ("Could you slow down please?", "slower"),
        ("I can't hear you", "louder"),
        ("Hang on a sec.", "wait"),
        ("Uh huh", "yes"),
        ("Nope", "no"),
    ],
)
def test_replies_in_ordinary_words_are_understood(
    matcher: IntentMatcher, said: str, intent: str
) -> None:
    assert matcher.match(said).name == intent


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        # Wordings that were not understood (or understood as another) before: how people
        # answer "Is it getting better?" and the others, written apart from the templates.
        ("It's the same.", "still_hurts"),
        ("About the same", "still_hurts"),
        ("Same.", "still_hurts"),
        ("It's easing a bit.", "better"),
        ("Somewhat better.", "better"),
        ("It's gone away.", "gone"),  # was "better": "it's going away" was the closest
        ("Once more?", "repeat"),
        ("I didn't hear.", "repeat"),
        ("Cancel that.", "stop"),
        ("No thanks, stop.", "stop"),
        ("I can't stand on it.", "cannot_stand"),
        ("I can't get out of bed.", "cannot_stand"),
        ("I feel faint.", "cannot_stand"),
        ("Too dizzy to stand.", "cannot_stand"),
        ("That's too fast.", "slower"),
        ("Too quick.", "slower"),
        ("I can't hear that.", "louder"),  # was "repeat"
        ("Too soft.", "louder"),
    ],
)
def test_more_ordinary_answers_are_understood(
    matcher: IntentMatcher, said: str, intent: str
) -> None:
    assert matcher.match(said).name == intent


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        # The words around a meaning that some sentences keep are taken off when the whole
        # means nothing: "okay", "just", "sorry", "I think" before; "I think", "now", "again"
        # after; a word said twice in a row.
        ("Okay, I think it's easing now.", "better"),
        ("Better, I think.", "better"),
        ("Sorry, say that again.", "repeat"),
        ("What was that again?", "repeat"),
        ("Stop, stop!", "stop"),
        ("Okay, stop.", "stop"),
        ("It's, it's worse.", "still_hurts"),
        # ... but not where they are the meaning.
        ("I think so.", "yes"),
        ("I guess so", "yes"),
        ("Just a second.", "wait"),
        ("Sorry?", "repeat"),
        ("Okay.", "done"),
        ("Okay so.", "unknown"),
    ],
)
def test_words_around_the_meaning_are_read_past(
    matcher: IntentMatcher, said: str, intent: str
) -> None:
    assert matcher.match(said).name == intent


@pytest.mark.parametrize(
    "said",
    ["I think I had a cramp last week.", "Okay, I had a cramp once.", "Just a cramped flat."],
)
def test_read_past_the_words_around_it_talk_about_cramps_still_wakes_nothing(
    matcher: IntentMatcher, said: str
) -> None:
    assert not matcher.is_trigger(said), said
    assert not matcher.wakes(said)


@pytest.mark.parametrize(
    "said",
    [
        "Ugh, cramp.",
        "Oh god, cramp!",
        "Ahh, cramp",
        "I think I'm getting a cramp.",
        "Cramp, cramp, cramp!",
        "Calf's cramping!",
        "My calf is cramping badly.",
    ],
)
def test_a_cramp_said_with_a_groan_or_a_doubt_wakes_it(matcher: IntentMatcher, said: str) -> None:
    assert matcher.is_trigger(said), said


@pytest.mark.parametrize(
    ("said", "kind"), [("7", "7"), ("It was a 7.", "7"), ("about an eight out of ten", "8")]
)
def test_numbers_as_digits_or_words_give_a_severity(
    matcher: IntentMatcher, said: str, kind: str
) -> None:
    got = matcher.match(said, ["severity"])
    assert (got.name, got.kind) == ("severity", kind)


def test_okay_and_yes_said_to_acknowledge_are_not_i_am_sitting(matcher: IntentMatcher) -> None:
    assert matcher.match("okay").name == "done"
    assert matcher.match("yes").name == "yes"
    assert matcher.match("ok, I'm sitting").name == "ready"


def test_the_words_around_a_meaning_are_taken_off_but_not_the_meaning() -> None:
    assert normalise("Um, okay so, it's better, thanks.") == "it's better"
    assert normalise("Okay.") == "okay"
    assert normalise("Oh no") == "no"
    assert normalise("Please stop") == "stop"
    assert normalise("thank you") == "thank you"


@pytest.mark.parametrize(
    ("said", "intent"),
    [
        # "Louder" was written "Loud." and taken as quieter ("so loud" less its filler "so").
        ("Loud.", "unknown"),
        ("So loud.", "unknown"),
        ("Fast.", "unknown"),
        ("It's so loud.", "quieter"),
        ("You're going so fast.", "slower"),
        # Without its "uh", "uh-huh" was "huh", and taken for a yes.
        ("Huh?", "repeat"),
        ("Uh-huh.", "yes"),
        ("uh huh", "yes"),
        ("Mm-hmm.", "unknown"),
    ],
)
def test_a_short_word_means_what_it_says_not_what_is_left_without_a_filler(
    matcher: IntentMatcher, said: str, intent: str
) -> None:
    assert matcher.match(said).name == intent


def test_grammars_hold_the_sentences_of_what_is_expected(matcher: IntentMatcher) -> None:
    grammar = matcher.grammar(["stop", "red_flag"])
    assert grammar.match("Please, stop.") == "stop"
    assert grammar.match("My leg's all swollen!") == "my leg's all swollen"
    assert grammar.match("yes") == ""
    assert "stop" in grammar.sentences and "yes" not in grammar.sentences


def test_the_red_flags_with_a_question_are_asked_about_rather_than_dropped(
    matcher: IntentMatcher,
) -> None:
    grammar = matcher.grammar(["stop", "red_flag", "better"])
    assert "my leg is numb" in grammar.confirmed  # weakness: "Is your leg weak or numb?"
    assert "my leg's all swollen" in grammar.confirmed  # a clot
    assert "stop" not in grammar.confirmed and "it's better" not in grammar.confirmed
    assert not matcher.grammar(["stop", "better"]).confirmed


def test_thousands_of_sentences_make_a_small_word_automaton(matcher: IntentMatcher) -> None:
    # What PocketSphinx decodes: sentences sharing beginnings and endings share states.
    grammar = matcher.trigger_grammar()
    automaton = grammar.automaton
    assert len(grammar.sentences) > 10_000
    assert len(automaton.transitions) < len(grammar.sentences) / 10
    paths = _paths(automaton.start, automaton.final, automaton.transitions)
    assert paths == set(grammar.sentences)


def _paths(state: int, final: int, transitions) -> set[str]:
    found: set[str] = {""} if state == final else set()
    for a, b, word in transitions:
        if a == state:
            found |= {
                " ".join(filter(None, [word, rest])) for rest in _paths(b, final, transitions)
            }
    return found
