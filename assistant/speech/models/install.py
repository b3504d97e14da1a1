"""What every model install shares: a download that resumes, the SHA-256 of a file, and a staged
install (built in a hidden folder beside its place, moved there in one rename, so a fetch that
fails or is interrupted never leaves a half-installed model behind)."""

from __future__ import annotations

import contextlib
import errno
import hashlib
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import UserError

CHUNK = 1 << 16
UNPACK_LIMIT = 5
"""A model may unpack to at most this many times its download (a zip bomb fills no disk)."""

Progress = Callable[[int, int], None]
"""Called with (bytes so far, bytes in all)."""


class FetchError(UserError):
    """A fetch that failed; the message says what went wrong and what is left."""


def sha256_of(path: Path) -> str:
    """The file's SHA-256, read a chunk at a time."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass
class Stage:
    """A model being built: `folder` to build in; `model`, the folder that becomes the model
    (`folder` itself unless the build says otherwise, e.g. an archive's single top folder)."""

    folder: Path
    model: Path


def refuse_installed(folder: Path, name: str) -> None:
    """FetchError when model `name` is already in `folder` (nothing is overwritten)."""
    if (folder / name).exists():
        raise FetchError(f"{name} is already installed in {folder} (remove it first)")


@contextlib.contextmanager
def staged(folder: Path, name: str) -> Iterator[Stage]:
    """Build model `name` for `folder`: moved into `folder/name` in one rename when the block
    ends without error; nothing is left behind when it raises."""
    refuse_installed(folder, name)
    target = folder / name
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=folder) as tmp:
        building = Path(tmp) / name
        building.mkdir()
        stage = Stage(building, building)
        yield stage
        stage.model.rename(target)  # same file system: one atomic step


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
