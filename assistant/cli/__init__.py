"""The command line: builds settings once, then runs one command.

Each group of commands is a module here (night, diary, config, models, system) with its own
`add_commands`; heavy imports (audio, engines) stay inside the handlers that need them, so
`diary` or `config path` start fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path

from assistant.cli import config, diary, models, night, system
from assistant.config.settings import Settings, default_config_path, load_settings
from assistant.errors import UserError

log = logging.getLogger("assistant")


def main(argv: list[str] | None = None) -> int:
    """Entry point of `cramp-assistant` and `python -m assistant`."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    if not args.command:
        parser.print_help()
        return 2
    os.umask(0o077)  # every file the assistant writes (diary, caches, reports) is the user's alone
    # systemd stops the service with SIGTERM: end as on Ctrl-C, so that the diary is closed and a
    # speech worker being waited for is killed, not left running on its own.
    signal.signal(signal.SIGTERM, _stop)
    # Started from a shell's background job, SIGINT arrives ignored: Ctrl-C (or `kill -INT`)
    # must still end it as it does in the foreground.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        config = args.config
        if getattr(args, "config_optional", False) and config and not config.exists():
            config = None  # `config path` and `config init` work before the file exists
        settings = load_settings(config, args.data_dir)
        refuse_writing_over_state(args, settings)
        # Diary, caches and settings are the user's alone.
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return int(args.handler(args, settings))
    except UserError as err:
        print(f"cramp-assistant: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: nothing more to say
        # Python's own advice: point stdout at /dev/null so the exit flush cannot fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as err:
        # A folder or file the person named that cannot be made, read or written.
        log.debug("file error", exc_info=True)
        where = f"{err.filename}: " if err.filename else ""
        print(f"cramp-assistant: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Stopped:
        return 143  # 128 + SIGTERM, as systemd expects


OUTPUTS = {"events": "--events", "output": "--output", "record_dir": "--record-dir", "out": "--out"}
"""The arguments that name a file or folder the command writes."""


def refuse_writing_over_state(args: argparse.Namespace, settings: Settings) -> None:
    """An output the person named must not be the diary, the settings, the preferences or the
    lock, however it is spelt (a link, `..`): `--events diary.sqlite3` once emptied a diary."""
    from assistant.system.instance import LOCK_NAME

    diary = settings.diary_path
    kept = {
        diary: "the diary",
        diary.with_name(diary.name + "-wal"): "the diary's journal",
        diary.with_name(diary.name + "-journal"): "the diary's journal",
        settings.preferences_path: "the preferences",
        settings.data_dir / LOCK_NAME: "the lock of the data folder",
        args.config or default_config_path(): "the settings file",
    }
    kept_resolved = {path.expanduser().resolve(): what for path, what in kept.items()}
    for attribute, option in OUTPUTS.items():
        value = getattr(args, attribute, None)
        if not isinstance(value, Path):
            continue
        what = kept_resolved.get(value.expanduser().resolve())
        if what is not None:
            raise UserError(
                f"{option} {value}: that is {what}, which it would overwrite; name another file"
            )


class Stopped(BaseException):
    """SIGTERM arrived: unwinds like KeyboardInterrupt, past handlers of ordinary errors."""


def _stop(signum: int, frame: object) -> None:
    raise Stopped


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cramp-assistant",
        description="An offline bedside voice assistant for night leg cramps.",
    )
    parser.add_argument("--config", type=Path, help="settings file (TOML)")
    parser.add_argument("--data-dir", type=Path, help="where the diary and preferences live")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    for group in (night, diary, system, config, models):
        group.add_commands(commands)
    return parser
