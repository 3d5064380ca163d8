"""`python -m bot`: the command line. Each subcommand parses its arguments and hands off."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path

from bot.schedule import Problem, Schedule, ScheduleError, load_schedule
from bot.words import plural


def _load_or_explain(path: str, tz: str | None) -> tuple[Schedule, list[Problem]] | None:
    """The schedule, or None after printing its `PATH:LINE: message` problems."""
    try:
        return load_schedule(path, tz or os.environ.get("CONFERENCE_TZ") or None)
    except ScheduleError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        _print_warnings(error.warnings)
        return None


def _check(args: argparse.Namespace) -> int:
    loaded = _load_or_explain(args.path, args.tz)
    if loaded is None:
        return 1
    schedule, warnings = loaded
    if args.json:
        print(json.dumps([s.as_dict() for s in schedule], ensure_ascii=False, indent=2))
    else:
        print(format_table(schedule))
    _print_warnings(warnings)
    return 0


def _convert(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from bot.schedule.export import write

    source, target = Path(args.source), Path(args.target)
    refusal = _overwrite_refusal(source, target, args.force)
    if refusal:
        print(f"confbot convert: {refusal}", file=sys.stderr)
        return 1
    loaded = _load_or_explain(args.source, args.tz)
    if loaded is None:
        return 1
    schedule, warnings = loaded
    try:
        text = write(schedule, target.suffix.lower(), now=datetime.now(UTC))
    except ValueError as problem:
        print(f"confbot convert: {problem}", file=sys.stderr)
        return 2
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as problem:
        print(f"confbot convert: cannot write {target}: {problem.strerror or problem}", file=sys.stderr)
        return 1
    _print_warnings(warnings)
    print(f"{plural(len(schedule), 'session')} written to {target}")
    return 0


def _db_copy(args: argparse.Namespace) -> int:
    """Never prints the URL: it may carry a password."""
    from bot.store.copy import CopyError, copy_database
    from bot.store.errors import DatabaseError, first_line
    from bot.store.postgres import PostgresStore

    if not args.target.startswith(("postgresql://", "postgres://")):
        print(
            "confbot db copy: --to must be a PostgreSQL URL: postgresql://USER:PASSWORD@HOST/DATABASE", file=sys.stderr
        )
        return 2
    try:
        target = PostgresStore(args.target)
    except DatabaseError as problem:
        print(f"confbot db copy: cannot use the PostgreSQL database ({first_line(problem)})", file=sys.stderr)
        return 1
    try:
        copied = copy_database(Path(args.source), target)
    except (CopyError, DatabaseError) as problem:
        print(f"confbot db copy: nothing copied: {first_line(problem)}", file=sys.stderr)
        return 1
    finally:
        target.close()
    for each in copied:
        print(f"{each.table}: {plural(each.read, 'row')} read, {each.added} new")
    added = sum(each.added for each in copied)
    print(f"copied {plural(added, 'new row')} into PostgreSQL (rows already there were kept)")
    return 0


def _overwrite_refusal(source: Path, target: Path, force: bool) -> str | None:
    """Why `target` must not be written, if so: it is the input (the organiser's own
    file, front matter and all; --force does not change that), or it exists."""
    if source.resolve() == target.resolve() or _same_file(source, target):
        return f"{target} is the input file; write the converted schedule to another file"
    if target.exists() and not force:
        return f"{target} exists; pass --force to replace it"
    return None


def _same_file(one: Path, other: Path) -> bool:
    """Two names for one file (a hard link, a symlinked folder)."""
    try:
        return one.samefile(other)
    except OSError:  # either does not exist (yet)
        return False


def _explaining_bad_start(start: Callable[[], int]) -> int:
    """Run `start`; a bad setting or schedule becomes a clear message, not a traceback."""
    from bot.config import ConfigError

    try:
        return start()
    except ConfigError as problem:
        print(f"confbot: {problem}", file=sys.stderr)
        return 2
    except ScheduleError as error:
        for problem in error.problems:
            print(problem, file=sys.stderr)
        return 1


def _serve(args: argparse.Namespace) -> int:
    from bot.bootstrap import build_bot
    from bot.config import Config
    from bot.server import serve_http, serve_socket_mode

    def start() -> int:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
        logging.getLogger("apscheduler").setLevel(logging.WARNING)  # not a line per job run
        logging.getLogger("slack_sdk").setLevel(logging.WARNING)  # not a line per retry
        config = Config.from_env(os.environ)
        bot = build_bot(config, verify_slack=True)
        (serve_socket_mode if config.socket_mode else serve_http)(bot)
        return 0

    return _explaining_bad_start(start)


def _console(args: argparse.Namespace) -> int:
    from bot.console.mode import main_console

    return _explaining_bad_start(lambda: main_console(args, os.environ))


def _print_warnings(warnings: list[Problem]) -> None:
    for warning in warnings:
        print(f"{warning.path}:{warning.line}: warning: {warning.message}", file=sys.stderr)


def format_table(schedule: Schedule) -> str:
    """What an organiser reads to trust the bot: one line per session, by local time."""
    zone = getattr(schedule.zone, "key", str(schedule.zone))
    days = schedule.days
    heading = schedule.title or schedule.source
    lines = [f"{heading}: {plural(len(schedule), 'session')} on {plural(len(days), 'day')} ({zone})", ""]
    id_width = max((len(s.id) for s in schedule), default=2)
    for session in schedule:
        speakers = "; ".join(f"{p.name} ({p.affiliation})" if p.affiliation else p.name for p in session.speakers)
        when = f"{session.start:%a %Y-%m-%d  %H:%M}–{session.end:%H:%M}"
        line = f"{session.id:<{id_width}}  {when}  {session.title}"
        lines.append(f"{line}  — {speakers}" if speakers else line)
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line (and exit 2) rather than the usage too."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


SCHEDULE_FORMATS = ".md (Markdown), .xml (frab/Pentabarf), .json (pretalx/frab) or .ics (iCalendar)"


def build_parser() -> argparse.ArgumentParser:
    from bot.console.options import AT_FORM, iana_zone, speed, venue_datetime

    parser = _Parser(prog="python -m bot", description="confbot: a conference schedule bot for Slack")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    check = commands.add_parser("check", help="parse and validate a schedule file")
    check.add_argument("path", help=f"schedule file: {SCHEDULE_FORMATS}")
    check.add_argument(
        "--tz", metavar="ZONE", help="venue IANA zone when the file names none (default: $CONFERENCE_TZ)"
    )
    check.add_argument("--json", action="store_true", help="print the sessions as JSON")
    check.set_defaults(run=_check)

    convert = commands.add_parser(
        "convert", help="write schedule IN in the format of OUT's extension (.md, .ics, .json)"
    )
    convert.add_argument("source", metavar="IN", help=f"schedule file: {SCHEDULE_FORMATS}")
    convert.add_argument("target", metavar="OUT", help="file to write: .md, .ics or .json (never IN itself)")
    convert.add_argument("--tz", metavar="ZONE", help="venue IANA zone when IN names none (default: $CONFERENCE_TZ)")
    convert.add_argument("--force", action="store_true", help="replace OUT if it exists")
    convert.set_defaults(run=_convert)

    serve = commands.add_parser("serve", help="run the bot (Socket Mode with SLACK_APP_TOKEN, else HTTP on $PORT)")
    serve.set_defaults(run=_serve)

    console = commands.add_parser("console", help="the whole bot with no Slack account: /conf lines on stdin")
    console.add_argument(
        "--at", type=venue_datetime, metavar="DATETIME", help=f"start of the clock: {AT_FORM} (default: now)"
    )
    console.add_argument(
        "--speed", type=speed, default=1.0, metavar="N", help="run the clock N times faster (default 1)"
    )
    console.add_argument(
        "--user-tz",
        type=iana_zone,
        metavar="ZONE",
        help="your own IANA zone (e.g. Europe/Berlin), to see times in it too",
    )
    console.add_argument(
        "--schedule",
        metavar="PATH",
        help=f"schedule file: {SCHEDULE_FORMATS} (default: $SCHEDULE_PATH or the bundled one)",
    )
    console.set_defaults(run=_console)

    database = commands.add_parser("db", help="the bot's database")
    database_commands = database.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    copy = database_commands.add_parser(
        "copy",
        help="copy a SQLite database into PostgreSQL (one transaction; rows already there are kept)",
    )
    copy.add_argument("--from", dest="source", required=True, metavar="PATH", help="the SQLite file (DATABASE_PATH)")
    copy.add_argument("--to", dest="target", required=True, metavar="URL", help="postgresql://… (DATABASE_URL)")
    copy.set_defaults(run=_db_copy)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # `check … | head -1`: the reader left; so do we, quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit must not fail again
        return 0
