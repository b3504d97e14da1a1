"""A table of bad inputs and what each one gets: settings, routine files, audio files, arguments.

Every row runs the real command. A mistake the person can fix gets exit code 2 and one line
saying what, where and what was expected; audio in an odd format is converted and heard.
Nothing here may end in a traceback (an uncaught exception fails the row).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile

from assistant.cli import main
from assistant.dialogue.routine_file import default_routine_path
from scripts.speechgen import RATE, mix, speak

pytestmark = pytest.mark.speech

Setup = Callable[[Path], list[str]]
"""Writes what a row needs into a folder; returns the command's arguments."""


def settings(text: str) -> Setup:
    def setup(folder: Path) -> list[str]:
        (folder / "config.toml").write_text(text, encoding="utf-8")
        return ["--config", str(folder / "config.toml"), "config", "check"]

    return setup


def routine_edit(old: str, new: str) -> Setup:
    """The shipped routine with one line changed, named by a settings file."""

    def setup(folder: Path) -> list[str]:
        text = default_routine_path().read_text(encoding="utf-8")
        assert old in text
        (folder / "routine.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
        (folder / "config.toml").write_text(
            f'[routine]\npath = "{folder / "routine.toml"}"\n', encoding="utf-8"
        )
        return ["--config", str(folder / "config.toml"), "config", "check"]

    return setup


def audio_file(name: str, write: Callable[[Path], None]) -> Setup:
    def setup(folder: Path) -> list[str]:
        write(folder / name)
        return ["run", "--input", str(folder / name), "--events", str(folder / "events.jsonl")]

    return setup


def scenario(turns: str, head: str = "") -> Setup:
    """A scenario file with these turns (and [scenario] keys), run by `simulate`."""

    def setup(folder: Path) -> list[str]:
        (folder / "s.toml").write_text(f"[scenario]\n{head}{turns}", encoding="utf-8")
        return ["simulate", str(folder / "s.toml")]

    return setup


def fifo_routine(folder: Path) -> list[str]:
    os.mkfifo(folder / "routine.toml")
    return settings(f'[routine]\npath = "{folder / "routine.toml"}"\n')(folder)


def big_routine(folder: Path) -> list[str]:
    text = default_routine_path().read_text(encoding="utf-8")
    (folder / "routine.toml").write_text(text + "#" * (1 << 20) + "\n", encoding="utf-8")
    return settings(f'[routine]\npath = "{folder / "routine.toml"}"\n')(folder)


def ends_in_the_future(folder: Path) -> list[str]:
    from datetime import datetime

    now = f"{datetime.now():%Y-%m-%dT%H:%M}"
    return ["diary", "add", "--start", now, "--minutes", "30"]


def scenario_text(text: str) -> Setup:
    """A scenario file of exactly this text, run by `simulate`."""

    def setup(folder: Path) -> list[str]:
        (folder / "s.toml").write_text(text, encoding="utf-8")
        return ["simulate", str(folder / "s.toml")]

    return setup


def fifo_report(folder: Path) -> list[str]:
    os.mkfifo(folder / "r.html")
    return ["report", "--out", str(folder / "r.html")]


def args(*argv: str) -> Setup:
    return lambda folder: [a.replace("{tmp}", str(folder)) for a in argv]


def trigger_speech() -> np.ndarray:
    """'I have a cramp' out of two seconds of quiet, as float in [-1, 1] at 16 kHz."""
    rng = np.random.default_rng(3)
    speech = mix(speak("I have a cramp"), snr_db=20, rng=rng, lead=2.0, tail=3.0)
    return speech.astype(np.float64) / 32768.0


def converted(rate: int, channels: int, subtype: str, shape=lambda x: x, fmt: str = "WAV"):
    def write(path: Path) -> None:
        audio = shape(trigger_speech())
        if rate != RATE:
            import soxr

            audio = soxr.resample(audio, RATE, rate)
        audio = np.repeat(audio[:, None], channels, axis=1)
        soundfile.write(str(path), audio, rate, subtype=subtype, format=fmt)

    return write


def one_nan(audio: np.ndarray) -> np.ndarray:
    """The audio with one sample that is not a number (before the speech)."""
    audio = audio.copy()
    audio[100] = np.nan
    return audio


def huge_samples(audio: np.ndarray) -> np.ndarray:
    """The audio with absurd samples (a float file gone wrong) before the speech."""
    audio = audio.copy()
    audio[100], audio[200] = 3e38, 3e38
    audio[300] = 1e30
    return audio


def raw_bytes(data: bytes) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_bytes(data)

    return write


def truncated_wav(path: Path) -> None:
    soundfile.write(str(path), trigger_speech(), RATE, subtype="PCM_16")
    path.write_bytes(path.read_bytes()[:30])


HEARD = "heard: trigger answered"
"""Expected outcome of a row whose audio must be converted, heard and answered."""
QUIET = "quiet: nothing happens"
"""Expected outcome of a row whose audio holds nothing to answer: a clean run, no episode."""


def digital_silence(path: Path) -> None:
    """An hour of exact zeros (a muted input), written a minute at a time."""
    with soundfile.SoundFile(str(path), "w", RATE, 1, "PCM_16") as out:
        for _ in range(60):
            out.write(np.zeros(60 * RATE, dtype=np.int16))


TABLE: list[tuple[str, Setup, str]] = [
    # settings files
    ("settings unknown key", settings("[voice]\nspeed = 3\n"), "voice.speed: expected one of"),
    ("settings wrong type", settings("[voice]\nrate = 'fast'\n"), "voice.rate: expected a whole"),
    ("settings out of range", settings("[voice]\nvolume = 7\n"), "voice.volume: expected a value"),
    ("settings unknown section", settings("[colour]\n"), "colour: expected one of the sections"),
    ("settings not TOML", settings("[voice\n"), "expected valid TOML"),
    ("settings bad choice", settings("[listening]\nengine = 'x'\n"), "engine: expected one of"),
    ("settings missing file", args("--config", "{tmp}/nope.toml", "config", "check"),
     "nope.toml: expected an existing settings file"),
    ("settings a folder", args("--config", "{tmp}", "config", "check"),
     "expected a readable settings file"),
    ("settings empty emergency number", settings('[routine]\nemergency = ""\n'),
     "routine.emergency: expected how the emergency number is said"),
    ("settings empty data_dir", settings('data_dir = ""\n'), "data_dir: expected a folder path"),
    # routine files
    ("routine /dev/zero", settings('[routine]\npath = "/dev/zero"\n'),
     "/dev/zero: expected a readable routine file (this is not a regular file)"),
    ("routine a named pipe", fifo_routine, "routine file (this is not a regular file)"),
    ("routine too big", big_routine, "expected a routine file of at most 1024 KB"),
    ("routine escalation that does not end", routine_edit('end = "escalated"\nescalate = false\n\n'
     '[steps.red_clot]', 'next = "rest"\nescalate = false\n\n[steps.red_clot]'),
     "routine.escalate_step: expected a step with `end`"),
    ("routine step leads nowhere", routine_edit('next = "stretch"', 'next = "nowhere"'),
     "expected"),
    ("routine missing file", settings('[routine]\npath = "/nonexistent/r.toml"\n'),
     "r.toml: expected an existing routine file"),
    ("routine not TOML", routine_edit("[steps.greet]", "[steps.greet"), "expected valid TOML"),
    ("routine reply leads nowhere", routine_edit('better = "extra_hold"', 'better = "nowhere"'),
     "expected"),
    # audio files
    ("audio 44.1 kHz stereo 8-bit", audio_file("a.wav", converted(44100, 2, "PCM_U8")), HEARD),
    ("audio 48 kHz float", audio_file("a.wav", converted(48000, 1, "FLOAT")), HEARD),
    ("audio 16 kHz 24-bit", audio_file("a.wav", converted(16000, 1, "PCM_24")), HEARD),
    ("audio 22.05 kHz", audio_file("a.wav", converted(22050, 1, "PCM_16")), HEARD),
    ("audio clipped", audio_file("a.wav", converted(16000, 1, "PCM_16", lambda x: np.clip(
        x * 4, -1, 1))), HEARD),
    ("audio DC offset", audio_file("a.wav", converted(16000, 1, "PCM_16", lambda x: x * 0.6
        + 0.35)), HEARD),
    ("audio FLAC", audio_file("a.flac", converted(16000, 1, "PCM_16", fmt="FLAC")), HEARD),
    ("audio an hour of digital silence", audio_file("a.wav", digital_silence), QUIET),
    ("audio text named .wav", audio_file("a.wav", raw_bytes(b"hello\n")),
     "not a readable audio file"),
    ("audio truncated header", audio_file("a.wav", truncated_wav), "not a readable audio file"),
    ("audio no samples", audio_file("a.wav", converted(16000, 1, "PCM_16", lambda x: x[:0])),
     "holds no samples"),
    ("audio missing", args("run", "--input", "{tmp}/gone.wav"), "no such audio file"),
    ("audio one NaN sample", audio_file("a.wav", converted(16000, 1, "FLOAT", one_nan)), HEARD),
    ("audio samples of 3e38", audio_file("a.wav", converted(16000, 1, "FLOAT", huge_samples)),
     HEARD),
    ("audio a named pipe", audio_file("a.wav", os.mkfifo), "not a regular file (a pipe"),
    ("audio a folder", args("run", "--input", "{tmp}"), "a folder; expected an audio file"),
    ("args output not a wav", args("say", "Hello.", "--output", "{tmp}/x.txt"),
     "x.txt: expected a file name ending in .wav"),
    ("audio at 1 Hz", audio_file("a.wav", lambda p: soundfile.write(str(p), np.zeros(9), 1)),
     "sample rate 1 Hz; expected 4000 to 384000 Hz"),
    # settings that `run` could not start with are refused by `config check` too
    ("settings unknown voice", settings('[voice]\nvoice = "zz-nonexistent"\n'),
     "espeak-ng has no voice 'zz-nonexistent'"),
    ("settings microphone not there", settings('[audio]\ninput_device = "nonexistent mic"\n'),
     "No microphone: could not open input device 'nonexistent mic'"),
    ("settings vosk with no model", settings('[listening]\nengine = "vosk"\n'),
     "no Vosk model is installed"),
    ("settings vosk_model not a model", settings('[listening]\nvosk_model = "/tmp"\n'),
     "/tmp: not a usable Vosk model"),
    ("args device number too big", args("run", "--device", "99999999999999999999999"),
     "no audio device number 99999999999999999999999"),
    # numbers that are not finite, and tables of the wrong type, in a routine
    ("routine reply_timeout nan", routine_edit("reply_timeout = 8.0", "reply_timeout = nan"),
     "routine.reply_timeout: expected a number from 0 to 86400 seconds"),
    ("routine hold inf", routine_edit("hold = 30", "hold = inf"),
     "hold: expected a number from 0 to 86400 seconds"),
    ("routine escalate_after nan", routine_edit("escalate_after = 600.0",
     "escalate_after = nan"), "routine.escalate_after: expected a number from 0 to 86400"),
    ("routine words a string", routine_edit('words = { 10 = "Ten seconds.",',
                                         'words = "ten"\nx = {'),
     "counting.words: expected a table of seconds"),
    ("routine hold_replies a number", routine_edit('hold_replies = ["stop"',
     'hold_replies = 5\nx = ["stop"'), "routine.hold_replies: expected a list of strings"),
    ("routine global_replies a string", routine_edit("global_replies = {",
     'global_replies = "rest"\nx = {'), "routine.global_replies: expected a table"),
    # numbers that are not finite or out of range, in a scenario
    ("scenario silence inf", scenario("[[turn]]\nsilence = inf\n"),
     "turn[1].silence: expected a number from 0 to 3600 seconds"),
    ("scenario silence 1e12", scenario("[[turn]]\nsilence = 1e12\n"),
     "turn[1].silence: expected a number from 0 to 3600 seconds"),
    ("scenario noise loud", scenario('[[turn]]\nsay = "hi"\n', 'noise = "loud"\n'),
     "scenario.noise: expected a number from 0 to 32767"),
    ("scenario noise nan", scenario('[[turn]]\nsay = "hi"\n', "noise = nan\n"),
     "scenario.noise: expected a number"),
    ("scenario rate zero", scenario('[[turn]]\nsay = "hi"\n', "rate = 0\n"),
     "scenario.rate: expected a number from 80 to 450"),
    ("scenario pause negative", scenario('[[turn]]\nsay = "hi"\n', "pause = -1000\n"),
     "scenario.pause: expected a number from 0 to 60"),
    ("scenario at nan", scenario('[[turn]]\nsay = "hi"\nat = nan\n'),
     "turn[1].at: expected a number"),
    ("scenario unknown voice", scenario('[[turn]]\nsay = "hi"\n', 'voice = "xx-nonexistent"\n'),
     "scenario.voice: expected an espeak-ng voice (espeak-ng has no voice 'xx-nonexistent'"),
    ("scenario a turn that is not a table", scenario_text('turn = ["hi"]\n[scenario]\n'),
     "turn[1]: expected a [[turn]] table"),
    # command-line arguments
    ("args no such device", args("run", "--device", "99"), "No microphone"),
    ("args unknown model", args("models", "fetch", "nope"), "unknown model 'nope'"),
    ("args report into no folder", args("report", "--out", "/nonexistent/r.html"),
     "/nonexistent/r.html: No such file or directory"),
    ("args report into a pipe", fifo_report, "not a regular file; a report is written to a file"),
    ("args data folder cannot be made", args("--data-dir", "/proc/nope", "diary"),
     "/proc/nope: No such file or directory"),
    ("args nothing to say", args("say", " "), "nothing to say"),
    ("args missing scenario", args("simulate", "{tmp}/s.toml"), "expected an existing scenario"),
    ("args bad date", args("diary", "--since", "tomorrow"), "'tomorrow' is not a date"),
    ("args severity out of range", args("diary", "add", "--start", "2026-11-01T03:00",
     "--minutes", "3", "--severity", "11"), "argument --severity: invalid choice"),
    ("args severity zero", args("diary", "add", "--start", "2026-11-01T03:00",
     "--minutes", "3", "--severity", "0"), "argument --severity: invalid choice"),
    ("args cramp in the future", args("diary", "add", "--start", "2099-11-01T03:00",
     "--minutes", "3"), "is in the future"),
    ("args cramp ends in the future", ends_in_the_future, "ends in the future"),
    ("args cramp in 1900", args("diary", "add", "--start", "1900-01-01T03:00", "--minutes", "3"),
     "is more than five years ago"),
    ("args cramp of 0 minutes", args("diary", "add", "--start", "2026-11-01T03:00",
     "--minutes", "0"), "minutes: expected more than 0"),
    ("args cramp without a time", args("diary", "add", "--start", "2026-11-01", "--minutes", "3"),
     "'2026-11-01' has no time of day; expected e.g. 2026-11-01T03:00"),
]  # fmt: skip


@pytest.mark.parametrize(("setup", "expected"), [row[1:] for row in TABLE],
                         ids=[row[0] for row in TABLE])  # fmt: skip
def test_bad_input_gets_what_the_table_says(
    setup: Setup, expected: str, tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture
) -> None:
    argv = setup(tmp_path)
    if "--data-dir" not in argv:
        argv = ["--data-dir", str(data_dir), *argv]
    code: int | str | None
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse's own errors: usage and one line
        code = exit_.code
    out, err = capsys.readouterr()
    if expected in (HEARD, QUIET):
        assert code == 0, err
        events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
        triggers = [e["text"] for e in events if e["event"] == "trigger"]
        assert triggers == (["i have a cramp"] if expected == HEARD else [])
        if expected == QUIET:
            (tmp_path / "a.wav").unlink()
        return
    assert code == 2
    lines = [line for line in err.splitlines() if not line.startswith("usage:")]
    lines = [line for line in lines if not re.match(r"^\s", line)]  # argparse usage wraps
    assert len(lines) == 1, err
    assert expected in lines[0]
    assert "Traceback" not in err
