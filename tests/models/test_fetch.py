"""Fetching models from a real HTTP server on loopback, with fixture archives made here.

Every step of `models fetch` but the transfer from the Vosk project's own site is exercised:
resume, checks before unpacking, refusal of escaping entries, atomic install, clear errors.
"""

from __future__ import annotations

import hashlib
import http.server
import io
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from assistant.speech.models.install import FetchError
from assistant.speech.models.manifest import ModelInfo
from assistant.speech.models.vosk_zips import fetch
from assistant.speech.vosk_engine import missing_files
from tests.commands import run_cli

MODEL_FILES = {
    "am/final.mdl": b"acoustic model" * 100,
    "conf/mfcc.conf": b"--use-energy=false\n",
    "conf/model.conf": b"--min-active=200\n",
    "graph/HCLr.fst": b"lookahead graph" * 50,
    "graph/Gr.fst": b"grammar graph" * 50,
    "README": b"fixture model\n",
}


def make_zip(top: str = "fixture-model", extra: dict[str, bytes] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in {**MODEL_FILES, **(extra or {})}.items():
            zf.writestr(name if name.startswith("../") else f"{top}/{name}", data)
    return buffer.getvalue()


def info_for(data: bytes, url: str, name: str = "fixture-model") -> ModelInfo:
    return ModelInfo(name, "en-us", url, len(data), hashlib.sha256(data).hexdigest(), True)


class Server:
    """Serves one body; honours Range; can break off after `cut` bytes of a response."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.cut: int | None = None
        self.ranges: list[str | None] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                rng = self.headers.get("Range")
                server.ranges.append(rng)
                start = int(rng.split("=")[1].rstrip("-")) if rng else 0
                payload = server.body[start:]
                self.send_response(206 if rng else 200)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if server.cut is not None:
                    payload = payload[: server.cut]
                    server.cut = None
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/model.zip"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def served():
    servers: list[Server] = []

    def start(body: bytes) -> Server:
        servers.append(Server(body))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_fetch_installs_a_checked_model(served, tmp_path: Path) -> None:
    body = make_zip()
    server = served(body)
    seen: list[int] = []
    target = fetch(info_for(body, server.url), tmp_path, progress=lambda done, _: seen.append(done))
    assert target == tmp_path / "fixture-model"
    assert (target / "am" / "final.mdl").read_bytes() == MODEL_FILES["am/final.mdl"]
    assert missing_files(tmp_path / "fixture-model") == []
    assert seen[-1] == len(body)
    assert not (tmp_path / ".downloads").exists()  # the download is cleaned up, folder too


def test_a_truncated_transfer_fails_then_resumes(served, tmp_path: Path) -> None:
    body = make_zip(extra={"big.bin": bytes(range(256)) * 400})
    server = served(body)
    server.cut = len(body) // 3
    info = info_for(body, server.url)
    with pytest.raises(FetchError, match="run the same command again to resume"):
        fetch(info, tmp_path)
    assert not (tmp_path / "fixture-model").exists()  # nothing half-installed
    part = tmp_path / ".downloads" / "fixture-model.zip.part"
    assert part.stat().st_size == len(body) // 3
    fetch(info, tmp_path)
    assert server.ranges[-1] == f"bytes={len(body) // 3}-"  # it resumed, not restarted
    assert missing_files(tmp_path / "fixture-model") == []


def test_a_wrong_checksum_installs_nothing(served, tmp_path: Path) -> None:
    body = make_zip()
    server = served(body)
    info = info_for(body, server.url)
    wrong = ModelInfo(info.name, info.language, info.url, info.size, "0" * 64, True)
    with pytest.raises(FetchError, match="does not match the manifest"):
        fetch(wrong, tmp_path)
    assert list(tmp_path.iterdir()) == []  # no empty .downloads left behind


def test_entries_escaping_the_folder_are_refused(served, tmp_path: Path) -> None:
    body = make_zip(extra={"../../evil.sh": b"rm -rf ~\n"})
    server = served(body)
    with pytest.raises(FetchError, match="would land outside the model folder"):
        fetch(info_for(body, server.url), tmp_path / "models")
    assert not (tmp_path / "evil.sh").exists()
    assert not (tmp_path / "models" / "fixture-model").exists()


def test_from_a_zip_on_disk_with_the_same_checks(tmp_path: Path) -> None:
    body = make_zip()
    archive = tmp_path / "carried-on-a-usb-stick.zip"
    archive.write_bytes(body)
    info = info_for(body, "http://127.0.0.1:9/unreachable.zip")
    target = fetch(info, tmp_path / "models", source=str(archive))
    assert (target / "conf" / "model.conf").exists()
    archive.write_bytes(body[:-10] + b"0123456789")
    with pytest.raises(FetchError, match="does not match"):
        fetch(info, tmp_path / "other", source=str(archive))


def test_a_mistyped_path_or_a_folder_gets_one_clear_line(tmp_path: Path) -> None:
    body = make_zip()
    info = info_for(body, "http://127.0.0.1:9/unreachable.zip")
    models = tmp_path / "models"
    with pytest.raises(FetchError, match="no such file .expected the zip fixture-model.zip"):
        fetch(info, models, source=str(tmp_path / "does-not-exist.zip"))
    stick = tmp_path / "usb"
    stick.mkdir()
    with pytest.raises(FetchError, match="is a folder without fixture-model.zip in it"):
        fetch(info, models, source=str(stick))
    assert not models.exists()  # nothing made for nothing
    (stick / "fixture-model.zip").write_bytes(body)  # the zip in the folder named: taken
    assert (fetch(info, models, source=str(stick)) / "am" / "final.mdl").exists()


def test_no_network_says_so(tmp_path: Path) -> None:
    info = ModelInfo("m", "en-us", "http://127.0.0.1:9/m.zip", 10, "0" * 64, True)
    with pytest.raises(FetchError, match="no network\\?.*--from PATH"):
        fetch(info, tmp_path)


def test_the_command_line_fetch_and_verify(served, tmp_path: Path) -> None:
    body = make_zip()
    server = served(body)
    manifest = tmp_path / "manifest.toml"
    info = info_for(body, server.url)
    manifest.write_text(
        f'[[model]]\nname = "{info.name}"\nlanguage = "en-us"\nurl = "{info.url}"\n'
        f'size = {info.size}\nsha256 = "{info.sha256}"\ngrammar = true\n'
    )
    config = tmp_path / "config.toml"
    config.write_text(f'[models]\ndir = "{tmp_path / "models"}"\nmanifest = "{manifest}"\n')

    def cli(*args: str) -> subprocess.CompletedProcess:
        return run_cli("--config", config, "--data-dir", tmp_path / "data", "models", *args)

    mistyped = cli("fetch", "fixture-model", "--from", str(tmp_path / "nope.zip"))
    assert mistyped.returncode == 2 and "Traceback" not in mistyped.stderr
    assert mistyped.stderr.count("\n") == 1 and "no such file" in mistyped.stderr
    done = cli("fetch", "fixture-model")
    assert done.returncode == 0, done.stderr
    assert "Installed fixture-model" in done.stdout
    listing = cli("list")
    assert "fixture-model" in listing.stdout and "installed" in listing.stdout
    # Its files are all there, but they are not a real model: verify loads it and says so.
    checked = cli("verify")
    assert checked.returncode == 1
    assert "fixture-model: damaged: Vosk cannot load this model" in checked.stdout
    again = cli("fetch", "fixture-model")
    assert again.returncode == 2 and "already installed" in again.stderr
    unknown = cli("fetch", "nope")
    assert unknown.returncode == 2 and "unknown model 'nope'" in unknown.stderr
    (tmp_path / "models" / "fixture-model" / "am" / "final.mdl").unlink()
    broken = cli("verify")
    assert broken.returncode == 1 and "missing am/final.mdl" in broken.stdout
    assert cli("remove", "fixture-model").returncode == 0
    assert not (tmp_path / "models" / "fixture-model").exists()


def test_the_shipped_manifest_names_the_small_english_model() -> None:
    from assistant.speech.models.manifest import SHIPPED_MANIFEST, load_manifest

    entry = load_manifest(SHIPPED_MANIFEST).zips["vosk-model-small-en-us-0.15"]
    assert entry.size == 41_205_931
    assert entry.sha256 == "30f26242c4eb449f948e42cb302dd7a686cb29a3423a8367f99ff41780942498"
    assert entry.grammar and entry.language == "en-us"


def test_from_a_mirror_url_with_the_same_checks(served, tmp_path: Path) -> None:
    body = make_zip()
    mirror = served(body)
    info = info_for(body, "http://127.0.0.1:9/official-site-unreachable.zip")
    target = fetch(info, tmp_path, source=mirror.url)
    assert (target / "am" / "final.mdl").exists()


def test_a_zip_that_unpacks_far_beyond_its_size_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in {**MODEL_FILES, "am/padding": bytes(20_000_000)}.items():
            zf.writestr(f"fixture-model/{name}", data)  # 20 MB of zeros: about 20 kB zipped
    body = buffer.getvalue()
    archive = tmp_path / "bomb.zip"
    archive.write_bytes(body)
    info = info_for(body, "http://127.0.0.1:9/unreachable.zip")
    with pytest.raises(FetchError, match="more than 5 times its size"):
        fetch(info, tmp_path / "models", source=str(archive))
    assert not (tmp_path / "models" / "fixture-model").exists()


def test_an_entry_whose_name_is_a_nul_byte_is_refused_in_one_line(tmp_path: Path) -> None:
    # zipfile cuts a name at its first NUL byte: "\0" is read back as a name of nothing, which
    # made unpacking fail with an IndexError (found by the fuzz tier).
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("Q", b"x")
    body = buffer.getvalue().replace(b"Q", b"\0")  # in the entry and in the directory
    archive = tmp_path / "nameless.zip"
    archive.write_bytes(body)
    info = info_for(body, "http://127.0.0.1:9/unreachable.zip")
    with pytest.raises(FetchError, match="the archive has an entry without a name"):
        fetch(info, tmp_path / "models", source=str(archive))
    assert list((tmp_path / "models").iterdir()) == []


def test_removing_an_empty_name_removes_nothing(tmp_path: Path) -> None:
    from assistant.errors import UserError
    from assistant.speech.models.vosk_zips import remove

    (tmp_path / "models" / "kept").mkdir(parents=True)
    for name in ("", " ", ".", ".."):
        with pytest.raises(UserError, match="no model"):
            remove(tmp_path / "models", name)
    assert (tmp_path / "models" / "kept").is_dir()


def test_models_list_works_after_a_plain_install(tmp_path: Path) -> None:
    """`pip install .` (not editable): the model list is package data, found beside the code."""
    import os

    from tests.commands import ROOT

    target = tmp_path / "installed"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
        + [str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert built.returncode == 0, built.stderr
    assert (target / "assistant" / "speech" / "models" / "manifest.toml").is_file()
    done = run_cli(
        "--data-dir", tmp_path / "data", "models", "list",
        timeout=120,
        cwd=tmp_path,  # not the checkout: the installed copy is the one imported
        env={**os.environ, "PYTHONPATH": str(target)},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "vosk-model-small-en-us-0.15" in done.stdout
    assert f"Models folder: {tmp_path / 'data' / 'models'}" in done.stdout
