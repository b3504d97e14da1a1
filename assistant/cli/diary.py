"""`diary` (show, add) and `report`: the person's record of their cramps."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from pathlib import Path

from assistant.cli.common import date_time, episodes_since, moment, read_diary, tell
from assistant.config.settings import Settings
from assistant.dialogue.vocabulary import LEGS, MUSCLES, ROUTINE_OUTCOMES
from assistant.errors import UserError


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`diary`, `diary add` and `report`."""
    diary = commands.add_parser("diary", help="the cramp diary (last 30 days)")
    diary.add_argument("--since", type=date_time, help="from this date (e.g. 2026-11-01)")
    form = diary.add_mutually_exclusive_group()
    form.add_argument("--csv", action="store_true", help="as CSV")
    form.add_argument("--json", action="store_true", help="as JSON")
    diary.set_defaults(handler=_diary)
    diary_commands = diary.add_subparsers(dest="diary_command", metavar="ACTION")
    add = diary_commands.add_parser("add", help="log an episode by hand")
    add.add_argument(
        "--start", type=moment, required=True, help="when it began, e.g. 2026-11-18T03:00"
    )
    add.add_argument("--minutes", type=float, required=True, help="how long it lasted")
    add.add_argument("--leg", choices=LEGS)
    add.add_argument("--muscle", choices=MUSCLES)
    add.add_argument("--severity", type=int, choices=range(1, 11), metavar="1-10")
    add.add_argument(
        "--outcome", choices=ROUTINE_OUTCOMES, help="how it ended (relieved unless you say so)"
    )
    add.set_defaults(handler=_diary_add)

    report = commands.add_parser("report", help="an HTML report to take to a doctor")
    report.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    report.add_argument("--since", type=date_time, help="from this date (default: 12 weeks ago)")
    report.add_argument(
        "--force", action="store_true", help="write over a file that is not an earlier report"
    )
    report.set_defaults(handler=_report)


def _diary(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.diary import view as diary_view

    since = args.since or datetime.now() - timedelta(days=30)
    episodes = episodes_since(settings, since)
    if args.csv:
        diary_view.write_csv(episodes, sys.stdout)
    elif args.json:
        print(diary_view.to_json(episodes))
    else:
        print(diary_view.table(episodes, since))
    return 0


def _diary_add(args: argparse.Namespace, settings: Settings) -> int:
    now = datetime.now()
    if args.start > now + timedelta(minutes=5):
        raise UserError(
            f"--start {args.start:%Y-%m-%dT%H:%M} is in the future; a cramp is logged after it"
        )
    if args.start < now - timedelta(days=5 * 366):
        raise UserError(
            f"--start {args.start:%Y-%m-%d} is more than five years ago; expected a recent cramp"
        )
    if args.start + timedelta(minutes=args.minutes) > now + timedelta(minutes=5):
        raise UserError(
            f"--minutes {args.minutes:g} from {args.start:%H:%M} ends in the future; "
            "a cramp is logged after it ends"
        )
    diary = read_diary(settings)
    try:
        episode = diary.add(
            args.start,
            args.minutes,
            args.outcome or "relieved",
            args.leg,
            args.muscle,
            args.severity,
        )
    finally:
        diary.close()
    said = "" if args.outcome else " (--outcome to say otherwise)"
    outcome = args.outcome or "relieved"
    # Stored: a full disk behind stdout must not make it look as if it was not (exit 2).
    tell(
        f"Added episode {episode}: {args.start:%a %d %b %Y %H:%M}, {args.minutes:g} min, "
        f"{outcome}{said}."
    )
    return 0


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from assistant.dialogue.routine_file import routine_of
    from assistant.diary.report import is_report, write_report

    if args.out.exists() and not args.out.is_file():  # a pipe or a device would hang or worse
        raise UserError(f"--out {args.out}: not a regular file; a report is written to a file")
    if args.out.exists() and not args.force and not is_report(args.out):
        raise UserError(
            f"{args.out} exists and is not a report written by cramp-assistant: not written "
            "over (choose another name, or add --force)"
        )
    since = args.since or datetime.now() - timedelta(weeks=12)
    episodes = episodes_since(settings, since)
    write_report(args.out, episodes, since, datetime.now(), routine_of(settings))
    count = f"{len(episodes)} episode" + ("" if len(episodes) == 1 else "s")
    print(f"Wrote {args.out} ({count} since {since:%d %b %Y}).")
    return 0
