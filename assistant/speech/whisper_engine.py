"""The second opinion: Whisper tiny.en (CTranslate2, int8, CPU) on one utterance.

PocketSphinx cannot tell "I have a plan" from "I have a cramp": its grammar forces every sound
into a phrase. Whisper knows English. For each utterance it writes its own transcript (greedy),
and scores closed-set candidates against it: every candidate is forced as the transcript's
prefix and its log-probability is summed token by token, ending with a full stop (so "no" is
not taken for "no better"). A candidate is as good as the model's own transcript when its
margin (its log-probability minus the transcript's) is near zero; what only sounds like it
scores far below.

Only up to 10 s of audio is encoded, not Whisper's 30-s window: the same transcripts on short
utterances in about a sixth of the time. Weights are verified against pinned digests before
loading (assistant.speech.whisper_model).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import numpy as np

from assistant.dialogue.grammar import Grammar
from assistant.dialogue.text import normalise

log = logging.getLogger(__name__)

MAX_SECONDS = 10.0
"""Seconds of audio encoded at most (1,000 feature frames)."""
FRAMES_PER_SECOND = 100
EXTRA_WORDS = 2
"""A phrase is not what was said when the transcript has more than this many words beyond it:
log-probabilities are not normalised by length, so a short phrase can outscore a long
transcript ("Wait." against "I'm not going to be able to do that.")."""
MAX_TOKENS = 32
"""Tokens of transcript at most: what is said to the assistant is short, and a bounded length
keeps the memory the model's allocator holds bounded too."""
CANDIDATES = 12
"""Sentences scored per utterance at most: the closest in writing to the transcript, plus the
first stage's proposal (scoring the thousands a question's templates allow would take minutes).
12, not 8: among a question's 6,500 sentences, "it's better" was the 10th closest to Whisper's
"It's smadder" (+40 ms an utterance)."""
BATCH = 3
"""Sentences scored together in one call: with the transcript, 13 are scored in five calls of 3.
Each call holds the encoder's output once per sentence (its keys and values in every layer):
calls of 7 held 78 MB more at their peak than calls of 3, for the same scores to the last digit
and the same time per utterance (40 and 80 utterances measured). One call of 13 held 70 MB more
again. The same shape every call keeps the allocator's memory flat all night."""


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def without_loop(transcript: str) -> str:
    """The transcript with a greedy decoding loop cut: Whisper sometimes writes what was said
    again and again until its token limit ("I'm ready. I'm ready. I'm ready. I'm ready.",
    "I feel dizzy. I feel dizzy. I"). A sentence repeated straight after itself is kept once,
    and a last fragment that only begins it again is dropped (5 replies of 298 in the
    benchmark were not understood for this alone)."""
    kept: list[str] = []
    before: list[str] = []  # the words of the last sentence kept
    for sentence in _SENTENCE_END.split(transcript.strip()):
        said = normalise(sentence).split()
        if said and before and said == before[: len(said)]:
            continue  # the same sentence again, or the beginning of it
        kept.append(sentence)
        before = said
    return " ".join(kept)


@dataclass(frozen=True)
class Opinion:
    """What Whisper made of one utterance."""

    transcript: str
    """Its own free transcript."""
    phrase: str
    """The expected phrase it finds most likely (empty when none was given)."""
    margin: float
    """That phrase's log-probability minus the transcript's (0: as likely; -10: far less)."""
    margins: dict[str, float] = field(default_factory=dict)
    """The margin of every phrase scored (the closest few, and the first stage's proposal)."""


class Listened(NamedTuple):
    """Whisper's encoding of one utterance, and its own transcript of it."""

    encoded: np.ndarray
    transcript: str
    ids: list[int]
    """The transcript's tokens."""


def _give_back_memory() -> None:
    """Return the heap's free pages to the system (glibc's malloc_trim; elsewhere nothing).

    Each utterance's buffers are freed after scoring, but glibc keeps the pages, and how many it
    keeps depends on the order of past allocations: resident memory wandered between 240 and
    300 MB over 400 utterances, and stepped up by 20-30 MB at a time in 8-hour soaks. Trimmed
    after each utterance it stays at about 190 MB (a few milliseconds per utterance)."""
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _feature_extractor() -> type:
    """faster-whisper's log-mel FeatureExtractor, loaded from its own file.

    `import faster_whisper.feature_extractor` would run the package's __init__ first, which
    imports PyAV, huggingface_hub and the transcription pipeline: 24 MB resident that nothing
    here uses (the module itself needs only numpy)."""
    spec = importlib.util.find_spec("faster_whisper")
    folders = spec.submodule_search_locations if spec else None
    if not folders:
        raise ModuleNotFoundError("faster-whisper is not installed")
    path = Path(next(iter(folders))) / "feature_extractor.py"
    module_spec = importlib.util.spec_from_file_location("_whisper_features", path)
    if module_spec is None or module_spec.loader is None:
        raise ModuleNotFoundError(f"{path} cannot be loaded")
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    extractor: type = module.FeatureExtractor
    return extractor


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "malloc_trim") else None


_LIBC = _libc()


class WhisperJudge:
    """Whisper tiny.en loaded from a verified folder; `opinion` scores one utterance."""

    name = "whisper-tiny.en"

    def __init__(self, folder: Path, threads: int = 2) -> None:
        import ctranslate2
        import tokenizers

        self._ct2 = ctranslate2
        self._model = ctranslate2.models.Whisper(
            str(folder), device="cpu", compute_type="int8", intra_threads=threads
        )
        self._tokenizer = tokenizers.Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._features = _feature_extractor()(feature_size=80)
        token = self._tokenizer.token_to_id
        self._before = [token("<|startoftranscript|>")]
        """What comes before the text when a sentence is scored."""
        self._start = [*self._before, token("<|notimestamps|>")]
        """What comes before Whisper's own transcript."""
        self._eot = token("<|endoftext|>")
        self._cache: dict[str, list[int]] = {}
        # Warmed beside the night's loop: listening begins with the first stage at once, and
        # the first utterance that needs Whisper waits for the warm-up's end (CTranslate2 lets
        # go of the interpreter while it computes, so the loop is not held up meanwhile).
        self._ready = threading.Event()
        # Not a daemon: the interpreter waits for it at exit (a native call cut off by the
        # interpreter's end aborts the process).
        self._warming = threading.Thread(target=self._warm_up_then_trim, name="whisper-warm-up")
        self._warming.start()

    def wait_until_warm(self) -> None:
        """Block until the warm-up is over (the model is not used by two threads at once)."""
        self._ready.wait()

    def _warm_up_then_trim(self) -> None:
        try:
            self._warm_up()
            _give_back_memory()
        except Exception:  # a failed warm-up must not leave every utterance waiting
            log.exception("Whisper's warm-up failed; it will warm up on the first utterance")
        finally:
            self._ready.set()

    def _warm_up(self) -> None:
        """Run the shapes of the night once, at start: the memory the model's buffers need is
        taken now, early, and stays flat all night. Scoring batches mix phrases of every
        length; one batch of the longest alone was not enough (a probe of 10 utterances
        against every question's phrases still grew 26% after it; with these batches, 0.1%)."""
        rng = np.random.default_rng(0)
        encoded = self._encode((rng.normal(0, 300, int(MAX_SECONDS * 16000))).astype(np.int16))
        one = self._tokens(" one")[0]
        view = self._ct2.StorageView.from_array(encoded)
        self._model.generate(
            view, [self._start + [one] * (MAX_TOKENS - 1)], beam_size=1, max_length=2
        )
        self._log_probabilities(encoded, [[one] * MAX_TOKENS] * BATCH)
        for longest in range(2, MAX_TOKENS + 1, 2):
            step = max(1, longest // (BATCH - 1))
            lengths = list(range(longest, 0, -step))[:BATCH]
            self._log_probabilities(encoded, [[one] * length for length in lengths])

    def _tokens(self, text: str) -> list[int]:
        tokens = self._cache.get(text)
        if tokens is None:
            tokens = self._tokenizer.encode(text, add_special_tokens=False).ids
            self._cache[text] = tokens
        return tokens

    def _encode(self, audio: np.ndarray) -> np.ndarray:
        """The encoder's output for at most MAX_SECONDS of audio, zero-padded as in training."""
        limit = int(MAX_SECONDS * 16000)
        samples = np.zeros(limit, dtype=np.float32)
        clip = audio[:limit].astype(np.float32) / 32768.0
        samples[: len(clip)] = clip
        features = self._features(samples, padding=0)[:, : int(MAX_SECONDS * FRAMES_PER_SECOND)]
        view = self._ct2.StorageView.from_array(np.ascontiguousarray(features[None]))
        return np.array(self._model.encode(view, to_cpu=True))

    def transcribe(self, audio: np.ndarray) -> str:
        """Whisper's own transcript of the utterance."""
        self.wait_until_warm()
        encoded = self._encode(audio)
        return self._greedy(encoded)[0]

    def _greedy(self, encoded: np.ndarray) -> tuple[str, list[int]]:
        view = self._ct2.StorageView.from_array(encoded)
        result = self._model.generate(view, [self._start], beam_size=1, max_length=MAX_TOKENS)
        ids = [i for i in result[0].sequences_ids[0] if i < self._eot]
        written = self._tokenizer.decode(ids).strip()
        transcript = without_loop(written)
        if transcript != written:
            # Not through `_tokens`: its cache is for the grammar's sentences, and transcripts
            # would grow it all night.
            ids = self._tokenizer.encode(" " + transcript, add_special_tokens=False).ids
        return transcript, ids

    def _log_probabilities(self, encoded: np.ndarray, candidates: list[list[int]]) -> list[float]:
        """log P(tokens | audio) for each candidate, BATCH at a time (CTranslate2's `align`).

        Every call has the same size (the last padded with its last candidate) and every
        candidate is cut to MAX_TOKENS, so the allocator sees the same shapes all night: its
        memory stays flat instead of growing with each new batch size."""
        candidates = [c[:MAX_TOKENS] for c in candidates]
        batch = np.ascontiguousarray(np.repeat(encoded, BATCH, axis=0))
        view = self._ct2.StorageView.from_array(batch)
        frames = [int(MAX_SECONDS * FRAMES_PER_SECOND)] * BATCH
        floor = 1e-9
        scores: list[float] = []
        for first in range(0, len(candidates), BATCH):
            chunk = candidates[first : first + BATCH]
            wanted = len(chunk)
            chunk += [chunk[-1]] * (BATCH - wanted)
            results = self._model.align(view, self._before, chunk, frames)[:wanted]
            scores += [
                float(np.sum(np.log(np.maximum(np.asarray(r.text_token_probs), floor))))
                for r in results
            ]
        return scores

    def listen(self, audio: np.ndarray) -> Listened:
        """Encode `audio` and write Whisper's own transcript of it: the part of an opinion that
        needs neither the grammar nor the first stage's proposal."""
        self.wait_until_warm()
        encoded = self._encode(audio)
        transcript, ids = self._greedy(encoded)
        return Listened(encoded, transcript, ids)

    def opinion(self, audio: np.ndarray, grammar: Grammar, proposal: str = "") -> Opinion:
        """Whisper's transcript of `audio`, and how likely the best sentence of `grammar` is
        beside it (see `opinion_of`)."""
        return self.opinion_of(self.listen(audio), grammar, proposal)

    def opinion_of(self, listened: Listened, grammar: Grammar, proposal: str = "") -> Opinion:
        """How likely the best sentence of `grammar` is beside Whisper's own transcript.

        A transcript that is itself a sentence of the grammar (the templates match it) is taken
        as it is: its margin is 0. Otherwise the closest sentences in writing are scored, with
        `proposal`, the first stage's choice, always among them."""
        try:
            return self._opinion(listened, grammar, proposal)
        finally:
            _give_back_memory()

    def rival_lead(self, listened: Listened, sentence: str, rivals: list[str]) -> float:
        """How far the likeliest of `rivals` scores above `sentence` on what was heard (-inf
        when there are none): "I have a camp." against "I have a cramp."."""
        if not rivals:
            return -np.inf
        try:
            # Not through `_tokens`: its cache is for the grammar's sentences.
            forms = [
                self._tokenizer.encode(_written(phrase), add_special_tokens=False).ids
                for phrase in [sentence, *rivals]
            ]
            scores = self._log_probabilities(listened.encoded, forms)
            return max(scores[1:]) - scores[0]
        finally:
            _give_back_memory()

    def _opinion(self, listened: Listened, grammar: Grammar, proposal: str) -> Opinion:
        from rapidfuzz import fuzz, process

        encoded, transcript, transcript_ids = listened
        if not grammar:
            return Opinion(transcript, "", -np.inf)
        said = normalise(transcript)
        matched = grammar.match(transcript)
        if matched:
            return Opinion(transcript, matched, 0.0, {matched: 0.0})
        phrases = grammar.sentences
        ranked = [m[0] for m in process.extract(said, phrases, scorer=fuzz.ratio, limit=CANDIDATES)]
        proposed = grammar.match(proposal)
        chosen = list(dict.fromkeys(([proposed] if proposed else []) + ranked))
        chosen = chosen[:CANDIDATES] or list(phrases[:CANDIDATES])
        # Each phrase as Whisper would write it, ending the sentence: "No." scores low when
        # "No better." was said, as the full stop is unlikely after "No".
        forms = [self._tokens(_written(phrase)) for phrase in chosen]
        scores = self._log_probabilities(encoded, [*forms, transcript_ids or self._tokens(".")])
        own, spoken = scores[-1], len(said.split())
        margins = {
            phrase: score - own if spoken <= len(phrase.split()) + EXTRA_WORDS else -np.inf
            for phrase, score in zip(chosen, scores, strict=False)
        }
        best = max(margins, key=lambda phrase: margins[phrase])
        return Opinion(transcript, best, margins[best], margins)


def _written(phrase: str) -> str:
    """`phrase` as Whisper would write it, a sentence of its own: " I have a cramp."."""
    return " " + phrase[:1].upper() + phrase[1:] + "."
