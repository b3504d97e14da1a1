"""Choosing the recognizer: Vosk when an English model is installed, else PocketSphinx."""

from __future__ import annotations

from pathlib import Path

from assistant.errors import UserError
from assistant.settings import Settings
from assistant.speech.recognizer import Recognizer
from assistant.speech.vosk_engine import missing_files

ENGLISH_MARKERS = ("-en-", "-en_", "en-us", "en-in", "en-gb")


def _is_english(folder: Path, manifest: dict) -> bool:
    info = manifest.get(folder.name)
    if info is not None:
        return info.language.lower().startswith("en")
    return any(m in folder.name.lower() for m in ENGLISH_MARKERS)


def find_vosk_model(settings: Settings) -> Path | None:
    """The configured Vosk model, or the first complete English one installed."""
    from assistant import models

    if settings.listening.vosk_model:
        return Path(settings.listening.vosk_model).expanduser()
    try:
        manifest = models.load_manifest(models.manifest_path(settings))
    except UserError:
        manifest = {}
    for folder in dict.fromkeys([models.models_dir(settings), settings.data_dir / "models"]):
        for candidate in models.installed(folder):
            if _is_english(candidate, manifest) and not missing_files(candidate):
                return candidate
    return None


def build_recognizer(settings: Settings) -> tuple[Recognizer, str]:
    """The recognizer to use and a sentence saying which and why."""
    choice = settings.listening.engine
    model = find_vosk_model(settings) if choice in ("auto", "vosk") else None
    if choice == "vosk" and model is None:
        raise UserError(
            "engine = vosk, but no Vosk model is installed: "
            "run `cramp-assistant models fetch vosk-model-small-en-us-0.15`, "
            "or set listening.vosk_model to a model folder"
        )
    if model is not None:
        missing = missing_files(model)
        if missing:
            raise UserError(f"{model}: not a usable Vosk model (missing {', '.join(missing)})")
        from assistant.speech.vosk_engine import VoskRecognizer

        why = "configured" if choice == "vosk" else "an English Vosk model is installed"
        return VoskRecognizer(model), f"Using Vosk with {model.name} ({why})."
    from assistant.speech.pocketsphinx_engine import PocketSphinxRecognizer

    why = "configured" if choice == "pocketsphinx" else "no Vosk model is installed"
    listening = settings.listening
    recognizer = PocketSphinxRecognizer(listening.threshold, listening.reply_threshold)
    return recognizer, f"Using PocketSphinx with its built-in English model ({why})."
