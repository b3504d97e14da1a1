"""The real audio path: PortAudio through a private PulseAudio daemon with virtual devices.

Speech goes into a virtual microphone; `cramp-assistant run` hears the trigger and its spoken
answer is recorded from the virtual speaker's monitor.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import numpy as np
import pytest

from scripts.speechgen import mix, speak
from tests.audio.live import LiveAssistant
from tests.audio.pulse import VirtualAudio, pulse_available
from tests.commands import run_cli, start_cli

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not pulse_available(), reason="PulseAudio is not installed"),
]


def no_sound_card(home: Path) -> dict[str, str]:
    """The environment of a machine with no sound card: ALSA's defaults, no sound server."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(home),
        "PULSE_SERVER": "unix:/nonexistent",
    }


def test_live_trigger_is_answered_through_the_speaker(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    recording = tmp_path / "speaker.raw"
    virtual_audio.record_speaker(recording)
    app = LiveAssistant(virtual_audio, tmp_path)
    try:
        app.wait_until_listening()
        speech = mix(speak("I have a cramp"), snr_db=20, rng=np.random.default_rng(1))
        virtual_audio.speak_into_microphone(speech, trailing_silence=9.0).join()
    finally:
        app.stop()
    events = app.events()
    assert [e["text"] for e in events if e["event"] == "trigger"] == ["i have a cramp"], app.stderr
    said = [e["text"] for e in events if e["event"] == "say"]
    assert said[0] == "I'm here. Straighten your leg."
    assert "Traceback" not in app.stderr
    virtual_audio.stop_recording()
    heard = np.fromfile(recording, dtype=np.int16).astype(np.float64)
    loud = np.sqrt(np.mean(heard**2)) if len(heard) else 0.0
    assert loud > 100, f"the speaker's monitor was silent (RMS {loud:.1f})"


def test_run_without_a_microphone_says_so_in_one_line(tmp_path: Path) -> None:
    env = no_sound_card(tmp_path)
    done = run_cli("--data-dir", tmp_path, "run", env=env, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "No microphone" in lines[0] and "cramp-assistant devices" in lines[0]
    assert "demo" in lines[0]


def test_say_speaks_through_the_speaker(virtual_audio: VirtualAudio, tmp_path: Path) -> None:
    recording = tmp_path / "speaker.raw"
    virtual_audio.record_speaker(recording)
    done = run_cli("--data-dir", tmp_path, "say", "Testing.", env=virtual_audio.env, timeout=120)
    assert done.returncode == 0, done.stderr
    time.sleep(0.5)
    virtual_audio.stop_recording()
    heard = np.fromfile(recording, dtype=np.int16).astype(np.float64)
    assert len(heard) and np.sqrt(np.mean(heard**2)) > 100


def test_say_without_a_speaker_says_so_in_one_line(tmp_path: Path) -> None:
    env = no_sound_card(tmp_path)
    done = run_cli("--data-dir", tmp_path, "say", "Testing.", env=env, timeout=120)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "No speaker" in done.stderr
    assert "Error querying device" not in done.stderr


def test_setup_walks_through_and_hears_the_microphone(
    virtual_audio: VirtualAudio, tmp_path: Path
) -> None:
    """First run on the virtual devices: default devices, a quieter voice, 'leg cramp' said when
    asked, and GB: the settings file gets the volume and 999, and the check reports the words."""
    config = tmp_path / "config.toml"
    app = start_cli(
        "--config", config, "--data-dir", tmp_path, "setup",
        env=virtual_audio.env, stdin=subprocess.PIPE, bufsize=1,
    )  # fmt: skip
    assert app.stdin and app.stdout and app.stderr
    app_out, app_err = app.stdout, app.stderr
    out: list[str] = []
    answers = iter(["", "quieter", "", "", "GB"])

    def read_until(text: str) -> None:
        line = ""
        while text not in line:
            char = app_out.read(1)
            assert char, f"setup ended early: {''.join(out)} {app_err.read()}"
            line += char
            if char == "\n":
                out.append(line)
                line = "" if text not in line else line
        out.append(line)

    for prompt in ["Which speaker?", "comfortable?", "comfortable?", "Which microphone?"]:
        read_until(prompt)
        app.stdin.write(next(answers) + "\n")
        app.stdin.flush()
    read_until("Listening for")
    speech = mix(speak("leg cramp"), snr_db=20, rng=np.random.default_rng(4))
    virtual_audio.speak_into_microphone(speech, trailing_silence=0.0)
    read_until("Your country code")
    rest, err = app.communicate(next(answers) + "\n", timeout=120)
    text = "".join(out) + rest
    assert app.returncode == 0, err
    assert "Heard: 'leg cramp'" in text, text
    assert "not a diagnosis" in text and "diary.sqlite3" in text
    written = config.read_text()
    assert 'emergency = "999"' in written and "volume = 0.429" in written
    assert config.stat().st_mode & 0o777 == 0o600
