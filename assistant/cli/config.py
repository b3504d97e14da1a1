"""`config path|show|check|init`: the settings file, where it is, what it says, is it right."""

from __future__ import annotations

import argparse

from assistant.config.settings import Settings, default_config_path
from assistant.errors import UserError


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`config` and its actions."""
    config = commands.add_parser("config", help="the settings file: where, what, is it right")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_commands.add_parser("path", help="where the settings file is").set_defaults(
        handler=_config_path, config_optional=True
    )
    config_commands.add_parser(
        "show", help="every setting in use, with its meaning and default"
    ).set_defaults(handler=_config_show)
    check = config_commands.add_parser(
        "check", help="check the settings, the routine they name and the models' files"
    )
    check.add_argument(
        "--load", action="store_true", help="also load the speech models (a few seconds)"
    )
    check.set_defaults(handler=_config_check)
    config_commands.add_parser(
        "init", help="write a settings file with every key documented"
    ).set_defaults(handler=_config_init, config_optional=True)


def _config_path(args: argparse.Namespace, settings: Settings) -> int:
    path = args.config or default_config_path()
    state = "exists" if path.exists() else "not there: defaults in use; `config init` writes it"
    print(f"{path} ({state})")
    return 0


def _config_show(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.config.document import document

    print(document(settings), end="")
    return 0


def _config_check(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.dialogue.routine_file import routine_of
    from assistant.night.wiring import check_voice
    from assistant.speech.choose import choose_recognizer

    path = args.config or default_config_path()
    routine = routine_of(settings)
    check_voice(settings)
    # What `run` would load, chosen the same way; files and digests are always checked.
    _, engines = choose_recognizer(settings, load=args.load)
    if settings.audio.input_device:  # a configured microphone `run` could not open
        from assistant.audio.sources import check_input_device
        from assistant.cli.common import device

        check_input_device(device(settings.audio.input_device))
    where = str(path) if path.exists() else f"defaults ({path} does not exist)"
    print(f"Settings OK: {where}. Routine OK: {routine.name}, {len(routine.steps)} steps.")
    print(engines)
    from assistant.cli.common import synthesizer_of

    voice = synthesizer_of(settings).describe()
    print(f"{voice[0].upper()}{voice[1:]}.")
    return 0


def _config_init(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.config.document import write_new

    path = args.config or default_config_path()
    if path.exists():
        raise UserError(f"{path} already exists; edit it, or remove it first")
    # The defaults, whatever another settings file says (only the data folder is kept).
    write_new(path, Settings(data_dir=settings.data_dir))
    print(f"Wrote {path}: every setting, with its meaning and default.")
    return 0
