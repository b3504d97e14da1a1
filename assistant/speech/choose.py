"""Choosing the recognizer: Vosk when an English model is installed, else PocketSphinx; and
Whisper tiny.en as a second opinion when its verified model is present."""

from __future__ import annotations

import logging
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from assistant.config.settings import Settings
from assistant.errors import UserError
from assistant.speech.recognizer import Recognizer
from assistant.speech.vosk_engine import missing_files

if TYPE_CHECKING:
    from assistant.speech.whisper_engine import WhisperJudge

log = logging.getLogger(__name__)

ENGLISH_MARKERS = ("-en-", "-en_", "en-us", "en-in", "en-gb")
WHISPER_PACKAGES = ("faster_whisper", "ctranslate2", "tokenizers")
"""What the second opinion runs on (the `whisper` extra): without them it is left out, said."""


def _is_english(folder: Path, manifest: dict[str, Any]) -> bool:
    info = manifest.get(folder.name)
    if info is not None:
        return bool(info.language.lower().startswith("en"))
    return any(m in folder.name.lower() for m in ENGLISH_MARKERS)


def find_vosk_model(settings: Settings) -> Path | None:
    """The configured Vosk model, or the first complete English one installed."""
    from assistant.speech.models.manifest import manifest_of, models_dir
    from assistant.speech.models.vosk_zips import installed

    if settings.listening.vosk_model:
        return Path(settings.listening.vosk_model).expanduser()
    try:
        manifest = manifest_of(settings).zips
    except UserError:
        manifest = {}
    for folder in dict.fromkeys([models_dir(settings), settings.data_dir / "models"]):
        for candidate in installed(folder):
            if _is_english(candidate, manifest) and not missing_files(candidate):
                return candidate
    return None


def build_recognizer(settings: Settings) -> tuple[Recognizer, str]:
    """The recognizer to use (with its second opinion where there is one) and sentences saying
    which and why."""
    recognizer, why = choose_recognizer(settings, load=True)
    assert recognizer is not None  # loading was asked for
    return recognizer, why


def choose_recognizer(settings: Settings, load: bool) -> tuple[Recognizer | None, str]:
    """As `build_recognizer`; with `load` False every file is checked (digests included) and
    the same choice explained, but no model is loaded (None instead of a recognizer)."""
    if settings.listening.engine == "whisper":
        return _whisper_alone(settings, load)
    first, why = build_first_stage(settings, load)
    choice = settings.listening.second_opinion
    if choice == "off":
        return first, f"{why} No second opinion (second_opinion = off)."
    judge, because = build_judge(settings, load)
    if judge is None and not because.startswith("model checked"):
        if choice == "whisper":
            raise UserError(f"second_opinion = whisper, but {because}")
        return first, f"{why} No second opinion: {because}."
    sentence = f"{why} Whisper tiny.en confirms what it hears ({because})."
    if first is None or judge is None:
        return None, sentence
    from assistant.speech.second_opinion import SecondOpinion

    listening = settings.listening
    wrapped = SecondOpinion(first, judge, listening.trigger_margin, listening.reply_margin)
    return wrapped, sentence


def _whisper_alone(settings: Settings, load: bool) -> tuple[Recognizer | None, str]:
    from assistant.speech.second_opinion import SecondOpinion

    judge, because = build_judge(settings, load)
    if judge is None and not because.startswith("model checked"):
        raise UserError(f"engine = whisper, but {because}")
    sentence = f"Using Whisper tiny.en alone (configured; {because})."
    if judge is None:
        return None, sentence
    listening = settings.listening
    recognizer = SecondOpinion(None, judge, listening.trigger_margin, listening.reply_margin)
    return recognizer, sentence


def build_judge(settings: Settings, load: bool = True) -> tuple[WhisperJudge | None, str]:
    """Whisper tiny.en from a folder whose every file matches its pinned digest, or None and
    why not. A folder that is present but wrong is refused with one line. With `load` False
    the files are checked and None is returned with "model checked in ..."."""
    from assistant.speech.models import plain_files
    from assistant.speech.models.manifest import whisper_entry

    info = whisper_entry(settings)
    if info is None:
        return None, "the model list has no whisper-tiny.en entry"
    folder = plain_files.locate(settings, info)
    if folder is None:
        return None, (
            "the Whisper model is not installed (`cramp-assistant models fetch whisper-tiny.en`)"
        )
    wrong = plain_files.problems(folder, info)
    if wrong:
        raise UserError(
            f"{folder}: the Whisper model does not match its pinned digests "
            f"({'; '.join(wrong)}); reinstall it with `cramp-assistant models fetch "
            "whisper-tiny.en`, or set listening.second_opinion = off"
        )
    absent = [name for name in WHISPER_PACKAGES if find_spec(name) is None]
    if absent:
        return None, f"faster-whisper is not installed ({', '.join(absent)})"
    from assistant.speech.whisper_engine import WhisperJudge

    because = f"model checked in {folder}"
    return (WhisperJudge(folder) if load else None), because


def build_first_stage(settings: Settings, load: bool = True) -> tuple[Recognizer | None, str]:
    """The first-stage recognizer and a sentence saying which and why (with `load` False, the
    same choice from the model's files, nothing loaded: None)."""
    choice = settings.listening.engine
    model = find_vosk_model(settings) if choice in ("auto", "vosk") else None
    if choice == "vosk" and model is None:
        raise UserError(
            "engine = vosk, but no Vosk model is installed: "
            "run `cramp-assistant models fetch vosk-model-small-en-us-0.15`, "
            "or set listening.vosk_model to a model folder"
        )
    why = "configured" if choice == "pocketsphinx" else "no Vosk model is installed"
    if model is not None and find_spec("vosk") is None:  # an optional package (setup installs it)
        if choice == "vosk":
            raise UserError("engine = vosk, but the vosk package is not installed")
        why, model = f"{model.name} is there, but the vosk package is not installed", None
    if model is not None:
        missing = missing_files(model)
        if missing:
            raise UserError(f"{model}: not a usable Vosk model (missing {', '.join(missing)})")
        from assistant.speech.vosk_engine import ModelNotLoadable, VoskRecognizer

        chosen = "configured" if choice == "vosk" else "an English Vosk model is installed"
        if not load:
            return None, f"Vosk with {model.name} ({chosen}; not loaded: `config check --load`)."
        try:
            return VoskRecognizer(model), f"Using Vosk with {model.name} ({chosen})."
        except ModelNotLoadable as error:
            if choice == "vosk":
                raise
            # Chosen by `auto` only: a damaged model must not keep the assistant from starting.
            log.error("%s; using PocketSphinx", error)
            why = f"the Vosk model {model.name} is damaged: Vosk cannot load it"
    from assistant.speech.pocketsphinx_engine import PocketSphinxRecognizer

    listening = settings.listening
    sentence = f"Using PocketSphinx with its built-in English model ({why})."
    if not load:
        return None, sentence
    return PocketSphinxRecognizer(listening.threshold, listening.reply_threshold), sentence
