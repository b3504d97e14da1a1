"""Vosk: the most accurate engine, from a model folder fetched once (never `Model(lang=...)`).

Models with lookahead graphs (most small ones) take a runtime grammar: the phrases expected now
plus `[unk]`, which catches everything else. Big models ignore grammars; there the engine decodes
freely and the assistant matches the text against the phrases.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from assistant.dialogue.grammar import Grammar
from assistant.errors import UserError
from assistant.modes import Mode
from assistant.speech.recognizer import Hypothesis

log = logging.getLogger(__name__)

REQUIRED_FILES = ("am/final.mdl", "conf/mfcc.conf", "conf/model.conf")


def supports_grammar(model_dir: Path) -> bool:
    """Vosk builds runtime grammars only for models that ship lookahead graphs (HCLr + Gr)."""
    graph = model_dir / "graph"
    return (graph / "HCLr.fst").exists() and (graph / "Gr.fst").exists()


def missing_files(model_dir: Path) -> list[str]:
    """Files Vosk needs that the folder lacks (empty: it looks like a usable model)."""
    missing = [f for f in REQUIRED_FILES if not (model_dir / f).exists()]
    graph = model_dir / "graph"
    if not (graph / "HCLG.fst").exists() and not supports_grammar(model_dir):
        missing.append("graph/HCLG.fst (or graph/HCLr.fst with graph/Gr.fst)")
    return missing


class ModelNotLoadable(UserError):
    """A model folder whose files are all there but that Vosk cannot load (damaged files)."""

    def __init__(self, model_dir: Path, error: Exception) -> None:
        self.reason = f"Vosk cannot load this model ({error})"
        super().__init__(f"{model_dir}: {self.reason}")


def load_problem(model_dir: Path) -> str | None:
    """Why Vosk cannot load `model_dir`, or None when it loads (it is loaded, then let go)."""
    try:
        VoskRecognizer(model_dir)
    except ModelNotLoadable as error:
        return error.reason
    return None


class VoskRecognizer:
    """A Vosk model, restricted to the expected phrases where the model allows it."""

    name = "vosk"

    def __init__(
        self, model_dir: Path, min_confidence: float = 0.5, use_grammar: bool | None = None
    ) -> None:
        """Load `model_dir`; `use_grammar=False` decodes freely even where grammars work."""
        import vosk

        vosk.SetLogLevel(-1)
        self.model_dir = model_dir
        self.grammar = supports_grammar(model_dir) if use_grammar is None else use_grammar
        self.min_confidence = min_confidence
        try:
            self._model = vosk.Model(str(model_dir))
        except Exception as error:  # vosk raises a bare Exception("Failed to create a model")
            raise ModelNotLoadable(model_dir, error) from None
        self._vosk = vosk
        self._phrases: list[str] = []
        self._recognizer = self._new_recognizer()
        if not self.grammar:
            log.info("%s has no runtime grammar support: decoding freely", model_dir.name)

    def _new_recognizer(self) -> Any:
        if self.grammar and self._phrases:
            extra = ["[unk]"] if self._model.vosk_model_find_word("[unk]") >= 0 else []
            grammar = json.dumps([*self._phrases, *extra], ensure_ascii=False)
            rec = self._vosk.KaldiRecognizer(self._model, 16000, grammar)
        else:
            rec = self._vosk.KaldiRecognizer(self._model, 16000)
        rec.SetWords(True)
        return rec

    def expect(self, grammar: Grammar, mode: Mode = "reply") -> None:
        phrases = sorted(self._known(grammar.sentences))
        if phrases == self._phrases:
            return
        self._phrases = phrases
        if self.grammar:
            # SetGrammar mid-utterance kills the process (uncaught Kaldi error): we are between
            # utterances here, and a fresh recognizer makes that certain.
            self._recognizer = self._new_recognizer()

    def _known(self, sentences: tuple[str, ...]) -> list[str]:
        """Vosk silently drops grammar words it does not know: leave such sentences out, and
        say so once."""
        if not self.grammar:
            return list(sentences)
        words = {w for s in sentences for w in s.split()}
        missing = {w for w in words if self._model.vosk_model_find_word(w) < 0}
        if missing:
            log.warning(
                "%s does not know %s: sentences with them left out",
                self.model_dir.name,
                sorted(missing)[:20],
            )
        return [s for s in sentences if not missing & set(s.split())]

    def begin(self) -> None:
        # Reset() alone lets an abandoned utterance's words surface in the next result (seen
        # with vosk 0.3.45): finalising first discards them.
        self._recognizer.FinalResult()
        self._recognizer.Reset()

    def feed(self, samples: np.ndarray) -> None:
        self._recognizer.AcceptWaveform(samples.astype(np.int16).tobytes())

    def partial(self) -> str:
        """The partial text of the utterance so far."""
        return str(json.loads(self._recognizer.PartialResult()).get("partial", ""))

    def end(self) -> Hypothesis:
        result = json.loads(self._recognizer.FinalResult())
        text = result.get("text", "").strip()
        words = result.get("result", [])
        score = float(np.mean([w.get("conf", 0.0) for w in words])) if words else 0.0
        if not text or "[unk]" in text or score < self.min_confidence:
            return Hypothesis("", score, text)
        # A grammar is soft in Vosk (words of two sentences can be recombined): the dialogue
        # matches the text against the templates, close misspellings included.
        return Hypothesis(text, score, text)
