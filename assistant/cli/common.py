"""What several commands share: devices and dates as typed, the voice, the diary opened to read."""

from __future__ import annotations

import argparse
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from assistant.config.settings import Settings
from assistant.diary.store import Diary, DiaryError, Episode, local_time
from assistant.errors import UserError

if TYPE_CHECKING:
    from assistant.speech.synthesizer import WorkerSynthesizer

log = logging.getLogger(__name__)


def tell(line: str) -> None:
    """A line for the person watching a night: a closed pipe or a full disk behind the console
    is logged once and the night goes on (the console is for watching, not for the night)."""
    import sys

    from assistant.events import quiet_stream

    try:
        print(line, flush=True)
    except OSError as err:
        log.error("the console cannot be written (%s); going on without it", err)
        quiet_stream(sys.stdout)


def device(value: str | None) -> int | str | None:
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


def date_time(value: str) -> datetime:
    """A date or time from the command line, as local wall-clock time (an offset such as
    +05:00 is converted: the diary keeps one convention)."""
    try:
        return local_time(datetime.fromisoformat(value))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not a date or time; expected e.g. 2026-11-18 or 2026-11-18T03:00"
        ) from None


def moment(value: str) -> datetime:
    """A date with its time of day (a cramp is logged at the time it began; a date alone would
    silently become midnight)."""
    when = date_time(value)
    if "T" not in value and " " not in value.strip() and ":" not in value:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no time of day; expected e.g. {value.strip()}T03:00"
        )
    return when


def synthesizer_of(settings: Settings) -> WorkerSynthesizer:
    """The assistant's voice as the settings say."""
    from assistant.speech.synthesizer import WorkerSynthesizer

    return WorkerSynthesizer(settings.speech_cache, settings.voice)


def read_diary(settings: Settings) -> Diary:
    """The diary opened for reading: an episode left open is closed as interrupted only when no
    live assistant holds the data folder (a running night's episode is not touched)."""
    from assistant.system.instance import InstanceLock

    live = InstanceLock(settings.data_dir).held()
    try:
        return Diary(settings.diary_path, recover=not live)
    except DiaryError:
        if not settings.diary_path.is_file():
            raise
        # A diary that cannot be written (a read-only disk, a file made read-only) can still
        # be read: the person or their doctor may only want to look.
        return Diary(settings.diary_path, read_only=True)


def episodes_since(settings: Settings, since: datetime) -> list[Episode]:
    """The diary's episodes from `since` on."""
    diary = read_diary(settings)
    try:
        return diary.episodes(since)
    finally:
        diary.close()
