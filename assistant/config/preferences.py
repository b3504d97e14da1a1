"""What the person asked for by voice ("slower", "quieter"), remembered from night to night.

Kept apart from the settings file, which is the person's own to edit: a small JSON file in the
data folder whose values, when present, override the settings' pace and volume.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import replace
from pathlib import Path

from assistant.config.settings import Voice

log = logging.getLogger(__name__)

PACE_STEP = 20
"""Words per minute a "slower" or "faster" changes."""
PACE_RANGE = (90, 200)
VOLUME_FACTOR = 1.4
"""A "quieter" divides the volume by this, a "louder" multiplies it (about 3 dB)."""
VOLUME_RANGE = (0.1, 1.0)


def adjusted(voice: Voice, setting: str, direction: int) -> Voice:
    """`voice` one step slower, faster, quieter or louder, within sensible bounds."""
    if setting == "pace":
        rate = voice.rate + direction * PACE_STEP
        return replace(voice, rate=max(PACE_RANGE[0], min(PACE_RANGE[1], rate)))
    volume = voice.volume * VOLUME_FACTOR**direction
    return replace(voice, volume=round(max(VOLUME_RANGE[0], min(VOLUME_RANGE[1], volume)), 3))


class Preferences:
    """The file of remembered pace and volume."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def apply(self, voice: Voice) -> Voice:
        """`voice` with the remembered pace and volume, if any (a damaged file is ignored)."""
        try:
            saved = json.loads(self.path.read_text(encoding="utf-8"))
            rate, volume = int(saved["rate"]), float(saved["volume"])
        except FileNotFoundError:
            return voice
        except (OSError, ValueError, KeyError, TypeError) as err:
            log.warning("ignoring %s (%s): the settings' pace and volume are used", self.path, err)
            return voice
        rate = max(PACE_RANGE[0], min(PACE_RANGE[1], rate))
        volume = max(VOLUME_RANGE[0], min(VOLUME_RANGE[1], volume))
        return replace(voice, rate=rate, volume=volume)

    def save(self, voice: Voice) -> None:
        """Remember the pace and volume of `voice` (written whole, then renamed into place)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        partial = self.path.with_suffix(".part")
        partial.write_text(json.dumps({"rate": voice.rate, "volume": voice.volume}) + "\n")
        os.replace(partial, self.path)
