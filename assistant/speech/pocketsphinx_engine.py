"""PocketSphinx: works the moment it is installed, with the English model inside its wheel.

Decoding is restricted to the phrases expected now (a JSGF grammar). A grammar alone forces
every sound into a phrase, so a second decoder runs a free phone loop over the same audio; the
per-frame log-likelihood of the grammar's best path minus that of the phone loop says how well
the phrase explains the sound. Out-of-grammar talk scores far below a phrase really said.
"""

from __future__ import annotations

import logging
import math
import os

import numpy as np

from assistant.speech.recognizer import Hypothesis

log = logging.getLogger(__name__)

DEFAULT_THRESHOLD = -3.2
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
        self.trigger_threshold = threshold
        self.reply_threshold = reply_threshold
        self.threshold = threshold
        # Noise and silence fillers made likely: otherwise the hiss before a short word is
        # decoded as a word ("better" heard as "it's better").
        self._grammar = Decoder(
            samprate=16000, lm=None, fillprob=0.1, silprob=0.1, loglevel="FATAL"
        )
        self._phones = Decoder(
            samprate=16000,
            lm=None,
            allphone=os.path.join(model, "en-us", "en-us-phone.lm.bin"),
            beam=1e-20,
            pbeam=1e-20,
            loglevel="FATAL",
        )
        self._searches: dict[tuple[str, ...], str] = {}
        self._phrases: tuple[str, ...] = ()
        self._noise = np.random.default_rng(0)
        self._audio: list[np.ndarray] = []

    def expect(self, phrases: list[str], mode: str = "reply") -> None:
        strict = mode in ("trigger", "barge")  # unprompted speech, or talk over its own voice
        self.threshold = self.trigger_threshold if strict else self.reply_threshold
        key = tuple(sorted(set(phrases)))
        if key == self._phrases:
            return
        name = self._searches.get(key)
        if name is None:
            usable = [p for p in key if self._known(p)]
            if not usable:
                raise ValueError("none of the expected phrases is in the PocketSphinx dictionary")
            name = f"g{len(self._searches)}"
            body = " | ".join(usable)
            self._grammar.add_jsgf_string(name, f"#JSGF V1.0; grammar {name}; public <s> = {body};")
            self._searches[key] = name
        self._grammar.activate_search(name)
        self._phrases = key

    def _known(self, phrase: str) -> bool:
        missing = [w for w in phrase.split() if self._grammar.lookup_word(w) is None]
        if missing:
            log.warning("PocketSphinx does not know %s: phrase %r left out", missing, phrase)
        return not missing

    def begin(self) -> None:
        self._audio = []

    def feed(self, samples: np.ndarray) -> None:
        self._audio.append(samples)

    def end(self) -> Hypothesis:
        # Decoded whole: batch feature normalisation scores the first utterance of the night
        # as well as the hundredth (live normalisation needs several utterances to settle).
        audio = np.concatenate(self._audio) if self._audio else np.zeros(0, np.int16)
        # Exact digital silence (files, muted inputs) breaks the normalisation too:
        # a little noise, far below any microphone's own, keeps it sane.
        dithered = audio.astype(np.float32) + self._noise.normal(0.0, DITHER_RMS, len(audio))
        raw = np.clip(dithered, -32768, 32767).astype(np.int16).tobytes()
        for decoder in (self._grammar, self._phones):
            decoder.start_utt()
            decoder.process_raw(raw, False, True)
            decoder.end_utt()
        hyp = self._grammar.hyp()
        text = hyp.hypstr if hyp is not None else ""
        grammar = _acoustic_log_likelihood(self._grammar)
        phones = _acoustic_log_likelihood(self._phones)
        if not text or text not in self._phrases or grammar is None or phones is None:
            return Hypothesis("", -math.inf, text)
        score = (grammar[0] - phones[0]) / max(1, phones[1])
        taken = score >= self.threshold
        sure = score >= self.threshold + SURE_ABOVE
        return Hypothesis(text if taken else "", score, text, sure=sure)


def _acoustic_log_likelihood(decoder) -> tuple[float, int] | None:
    """Sum of the natural-log acoustic scores of the best path, and its frame count."""
    total, frames = 0.0, 0
    for seg in decoder.seg() or ():
        if seg.ascore <= 0.0:
            return None  # underflow: far too long to be a phrase
        total += math.log(seg.ascore)
        frames += seg.end_frame - seg.start_frame + 1
    return (total, frames) if frames else None
