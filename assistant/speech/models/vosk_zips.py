"""Vosk models, fetched as one zip file: fetching, checking, listing and removing them.

A fetch downloads into a `.part` file (resumed where it stopped), checks size and SHA-256 against
the model list before anything is unpacked, unpacks in a staged folder beside the target,
refuses entries that would land outside it, and moves the model into place in one rename: an
interrupted or failed fetch never leaves a half-installed model behind.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import zipfile
from pathlib import Path, PurePosixPath

from assistant.errors import UserError
from assistant.speech.models.install import (
    UNPACK_LIMIT,
    FetchError,
    Progress,
    download,
    refuse_installed,
    sha256_of,
    staged,
)
from assistant.speech.models.manifest import ModelInfo
from assistant.speech.vosk_engine import load_problem, missing_files, supports_grammar


def installed(folder: Path) -> list[Path]:
    """Model folders present in `folder` (anything not hidden)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


def fetch(
    info: ModelInfo,
    folder: Path,
    source: str | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Install `info` into `folder` from its URL, or from `source` (a zip path or a mirror URL)."""
    refuse_installed(folder, info.name)
    origin = source or info.url
    if "://" not in origin:
        archive = _local_archive(info, Path(origin).expanduser())
        _check_archive(info, archive)
        return _unpack(info, archive, folder)
    folder.mkdir(parents=True, exist_ok=True)
    downloads = folder / ".downloads"
    downloads.mkdir(exist_ok=True)
    archive = downloads / f"{info.name}.zip.part"
    try:
        download(origin, archive, info.size, progress, timeout)
        try:
            _check_archive(info, archive)
        except FetchError:
            archive.unlink(missing_ok=True)  # a wrong file is not worth resuming
            raise
        target = _unpack(info, archive, folder)
        archive.unlink(missing_ok=True)
    finally:
        with contextlib.suppress(OSError):  # kept only while a part is there to resume
            downloads.rmdir()
    return target


def _local_archive(info: ModelInfo, path: Path) -> Path:
    """The zip named by --from: the file itself, or `NAME.zip` inside a folder (a USB stick)."""
    if path.is_dir():
        inside = path / f"{info.name}.zip"
        if inside.is_file():
            return inside
        raise FetchError(f"{path} is a folder without {info.name}.zip in it; give the zip file")
    if not path.is_file():
        raise FetchError(
            f"{path}: no such file (expected the zip {info.name}.zip, "
            "downloaded elsewhere, or a mirror URL starting with https://)"
        )
    return path


def _check_archive(info: ModelInfo, archive: Path) -> None:
    size = archive.stat().st_size
    if size != info.size:
        raise FetchError(f"{archive}: {size} bytes, expected {info.size} for {info.name}")
    digest = sha256_of(archive)
    if digest != info.sha256:
        raise FetchError(
            f"{archive}: SHA-256 {digest} does not match the manifest's "
            f"{info.sha256}: not the expected {info.name} (nothing installed)"
        )


def _unpack(info: ModelInfo, archive: Path, folder: Path) -> Path:
    """The checked archive unpacked into `folder`; the installed model's folder."""
    with staged(folder, info.name) as stage:
        staging = stage.folder
        try:
            with zipfile.ZipFile(archive) as zf:
                for member in zf.infolist():
                    _refuse_bad_entry(member.filename, info.name)
                unpacked = sum(member.file_size for member in zf.infolist())
                if unpacked > UNPACK_LIMIT * info.size:
                    raise FetchError(
                        f"{archive}: would unpack to {unpacked} bytes, more than "
                        f"{UNPACK_LIMIT} times its size: refused (nothing installed)"
                    )
                zf.extractall(staging)
        except zipfile.BadZipFile:
            raise FetchError(f"{archive}: not a zip file") from None
        except OSError as err:
            if err.errno == errno.ENOSPC:
                raise FetchError(f"the disk is full while unpacking {info.name}") from None
            # An entry this disk cannot hold (a name too long, a file where a folder must be):
            # not a model archive that can be installed here.
            raise FetchError(
                f"{archive}: an entry cannot be unpacked ({err.strerror}); not a usable "
                f"{info.name} archive (nothing installed)"
            ) from None
        stage.model = _model_root(staging)
        missing = missing_files(stage.model)
        if missing:
            raise FetchError(f"{info.name}: the archive lacks {', '.join(missing)}")
    return folder / info.name


def _refuse_bad_entry(name: str, model: str) -> None:
    """FetchError for an entry that has no name (zipfile cuts a name at a NUL byte) or that
    would land outside the model folder."""
    if not name:
        raise FetchError(f"{model}: the archive has an entry without a name (nothing installed)")
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts:
        raise FetchError(f"{model}: the archive entry {name!r} would land outside the model folder")


def _model_root(staging: Path) -> Path:
    """The folder holding `am/`, `conf/`...: the archive's single top folder, or the staging one."""
    if (staging / "am").is_dir():
        return staging
    folders = [p for p in staging.iterdir() if p.is_dir()]
    return folders[0] if len(folders) == 1 else staging


# ---------------------------------------------------------------------------- checking


def verify(folder: Path) -> dict[str, list[str]]:
    """Each installed model and what is wrong with it (an empty list: complete and it loads).
    Every model is loaded by Vosk once: files can all be there and still be damaged."""
    found = {}
    for path in installed(folder):
        wrong = missing_files(path)
        if not wrong:
            problem = load_problem(path)
            wrong = [problem] if problem else []
        found[path.name] = wrong
    return found


def remove(folder: Path, name: str) -> Path:
    """Delete an installed model."""
    target = folder / name
    if not name.strip() or "/" in name or name.startswith(".") or not target.is_dir():
        raise UserError(f"no model {name!r} installed in {folder}")
    shutil.rmtree(target)
    return target


def describe(path: Path, problems: list[str] | None = None) -> str:
    """One line about an installed model folder (`problems`: what `verify` found)."""
    grammar = "runtime grammars" if supports_grammar(path) else "free decoding only"
    missing = missing_files(path)
    if missing:
        state = f"incomplete (missing {', '.join(missing)})"
    elif problems:
        state = f"damaged: {'; '.join(problems)}"
    else:
        state = "complete" + (", loads" if problems is not None else "")
    return f"{path.name}: {state}, {grammar}"
