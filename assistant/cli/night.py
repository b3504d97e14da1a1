"""Commands that run a night: `run` (microphone or file), `simulate`, `demo`, and `say`."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from assistant.cli.common import date_time, device, synthesizer_of, tell
from assistant.config.settings import Settings
from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.audio.sinks import AudioSink
    from assistant.audio.sources import AudioSource


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`run`, `simulate`, `demo` and `say`."""
    run = commands.add_parser("run", help="listen for a trigger and guide through the routine")
    run.add_argument("--input", type=Path, help="a WAV file to use as the microphone")
    run.add_argument(
        "--diary", action="store_true", help="with --input: keep its episodes in the diary"
    )
    run.add_argument("--output", type=Path, help="write the assistant's speech to this WAV file")
    run.add_argument("--realtime", action="store_true", help="pace --input at real speed")
    run.add_argument(
        "--repeatable",
        action="store_true",
        help="with --input: hear the file the same way every run (the work is not put on the "
        "clock but logged with each answer, as `work`)",
    )
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
    sim.add_argument("--start", type=date_time, help="the night's start (e.g. 2026-11-18T03:00)")
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


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.audio.keep import UtteranceKeeper
    from assistant.audio.sinks import NullSink, WavSink, open_speaker
    from assistant.audio.sources import MicrophoneSource, WavSource, check_input_device
    from assistant.night.wiring import run_night

    if args.repeatable and (not args.input or args.realtime):
        raise UserError(
            "--repeatable is for a file read as fast as it goes: give --input, not --realtime"
        )
    chosen = device(args.device or settings.audio.input_device)
    source: AudioSource
    if args.input:
        source = WavSource(args.input, realtime=args.realtime)
    else:
        check_input_device(chosen)
        source = MicrophoneSource(chosen)
    if args.output:
        sink: AudioSink = WavSink(args.output)
    elif args.input:
        sink = NullSink()
    else:
        sink = open_speaker(
            device(args.output_device or settings.audio.output_device), keep_trying=True
        )
    where = f"file {args.input}" if args.input else getattr(source, "device_name", "microphone")
    now = recording_start(args.input) if args.input else datetime.now()
    keeper = UtteranceKeeper(args.record_dir, now) if args.record_dir else None
    message = f"Listening on {where}."
    # A file is not tonight: its episodes reach the diary only when asked (or --data-dir).
    mine = not args.input or args.diary or args.data_dir
    diary = settings.diary_path if mine else None
    source_kind = "file" if args.input else "voice"
    return run_night(
        settings, source, sink, args.events, message, now, keeper=keeper, diary=diary,
        kind=source_kind, replay=args.repeatable,
    )  # fmt: skip


def _simulate(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.audio.sinks import NullSink, WavSink

    sink = WavSink(args.output) if args.output else NullSink()
    return _scenario_night(
        settings, args.scenario, sink, args.realtime, args.events,
        message=f"Simulating {args.scenario}.",
        origin=args.start or datetime.now(),
        diary=settings.diary_path if args.diary or args.data_dir else None,
    )  # fmt: skip


def _scenario_night(
    settings: Settings,
    path: Path,
    sink: AudioSink,
    realtime: bool,
    events: Path | None,
    message: str,
    origin: datetime,
    diary: Path | None,
) -> int:
    """A scenario played through a night, the assistant's voice going to `sink` in the
    scenario's room; 1 when a turn was never played, else what the night returned."""
    from assistant.night.wiring import run_night
    from assistant.simulation.room import RoomSink, ScenarioSource
    from assistant.simulation.scenario import load_scenario

    source = ScenarioSource(load_scenario(path), settings.person_cache, realtime=realtime)
    code = run_night(
        settings, source, RoomSink(sink, source), events, message, origin, replay=True,
        diary=diary, kind="simulated",
    )  # fmt: skip
    return _every_turn_played(path, source.unplayed) or code


def recording_start(path: Path) -> datetime:
    """When a recording began: its file was last written when it ended, so its time minus its
    length (its episodes are dated when they were said, never in the future). Now, when the
    file cannot tell."""
    import soundfile

    try:
        seconds = soundfile.info(str(path)).duration
        ended = datetime.fromtimestamp(path.stat().st_mtime)
    except (OSError, RuntimeError, ValueError):
        return datetime.now()
    return min(ended, datetime.now()) - timedelta(seconds=seconds)


def _every_turn_played(scenario: Path, unplayed: list[str]) -> int:
    """0 when every turn of the scenario was played; else say which were not, and why: 1."""
    if not unplayed:
        return 0
    print(
        f"cramp-assistant: {scenario}: the night ended before {unplayed[0]} could be played "
        f"(the assistant never listened for it at that point){'; nor ' if unplayed[1:] else ''}"
        + ", ".join(unplayed[1:]),
        file=sys.stderr,
    )
    return 1


def _demo(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.audio.sinks import NullSink, SpeakerSink
    from assistant.audio.sources import portaudio_words

    path = Path(str(resources.files("assistant") / "scenarios" / "demo.toml"))
    sink: AudioSink = NullSink()
    why = ""
    if not args.fast:
        import sounddevice as sd

        try:
            sink = SpeakerSink(device(settings.audio.output_device))
        except (ValueError, sd.PortAudioError) as err:
            why = f" ({portaudio_words(err)})"
    realtime = not isinstance(sink, NullSink)  # played aloud: at the pace it is heard
    if not realtime:  # one line, whatever the reason
        tell(f"No speaker in use{why}: the sample night is printed, not played.")
    return _scenario_night(
        settings, path, sink, realtime, args.events,
        message="A sample night (demo).",
        origin=datetime.now(),
        diary=settings.diary_path if args.data_dir else None,  # never the person's own
    )  # fmt: skip


def _say(args: argparse.Namespace, settings: Settings) -> int:
    if not args.text.strip():
        raise UserError('nothing to say: give a line, e.g. cramp-assistant say "Testing."')
    from assistant.audio.sinks import SpeakerSink, WavSink
    from assistant.speech.synthesizer import SpeechUnavailable

    try:
        speech = synthesizer_of(settings).speech(args.text)
    except SpeechUnavailable:
        raise UserError("could not render speech: is espeak-ng installed? (see -v)") from None
    if args.output:
        sink: AudioSink = WavSink(args.output)
    else:
        import sounddevice as sd

        try:
            sink = SpeakerSink(device(args.output_device or settings.audio.output_device))
        except (ValueError, sd.PortAudioError) as err:
            from assistant.audio.sources import portaudio_words

            raise UserError(
                f"No speaker ({portaudio_words(err)}): list devices with "
                "`cramp-assistant devices`, or write the line to a file with --output FILE.wav"
            ) from None
    sink.play(speech.samples, speech.rate, 0.0)
    sink.close()
    if args.output:
        tell(f"Wrote {args.output} ({len(speech.samples) / speech.rate:.1f} s).")
    return 0
