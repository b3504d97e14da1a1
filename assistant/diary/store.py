"""The cramp diary: every episode in a local SQLite file (WAL), readable by the user alone.

An episode is written when it starts and updated at every step, so a crash or a power cut loses
nothing already heard; an episode left open is closed as `interrupted` the next time the diary
is opened. Schema changes are upgrades, applied in order from the first version on.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from assistant.dialogue.vocabulary import LEGS, MUSCLES, OUTCOMES
from assistant.errors import UserError

MIGRATIONS = [
    # version 1: the first diary
    """
    CREATE TABLE episodes (
        id INTEGER PRIMARY KEY,
        started TEXT NOT NULL,
        ended TEXT,
        updated TEXT NOT NULL,
        leg TEXT,
        muscle TEXT,
        steps TEXT NOT NULL DEFAULT '[]',
        replies TEXT NOT NULL DEFAULT '[]',
        red_flags TEXT NOT NULL DEFAULT '[]',
        outcome TEXT NOT NULL DEFAULT 'open'
    );
    CREATE INDEX episodes_started ON episodes (started);
    """,
    # version 2: how bad it was, where the entry came from, advice already given
    """
    ALTER TABLE episodes ADD COLUMN severity INTEGER;
    ALTER TABLE episodes ADD COLUMN source TEXT NOT NULL DEFAULT 'voice';
    CREATE TABLE advice (kind TEXT NOT NULL, given TEXT NOT NULL);
    """,
    # version 3: every time is local wall-clock time, with no UTC offset (mended in Python,
    # Diary._mend_times, for entries stored with one)
    """
    SELECT 1;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

log = logging.getLogger(__name__)


class DiaryError(UserError):
    """The diary file cannot be used; the message says which file and why."""


@dataclass
class Episode:
    """One cramp, as the diary keeps it."""

    id: int
    started: datetime
    ended: datetime | None
    outcome: str
    leg: str | None = None
    muscle: str | None = None
    severity: int | None = None
    source: str = "voice"
    steps: list[str] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)
    red_flags: list[str] = field(default_factory=list)

    @property
    def minutes(self) -> float | None:
        """Duration in minutes, when it ended."""
        return (self.ended - self.started).total_seconds() / 60 if self.ended else None


class Diary:
    """Open (creating if needed) the diary at `path`."""

    def __init__(self, path: Path, recover: bool = False, read_only: bool = False) -> None:
        """`recover`: close episodes left open as interrupted; only the assistant that holds the
        data folder (assistant.system.instance) may, never a reader such as `diary` or `report`.
        `read_only`: an existing diary that cannot be written (a read-only disk or file), read
        as it is; nothing is created, upgraded or recovered."""
        self.path = path
        self._damaged: set[int] = set()
        """Rows found damaged (each named once)."""
        self.recovered = 0
        try:
            if read_only:
                self._db = _open_read_only(path)
                self._check_is_diary()
                if self._db.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
                    raise sqlite3.DatabaseError(
                        "was written by an earlier version and is read-only, so it cannot be "
                        "upgraded: open it once where it can be written"
                    )
                return
            path.parent.mkdir(parents=True, exist_ok=True)
            if not path.exists():
                # Created readable by the user alone, before any data is written.
                os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
            self._db = sqlite3.connect(path, timeout=2.0, isolation_level=None)
            self._check_is_diary()  # before anything is written: it may be someone else's file
            self._db.execute("PRAGMA journal_mode=WAL")
            self._upgrade()
            if recover:
                self.recovered = self._close_interrupted()
        except sqlite3.DatabaseError as err:
            raise DiaryError(_explain(path, err)) from None
        except OSError as err:
            raise DiaryError(f"{path}: cannot open the diary ({err.strerror})") from None

    def close(self) -> None:
        """Close the file."""
        self._db.close()

    # ------------------------------------------------------------------ schema

    def _check_is_diary(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if (
            version == 0
            and self._db.execute(
                "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
            ).fetchone()[0]
        ):
            raise sqlite3.DatabaseError("holds tables of something else, not a cramp diary")
        if version > SCHEMA_VERSION:
            raise sqlite3.DatabaseError(f"was written by a newer version (schema {version})")

    def _upgrade(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version < 3:
            self._mend_times()
        for number in range(version, SCHEMA_VERSION):
            self._db.execute("BEGIN IMMEDIATE")
            for statement in filter(str.strip, MIGRATIONS[number].split(";")):
                self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {number + 1}")
            self._db.execute("COMMIT")

    def _close_interrupted(self) -> int:
        cursor = self._db.execute(
            "UPDATE episodes SET outcome = 'interrupted', ended = updated WHERE outcome = 'open'"
        )
        return cursor.rowcount

    def _mend_times(self) -> None:
        """Times stored with a UTC offset (before version 3) become local wall-clock times."""
        tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master")}
        columns = {"episodes": ("started", "ended", "updated"), "advice": ("given",)}
        for table, names in columns.items():
            if table not in tables:
                continue
            for name in names:
                rows = self._db.execute(f"SELECT rowid, {name} FROM {table}").fetchall()
                for rowid, text in rows:
                    if text and _stamp(_read_time(text)) != text:
                        self._db.execute(
                            f"UPDATE {table} SET {name} = ? WHERE rowid = ?",
                            (_stamp(_read_time(text)), rowid),
                        )

    # ------------------------------------------------------------------ writing

    def start(self, when: datetime, source: str = "voice") -> int:
        """A new episode; returns its id."""
        stamp = _stamp(when)
        cursor = self._write(
            "INSERT INTO episodes (started, updated, source) VALUES (?, ?, ?)",
            (stamp, stamp, source),
        )
        assert cursor.lastrowid is not None  # an INSERT always sets it
        return int(cursor.lastrowid)

    def update(self, episode: int, when: datetime, **fields: object) -> None:
        """Record progress: lists are stored as JSON, other values as they are."""
        values = {k: json.dumps(v) if isinstance(v, list) else v for k, v in fields.items()}
        values["updated"] = _stamp(when)
        assignments = ", ".join(f"{k} = ?" for k in values)
        self._write(f"UPDATE episodes SET {assignments} WHERE id = ?", (*values.values(), episode))

    def finish(self, episode: int, when: datetime, outcome: str) -> None:
        """The episode ended with `outcome`."""
        stamp = _stamp(when)
        self._write(
            "UPDATE episodes SET ended = ?, updated = ?, outcome = ? WHERE id = ?",
            (stamp, stamp, outcome, episode),
        )

    def add(
        self,
        started: datetime,
        minutes: float,
        outcome: str = "relieved",
        leg: str | None = None,
        muscle: str | None = None,
        severity: int | None = None,
    ) -> int:
        """An episode logged by hand."""
        if outcome not in OUTCOMES:
            raise UserError(f"outcome: expected one of {', '.join(OUTCOMES)}, got {outcome!r}")
        if leg is not None and leg not in LEGS:
            raise UserError(f"leg: expected one of {', '.join(LEGS)}, got {leg!r}")
        if muscle is not None and muscle not in MUSCLES:
            raise UserError(f"muscle: expected one of {', '.join(MUSCLES)}, got {muscle!r}")
        if severity is not None and not 0 <= severity <= 10:
            raise UserError(f"severity: expected 0 to 10, got {severity}")
        if not 0 < minutes <= 24 * 60:
            raise UserError(f"minutes: expected more than 0 and at most 1440, got {minutes:g}")
        same = [
            e.id
            for e in self.episodes(started - timedelta(minutes=1), started + timedelta(minutes=1))
        ]
        if same:
            # The same `diary add` typed twice would count as two cramps in one night, and that
            # alone raises "worth telling a doctor about".
            raise UserError(
                f"episode {same[0]} already starts at {started:%a %d %b %Y %H:%M}; "
                "nothing added (one cramp is one episode)"
            )
        episode = self.start(started, source="manual")
        self.update(episode, started, leg=leg, muscle=muscle, severity=severity)
        self.finish(episode, started + timedelta(minutes=minutes), outcome)
        return episode

    def advice_given(self, kind: str, when: datetime) -> None:
        """Remember that advice of this kind was given."""
        self._write(
            "INSERT INTO advice (kind, given) VALUES (?, ?)",
            (kind, _stamp(when)),
        )

    def advice_since(self, kind: str, since: datetime) -> bool:
        """Whether advice of this kind was given after `since`."""
        row = self._db.execute(
            "SELECT 1 FROM advice WHERE kind = ? AND given >= ?",
            (kind, _stamp(since)),
        ).fetchone()
        return row is not None

    def _write(self, sql: str, params: tuple[object, ...]) -> sqlite3.Cursor:
        try:
            return self._db.execute(sql, params)
        except sqlite3.DatabaseError as err:
            raise DiaryError(_explain(self.path, err)) from None

    # ------------------------------------------------------------------ reading

    def episodes(
        self, since: datetime | None = None, until: datetime | None = None
    ) -> list[Episode]:
        """Episodes that started in [since, until), oldest first."""
        sql = "SELECT * FROM episodes WHERE started >= ? AND started < ? ORDER BY started"
        low = _stamp(since or datetime.min)
        high = _stamp(until or datetime.max)
        self._db.row_factory = sqlite3.Row
        try:
            rows = self._db.execute(sql, (low, high)).fetchall()
        finally:
            self._db.row_factory = None
        found = []
        for row in rows:
            try:
                found.append(_episode(row))
            except (ValueError, TypeError, OverflowError) as err:
                # One damaged row (edited by hand, a bad disk) is left out and named once; the
                # others are read, and nothing is written over it.
                if row["id"] not in self._damaged:
                    self._damaged.add(row["id"])
                    log.warning(
                        "%s: episode %s is damaged (%s); left out", self.path, row["id"], err
                    )
        return found


def local_time(when: datetime) -> datetime:
    """`when` as local wall-clock time with no offset: the one convention of the diary."""
    return when.astimezone().replace(tzinfo=None) if when.tzinfo is not None else when


def _stamp(when: datetime) -> str:
    return local_time(when).isoformat(timespec="seconds")


def _read_time(text: str) -> datetime:
    return local_time(datetime.fromisoformat(text))


def _episode(row: sqlite3.Row) -> Episode:
    """An episode from its row; ValueError or TypeError when a field is not what it must be."""
    severity = row["severity"]
    if severity is not None and (type(severity) is not int or not 0 <= severity <= 10):
        raise ValueError(f"severity {severity!r} is not a whole number from 0 to 10")
    started = _read_time(row["started"])
    ended = _read_time(row["ended"]) if row["ended"] else None
    if started.year < 1900 or (ended is not None and ended.year < 1900):
        raise ValueError(f"a date before 1900 ({row['started']})")
    return Episode(
        id=row["id"],
        started=started,
        ended=ended,
        outcome=str(row["outcome"]),
        leg=row["leg"],
        muscle=row["muscle"],
        severity=severity,
        source=str(row["source"]),
        steps=_words(row["steps"], "steps"),
        replies=_words(row["replies"], "replies"),
        red_flags=_words(row["red_flags"], "red_flags"),
    )


def _words(text: object, name: str) -> list[str]:
    """A JSON list of strings, as the diary keeps steps, replies and red flags."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{name} is not a list of words")
    return value


def _explain(path: Path, err: sqlite3.DatabaseError) -> str:
    text = str(err)
    if "not a database" in text or "something else" in text or "newer version" in text:
        return f"{path}: not a cramp diary this version can use ({text})"
    if "locked" in text:
        return f"{path}: the diary is locked by another program; try again in a moment"
    if "readonly" in text or "read-only" in text:
        return f"{path}: the diary is read-only; nothing new can be written to it"
    if "full" in text:
        return f"{path}: the disk is full; the diary cannot grow"
    return f"{path}: diary error ({text})"


def _open_read_only(path: Path) -> sqlite3.Connection:
    """The diary at `path` opened for reading only."""
    uri = path.resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=2.0, isolation_level=None)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        # On a read-only disk SQLite cannot make the shared-memory file a WAL diary is read
        # with; nothing can change the file there either, so it is read as unchanging.
        db.close()
        return sqlite3.connect(f"{uri}?immutable=1", uri=True, timeout=2.0, isolation_level=None)
