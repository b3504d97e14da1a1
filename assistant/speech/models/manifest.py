"""The model list (manifest.toml, or the one the settings name): every model the assistant can
fetch, with what it must be. Read in one place, each field checked.

- `[[model]]`: a Vosk model, one zip file (its size and SHA-256).
- `[[files]]`: a model made of plain files (Whisper tiny.en), each file's size and SHA-256, and
  the Python package that may carry them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.config.settings import Settings
from assistant.errors import ConfigError, read_toml

CHECKOUT_MODELS = Path(__file__).resolve().parents[3] / "models"
"""Where models are unpacked when the assistant runs from a git checkout."""
SHIPPED_MANIFEST = Path(__file__).resolve().parent / "manifest.toml"
"""The model list that comes with the package (package data, so a plain `pip install .` has it)."""
WHISPER = "whisper-tiny.en"


@dataclass(frozen=True)
class ModelInfo:
    """A `[[model]]` entry: a model fetched as one zip file."""

    name: str
    language: str
    url: str
    size: int
    """Bytes of the zip file."""
    sha256: str
    grammar: bool
    """Whether the model takes runtime grammars."""
    memory_mb: int = 0


@dataclass(frozen=True)
class PinnedFile:
    """One file of a model, as it must be."""

    path: str
    size: int
    """Bytes."""
    sha256: str


@dataclass(frozen=True)
class FilesModel:
    """A `[[files]]` entry: a model made of plain files."""

    name: str
    language: str
    url: str
    """Base address; each file is `url/path`."""
    files: tuple[PinnedFile, ...]
    package: str = ""
    """`module/folder` of a Python package that carries the files, if any."""
    memory_mb: int = 0

    @property
    def size(self) -> int:
        """Bytes in all."""
        return sum(f.size for f in self.files)


@dataclass(frozen=True)
class Manifest:
    """Every model of a model list, by name."""

    zips: dict[str, ModelInfo]
    files: dict[str, FilesModel]

    def get(self, name: str) -> ModelInfo | FilesModel | None:
        """The model called `name`, of either kind."""
        return self.zips.get(name) or self.files.get(name)

    def names(self) -> list[str]:
        """Every model's name."""
        return [*self.zips, *self.files]


def models_dir(settings: Settings) -> Path:
    """Where models are installed: settings, else the checkout's `models/`, else the data folder."""
    if settings.models.dir:
        return Path(settings.models.dir).expanduser()
    if (CHECKOUT_MODELS.parent / "pyproject.toml").exists():
        return CHECKOUT_MODELS
    return settings.data_dir / "models"


def manifest_path(settings: Settings) -> Path:
    """The model list in use."""
    if settings.models.manifest:
        return Path(settings.models.manifest).expanduser()
    return SHIPPED_MANIFEST


def load_manifest(path: Path) -> Manifest:
    """The model list at `path`, each field checked (ConfigError naming the file and key)."""
    return parse_manifest(read_toml(path, "model manifest"), str(path))


def manifest_of(settings: Settings) -> Manifest:
    """The model list the settings name."""
    return load_manifest(manifest_path(settings))


def whisper_entry(settings: Settings) -> FilesModel | None:
    """The Whisper entry of the model list in use, or None when it has none."""
    return manifest_of(settings).files.get(WHISPER)


def parse_manifest(data: dict[str, Any], where: str) -> Manifest:
    """The entries of a parsed model list, each field checked (ConfigError naming it)."""
    return Manifest(_zip_models(data, where), _file_models(data, where))


def _zip_models(data: dict[str, Any], where: str) -> dict[str, ModelInfo]:
    entries: dict[str, ModelInfo] = {}
    models = data.get("model", [])
    if not isinstance(models, list):
        raise ConfigError(where, "model", "a list of [[model]] tables")
    for i, raw in enumerate(models, 1):
        key = f"model[{i}]"
        try:
            info = ModelInfo(
                name=str(raw["name"]),
                language=str(raw["language"]),
                url=str(raw["url"]),
                size=int(raw["size"]),
                sha256=str(raw["sha256"]).lower(),
                grammar=bool(raw["grammar"]),
                memory_mb=int(raw.get("memory_mb", 0)),
            )
        except (KeyError, TypeError, ValueError, OverflowError) as err:
            raise ConfigError(
                where, key, f"name, language, url, size, sha256 and grammar ({err})"
            ) from None
        if len(info.sha256) != 64 or "/" in info.name or info.name.startswith("."):
            raise ConfigError(where, key, "a 64-digit SHA-256 and a plain folder name")
        entries[info.name] = info
    return entries


def _file_models(data: dict[str, Any], where: str) -> dict[str, FilesModel]:
    entries: dict[str, FilesModel] = {}
    models = data.get("files", [])
    if not isinstance(models, list):
        raise ConfigError(where, "files", "a list of [[files]] tables")
    for i, raw in enumerate(models, 1):
        key = f"files[{i}]"
        try:
            pinned = tuple(
                PinnedFile(str(f["path"]), int(f["size"]), str(f["sha256"]).lower())
                for f in raw["file"]
            )
            info = FilesModel(
                name=str(raw["name"]),
                language=str(raw["language"]),
                url=str(raw["url"]).rstrip("/"),
                files=pinned,
                package=str(raw.get("package", "")),
                memory_mb=int(raw.get("memory_mb", 0)),
            )
        except (KeyError, TypeError, ValueError, OverflowError) as err:
            raise ConfigError(
                where, key, f"name, language, url and file = [{{path, size, sha256}}] ({err})"
            ) from None
        bad = [f.path for f in pinned if len(f.sha256) != 64 or "/" in f.path]
        if bad or not pinned or "/" in info.name or info.name.startswith("."):
            raise ConfigError(where, key, "plain file names, each with a 64-digit SHA-256")
        entries[info.name] = info
    return entries
