"""Faults injected for real on the virtual devices: the assistant keeps listening and answering.

The microphone's PulseAudio module is unloaded and loaded again in the middle of listening, and
the speaker's is unloaded in the middle of a prompt (as a USB microphone or speaker unplugged).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.audio.live import LiveAssistant, loudness, said_after
from tests.audio.pulse import VirtualAudio, pulse_available

pytestmark = [
    pytest.mark.audio,
    pytest.mark.skipif(not pulse_available(), reason="PulseAudio is not installed"),
]

GREETING = "I'm here. Straighten your leg."


@pytest.mark.parametrize(
    "no_fallback", [False, True], ids=["pulseaudio-moves-the-stream", "stream-dies-with-it"]
)
def test_trigger_is_answered_after_the_microphone_is_unplugged_and_back(
    virtual_audio: VirtualAudio, tmp_path: Path, data_dir: Path, no_fallback: bool
) -> None:
    app = LiveAssistant(virtual_audio, tmp_path)
    try:
        app.wait_until_listening()
        time.sleep(1.0)
        virtual_audio.unplug_microphone(no_fallback)
        time.sleep(8.0)  # longer than the stall limit: reopening fails while it is away
        virtual_audio.load_microphone()
        deadline = time.monotonic() + 60
        while not virtual_audio.recording_from_microphone():
            assert time.monotonic() < deadline, "the assistant never reopened the microphone"
            time.sleep(0.2)
        before = len(app.events())
        app.say("I have a cramp", trailing_silence=4.0)
        app.wait_for(lambda e: e["event"] == "trigger", 15, after=before)
    finally:
        app.stop()
    assert said_after(app.events(), before)[:1] == [GREETING]
    assert "Traceback" not in app.stderr
    if no_fallback:
        assert "stopped delivering audio" in app.stderr
        assert "is back after" in app.stderr


def test_speaker_unplugged_during_a_prompt_the_routine_goes_on(
    virtual_audio: VirtualAudio, tmp_path: Path, data_dir: Path
) -> None:
    recording = tmp_path / "speaker.raw"
    app = LiveAssistant(virtual_audio, tmp_path)
    try:
        app.wait_until_listening()
        app.say("I have a cramp", trailing_silence=0.0)
        greeting = app.wait_for(lambda e: e["event"] == "say", 15)
        app.wait_until_audio_time(greeting["t"] + 0.5)
        virtual_audio.pactl("unload-module", virtual_audio.speaker_module)  # mid-greeting
        # Still away when the hold's first count is said, after the stream has idled out.
        count = app.wait_for(lambda e: e["event"] == "say" and e["text"] == "Ten seconds.", 40)
        app.wait_until_audio_time(count["t"] + 1.0)
        virtual_audio.load_speaker()
        virtual_audio.record_speaker(recording)
        time.sleep(0.5)
        before = len(app.events())
        app.say("the cramp is gone", trailing_silence=0.0)
        app.wait_for(lambda e: e["event"] == "step" and e["id"] == "rest", 15, after=before)
        time.sleep(3.0)  # the first lines of the rest step are played
    finally:
        app.stop()
    rest = "Good. Lie down and rest your legs on a pillow."
    assert said_after(app.events(), before)[:1] == [rest]
    assert "Traceback" not in app.stderr
    assert "speaker unavailable, prompt not heard" in app.stderr  # the count, said to no one
    virtual_audio.stop_recording()
    assert loudness(recording) > 100, "the speaker plugged in again stayed silent"
