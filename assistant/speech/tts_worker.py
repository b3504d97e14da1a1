"""Worker process: renders lines to WAV files with pyttsx3 (reads one JSON request on stdin).

Kept apart from the assistant so that a pyttsx3 hang can be killed without freezing listening.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    """Render every job of the request; exit non-zero on failure."""
    import pyttsx3

    request = json.load(sys.stdin)
    engine = pyttsx3.init()
    engine.setProperty("rate", int(request["rate"]))
    engine.setProperty("volume", 1.0)
    if request.get("voice"):
        engine.setProperty("voice", request["voice"])
    # One runAndWait per line: queued save_to_file calls keep only the last file.
    for job in request["jobs"]:
        engine.save_to_file(job["text"], job["path"])
        engine.runAndWait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
