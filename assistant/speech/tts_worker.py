"""Worker process: renders lines to WAV files with Piper or pyttsx3 (reads one JSON request on
stdin, writes the index of each line done on stdout).

Kept apart from the assistant so that a hung engine can be killed without freezing listening, and
so that Piper's model never takes memory in the listening process. The parent gives up when no
line is done for a while, not after a fixed total: a long first rendering is not a hang.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    """Render every job of the request; exit non-zero on failure."""
    request = json.load(sys.stdin)

    def done(index: int) -> None:
        print(index, flush=True)

    if request.get("engine") == "piper":
        from assistant.speech.piper_voice import render

        render(request["jobs"], int(request["rate"]), done)
        return 0

    import pyttsx3

    engine = pyttsx3.init()
    engine.setProperty("rate", int(request["rate"]))
    engine.setProperty("volume", 1.0)
    if request.get("voice"):
        engine.setProperty("voice", request["voice"])
    # One runAndWait per line: queued save_to_file calls keep only the last file.
    for index, job in enumerate(request["jobs"]):
        engine.save_to_file(job["text"], job["path"])
        engine.runAndWait()
        done(index)
    return 0


if __name__ == "__main__":
    sys.exit(main())
