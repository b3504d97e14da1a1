"""The second opinion's decisions, with a scripted first stage and a scripted Whisper: which
answer is taken when the two disagree, and Whisper's own transcript read once when it loops."""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pytest

from assistant.dialogue.grammar import Grammar
from assistant.speech.recognizer import Hypothesis
from assistant.speech.second_opinion import SecondOpinion, plausible
from assistant.speech.sound_alikes import rivals
from assistant.speech.whisper_engine import Listened, Opinion, without_loop

REPLIES = Grammar.of(["no still hurts", "it's better", "stop"])
BAR = -3.6
"""The first stage's own bar for replies (PocketSphinx units)."""


class FirstStage:
    """A first stage that heard `text` with `score` (taken when the score clears its bar)."""

    name = "first"
    threshold = BAR

    def __init__(self, text: str, score: float) -> None:
        self.heard = Hypothesis(text if score >= BAR else "", score, text)

    def expect(self, grammar: Grammar, mode: str = "reply") -> None:
        pass

    def begin(self) -> None:
        pass

    def feed(self, samples: np.ndarray) -> None:
        pass

    def end(self) -> Hypothesis:
        return self.heard


class Whisper:
    """A judge that wrote `transcript` and finds each phrase as likely as `margins` say, and
    each phrase's likeliest sound-alike `leads` above it (none, when not given)."""

    def __init__(
        self, transcript: str, margins: dict[str, float], leads: dict[str, float] | None = None
    ) -> None:
        self.transcript = transcript
        self.margins = margins
        self.leads = leads or {}
        self.rivalled: list[str] = []
        """The sentences whose rivals it was asked about."""
        self.rivals: list[list[str]] = []
        """The rivals it was asked to score, each time."""

    def rival_lead(self, listened: Listened, sentence: str, rivals: list[str]) -> float:
        assert rivals, "only a sentence with rivals is asked about"
        self.rivalled.append(sentence)
        self.rivals.append(rivals)
        return self.leads.get(sentence, -np.inf)

    def listen(self, audio: np.ndarray) -> Listened:
        return Listened(np.zeros(1), self.transcript, [])

    def opinion_of(self, listened: Listened, grammar: Grammar, proposal: str = "") -> Opinion:
        best = max(self.margins, key=lambda phrase: self.margins[phrase])
        return Opinion(self.transcript, best, self.margins[best], dict(self.margins))


class SlowWhisper(Whisper):
    """A judge whose transcript depends on how much it heard: "No." for the first second,
    "No, still hurts." for more."""

    def __init__(self) -> None:
        super().__init__("", {"no still hurts": 0.0})
        self.heard: list[float] = []

    def listen(self, audio: np.ndarray) -> Listened:
        self.heard.append(len(audio) / 16000)
        self.transcript = "No." if len(audio) <= 16000 else "No, still hurts."
        return Listened(np.zeros(1), self.transcript, [])

    def opinion_of(self, listened: Listened, grammar: Grammar, proposal: str = "") -> Opinion:
        said = "no still hurts" if "hurts" in listened.transcript else "no"
        return Opinion(listened.transcript, said, 0.0, {said: 0.0})


def test_an_answer_is_decided_when_the_speaker_pauses_and_given_at_the_end() -> None:
    whisper = SlowWhisper()
    recognizer = SecondOpinion(FirstStage("", -9.0), whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(["no still hurts", "no"]), "reply")
    recognizer.begin()
    recognizer.feed(np.zeros(20000, np.int16))
    recognizer.pause(np.zeros(4000, np.int16))
    recognizer.feed(np.zeros(4000, np.int16))  # the hang-over's silence
    assert recognizer.end().text == "no still hurts"
    assert whisper.heard == [1.5]  # once, at the pause: the end added nothing to wait for


def test_speech_after_a_pause_is_heard_with_what_came_before_it() -> None:
    whisper = SlowWhisper()
    recognizer = SecondOpinion(FirstStage("", -9.0), whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(["no still hurts", "no"]), "reply")
    recognizer.begin()
    recognizer.feed(np.zeros(8000, np.int16))  # "no"
    recognizer.pause(np.zeros(4000, np.int16))
    recognizer.resume()
    recognizer.feed(np.zeros(16000, np.int16))  # "still hurts"
    recognizer.pause(np.zeros(4000, np.int16))
    recognizer.feed(np.zeros(4000, np.int16))
    assert recognizer.end().text == "no still hurts"
    assert whisper.heard[-1] == 1.75  # all of it, and the hang-over


class CountingWhisper(Whisper):
    """A judge that keeps how many seconds it heard, each time it listened."""

    def __init__(self, transcript: str, margins: dict[str, float]) -> None:
        super().__init__(transcript, margins)
        self.heard: list[float] = []

    def listen(self, audio: np.ndarray) -> Listened:
        self.heard.append(len(audio) / 16000)
        return super().listen(audio)


def asleep(seconds: float) -> tuple[SecondOpinion, CountingWhisper, bool]:
    """A trigger of `seconds`, then a pause: (the recognizer, its Whisper, whether it began
    deciding at the pause)."""
    whisper = CountingWhisper("I have a cramp.", {"i have a cramp": 0.0})
    recognizer = SecondOpinion(FirstStage("i have a cramp", 0.0), whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(["i have a cramp"]), "trigger")
    recognizer.begin()
    recognizer.feed(np.zeros(int(seconds * 16000), np.int16))
    started = recognizer.pause(np.zeros(4000, np.int16))
    recognizer.feed(np.zeros(4000, np.int16))  # the hang-over's silence
    return recognizer, whisper, started


def test_a_trigger_is_decided_when_the_speaker_pauses() -> None:
    recognizer, whisper, started = asleep(1.5)
    assert started
    assert recognizer.end().text == "i have a cramp"
    assert whisper.heard == [1.75]  # once, at the pause: the end added nothing to wait for


def test_talk_longer_than_a_trigger_is_not_decided_at_its_pauses() -> None:
    recognizer, whisper, started = asleep(3.5)
    assert not started and whisper.heard == []
    recognizer.end()
    assert whisper.heard == [3.75]  # the first stage proposed it: asked once, at the end


class CountingFirstStage(FirstStage):
    """A first stage that keeps how many utterances it decoded."""

    def __init__(self, text: str, score: float) -> None:
        super().__init__(text, score)
        self.decoded = 0

    def end(self) -> Hypothesis:
        self.decoded += 1
        return super().end()


@pytest.mark.parametrize(
    ("written", "margin", "taken", "decoded"),
    [("I have a cramp.", 0.0, "i have a cramp", 0), ("I have a tram.", -20.0, "", 1)],
)
def test_asleep_the_first_stage_is_not_waited_for_when_whisper_wrote_a_trigger(
    written: str, margin: float, taken: str, decoded: int
) -> None:
    first = CountingFirstStage("i have a cramp", -9.0)
    whisper = Whisper(written, {"i have a cramp": margin})
    assert heard_asleep(first, whisper, ["i have a cramp"]) == taken
    assert first.decoded == decoded


def heard_asleep(first: FirstStage, whisper: Whisper, sentences: list[str]) -> str:
    """A second said asleep, a pause and the hang-over: what was taken."""
    recognizer = SecondOpinion(first, whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(sentences), "trigger")
    recognizer.begin()
    recognizer.feed(np.zeros(16000, np.int16))
    recognizer.pause(np.zeros(4000, np.int16))
    recognizer.feed(np.zeros(4000, np.int16))
    return recognizer.end().text


def test_asleep_what_sounds_far_more_like_a_camp_than_a_cramp_does_not_wake_it() -> None:
    """Said: "I have a camp". Whisper wrote "I can't make him.": "i have a cramp" is within the
    bar, and "I have a camp." scores 7 above it."""
    camp = Whisper("I can't make him.", {"i have a cramp": -5.0}, {"i have a cramp": 7.0})
    assert heard_asleep(FirstStage("i have a cramp", 0.0), camp, ["i have a cramp"]) == ""
    assert set(camp.rivalled) == {"i have a cramp"}
    assert all(asked == rivals("i have a cramp") for asked in camp.rivals)  # every one


def test_a_trigger_a_sound_alike_beats_only_a_little_still_wakes_it() -> None:
    tram = Whisper("I have a tram.", {"i have a cramp": -5.0}, {"i have a cramp": 4.0})
    assert heard_asleep(FirstStage("i have a cramp", 0.0), tram, ["i have a cramp"]) == (
        "i have a cramp"
    )


def test_when_the_likeliest_trigger_is_refused_for_a_rival_the_next_that_stands_is_taken() -> None:
    heard = Whisper(
        "I've got a cram.",
        {"i have a cramp": -5.0, "i've got a cramp": -6.0, "i've got cramps": -7.0},
        {"i have a cramp": 9.0, "i've got a cramp": 1.0},
    )
    sentences = ["i have a cramp", "i've got a cramp", "i've got cramps"]
    assert heard_asleep(FirstStage("", -9.0), heard, sentences) == "i've got a cramp"
    assert heard.rivalled == ["i have a cramp", "i've got a cramp"]


@pytest.mark.parametrize(
    ("margins", "mode", "taken"),
    [
        ({"i have a cramp": 0.0}, "trigger", "i have a cramp"),  # Whisper wrote it itself
        # Within 4 of Whisper's own transcript: a rival would have to score 2 above what
        # Whisper wrote itself to lead it by 6.
        ({"i have a cramp": -3.5}, "trigger", "i have a cramp"),
        ({"i have a cramp": -9.0}, "trigger", ""),  # below the bar: not taken anyway
        ({"help my leg": -5.0}, "trigger", "help my leg"),  # no "cramp" in it
        ({"still cramping": -1.0}, "reply", "still cramping"),  # an answer, not a trigger
    ],
)
def test_rivals_are_only_asked_about_a_trigger_that_would_be_taken_and_is_not_written(
    margins: dict[str, float], mode: str, taken: str
) -> None:
    whisper = Whisper("I have a camp.", margins, {"i have a cramp": 9.0, "still cramping": 9.0})
    recognizer = SecondOpinion(FirstStage("", -9.0), whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(list(margins)), mode)  # type: ignore[arg-type]
    recognizer.begin()
    recognizer.feed(np.zeros(16000, np.int16))
    assert recognizer.end().text == taken
    assert whisper.rivalled == []


def test_the_rivals_of_a_sentence_are_its_cramp_word_put_as_each_sound_alike() -> None:
    assert "i'm camping" in rivals("i'm cramping")
    assert "i have a crumb" in rivals("i have a cramp")
    assert "my leg cramps" not in rivals("my leg cramps")
    assert "i'm cramming" not in rivals("i'm cramping")  # "Cram" is how Whisper writes "cramp"
    assert len(rivals("cramp cramp")) == 2 * len(rivals("cramp"))
    assert rivals("help my leg") == []


class ClosestWhisper(Whisper):
    """A judge that wrote "That cramp" and finds "bad cramp" closest; "leg cramp" is scored only
    when the first stage proposes it (it is not among the sentences closest in writing)."""

    def __init__(self) -> None:
        super().__init__("That cramp", {"bad cramp": -4.0})

    def opinion_of(self, listened: Listened, grammar: Grammar, proposal: str = "") -> Opinion:
        proposed = {"leg cramp": -3.3} if proposal == "leg cramp" else {}
        return Whisper(self.transcript, {**self.margins, **proposed}).opinion_of(listened, grammar)


def test_asleep_the_first_stages_proposal_is_scored_beside_whispers_closest_sentences() -> None:
    """Setup's microphone check, "leg cramp" said: Whisper wrote "That cramp", and "bad cramp"
    was the closest sentence; the first stage's likelier "leg cramp" is what was said (taking
    the closest before the first stage decoded said "bad cramp")."""
    first = CountingFirstStage("leg cramp", 0.0)
    assert heard_asleep(first, ClosestWhisper(), ["bad cramp", "leg cramp"]) == "leg cramp"
    assert first.decoded == 1


class CutWhisper(CountingWhisper):
    """A judge that hears "cramp" only with its last sound: 1.3 s of audio or more."""

    def listen(self, audio: np.ndarray) -> Listened:
        self.transcript = "I have a cramp." if len(audio) >= 1.3 * 16000 else "I have a tram."
        return super().listen(audio)

    def opinion_of(self, listened: Listened, grammar: Grammar, proposal: str = "") -> Opinion:
        margin = 0.0 if "cramp" in listened.transcript else -20.0
        return Opinion(listened.transcript, "i have a cramp", margin, {"i have a cramp": margin})


class CutCrumpWhisper(CountingWhisper):
    """A judge that writes "crump" with the last sound (1.3 s or more), and finds "cramp" likely
    beside it; "tram" before it."""

    def listen(self, audio: np.ndarray) -> Listened:
        self.transcript = "I have a crump." if len(audio) >= 1.3 * 16000 else "I have a tram."
        return super().listen(audio)

    def opinion_of(self, listened: Listened, grammar: Grammar, proposal: str = "") -> Opinion:
        margin = -2.0 if "crump" in listened.transcript else -20.0
        return Opinion(listened.transcript, "i have a cramp", margin, {"i have a cramp": margin})


def cut_at_the_pause(
    first: FirstStage, whisper: CountingWhisper | None = None
) -> tuple[str, list[float]]:
    """A trigger whose last sound came after the pause: what was taken, and what Whisper heard."""
    whisper = whisper or CutWhisper("", {})
    recognizer = SecondOpinion(first, whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(["i have a cramp"]), "trigger")
    recognizer.begin()
    recognizer.feed(np.zeros(16000, np.int16))
    assert recognizer.pause(np.zeros(4000, np.int16))
    recognizer.feed(np.zeros(4800, np.int16))  # the last sound, and the hang-over
    return recognizer.end().text, whisper.heard


def test_asleep_what_is_not_a_trigger_at_the_pause_is_heard_again_whole() -> None:
    # "Cramp" ends in a stop: its last sound can come after the pause, within the hang-over.
    assert cut_at_the_pause(FirstStage("i have a cramp", 0.0)) == ("i have a cramp", [1.25, 1.3])


def test_what_is_heard_again_whole_is_not_decoded_again_by_the_first_stage() -> None:
    first = CountingFirstStage("i have a cramp", 0.0)
    assert cut_at_the_pause(first, CutCrumpWhisper("", {})) == ("i have a cramp", [1.25, 1.3])
    assert first.decoded == 1  # its proposal at the pause stands: Whisper hears the whole again


def test_asleep_talk_the_first_stage_found_far_from_a_trigger_is_decoded_once() -> None:
    assert cut_at_the_pause(FirstStage("i have a cramp", -9.0)) == ("", [1.25])


class HeldWhisper(CountingWhisper):
    """A judge that writes "I have a tram." and, the first time, listens until let go."""

    def __init__(self) -> None:
        super().__init__("I have a tram.", {"i have a cramp": -20.0})
        self.listening = threading.Event()
        self.let_go = threading.Event()

    def listen(self, audio: np.ndarray) -> Listened:
        self.listening.set()
        self.let_go.wait(10)
        return super().listen(audio)


def test_a_decision_the_speaker_went_on_from_stops_after_the_step_under_way() -> None:
    first = CountingFirstStage("i have a cramp", 0.0)
    whisper = HeldWhisper()
    recognizer = SecondOpinion(first, whisper)  # type: ignore[arg-type]
    recognizer.expect(Grammar.of(["i have a cramp"]), "trigger")
    recognizer.begin()
    recognizer.feed(np.zeros(16000, np.int16))
    assert recognizer.pause(np.zeros(4000, np.int16))
    assert whisper.listening.wait(10)
    recognizer.resume()  # the speaker went on while Whisper was listening
    whisper.let_go.set()
    recognizer.feed(np.zeros(8000, np.int16))
    assert recognizer.end().text == ""
    assert first.decoded == 1  # the whole utterance only: the pause's decision stopped


def answer(first: FirstStage, whisper: Whisper) -> str:
    recognizer = SecondOpinion(first, whisper)  # type: ignore[arg-type]
    recognizer.expect(REPLIES, "reply")
    recognizer.begin()
    recognizer.feed(np.zeros(16000, np.int16))
    return recognizer.end().text


def test_an_answer_whisper_misheard_is_taken_when_the_first_stage_was_very_sure() -> None:
    misheard = Whisper("No, steal birds.", {"no still hurts": -8.7, "stop": -12.0})
    assert answer(FirstStage("no still hurts", -1.5), misheard) == "no still hurts"


def test_nor_when_the_first_stage_only_just_heard_it() -> None:
    misheard = Whisper("No, steal birds.", {"no still hurts": -8.7, "stop": -12.0})
    assert answer(FirstStage("no still hurts", -3.0), misheard) == ""


def test_other_talk_whisper_wrote_clearly_is_not_an_answer_however_sure_the_first_stage() -> None:
    talk = Whisper("Did you lock the back door?", {"it's better": -25.0})
    assert answer(FirstStage("it's better", -1.2), talk) == ""


NUMB = "my leg is numb"


def heard_at_a_question(
    first: FirstStage, whisper: Whisper, confirmed: set[str], flags: list[str] | None = None
) -> Hypothesis:
    recognizer = SecondOpinion(first, whisper)  # type: ignore[arg-type]
    grammar = Grammar.of(["no still hurts", "it's better", *(flags or [NUMB])])
    recognizer.expect(replace(grammar, confirmed=frozenset(confirmed)), "reply")
    recognizer.begin()
    recognizer.feed(np.zeros(16000, np.int16))
    return recognizer.end()


def test_a_red_flag_only_the_first_stage_heard_is_taken_unsure_to_be_asked_about() -> None:
    misheard = Whisper("My language is", {NUMB: -12.0, "it's better": -20.0})
    heard = heard_at_a_question(FirstStage(NUMB, -3.0), misheard, {NUMB})
    assert (heard.text, heard.sure) == (NUMB, False)
    # Any other answer the first stage only just heard is still dropped (asked again).
    assert heard_at_a_question(FirstStage(NUMB, -3.0), misheard, set()).text == ""


def test_a_red_flag_nobody_heard_is_not_made_up() -> None:
    misheard = Whisper("My language is", {NUMB: -12.0})
    assert heard_at_a_question(FirstStage(NUMB, -5.0), misheard, {NUMB}).text == ""
    # Nor one the first stage found in talk Whisper wrote clearly as something else.
    talk = Whisper("Remember to water the plants.", {NUMB: -24.0})
    assert heard_at_a_question(FirstStage(NUMB, -2.0), talk, {NUMB}).text == ""


def test_whisper_own_answer_is_taken_over_the_first_stage() -> None:
    heard = Whisper("It's better.", {"it's better": 0.0, "no still hurts": -20.0})
    assert answer(FirstStage("no still hurts", -1.0), heard) == "it's better"


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("I'm ready. I'm ready. I'm ready. I'm ready.", "I'm ready."),
        ("I feel dizzy. I feel dizzy. I feel dizzy. I", "I feel dizzy."),
        ("Go, my head. Go, my head. Go, my head. Go", "Go, my head."),
        ("Done. Done. Done. Done. Done. Done. Done. Done.", "Done."),
    ],
)
def test_a_transcript_whisper_wrote_again_and_again_is_read_once(written: str, read: str) -> None:
    assert without_loop(written) == read


@pytest.mark.parametrize("said", ["No. It's worse.", "Stop. Stop it.", "Cramp, cramp.", "Help."])
def test_what_was_said_once_is_left_as_it_is(said: str) -> None:
    assert without_loop(said) == said


@pytest.mark.parametrize(
    ("written", "phrase", "taken"),
    [
        ("Footcram", "foot cramp", True),  # said quickly, written as one word
        ("Legcramp.", "leg cramp", True),
        ("Footcramb", "foot cramp", True),  # the last sound run on, misheard (15 dB)
        ("calfcramd", "calf cramp", True),
        ("Footcrambs", "foot cramp", False),  # a letter more, not another last letter
        ("I have a footcramp.", "i have a foot cramp", True),
        ("A cramped seat.", "a cramp", False),  # another word, not a cramp
        ("Cramped.", "cramp", False),
        ("Legcramps", "leg cramp", False),
        ("Cramping", "i'm cramping", False),  # a single word heard, asleep
        ("Foot", "foot cramp", False),
        ("It.", "i think it's a cramp", False),  # one letter more is not the next word
        ("Cramps.", "cramp so bad", False),
    ],
)
def test_asleep_a_sentence_is_only_taken_for_what_whisper_wrote_when_it_could_be_it(
    written: str, phrase: str, taken: bool
) -> None:
    assert plausible(phrase, written, -5.0, strict=True) is taken


def test_a_red_flag_whisper_did_not_write_is_asked_about() -> None:
    # "enough", written "It's half.": "it's hot" scores a little below what Whisper wrote.
    half = Whisper("It's half.", {"it's hot": -1.6, "it's better": -9.0})
    heard = heard_at_a_question(FirstStage("", -9.0), half, {"it's hot"}, ["it's hot"])
    assert (heard.text, heard.sure) == ("it's hot", False)
    # Written as it was said, it is acted on at once.
    written = Whisper("It's hot.", {"it's hot": 0.0})
    heard = heard_at_a_question(FirstStage("", -9.0), written, {"it's hot"}, ["it's hot"])
    assert (heard.text, heard.sure) == ("it's hot", True)
