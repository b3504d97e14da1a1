"""Vosk models: the manifest, and fetching, checking, listing and removing installed models.

A fetch downloads into a `.part` file (resumed where it stopped), checks size and SHA-256 against
the manifest before anything is unpacked, unpacks into a temporary folder beside the target,
refuses entries that would land outside it, and moves the model into place in one rename: an
interrupted or failed fetch never leaves a half-installed model behind.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from assistant.config.settings import Settings
from assistant.errors import ConfigError, UserError, read_toml
from assistant.speech.vosk_engine import load_problem, missing_files, supports_grammar

CHUNK = 1 << 16
UNPACK_LIMIT = 5
"""A model zip may unpack to at most this many times its own size (a zip bomb fills no disk)."""
CHECKOUT_MODELS = Path(__file__).resolve().parents[2] / "models"
"""Where models are unpacked when the assistant runs from a git checkout."""
SHIPPED_MANIFEST = Path(__file__).resolve().parent / "manifest.toml"
"""The model list that comes with the package (package data, so a plain `pip install .` has it)."""


class FetchError(UserError):
    """A fetch that failed; the message says what went wrong and what is left."""


@dataclass(frozen=True)
class ModelInfo:
    """One entry of the manifest."""

    name: str
    language: str
    url: str
    size: int
    """Bytes of the zip file."""
    sha256: str
    grammar: bool
    """Whether the model takes runtime grammars."""
    memory_mb: int = 0


def _in_checkout() -> bool:
    return (CHECKOUT_MODELS.parent / "pyproject.toml").exists()


def models_dir(settings: Settings) -> Path:
    """Where models are installed: settings, else the checkout's `models/`, else the data folder."""
    if settings.models.dir:
        return Path(settings.models.dir).expanduser()
    if _in_checkout():
        return CHECKOUT_MODELS
    return settings.data_dir / "models"


def manifest_path(settings: Settings) -> Path:
    """The model list in use."""
    if settings.models.manifest:
        return Path(settings.models.manifest).expanduser()
    return SHIPPED_MANIFEST


def load_manifest(path: Path) -> dict[str, ModelInfo]:
    """Manifest entries by name, each field checked."""
    return parse_manifest(read_toml(path, "model manifest"), str(path))


def parse_manifest(data: dict[str, Any], where: str) -> dict[str, ModelInfo]:
    """The entries of a parsed manifest by name, each field checked (ConfigError naming it)."""
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


def installed(folder: Path) -> list[Path]:
    """Model folders present in `folder` (anything not hidden)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))


# ---------------------------------------------------------------------------- fetching

Progress = Callable[[int, int], None]
"""Called with (bytes so far, bytes in all)."""


def fetch(
    info: ModelInfo,
    folder: Path,
    source: str | None = None,
    progress: Progress | None = None,
    timeout: float = 30.0,
) -> Path:
    """Install `info` into `folder` from its URL, or from `source` (a zip path or a mirror URL)."""
    target = folder / info.name
    if target.exists():
        raise FetchError(f"{info.name} is already installed in {folder} (remove it first)")
    origin = source or info.url
    if "://" not in origin:
        archive = _local_archive(info, Path(origin).expanduser())
        folder.mkdir(parents=True, exist_ok=True)
        _check_archive(info, archive)
        _unpack(info, archive, folder, target)
        return target
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
        _unpack(info, archive, folder, target)
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


def download(
    url: str,
    part: Path,
    size: int,
    progress: Progress | None,
    timeout: float,
    offline_hint: str = "Download the zip elsewhere and use --from PATH",
) -> None:
    """Download `url` into `part`, resuming what is there; one clear error on failure."""
    have = part.stat().st_size if part.exists() else 0
    if have > size:
        part.unlink()
        have = 0
    if have == size:
        return
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            if have and response.status != 206:
                have = 0  # the server ignored the range: start again
            with part.open("ab" if have else "wb") as out:
                done = have
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    done += len(chunk)
                    if progress:
                        progress(done, size)
    except urllib.error.HTTPError as err:
        raise FetchError(f"{url}: the server answered {err.code} {err.reason}") from None
    except urllib.error.URLError as err:
        raise FetchError(
            f"could not download {url} ({err.reason}): no network? {offline_hint}"
        ) from None
    except (TimeoutError, ConnectionError) as err:
        raise FetchError(
            f"the download from {url} broke off ({err}); run the same command again to resume"
        ) from None
    except OSError as err:
        if err.errno == errno.ENOSPC:
            raise FetchError(f"the disk is full while writing {part}; free some space") from None
        raise FetchError(f"could not write {part}: {err.strerror}") from None
    got = part.stat().st_size
    if got < size:
        raise FetchError(
            f"the download from {url} stopped at {got} of {size} bytes; "
            "run the same command again to resume"
        )


def _check_archive(info: ModelInfo, archive: Path) -> None:
    size = archive.stat().st_size
    if size != info.size:
        raise FetchError(f"{archive}: {size} bytes, expected {info.size} for {info.name}")
    digest = hashlib.sha256()
    with archive.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    if digest.hexdigest() != info.sha256:
        raise FetchError(
            f"{archive}: SHA-256 {digest.hexdigest()} does not match the manifest's "
            f"{info.sha256}: not the expected {info.name} (nothing installed)"
        )


def _unpack(info: ModelInfo, archive: Path, folder: Path, target: Path) -> None:
    with tempfile.TemporaryDirectory(prefix=".unpack-", dir=folder) as tmp:
        staging = Path(tmp)
        try:
            with zipfile.ZipFile(archive) as zf:
                for member in zf.infolist():
                    _refuse_escape(member.filename, info.name)
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
        root = _model_root(staging)
        missing = missing_files(root)
        if missing:
            raise FetchError(f"{info.name}: the archive lacks {', '.join(missing)}")
        root.rename(target)  # same file system: one atomic step


def _refuse_escape(name: str, model: str) -> None:
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
