"""The loop's parts one by one, fast: the voice gate, the talk-over detector, the WAV sink,
the ears, remembered preferences, kept utterances and a scenario's source."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import soundfile

from assistant.audio.chunk import FRAME, RATE, frames
from assistant.audio.echo import TalkOver
from assistant.audio.gate import (
    PAUSE,
    SpeechEnded,
    SpeechPaused,
    SpeechResumed,
    SpeechStarted,
    VoiceGate,
)
from assistant.audio.keep import UtteranceKeeper
from assistant.audio.sinks import WavSink
from assistant.config.preferences import Preferences
from assistant.config.settings import ListeningSettings, Voice
from assistant.dialogue.grammar import Grammar
from assistant.night.hearing import Began, Ears, Heard
from assistant.simulation.room import ScenarioSource
from assistant.simulation.scenario import Scenario, Turn
from tests.fakes import LoudnessDetector, ScriptedRecognizer, Timeline


def gate_events(audio: np.ndarray, gate: VoiceGate) -> list:
    out = []
    for i in range(0, len(audio) - FRAME + 1, FRAME):
        out += gate.frame(audio[i : i + FRAME], i / RATE)
    return out + gate.flush()


def test_the_gate_cuts_one_utterance_with_its_pre_roll_and_its_end() -> None:
    gate = VoiceGate(LoudnessDetector(), end_silence=0.3, preroll=0.3)
    events = gate_events(Timeline(4).word(1.0, 1.2).audio, gate)
    [started] = [e for e in events if isinstance(e, SpeechStarted)]
    [ended] = [e for e in events if isinstance(e, SpeechEnded)]
    assert 0.7 <= started.t <= 1.0  # the pre-roll reaches back before the first loud frame
    assert abs(ended.t - 2.2) < 0.05 and not ended.capped


def test_the_gate_tells_each_pause_before_the_end_and_when_speech_comes_again() -> None:
    # "No ... still hurts": a pause shorter than the hang-over, then the end.
    gate = VoiceGate(LoudnessDetector(), end_silence=0.3)
    timeline = Timeline(4).word(1.0, 0.4).word(1.6, 0.6)
    kinds = [type(e) for e in gate_events(timeline.audio, gate) if not hasattr(e, "audio")]
    assert kinds == [SpeechPaused, SpeechResumed, SpeechPaused, SpeechEnded]


def test_the_gate_caps_an_utterance_that_never_ends() -> None:
    gate = VoiceGate(LoudnessDetector(), max_seconds=2.0)
    ended = [
        e for e in gate_events(Timeline(6).word(0.5, 5.0).audio, gate) if isinstance(e, SpeechEnded)
    ]
    assert ended[0].capped and ended[0].seconds <= 2.1


def test_talk_over_tells_a_voice_over_the_echo_from_the_echo_alone() -> None:
    rng = np.random.default_rng(1)
    detector = TalkOver()
    playing = rng.normal(0, 3000, FRAME).astype(np.int16)
    for _ in range(50):  # the echo usually left: a tenth of what plays
        assert not detector.person_speaking((playing * 0.1).astype(np.int16), playing)
    voice = rng.normal(0, 4000, FRAME).astype(np.int16)
    assert detector.person_speaking(voice, playing)


def test_the_wav_sink_places_speech_on_the_clock_and_cuts_it_when_stopped(tmp_path: Path) -> None:
    sink = WavSink(tmp_path / "said.wav")
    line = np.full(RATE, 1000, dtype=np.int16)  # one second
    sink.play(line, RATE, 2.0)
    sink.play(line, RATE, 5.0)
    sink.stop(5.5)  # "stop" half-way through the second line
    sink.close()
    audio, rate = soundfile.read(str(tmp_path / "said.wav"), dtype="int16")
    loud = np.flatnonzero(audio) / rate
    assert rate == RATE and abs(loud[0] - 2.0) < 0.01 and abs(loud[-1] - 5.5) < 0.01
    assert not audio[int(3.1 * RATE) : int(4.9 * RATE)].any()  # quiet in between


def test_the_ears_hear_each_utterance_in_the_mode_expected() -> None:
    recognizer = ScriptedRecognizer(["stop", "better"])
    ears = Ears(recognizer, ListeningSettings(noise_suppression=0), detector=LoudnessDetector)
    ears.listen_for(Grammar.of(["stop", "better"]), "reply")
    heard = [
        e for e in ears.utterances(Timeline(6).word(1.0, 0.6).word(3.5, 0.6).audio)
        if isinstance(e, Heard)
    ]  # fmt: skip
    assert [h.hypothesis.text for h in heard] == ["stop", "better"]
    assert recognizer.expected == [(["stop", "better"], "reply")]


def test_the_ears_hear_an_utterance_again_joined_with_the_one_just_before() -> None:
    recognizer = ScriptedRecognizer(["help", "", "help cramp", "stop"])
    ears = Ears(recognizer, ListeningSettings(noise_suppression=0), detector=LoudnessDetector)
    ears.listen_for(Grammar.of(["help cramp"]), "trigger")
    audio = Timeline(9).word(1.0, 0.4).word(1.8, 0.4).word(5.0, 0.4).audio
    events = []
    for i, frame in enumerate(frames([audio])):
        new = ears.hear(frame, i * FRAME / RATE)
        events += new
        if new and len(events) == 4:  # the second one was heard
            joined = ears.hear_joined()
            assert joined is not None and joined.text == "help cramp"
            # Every sample from the first one's start to now, once: the two and the gap.
            began = events[0]
            assert isinstance(began, Began)
            assert recognizer.samples == round(((i + 1) * FRAME / RATE - began.t) * RATE)
    heard = [e for e in events if isinstance(e, Heard)]
    assert len(heard) == 3
    assert ears.hear_joined() is None  # 2.5 s of quiet before the third: nothing to join


class AheadRecognizer(ScriptedRecognizer):
    """Starts deciding at each pause (a recognizer that hears ahead)."""

    def __init__(self) -> None:
        super().__init__(["i have a cramp"])
        self.pauses = 0

    def pause(self, rest: np.ndarray) -> bool:
        self.pauses += 1
        return True

    def resume(self) -> None:
        pass


def test_a_file_is_read_at_a_microphones_pace_while_an_answer_is_decided_ahead() -> None:
    # Read from a file, the hang-over's frames would come at once, and the work begun at the
    # pause would have no time to run in: from the pause on, they come as a microphone's do.
    recognizer = AheadRecognizer()
    ears = Ears(recognizer, ListeningSettings(noise_suppression=0), detector=LoudnessDetector)
    timeline = Timeline(3).word(0.5, 1.0)
    came: list[float] = []
    for i, frame in enumerate(frames([timeline.audio])):
        t = i * FRAME / RATE
        ears.pace(t)
        came.append(time.monotonic())
        if any(isinstance(e, Heard) for e in ears.hear(frame, t)):
            break
    assert recognizer.pauses == 1
    hang_over = ListeningSettings().end_silence - PAUSE
    assert came[-1] - came[0] >= hang_over - FRAME / RATE
    assert came[-1] - came[0] < 1.5  # the 1.6 s before the pause were read at once


def test_preferences_are_remembered_clamped_and_a_damaged_file_ignored(tmp_path: Path) -> None:
    path = tmp_path / "preferences.json"
    preferences = Preferences(path)
    assert preferences.apply(Voice(rate=140, volume=0.6)) == Voice(rate=140, volume=0.6)
    preferences.save(Voice(rate=120, volume=0.43))
    assert preferences.apply(Voice()) == Voice(rate=120, volume=0.43)
    path.write_text(json.dumps({"rate": 5000, "volume": 9}))
    clamped = preferences.apply(Voice())
    assert clamped.rate <= 200 and clamped.volume <= 1.0
    path.write_text("{half a file")
    assert preferences.apply(Voice(rate=150)) == Voice(rate=150)


def test_kept_utterances_are_named_by_time_and_words_and_private(tmp_path: Path) -> None:
    keeper = UtteranceKeeper(tmp_path / "kept", datetime(2026, 11, 20, 3, 0))
    path = keeper.keep(np.full(RATE // 2, 500, dtype=np.int16), 65.0, "reply", "it's better")
    assert path.parent == tmp_path / "kept" and "03-01-05" in path.name and "better" in path.name
    assert soundfile.info(str(path)).duration == 0.5
    assert (tmp_path / "kept").stat().st_mode & 0o077 == 0


def test_a_scenario_turn_is_played_when_the_assistant_listens_for_it(tmp_path: Path) -> None:
    reply = tmp_path / "reply.wav"
    tone = 8000 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)  # (a constant is taken as DC)
    soundfile.write(str(reply), tone.astype(np.int16), RATE)
    turns = (Turn("audio", "reply.wav", "reply", 1.0), Turn("audio", "reply.wav", "hold", 1.0))
    scenario = Scenario(turns, tmp_path, noise=0.0, pause=0.5)
    source = ScenarioSource(scenario, tmp_path / "cache")
    blocks = source.blocks()
    first = [next(blocks) for _ in range(10)]
    assert not any(b.any() for b in first)  # nothing said before the assistant listens
    source.listening("reply", 0.3)
    heard = np.concatenate([next(blocks) for _ in range(80)])
    loud = np.flatnonzero(np.abs(heard) > 4000) / RATE + 0.3
    assert abs(loud[0] - 0.8) < 0.05  # the scenario's pause after it starts listening
    source.listening("reply", 3.0)  # a reply, while the next turn is for a hold: not played
    assert source.unplayed == ["turn 2 (audio 'reply.wav', during = 'hold')"]
