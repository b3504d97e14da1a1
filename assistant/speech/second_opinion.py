"""A recognizer with a second opinion: the first stage proposes, Whisper confirms or refuses.

The first stage (PocketSphinx, or Vosk) is fast and hears nearly every phrase really said, but
it also accepts what only sounds like one. Whisper tiny.en knows English and can reject. So:

- asleep (`trigger`) and over its own voice (`barge`): Whisper is asked when the first stage
  accepts or nearly accepts, and asleep also about any utterance of trigger length (the voice
  gate has already kept noise out, so the idle cost stays near zero); the phrase
  taken is Whisper's best, and only when its margin clears `trigger_margin` (asleep) or the
  stricter `reply_margin` (over its own voice, where its echo must never pass for a command).
  Asleep, a trigger Whisper did not write itself is also refused when the same sentence with a
  word that sounds like "cramp" ("camp", "crumb") is far likelier (assistant.speech.sound_alikes).
- during an episode (`reply`, `hold`): Whisper is asked about every utterance of speech length.
  Its best phrase is taken when its margin clears `reply_margin`; the first stage's own phrase
  is taken when the first stage accepted it and Whisper finds it nearly as likely (within
  AGREE of the bar): both agree. When the first stage is very sure (SURE_FIRST above its own
  bar), Whisper may find it less likely (SURE_AGREE more): Whisper mishears clear short answers
  more often than the two agree on a wrong one (measured: SURE_AGREE). Anything else is not
  taken (the dialogue asks again, narrowed, rather than guess).

It is itself a Recognizer, so every path that hears (the night, setup, the benchmark, barge-in)
gets the second opinion the same way.

Asleep and during an episode it hears ahead: when the speaker pauses, the answer is decided on
what was said so far, in a worker thread, while the gate's hang-over (0.3 s) waits to see
whether the utterance is over; if it is, that answer is given at once, and if the speaker goes
on it is dropped (the worker stops after the step under way). Asleep only an utterance of
trigger length (ALWAYS_ASKED_SECONDS) so far is decided ahead (longer talk is never a trigger),
and only a trigger is taken from the pause (`_hear_again`). The first stage is fed the whole
utterance when it decides, in the worker, so that it is only ever used by one thread at a time.
Over its own voice (`barge`) it decides when the utterance ends, as it comes.
"""

from __future__ import annotations

import logging
import math
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from assistant.audio.chunk import RATE
from assistant.dialogue.grammar import Grammar
from assistant.dialogue.text import normalise
from assistant.modes import STRICT, Mode
from assistant.speech.recognizer import Hypothesis, Recognizer
from assistant.speech.sound_alikes import ABOVE_OWN, RIVAL_LEAD, rivals
from assistant.speech.whisper_engine import Listened, WhisperJudge

log = logging.getLogger(__name__)

AGREE = 4.0
"""How far below `reply_margin` the first stage's accepted phrase may score with Whisper and
still be taken (tuned on the corpus: scripts/tune.py, README)."""
SURE_FIRST = 1.6
"""How far above its own bar (PocketSphinx units) the first stage's phrase is very sure."""
SURE_AGREE = 3.0
"""How much further below the bar Whisper may then find it. Whisper had misheard answers
PocketSphinx was very sure of ("No, steal birds." for "no, still hurts", "My soul" for "my
sole"). Chosen from the recorded scores of the benchmark's replies at 15 dB (9 more understood,
1 more wrong: "nah" as "gone"); run with the loop cut (`without_loop`) on corpora of two seeds,
5 and 10 more of 294 were understood and none more was wrong. Of 571 utterances of other talk
heard at a question, the recorded scores say it takes 2 more ("come here" as "come again")."""
CONFIRM_BELOW = 10.0
"""How far below `reply_margin` Whisper may find a red flag the first stage accepted, and it is
still taken, unsure: the dialogue then asks about it (Grammar.confirmed), as a red flag is never
dropped for Whisper's doubt. Whisper wrote "My thought is long." for "my foot is gone numb" and
"My language is" for "my leg is numb" (margins -12.1 and -12.0, two voices, none taken before).
The cost: of 923 utterances of other talk heard at a question (the benchmark's cramp talk,
ordinary speech and short phrases), the first stage accepted a red flag in 47, and 4 of them are
within this ("all" as "all red", "The Lamb." as "numb"): a yes/no question nobody needed."""
ALWAYS_ASKED_SECONDS = 3.0
"""Asleep, an utterance this short goes to Whisper even when the first stage heard nothing like
a trigger: the first stage missed 9 of 176 triggers that Whisper alone heard (benchmark), and
the voice gate keeps Whisper from waking on noise (idle cost 0.3% of a core either way)."""
NEARLY = 1.0
"""How far below its own bar a first-stage score still goes to Whisper (PocketSphinx units)."""
SURE_MARGIN = 0.0
"""A sentence is sure when Whisper wrote it, or finds it at least as likely as what it wrote;
below that, a red flag is confirmed (asked about: "yes" or silence leads to its advice). At -2,
"enough" written "It's half." was taken as the red flag "it's hot" (-1.6) and "hurry up"
written "Very odd." as "very hot" (-1.0): each ended the relief routine with a red flag's
advice. Of the corpus's 14 red flags heard at 15 dB, 3 more are now asked about ("my leg is all
swollen" -0.5, "I hurt my leg" -0.7, "I fell" -0.5): one "yes" more for the person."""
MIN_SECONDS = 0.15
"""Shorter sounds (a click, a creak) are not asked about."""
FEWER_WORDS_MARGIN = -3.0
"""Asleep or over its own voice, when Whisper heard a single word, a sentence of more words is
taken only this close to its transcript: "cramping" said alone is not "I'm cramping" (a short
phrase said alone woke it 9 times in the benchmark's negatives; with this rule, once)."""
LONGER_FORM = 2
"""Letters a transcript's word may add to a sentence's word before it is another word: Whisper
writing "cramped" heard "cramped", not "cramp" ("a cramped room" woke it). Unless the letters
added begin the sentence's next words: Whisper runs words said quickly together ("Footcram" for
"foot cramp")."""


@dataclass
class Ahead:
    """An answer started at the speaker's pause, with what was expected then."""

    answer: Future[Hypothesis]
    grammar: Grammar
    mode: Mode
    dropped: threading.Event
    """Set when the speaker goes on: the worker stops between its steps."""


class SecondOpinion:
    """Wraps a first-stage Recognizer with a WhisperJudge; with no first stage (`first` None,
    `engine = "whisper"`, for comparison in the benchmark) Whisper hears every utterance."""

    def __init__(
        self,
        first: Recognizer | None,
        judge: WhisperJudge,
        trigger_margin: float = -8.0,
        reply_margin: float = -3.0,
    ) -> None:
        self.first = first
        self.judge = judge
        self.name = f"{first.name}+whisper" if first is not None else "whisper"
        self.trigger_margin = trigger_margin
        self.reply_margin = reply_margin
        self.rival_lead = RIVAL_LEAD
        self._grammar = Grammar.of([])
        self._mode: Mode = "reply"
        self._audio: list[np.ndarray] = []
        self._live = True
        """Decided when the utterance ends, in the caller's thread (over its own voice)."""
        # One worker: the first stage and Whisper decide one utterance at a time, in order.
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="second-opinion")
        self._ahead: Ahead | None = None
        """The answer started at the speaker's last pause."""

    def expect(self, grammar: Grammar, mode: Mode = "reply") -> None:
        self._settle()
        if self.first is not None:
            self.first.expect(grammar, mode)
        self._grammar = grammar
        self._mode = mode

    def begin(self) -> None:
        self._settle()
        self._live = self.first is None or self._mode == "barge"
        if self.first is not None and self._live:
            self.first.begin()
        self._audio = []
        self._ahead = None

    def feed(self, samples: np.ndarray) -> None:
        if self.first is not None and self._live:
            self.first.feed(samples)
        self._audio.append(samples)

    def pause(self, rest: np.ndarray) -> bool:
        """The speaker paused: start deciding on what was said so far, as the utterance would
        be if it ends (`rest`, the hang-over's silence, after it); True when it started."""
        self.resume()
        if self._live or not self._audio:
            return False
        if self._mode == "trigger" and sum(map(len, self._audio)) > ALWAYS_ASKED_SECONDS * RATE:
            return False  # longer than a trigger: decided when it ends, if asked at all
        audio = np.concatenate([*self._audio, rest])
        dropped = threading.Event()
        answer = self._submit(audio, dropped=dropped)
        self._ahead = Ahead(answer, self._grammar, self._mode, dropped)
        return True

    def resume(self) -> None:
        """The speaker went on: the answer started at the pause is dropped (not started at all
        when the worker has not begun it, and stopped after the step under way when it has:
        each thrown-away decision cost CPU while talk was heard asleep)."""
        if self._ahead is not None:
            self._ahead.dropped.set()
            self._ahead.answer.cancel()
        self._ahead = None

    def end(self) -> Hypothesis:
        audio = np.concatenate(self._audio) if self._audio else np.zeros(0, np.int16)
        self._audio = []
        if not self._live:
            ahead, self._ahead = self._ahead, None
            if ahead is not None and (ahead.grammar, ahead.mode) == (self._grammar, self._mode):
                decided = ahead.answer.result()
                if not self._hear_again(decided):
                    return decided
                # The first stage's proposal at the pause stands: Whisper hears the whole again.
                return self._submit(audio, self._proposal_in(decided)).result()
            return self._submit(audio).result()
        proposal = self.first.end() if self.first is not None else Hypothesis("", -math.inf)
        return self._proposed(proposal, audio, self._grammar, self._mode)

    def _hear_again(self, decided: Hypothesis) -> bool:
        """Whether what was decided at the pause is heard again, whole: asleep, when it is not a
        trigger but the first stage nearly took it for one. A word's last sound can come after
        the pause ("cram... p"); nobody waits for what is not a trigger, and talk far from one
        is not decoded twice."""
        if decided.text or self._mode != "trigger" or decided.first_score is None:
            return False
        return self._nearly(self._proposal_in(decided), self._grammar)

    @staticmethod
    def _proposal_in(decided: Hypothesis) -> Hypothesis:
        """The first stage's proposal behind an answer (which it did not accept)."""
        score = decided.first_score
        return Hypothesis("", score if score is not None else -math.inf, decided.raw)

    def _submit(
        self,
        audio: np.ndarray,
        proposal: Hypothesis | None = None,
        dropped: threading.Event | None = None,
    ) -> Future[Hypothesis]:
        return self._worker.submit(
            self._answer, audio, self._grammar, self._mode, proposal, dropped or threading.Event()
        )

    def _settle(self) -> None:
        """Wait until the worker has nothing left to do (a stale answer may be under way)
        before the first stage is used or changed here."""
        self._worker.submit(lambda: None).result()

    def _proposed(
        self, proposal: Hypothesis, audio: np.ndarray, grammar: Grammar, mode: Mode
    ) -> Hypothesis:
        """The first stage's `proposal` for `audio`, confirmed or refused by Whisper. Asleep
        and over its own voice Whisper is asked only when the first stage accepted or nearly
        accepted, or (asleep) about an utterance of trigger length."""
        if len(audio) < MIN_SECONDS * RATE:
            return Hypothesis("", proposal.score, proposal.raw)
        asked = proposal.text or self._nearly(proposal, grammar) or asked_anyway(audio, mode)
        if self.first is not None and not asked:
            return proposal  # nothing like a phrase, in long talk: Whisper is not woken
        return self._judged(proposal, self.judge.listen(audio), grammar, mode)

    def _answer(
        self,
        audio: np.ndarray,
        grammar: Grammar,
        mode: Mode,
        proposal: Hypothesis | None,
        dropped: threading.Event,
    ) -> Hypothesis:
        """An answer, on the worker (the first stage is fed here, the whole utterance). Whisper
        first whenever it is asked whatever the first stage says (during an episode, and asleep
        for an utterance of trigger length): when its own transcript is a sentence expected now,
        that is the answer, and the first stage's decoding (about 0.12 s asleep, 0.2 s during
        an episode) is not waited for. Asleep, longer talk goes to the first stage first, as it
        decides whether Whisper is woken at all. A `proposal` the first stage already made (for
        the same utterance, cut at its pause) is not decoded again. Once `dropped` is set (the
        speaker went on), nothing more is worked out: the answer is thrown away."""
        assert self.first is not None
        long_enough = len(audio) >= MIN_SECONDS * RATE
        listened = self.judge.listen(audio) if asked_anyway(audio, mode) and long_enough else None
        if listened is not None and grammar.match(listened.transcript):
            return self._judged(Hypothesis("", -math.inf), listened, grammar, mode)
        if dropped.is_set():
            return Hypothesis("", -math.inf)
        if proposal is None:
            self.first.begin()
            self.first.feed(audio)
            proposal = self.first.end()
        if dropped.is_set():
            return Hypothesis("", -math.inf)
        if listened is None:
            return self._proposed(proposal, audio, grammar, mode)
        return self._judged(proposal, listened, grammar, mode)

    def _judged(
        self, proposal: Hypothesis, listened: Listened, grammar: Grammar, mode: Mode
    ) -> Hypothesis:
        """What was said, from Whisper's opinion and the first stage's `proposal`."""
        strict = mode in STRICT
        opinion = self.judge.opinion_of(listened, grammar, proposal.text or proposal.raw)
        margins = {
            phrase: margin
            for phrase, margin in opinion.margins.items()
            if plausible(phrase, opinion.transcript, margin, strict)
        }
        # Over its own voice the bar is the replies' (stricter than a trigger's): a command
        # taken from its own echo would cut it off mid-sentence.
        bar = self.trigger_margin if mode == "trigger" else self.reply_margin
        if mode == "trigger":
            margins = self._unrivalled(margins, listened, bar)
        best = max(margins, key=lambda phrase: margins[phrase], default="")
        margin = margins.get(best, -math.inf)
        text = best if margin >= bar else ""
        agreed = margins.get(proposal.text, -math.inf)
        unsure = False
        if not text and not strict and proposal.text:
            if agreed >= bar - self._agreement(proposal):
                text = proposal.text  # the first stage was sure of it; Whisper finds it likely
            elif proposal.text in grammar.confirmed and agreed >= bar - CONFIRM_BELOW:
                text, unsure = proposal.text, True  # a red flag, asked about ("Is your leg...?")
        log.debug(
            "first stage %r (%.2f), whisper %r -> %r (%.2f): %r",
            proposal.raw,
            proposal.score,
            opinion.transcript,
            best,
            margin,
            text,
        )
        score = margin if math.isfinite(margin) else -math.inf
        sure = margin >= SURE_MARGIN and not unsure
        return Hypothesis(text, score, proposal.raw, opinion.transcript, proposal.score, sure)

    def _unrivalled(
        self, margins: dict[str, float], listened: Listened, bar: float
    ) -> dict[str, float]:
        """`margins` without the sentences that one of their sound-alike rivals beats by
        `rival_lead` or more ("I have a camp." heard, not "I have a cramp."), the best first until
        one stands. Only sentences that would be taken are asked about, and not one Whisper
        finds nearly as likely as its own transcript (within `rival_lead` - ABOVE_OWN): no rival
        can then lead by `rival_lead`. A real trigger written as it was said costs no time."""
        kept = dict(margins)
        while kept:
            best = max(kept, key=lambda phrase: kept[phrase])
            others = rivals(best)
            if not others or not bar <= kept[best] < min(0.0, ABOVE_OWN - self.rival_lead):
                return kept
            lead = self.judge.rival_lead(listened, best, others)
            if lead < self.rival_lead:
                return kept
            log.debug("%r refused: a sound-alike scores %.1f above it", best, lead)
            del kept[best]
        return kept

    def _agreement(self, proposal: Hypothesis) -> float:
        """How far below the bar Whisper may find the first stage's phrase, still taken."""
        bar = getattr(self.first, "threshold", None)
        very_sure = bar is not None and proposal.score >= bar + SURE_FIRST
        return AGREE + SURE_AGREE if very_sure else AGREE

    def _nearly(self, proposal: Hypothesis, grammar: Grammar) -> bool:
        bar = getattr(self.first, "threshold", None)
        return (
            bar is not None
            and bool(grammar.match(proposal.raw))
            and math.isfinite(proposal.score)
            and proposal.score >= bar - NEARLY
        )


def asked_anyway(audio: np.ndarray, mode: Mode) -> bool:
    """Whether Whisper is asked about `audio` whatever the first stage proposes: always during
    an episode, and asleep about an utterance of trigger length (ALWAYS_ASKED_SECONDS)."""
    return mode not in STRICT or mode == "trigger" and len(audio) <= ALWAYS_ASKED_SECONDS * RATE


def plausible(phrase: str, transcript: str, margin: float, strict: bool) -> bool:
    """Whether `phrase` may be what was said, given Whisper's own `transcript`, beyond its
    margin: not when Whisper wrote a longer form of one of its words ("cramped" for "cramp";
    "footcramp" for "foot cramp" is the phrase's words run together, not a longer form),
    and, asleep or over its own voice, not a sentence of several words for a single word heard
    unless it is nearly as likely (see FEWER_WORDS_MARGIN)."""
    if margin >= 0.0:
        return True  # the transcript is the sentence
    heard = normalise(transcript).split()
    words = phrase.split()
    for k, word in enumerate(words):
        if len(word) >= 4 and any(
            w != word
            and w.startswith(word)
            and len(w) - len(word) >= LONGER_FORM
            and not runs_on(w, words[k:])
            for w in heard
        ):
            return False
    one_word = len(heard) == 1 and len(words) > 1 and not runs_on(heard[0], words)
    return not (strict and one_word and margin < FEWER_WORDS_MARGIN)


def runs_on(written: str, words: list[str]) -> bool:
    """Whether the one word Whisper `written` is `words` said quickly and run together: the first
    of them and at least LONGER_FORM letters of the next ("footcram" for "foot cramp"; not "it"
    for "i think", nor "cramps" for "cramp so bad"). Its last letter may be another ("footcramb",
    "calfcramd" for "foot cramp", "calf cramp" at 15 dB): a final consonant run on is the sound
    Whisper hears least, and its margin still decides."""
    joined = "".join(words)
    return (
        len(words) > 1
        and len(written) - len(words[0]) >= LONGER_FORM
        and len(written) <= len(joined)
        and joined.startswith(written[:-1])
    )
