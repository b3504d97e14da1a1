"""The fuzz tier: every parser of outside input, fed what hypothesis makes up, answers with a
correct result or one clear line (a UserError), never a traceback.

Settings, routine and scenario files are made as TOML documents: each a valid file with one
key changed to another value of any type, or a table dropped. Model lists likewise; diary rows as
rows with any values. `bash scripts/test.sh --fast` runs the fast profile; the full suite runs a
longer one (HYPOTHESIS_PROFILE=full, set by scripts/test.sh).
"""

from __future__ import annotations

import contextlib
import copy
import sqlite3
import tomllib
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.config.settings import _build
from assistant.dialogue.routine_file import default_routine_path, parse_routine
from assistant.errors import UserError
from assistant.simulation.scenario import parse_scenario
from assistant.speech.models.manifest import parse_manifest

ROUTINE = tomllib.loads(default_routine_path().read_text(encoding="utf-8"))
MANIFEST_PATH = Path(__file__).resolve().parents[2] / "assistant/speech/models/manifest.toml"
SETTINGS = {
    "voice": {"rate": 140, "volume": 0.6, "voice": ""},
    "listening": {"engine": "auto", "threshold": -2.5, "max_trigger_seconds": 3.0},
    "sound": {"night_hours": "22-07", "night_volume": 0.7},
    "routine": {"emergency": "999"},
}
SCENARIO = {
    "scenario": {"voice": "en-us", "noise": 200},
    "turn": [{"say": "I have a cramp"}, {"silence": 4}, {"say": "it's better", "at": 1.0}],
}

values = st.recursive(  # what TOML can hold: no null
    st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


def paths(document: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path in a document (into tables and lists)."""
    found = []
    if isinstance(document, dict):
        for key, value in document.items():
            found.append((*prefix, key))
            found += paths(value, (*prefix, key))
    elif isinstance(document, list):
        for i, value in enumerate(document):
            found.append((*prefix, i))
            found += paths(value, (*prefix, i))
    return found


@st.composite
def changed(draw: st.DrawFn, document: dict) -> dict:
    """`document` with one value replaced by any value, or one key removed."""
    data = copy.deepcopy(document)
    path = draw(st.sampled_from(paths(data)))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(values)
    return data


def either_fine_or_one_clear_line(parse, data: dict) -> None:
    try:
        parse(data)
    except UserError as err:
        message = str(err)
        assert message and "\n" not in message.strip()


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(changed(SETTINGS))
def test_settings(data: dict) -> None:
    either_fine_or_one_clear_line(lambda d: _build(d, "fuzz.toml"), data)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(changed(ROUTINE))
def test_routines(data: dict) -> None:
    either_fine_or_one_clear_line(lambda d: parse_routine(d, "fuzz.toml"), data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(changed(SCENARIO))
def test_scenarios(data: dict) -> None:
    either_fine_or_one_clear_line(lambda d: parse_scenario(d, "fuzz.toml", Path("/tmp")), data)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(changed(tomllib.loads(MANIFEST_PATH.read_text(encoding="utf-8"))))
def test_model_lists(data: dict) -> None:
    either_fine_or_one_clear_line(lambda d: parse_manifest(d, "fuzz.toml"), data)


row_values = (
    st.none()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)  # what SQLite can hold
    | st.floats()
    | st.text(max_size=30)
    | st.binary(max_size=8)
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.dictionaries(
    st.sampled_from(["started", "ended", "outcome", "leg", "muscle", "severity", "source",
                     "steps", "replies", "red_flags"]),
    row_values, min_size=1, max_size=4,
))  # fmt: skip
def test_diary_rows(tmp_path_factory, changes: dict) -> None:
    from assistant.diary.store import Diary

    folder = tmp_path_factory.mktemp("diary")
    diary = Diary(folder / "diary.sqlite3")
    diary.add(datetime_at(3), 5)
    diary.add(datetime_at(4), 5)
    diary.close()
    db = sqlite3.connect(folder / "diary.sqlite3")
    for column, value in changes.items():
        with contextlib.suppress(sqlite3.IntegrityError):  # the schema itself refuses it
            db.execute(f"UPDATE episodes SET {column} = ? WHERE id = 1", (value,))
    db.commit()
    db.close()
    diary = Diary(folder / "diary.sqlite3")
    try:
        found = diary.episodes()
    finally:
        diary.close()
    assert 2 in [e.id for e in found]  # a damaged row never takes the others with it


def datetime_at(hour: int):
    from datetime import datetime

    return datetime(2026, 11, 20, hour, 0)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.floats(width=32), max_size=4000),
    st.sampled_from([4000, 8000, 11025, 16000, 22050, 44100, 48000, 96000]),
    st.sampled_from([("WAV", "FLOAT"), ("WAV", "PCM_16"), ("FLAC", "PCM_16"), ("WAV", "PCM_U8")]),
)
def test_audio_files(tmp_path_factory, samples: list[float], rate: int, kind: tuple) -> None:
    """Any sample values (NaN, infinity, 3e38), any length, any of these rates and formats: int16
    audio at 16 kHz, or one clear line; never a traceback, never a file made deaf by one sample."""
    import numpy as np
    import soundfile

    from assistant.audio.convert import read_audio, stream_audio

    fmt, subtype = kind
    path = tmp_path_factory.mktemp("audio") / f"a.{fmt.lower()}"
    data = np.asarray(samples, dtype=np.float32)
    if subtype != "FLOAT":
        data = np.clip(np.nan_to_num(data), -1, 1)
    soundfile.write(str(path), data, rate, format=fmt, subtype=subtype)
    for read in (read_audio, lambda p: np.concatenate([np.zeros(0, np.int16), *stream_audio(p)])):
        try:
            audio = read(path)
        except UserError as err:
            assert "\n" not in str(err).strip()
            continue
        assert audio.dtype == np.int16


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(st.text(max_size=25), st.text(max_size=10))
def test_diary_add_arguments(tmp_path_factory, start: str, minutes: str) -> None:
    """`diary add` with any start and minutes: stored, or refused with one line (exit 2)."""
    import contextlib
    import io

    from assistant.cli import main

    folder = tmp_path_factory.mktemp("data")
    err = io.StringIO()
    code: int | str | None
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(["--data-dir", str(folder), "diary", "add", "--start", start,
                         "--minutes", minutes])  # fmt: skip
        except SystemExit as exit_:  # argparse's own refusal
            code = exit_.code
    assert code in (0, 2), err.getvalue()
    assert "Traceback" not in err.getvalue()


MODEL_FILES = ["am/final.mdl", "conf/mfcc.conf", "conf/model.conf", "graph/HCLG.fst", "ivector/"]
entry_names = st.one_of(
    st.sampled_from(MODEL_FILES).map(lambda name: f"model/{name}"),
    st.sampled_from(MODEL_FILES),
    st.sampled_from(
        ["../escape", "/etc/passwd", "a/../../b", "..\\x", "a/b/", "a", "a/", "x" * 300]
    ),
    st.text(min_size=1, max_size=20),
)


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(entry_names, st.binary(max_size=64)), max_size=8),
    st.one_of(st.none(), st.integers(min_value=0, max_value=400)),
)
def test_model_zips(tmp_path_factory, entries: list[tuple[str, bytes]], cut: int | None) -> None:
    """Any archive given to `models fetch --from` (any entry names, repeated, escaping, a file
    where a folder must be; cut short anywhere), with the digests the model list pins for it:
    the model installed whole, or one clear line and nothing left behind."""
    import hashlib
    import io
    import warnings
    import zipfile

    from assistant.speech.models.manifest import ModelInfo
    from assistant.speech.models.vosk_zips import fetch

    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns of a repeated name; the unpacker must cope
        with zipfile.ZipFile(buffer, "w") as archive:
            for name, content in entries:
                # A name zipfile itself refuses to write (one cut to nothing at a NUL byte:
                # tests/models/test_fetch.py makes that archive byte by byte).
                with contextlib.suppress(ValueError, IndexError):
                    archive.writestr(name, content)
    data = buffer.getvalue()[:cut] if cut is not None else buffer.getvalue()
    work = tmp_path_factory.mktemp("zip")
    source = work / "model.zip"
    source.write_bytes(data)
    info = ModelInfo("model-x", "en", "", len(data), hashlib.sha256(data).hexdigest(), True)
    folder = work / "models"
    try:
        target = fetch(info, folder, str(source))
    except UserError as err:
        assert "\n" not in str(err).strip()
        assert not (folder / "model-x").exists()
    else:
        assert (target / "am" / "final.mdl").is_file()
    assert sorted(p.name for p in work.iterdir()) == ["model.zip", "models"] or not folder.exists()
    leftovers = (
        [p.name for p in folder.iterdir() if p.name.startswith(".")] if folder.exists() else []
    )
    assert not leftovers, leftovers
