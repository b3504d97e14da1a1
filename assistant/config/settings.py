"""Settings: frozen dataclasses with documented defaults, loaded once from an optional TOML file."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from pathlib import Path
from typing import Any, cast

import platformdirs

from assistant.errors import ConfigError, read_toml

APP = "cramp-assistant"


@dataclass(frozen=True)
class Voice:
    """How the assistant sounds."""

    engine: str = "piper"
    """`piper`: the natural voice (Piper, `en_US-joe-medium`), when installed; `espeak`: espeak-ng
    through pyttsx3. espeak-ng speaks whenever Piper cannot load or render."""
    rate: int = 140
    """Words per minute, 80 to 260: slow and calm at night (espeak's own default is 175)."""
    volume: float = 0.6
    """0.05 to 1: moderate, so as not to wake the house; applied at playback (no re-rendering)."""
    voice: str = ""
    """An espeak-ng voice name (e.g. `en-us`, `en+f3`) for `espeak` and the fallback; empty for
    the default."""

    @property
    def gain(self) -> float:
        """The factor every sample of the voice (and its tones) is played at: the volume, kept
        within 0 to 1 whatever a caller set."""
        return max(0.0, min(1.0, self.volume))


@dataclass(frozen=True)
class ListeningSettings:
    """How the assistant listens."""

    engine: str = "auto"
    """`auto` (Vosk if an English Vosk model is installed), `vosk` or `pocketsphinx`; `whisper`
    (Whisper alone, no first stage: for comparison, it wakes on every sound)."""
    vosk_model: str = ""
    """Path to a Vosk model folder; empty: look in the models folders."""
    threshold: float = -2.5
    """PocketSphinx trigger rejection threshold (log-likelihood ratio a frame); higher: stricter."""
    reply_threshold: float = -3.6
    """PocketSphinx reply rejection threshold; higher rejects more."""
    max_trigger_seconds: float = 3.0
    """A trigger is a short utterance on its own: longer speech is never a trigger, unless it is a
    long trigger sentence said slowly (0.6 s a word, and one word more: "ow, ...")."""
    silence_before_trigger: float = 1.2
    """A trigger comes out of quiet: seconds without speech before it (talk has shorter gaps)."""
    end_silence: float = 0.3
    """Seconds of silence that end an utterance."""
    vad: str = "auto"
    """Voice-activity detector: `silero` (neural; holds in fan noise), `webrtcvad`, or `auto`
    (Silero when installed)."""
    vad_aggressiveness: int = 3
    """webrtcvad aggressiveness, 0 (lenient) to 3 (strict), when webrtcvad is used."""
    noise_suppression: int = 2
    """WebRTC noise suppression before the voice gate, 0 (off) to 4 (strongest)."""
    auto_gain: int = 0
    """WebRTC automatic gain target in dBFS below full scale, 1-31 (0: off)."""
    second_opinion: str = "auto"
    """Whisper tiny.en confirms what the first stage heard: `auto` (when its model is present),
    `whisper` (required), or `off`."""
    trigger_margin: float = -8.0
    """Second opinion: how far a trigger phrase may score below Whisper's own transcript
    (log-probability); higher: stricter."""
    reply_margin: float = -3.0
    """Second opinion: the same for replies."""
    after_speech: float = 0.3
    """Seconds the microphone stays shut after the assistant stops speaking (room echo)."""


@dataclass(frozen=True)
class SoundSettings:
    """Tones, counting and the night volume."""

    count_with: str = "words"
    """Holds counted aloud (`words`: "Ten.", "Twenty.") or marked by a soft tone (`tones`)."""
    night_hours: str = "22-07"
    """When the night volume applies, as HH-HH in local time (empty: never)."""
    night_volume: float = 0.7
    """The volume is multiplied by this during the night hours, so as not to wake the house."""

    def factor(self, when: datetime) -> float:
        """The volume factor at local time `when`."""
        if not self.night_hours:
            return 1.0
        start, end = (int(h) for h in self.night_hours.split("-"))
        hour = when.hour
        night = start <= hour or hour < end if start > end else start <= hour < end
        return self.night_volume if night else 1.0


@dataclass(frozen=True)
class AudioSettings:
    """Which devices to use."""

    input_device: str = ""
    """PortAudio input device number or name; empty for the default microphone."""
    output_device: str = ""
    """PortAudio output device number or name; empty for the default speaker."""


@dataclass(frozen=True)
class ModelSettings:
    """Where Vosk models live and which list they are checked against."""

    dir: str = ""
    """Folder for installed models; empty: `models/` in a checkout, else the user's data folder."""
    manifest: str = ""
    """The model list (TOML); empty: the one in the package (speech/models/manifest.toml)."""


@dataclass(frozen=True)
class RoutineSettings:
    """Which routine to follow."""

    path: str = ""
    """A routine TOML file; empty for the one shipped with the assistant."""
    emergency: str = "your emergency number"
    """How the emergency number is said, e.g. `999` or `112`."""


@dataclass(frozen=True)
class Settings:
    """Everything configurable; built once at start."""

    voice: Voice = field(default_factory=Voice)
    """How the assistant speaks (see assistant.speech.synthesizer.Voice)."""
    listening: ListeningSettings = field(default_factory=ListeningSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    sound: SoundSettings = field(default_factory=SoundSettings)
    routine: RoutineSettings = field(default_factory=RoutineSettings)
    models: ModelSettings = field(default_factory=ModelSettings)
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP)))
    """Where the diary and the preferences live (never audio, unless asked)."""

    @property
    def cache_dir(self) -> Path:
        """Rendered speech and other things that can be made again: the platform's cache folder,
        shared by every data folder (each file is named by its words, engine and pace)."""
        return Path(platformdirs.user_cache_dir(APP))

    @property
    def diary_path(self) -> Path:
        """The cramp diary (SQLite)."""
        return self.data_dir / "diary.sqlite3"

    @property
    def preferences_path(self) -> Path:
        """Pace and volume as the person last asked for them."""
        return self.data_dir / "preferences.json"

    @property
    def speech_cache(self) -> Path:
        """The assistant's lines, rendered once."""
        return self.cache_dir / "speech"

    @property
    def person_cache(self) -> Path:
        """A simulated person's turns, rendered once."""
        return self.cache_dir / "person"


RANGES = {
    ("voice", "rate"): (80, 260),
    ("voice", "volume"): (0.05, 1.0),
    ("listening", "max_trigger_seconds"): (0.5, 10.0),
    ("listening", "end_silence"): (0.1, 2.0),
    ("listening", "silence_before_trigger"): (0.0, 10.0),
    ("listening", "vad_aggressiveness"): (0, 3),
    ("listening", "after_speech"): (0.0, 3.0),
    ("listening", "threshold"): (-20.0, 5.0),
    ("listening", "reply_threshold"): (-20.0, 5.0),
    ("listening", "noise_suppression"): (0, 4),
    ("listening", "auto_gain"): (0, 31),
    ("listening", "trigger_margin"): (-100.0, 0.0),
    ("listening", "reply_margin"): (-100.0, 0.0),
    ("sound", "night_volume"): (0.05, 1.0),
}
_KINDS = {int: "a whole number", float: "a number", str: "text in quotes", bool: "true or false"}
CHOICES = {
    ("voice", "engine"): ("piper", "espeak"),
    ("listening", "engine"): ("auto", "vosk", "pocketsphinx", "whisper"),
    ("listening", "vad"): ("auto", "silero", "webrtcvad"),
    ("listening", "second_opinion"): ("auto", "whisper", "off"),
    ("sound", "count_with"): ("words", "tones"),
}
PATTERNS = {
    ("sound", "night_hours"): (r"^$|^([01]?\d|2[0-3])-([01]?\d|2[0-3])$", "HH-HH, e.g. 22-07"),
    # Said in "call {emergency} now": an empty one would say "Call  now."
    ("routine", "emergency"): (r"^\s*\w[^\n]{0,39}$", "how the emergency number is said, e.g. 999"),
}


def default_config_path() -> Path:
    """The user's settings file."""
    return Path(platformdirs.user_config_dir(APP)) / "config.toml"


def load_settings(path: Path | None = None, data_dir: Path | None = None) -> Settings:
    """Settings from `path` (or the user's file if it exists), every key checked."""
    explicit = path is not None
    path = path or default_config_path()
    data: dict[str, Any] = {}
    if path.exists() or explicit:
        data = read_toml(path, "settings file")
    settings = _build(data, str(path))
    if data_dir is not None:
        settings = replace(settings, data_dir=data_dir)
    return settings


def _build(data: dict[str, Any], where: str) -> Settings:
    sections = {f.name: f for f in fields(Settings) if f.name != "data_dir"}
    built = {}
    for key in data:
        if key not in sections and key != "data_dir":
            raise ConfigError(where, key, f"one of the sections {', '.join(sections)} or data_dir")
    for name, section_field in sections.items():
        cls = cast(type, section_field.default_factory)
        table = data.get(name, {})
        if not isinstance(table, dict):
            raise ConfigError(where, name, "a table")
        built[name] = _section(cls, table, name, where)
    settings = Settings(**built)
    if "data_dir" in data:
        if not isinstance(data["data_dir"], str) or not data["data_dir"].strip():
            raise ConfigError(where, "data_dir", "a folder path as a string")
        settings = replace(settings, data_dir=Path(data["data_dir"]).expanduser())
    return settings


def _section(cls: type, table: dict[str, Any], name: str, where: str) -> Any:
    known = {f.name: f for f in fields(cls)}
    values: dict[str, Any] = {}
    value: Any
    for key, value in table.items():
        if key not in known:
            raise ConfigError(where, f"{name}.{key}", f"one of {', '.join(known)}")
        default: Any = known[key].default
        expected = type(default)
        if expected is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if type(value) is not expected:
            raise ConfigError(where, f"{name}.{key}", _KINDS.get(expected, expected.__name__))
        bounds = RANGES.get((name, key))
        if bounds and not bounds[0] <= value <= bounds[1]:
            raise ConfigError(where, f"{name}.{key}", f"a value from {bounds[0]} to {bounds[1]}")
        choices = CHOICES.get((name, key))
        if choices and value not in choices:
            raise ConfigError(where, f"{name}.{key}", f"one of {', '.join(choices)}")
        pattern = PATTERNS.get((name, key))
        if pattern and not re.match(pattern[0], value):
            raise ConfigError(where, f"{name}.{key}", pattern[1])
        values[key] = value
    return cls(**values)
