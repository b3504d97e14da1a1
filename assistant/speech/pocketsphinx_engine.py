"""PocketSphinx: works the moment it is installed, with the English model inside its wheel.

Decoding is restricted to what may be said now: the sentences of the routine's templates, as
their smallest word automaton (a finite-state grammar with no preference between sentences, so
a grammar of thousands decodes as fast, and scores as well, as one of a dozen; the same
templates written as nested JSGF took 20 s an utterance). A grammar alone forces every sound
into a sentence, so a second decoder runs a free phone loop over the same audio; the per-frame
log-likelihood of the sentence minus that of the phone loop says how well the sentence explains
the sound. Out-of-grammar talk scores far below a sentence really said.

The sentence the grammar chose is scored aligned alone to the audio: in a large grammar the
decoder's best path is pruned less surely (the same "i have a cramp" scored -3.6 in the
templates' grammar, -2.0 alone), and the threshold must not depend on the grammar's size.

Neither decoder loads the 135,000-word CMU dictionary: the phone loop needs no words, and the
grammar decoder is given the pronunciations of the words its grammars use, read from the
model's dictionary file as each grammar is first expected. Loaded whole, the dictionary held
23 MB in each decoder; the decoding is the same (same dictionary entries, same scores).
"""

from __future__ import annotations

import logging
import math
import os
from typing import Any

import numpy as np

from assistant.dialogue.grammar import Grammar
from assistant.modes import STRICT, Mode
from assistant.speech.recognizer import Hypothesis

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = -2.5
"""Per-frame log-likelihood ratio below which a trigger is rejected (tuned on generated speech)."""
DEFAULT_REPLY_THRESHOLD = -3.6
"""The same for replies: right after a question an answer is likely, so the bar is lower."""
SURE_ABOVE = 1.0
"""A phrase this far above its bar is taken as sure; closer to it, a red flag is confirmed."""
DITHER_RMS = 30.0
"""Added noise (about -60 dBFS): below any microphone's own floor, enough to avoid exact zeros."""


class PocketSphinxRecognizer:
    """Grammar decoding with a phone-loop rejection score."""

    name = "pocketsphinx"

    def __init__(
        self, threshold: float = DEFAULT_THRESHOLD, reply_threshold: float = DEFAULT_REPLY_THRESHOLD
    ) -> None:
        from pocketsphinx import Decoder, get_model_path

        model = get_model_path()
        self._dictionary = os.path.join(model, "en-us", "cmudict-en-us.dict")
        self.trigger_threshold = threshold
        self.reply_threshold = reply_threshold
        self.threshold = threshold
        # Noise and silence fillers made likely: otherwise the hiss before a short word is
        # decoded as a word ("better" heard as "it's better").
        self._grammar = Decoder(
            samprate=16000, lm=None, dict=os.devnull, fillprob=0.1, silprob=0.1, loglevel="FATAL"
        )
        self._phones = Decoder(
            samprate=16000,
            lm=None,
            dict=os.devnull,
            allphone=os.path.join(model, "en-us", "en-us-phone.lm.bin"),
            beam=1e-20,
            pbeam=1e-20,
            loglevel="FATAL",
        )
        self._looked_up: set[str] = set()
        """Words already looked for in the dictionary file (found or not)."""
        self._searches: dict[tuple[str, ...], str] = {}
        self._grammar_now: Grammar | None = None
        self._audio: list[np.ndarray] = []

    def expect(self, grammar: Grammar, mode: Mode = "reply") -> None:
        strict = mode in STRICT  # unprompted speech, or talk over its own voice
        self.threshold = self.trigger_threshold if strict else self.reply_threshold
        if grammar == self._grammar_now:
            return
        name = self._searches.get(grammar.sentences)
        if name is None:
            name = f"g{len(self._searches)}"
            self._grammar.add_fsg(name, self._fsg(name, grammar))
            self._searches[grammar.sentences] = name
        self._grammar.activate_search(name)
        self._grammar_now = grammar

    def _fsg(self, name: str, grammar: Grammar) -> Any:
        """The grammar's word automaton as a PocketSphinx FSG, every word in the dictionary (a
        possessive or "'s" form is added from its stem; sentences with other words are left
        out, loudly)."""
        words = {w for s in grammar.sentences for w in s.split()}
        self._learn(words | {w[:-2] for w in words if w.endswith("'s")})
        unknown = {w for w in words if not self._knows(w)}
        automaton = grammar.automaton
        if unknown:
            log.warning("PocketSphinx does not know %s: sentences with them left out", unknown)
            usable = [s for s in grammar.sentences if not unknown & set(s.split())]
            if not usable:
                raise ValueError("none of the expected phrases is in the PocketSphinx dictionary")
            automaton = Grammar(tuple(usable)).automaton
        transitions = [
            (a, b, 1.0, word) if word is not None else (a, b, 1.0)
            for a, b, word in automaton.transitions
        ]
        return self._grammar.create_fsg(name, automaton.start, automaton.final, transitions)

    def _learn(self, words: set[str]) -> None:
        """Give the grammar decoder the dictionary's pronunciations of `words` (every
        variant: "read" and "read(2)"), in one pass over the dictionary file."""
        wanted = words - self._looked_up
        if not wanted:
            return
        self._looked_up |= wanted
        with open(self._dictionary, encoding="utf-8") as entries:
            for entry in entries:
                name, _, phones = entry.partition(" ")
                if name.split("(", 1)[0] in wanted:
                    # Not updated one by one: a grammar's search is built after its words.
                    self._grammar.add_word(name, phones.strip(), False)

    def _knows(self, word: str) -> bool:
        if self._grammar.lookup_word(word) is not None:
            return True
        stem, ending = word[:-2], word[-2:]
        phones = self._grammar.lookup_word(stem) if ending == "'s" else None
        if not phones:
            return False
        last = phones.split()[-1]
        if last in ("S", "Z", "SH", "ZH", "CH", "JH"):
            suffix = "IH Z"
        else:
            suffix = "S" if last in ("P", "T", "K", "F", "TH") else "Z"
        self._grammar.add_word(word, f"{phones} {suffix}", True)
        return True

    def _aligned(self, sentence: str, pcm: bytes) -> tuple[float, int] | None:
        """The acoustic log-likelihood of `sentence` alone on the utterance (see the module)."""
        current = self._grammar.current_search()
        words = sentence.split()
        chain = [(i, i + 1, 1.0, word) for i, word in enumerate(words)]
        self._grammar.add_fsg("aligned", self._grammar.create_fsg("aligned", 0, len(words), chain))
        self._grammar.activate_search("aligned")
        try:
            self._grammar.start_utt()
            self._grammar.process_raw(pcm, False, True)
            self._grammar.end_utt()
            return _acoustic_log_likelihood(self._grammar)
        finally:
            self._grammar.activate_search(current)

    def begin(self) -> None:
        self._audio = []

    def feed(self, samples: np.ndarray) -> None:
        self._audio.append(samples)

    def end(self) -> Hypothesis:
        # Decoded whole: batch feature normalisation scores the first utterance of the night
        # as well as the hundredth (live normalisation needs several utterances to settle).
        audio = np.concatenate(self._audio) if self._audio else np.zeros(0, np.int16)
        # Exact digital silence (files, muted inputs) breaks the normalisation too:
        # a little noise, far below any microphone's own, keeps it sane. The same noise for
        # every utterance: what one is heard as does not depend on how many came before.
        noise = np.random.default_rng(0).normal(0.0, DITHER_RMS, len(audio))
        dithered = audio.astype(np.float32) + noise
        pcm = np.clip(dithered, -32768, 32767).astype(np.int16).tobytes()
        for decoder in (self._grammar, self._phones):
            decoder.start_utt()
            decoder.process_raw(pcm, False, True)
            decoder.end_utt()
        hyp = self._grammar.hyp()
        raw = hyp.hypstr if hyp is not None else ""
        expected = self._grammar_now
        text = expected.match(raw) if expected is not None else ""
        grammar = self._aligned(raw, pcm) if text else None
        phones = _acoustic_log_likelihood(self._phones)
        if not text or grammar is None or phones is None:
            return Hypothesis("", -math.inf, raw)
        score = (grammar[0] - phones[0]) / max(1, phones[1])
        taken = score >= self.threshold
        sure = score >= self.threshold + SURE_ABOVE
        return Hypothesis(text if taken else "", score, raw, sure=sure)


def _acoustic_log_likelihood(decoder: Any) -> tuple[float, int] | None:
    """Sum of the natural-log acoustic scores of the best path, and its frame count."""
    total, frames = 0.0, 0
    for seg in decoder.seg() or ():
        if seg.ascore <= 0.0:
            return None  # underflow: far too long to be a phrase
        total += math.log(seg.ascore)
        frames += seg.end_frame - seg.start_frame + 1
    return (total, frames) if frames else None
