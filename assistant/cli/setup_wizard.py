"""First run (`cramp-assistant setup`): a spoken and printed walk-through that ends in a settings
file: microphone and speaker, a microphone check, a volume check, the emergency number, a short
safety notice, and what is stored where."""

from __future__ import annotations

import shlex
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from assistant.audio.chunk import RATE
from assistant.audio.sinks import SpeakerSink
from assistant.audio.sources import MicrophoneSource
from assistant.cli.common import device
from assistant.config.document import document, write_atomically
from assistant.config.preferences import adjusted
from assistant.config.settings import Settings, default_config_path
from assistant.dialogue.intents import IntentMatcher
from assistant.dialogue.routine_file import routine_of
from assistant.night.hearing import Ears, Heard
from assistant.speech.synthesizer import WorkerSynthesizer

EMERGENCY = {
    "GB": "999", "UK": "999", "IE": "112", "US": "911", "CA": "911", "AU": "000", "NZ": "111",
    "IN": "112", "ZA": "112", "EU": "112", "DE": "112", "FR": "112", "ES": "112", "IT": "112",
    "NL": "112", "SE": "112", "NO": "113", "DK": "112", "FI": "112", "PL": "112", "PT": "112",
}  # fmt: skip
"""Emergency numbers by country code; anything else is typed in as a number."""
SAFETY = [
    "This assistant is not a diagnosis and does not replace a doctor.",
    "A swollen, red or hot leg is not a cramp: get urgent medical advice.",
    "Chest pain or trouble breathing: call {emergency} at once.",
    "See a doctor if cramps are frequent or last longer than ten minutes.",
]
CHECK_SECONDS = 5.0

Ask = Callable[[str], str]


class Setup:
    """One walk-through; `ask` reads an answer (input), `say` prints and speaks a line."""

    def __init__(self, settings: Settings, config_path: Path, ask: Ask = input) -> None:
        self.settings = settings
        self.config_path = config_path
        self.ask = ask
        self.voice = settings.voice
        self.speaker: SpeakerSink | None = None
        self.synthesizer = WorkerSynthesizer(settings.speech_cache, settings.voice)
        self.heard_you = False
        """Whether the microphone check heard the words (the last line depends on it)."""

    def say(self, line: str) -> None:
        """Print the line, and speak it when there is a speaker."""
        print(line, flush=True)
        if self.speaker is not None:
            speech = self.synthesizer.speech(line)
            self.speaker.play(speech.samples, speech.rate, 0.0)
            self.speaker.close()

    def run(self) -> Settings:
        """Walk through every step; write and return the settings."""
        import sounddevice as sd

        print("Setting up the cramp assistant. Press Enter to take the suggestion in [brackets].")
        devices = list(sd.query_devices())
        output = self._choose(devices, "max_output_channels", "speaker")
        try:
            self.speaker = SpeakerSink(device(output))
        except (ValueError, sd.PortAudioError) as err:
            print(f"No speaker could be opened ({err}); the lines are printed only.")
        self.say("Hello. I will help you through night leg cramps.")
        self._volume_check()
        microphone = self._choose(devices, "max_input_channels", "microphone")
        self._microphone_check(device(microphone))
        emergency = self._emergency()
        for line in SAFETY:  # with the number just chosen ("call 999 at once")
            self.say(
                line.format(emergency=" ".join(emergency) if emergency.isdigit() else emergency)
            )
        settings = replace(
            self.settings,
            voice=self.voice,
            audio=replace(self.settings.audio, input_device=microphone, output_device=output),
            routine=replace(self.settings.routine, emergency=emergency),
        )
        self._write(settings)
        self._summary(settings)
        return settings

    def _choose(self, devices: list[dict[str, Any]], channels: str, what: str) -> str:
        usable = [(i, d) for i, d in enumerate(devices) if d[channels] > 0]
        print(f"\n{what.capitalize()}s:")
        for i, info in usable:
            print(f"  {i}: {info['name']}")
        if not usable:
            print(f"  none found: the default {what} is used")
        while True:
            answer = self.ask(f"Which {what}? [default] ").strip()
            if not answer or any(answer == str(i) for i, _ in usable):
                return answer
            listed = ", ".join(str(i) for i, _ in usable) or "none"
            print(f"{answer!r} is not one of the {what}s listed ({listed}); Enter for the default.")

    def _volume_check(self) -> None:
        if self.speaker is None:
            print(
                f"No speaker, so no volume check: the volume stays {self.voice.volume:g}. "
                "Run setup again with the speaker connected to choose it by ear."
            )
        while self.speaker is not None:
            self.say("This is how loud I will speak at night.")
            answer = self.ask("Is that comfortable? [yes] / quieter / louder ").strip().lower()
            if answer.startswith("q"):
                self.voice = adjusted(self.voice, "volume", -1)
            elif answer.startswith("l"):
                self.voice = adjusted(self.voice, "volume", +1)
            else:
                return
            self.synthesizer.voice = self.voice

    def _microphone_check(self, chosen: int | str | None) -> None:
        from assistant.audio.sources import check_input_device
        from assistant.errors import AudioInputError
        from assistant.speech.choose import build_recognizer

        recognizer, _ = build_recognizer(self.settings)
        recognizer.expect(IntentMatcher(routine_of(self.settings)).trigger_grammar(), "trigger")
        self.say("Now the microphone. After this, say: leg cramp.")
        try:
            check_input_device(chosen)
            source = MicrophoneSource(chosen)
        except AudioInputError as err:
            print(f"Microphone check skipped: {err}")
            return
        print(f"Listening for {CHECK_SECONDS:g} seconds...", flush=True)
        audio = _record(source, CHECK_SECONDS)
        source.close()
        peak = float(np.abs(audio.astype(np.float64)).max()) if len(audio) else 0.0
        level = 20 * np.log10(max(peak, 1.0) / 32768)
        heard = next(
            (
                e.hypothesis.text
                for e in Ears(recognizer, self.settings.listening).utterances(audio)
                if isinstance(e, Heard) and e.hypothesis.text
            ),
            "",
        )
        print(f"Heard: {heard!r}; loudest sound {level:.0f} dBFS.")
        if heard:
            self.heard_you = True
            self.say(f"I heard: {heard}. The microphone works.")
        elif peak < 300:
            self.say("I heard almost nothing. Check the microphone, and run setup again.")
        else:
            self.say("I heard something, but not the words. Try speaking closer.")

    def _emergency(self) -> str:
        """The emergency number to say: from a country code or digits; Enter keeps the current
        one. What is printed is always what will be saved."""
        current = self.settings.routine.emergency
        answer = self.ask(
            f"Your country code (e.g. GB, US, AU) or emergency number [now: {current}]: "
        ).strip()
        number = EMERGENCY.get(answer.upper(), answer if answer.isdigit() else "")
        if not number:
            why = "Kept" if not answer else f"{answer!r} is not a country code I know. Kept"
            print(f"{why}: the assistant will say '{current}'.")
            return current
        self.say(f"In an emergency, I will tell you to call {' '.join(number)}.")
        return number

    def _write(self, settings: Settings) -> None:
        path = self.config_path
        if path.exists():  # a copy: the old file stays in place until the new one replaces it
            backup = path.with_suffix(".toml.bak")
            write_atomically(backup, path.read_text(encoding="utf-8"))
            print(f"Your old settings are kept in {backup}.")
        write_atomically(path, document(settings))

    def _summary(self, settings: Settings) -> None:
        command = how_to_run() + self._options(settings)
        print(
            "\nWhat is stored, and where (readable by you alone):\n"
            f"  settings:     {self.config_path}\n"
            f"  cramp diary:  {settings.diary_path}\n"
            f"  pace/volume:  {settings.preferences_path}\n"
            f"  speech cache: {settings.cache_dir}\n"
            "  No audio is kept unless you run with --record-dir. Nothing is sent anywhere.\n"
            f"Start listening with: {command} run   (or: {command} service install)"
        )
        if self.heard_you:
            self.say("All set. Say I have a cramp when you need me.")
        else:
            self.say(
                "The settings are saved, but the microphone check did not hear you, so I may not "
                "hear you at night. Check the microphone, then run setup again."
            )

    def _options(self, settings: Settings) -> str:
        """What the printed commands need to find these settings and this data folder: the
        emergency number just chosen must be the one said at night."""
        options = []
        if self.config_path.expanduser().resolve() != default_config_path().resolve():
            options += ["--config", str(self.config_path.expanduser().resolve())]
        if settings.data_dir.expanduser().resolve() != Settings().data_dir.resolve():
            options += ["--data-dir", str(settings.data_dir.expanduser().resolve())]
        return "".join(" " + shlex.quote(option) for option in options)


def _record(source: MicrophoneSource, seconds: float) -> np.ndarray:
    blocks, got, began = [], 0, time.monotonic()
    for block in source.blocks():
        blocks.append(block)
        got += len(block)
        if got >= seconds * RATE or time.monotonic() - began > seconds + 5:
            break
    return np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.int16)


def how_to_run() -> str:
    """The command as this person can type it: `cramp-assistant` when it is on the PATH, else
    the full path of the one installed beside this Python (a virtual environment's bin/)."""
    if shutil.which("cramp-assistant"):
        return "cramp-assistant"
    beside = Path(sys.executable).parent / "cramp-assistant"
    return str(beside) if beside.exists() else f"{sys.executable} -m assistant"
