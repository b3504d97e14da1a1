"""One assistant per data folder: a second one is refused, naming the first one's PID."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import soundfile

from tests.commands import run_cli, start_cli


def test_a_second_assistant_on_the_same_data_folder_is_refused(tmp_path: Path) -> None:
    quiet = tmp_path / "quiet.wav"
    soundfile.write(str(quiet), np.zeros(16000 * 60, dtype=np.int16), 16000)
    data = tmp_path / "data"
    base = ["--data-dir", str(data), "run", "--input"]
    first = start_cli(*base, quiet, "--realtime", stderr=None)
    try:
        assert first.stdout is not None
        first.stdout.readline()  # the start-up line: it holds the folder now
        second = run_cli(*base, quiet, timeout=60)
        assert second.returncode == 2
        assert f"PID {first.pid}" in second.stderr and str(data) in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.terminate()
        first.wait(timeout=30)
        if first.stdout:
            first.stdout.close()
    time.sleep(0.1)
    again = run_cli(*base, quiet, timeout=120)
    assert again.returncode == 0, again.stderr  # free again once the first one has ended


def test_a_reader_looking_at_the_lock_never_refuses_a_start(tmp_path: Path) -> None:
    # `diary` and `report` ask whether an assistant holds the folder (a shared lock for an
    # instant); a start at that instant was refused as if another assistant were listening.
    import threading

    from assistant.system.instance import InstanceLock

    looking = threading.Event()

    def reader() -> None:
        while not looking.is_set():
            InstanceLock(tmp_path).held()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(300):
            lock = InstanceLock(tmp_path).acquire()
            lock.release()
    finally:
        looking.set()
        thread.join()
