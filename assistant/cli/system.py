"""`setup`, `devices` and `service`: the machine the assistant runs on."""

from __future__ import annotations

import argparse
import sys

from assistant.config.settings import Settings, default_config_path
from assistant.errors import UserError


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`setup`, `devices` and `service install|status|uninstall`."""
    setup = commands.add_parser(
        "setup", help="first run: devices, a microphone check, volume, emergency number"
    )
    setup.set_defaults(handler=_setup, config_optional=True)

    devices = commands.add_parser("devices", help="list the audio devices")
    devices.set_defaults(handler=_devices)

    service = commands.add_parser("service", help="run at every start as a systemd user service")
    service_commands = service.add_subparsers(
        dest="service_command", metavar="ACTION", required=True
    )
    install = service_commands.add_parser("install", help="write, enable and start the unit")
    install.add_argument("--no-enable", action="store_true", help="only write the unit file")
    install.set_defaults(handler=_service_install)
    service_commands.add_parser("status", help="what systemd says").set_defaults(
        handler=_service_status
    )
    service_commands.add_parser("uninstall", help="stop and remove the unit").set_defaults(
        handler=_service_uninstall
    )


def _setup(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.cli.setup_wizard import Setup

    if sys.stdin is None or sys.stdin.closed:  # started with stdin closed (`<&-`)
        raise UserError("setup needs answers typed in (stdin is closed); nothing was written")
    try:
        Setup(settings, args.config or default_config_path()).run()
    except (EOFError, RuntimeError) as err:  # RuntimeError: input() lost sys.stdin
        if isinstance(err, RuntimeError) and "stdin" not in str(err):
            raise
        raise UserError("setup needs answers typed in; nothing was written") from None
    return 0


def _devices(args: argparse.Namespace, settings: Settings) -> int:
    import sounddevice as sd

    devices = sd.query_devices()
    if len(devices) == 0:
        print("No audio devices found (no sound card, or PortAudio sees none).")
        return 0
    print(devices)
    return 0


def _service_install(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.system import service

    extra = []
    if args.config:
        extra += ["--config", str(args.config.resolve())]
    if args.data_dir:
        extra += ["--data-dir", str(args.data_dir.resolve())]
    path, what = service.install(extra, enable=not args.no_enable)
    print(f"{path}: {what}. Logs: journalctl --user -u {service.UNIT_NAME}")
    return 0


def _service_status(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.system import service

    text, well = service.status()
    print(text)
    return 0 if well else 1


def _service_uninstall(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.system import service

    print(f"Removed {service.uninstall()}")
    return 0
