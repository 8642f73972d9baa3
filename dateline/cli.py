"""dateline: run the pipeline, query the timeline, print coverage figures, write an HTML report.

Every command that touches the warehouse takes --warehouse DIR (default data/warehouse), before or after
the command name. Queries open the published timeline.duckdb read-only, so they never block a run.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import sys
import textwrap
import threading
import time
from datetime import date
from pathlib import Path
from typing import TextIO

from tabulate import tabulate

DEFAULT_INBOX = Path("data/inbox")
DEFAULT_WAREHOUSE = Path("data/warehouse")

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _error(msg: str) -> int:
    print(f"dateline: error: {msg}", file=sys.stderr)
    return EXIT_USAGE


def _cell(v: object) -> object:
    if isinstance(v, list):
        return "; ".join(map(str, v))
    return v


def _print_rows(columns: list[str], rows: list[tuple], fmt: str, out: TextIO | None = None,
                numparse: bool = True) -> None:
    out = out or sys.stdout
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(columns)
        w.writerows([[_cell(v) for v in r] for r in rows])
    elif fmt == "json":
        out.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2, ensure_ascii=False))
        out.write("\n")
    else:
        out.write(tabulate(rows, headers=columns, tablefmt="simple_grid", disable_numparse=not numparse) + "\n")


def _readable_timeline(columns: list[str], rows: list[tuple], width: int = 70) -> tuple[list[str], list[list]]:
    """The timeline as a person reads it: a written date, sources, actors, the clause."""
    from dateline.query import human_date

    ix = {c: i for i, c in enumerate(columns)}
    out = []
    for r in rows:
        when = human_date(r[ix["value"]], r[ix["granularity"]], r[ix["start_date"]], r[ix["end_date"]])
        actors = ", ".join(r[ix["actors"]] or [])
        out.append(
            [
                when,
                r[ix["value"]],
                r[ix["source_count"]],
                textwrap.fill(actors, 28) if actors else "",
                textwrap.fill(r[ix["description"]], width),
            ]
        )
    return ["date", "value", "sources", "actors", "what happened"], out


def _print_timeline(columns: list[str], rows: list[tuple], fmt: str) -> None:
    if fmt == "table":
        if not rows:
            print("(no events)")
            return
        _print_rows(*_readable_timeline(columns, rows), fmt, numparse=False)
    else:
        _print_rows(columns, rows, fmt)


# ---------------------------------------------------------------------------------------------------------------
# run


class StageProgress:
    """``on_stage(stage, i, n)`` for :func:`pipelines.runner.run_pipeline`: one progress bar per stage on stderr.

    On a terminal each stage gets a tqdm bar with a live elapsed time, completed when the next stage starts;
    elsewhere (CI logs, pipes) one plain line per stage; nothing at all when ``quiet``.
    """

    def __init__(self, stream: TextIO | None = None, *, quiet: bool = False, tty: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.quiet = quiet
        self.tty = self.stream.isatty() if tty is None else tty
        self._bar = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._started = 0.0
        self._current = ""
        self.finished: list[tuple[str, float]] = []

    def __call__(self, stage: str, i: int, n: int) -> None:
        self._finish()
        self._current = stage
        self._started = time.perf_counter()
        if self.quiet:
            return
        label = f"[{i + 1}/{n}] {stage}"
        if not self.tty:
            print(label, file=self.stream, flush=True)
            return
        from tqdm import tqdm

        cols, rows = self._size()

        self._bar = tqdm(total=1, desc=label, file=self.stream, leave=True, ncols=cols, nrows=rows,
                         bar_format="{desc} |{bar:20}| {elapsed}")
        self._stop.clear()
        self._ticker = threading.Thread(target=self._tick, daemon=True)
        self._ticker.start()

    def _size(self) -> tuple[int, int]:
        try:
            size = os.get_terminal_size(self.stream.fileno())
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            return 100, 24
        # Some terminals (and `script`) report 0 x 0, which would make tqdm hide the bar.
        return size.columns or 100, size.lines or 24

    def _tick(self) -> None:
        while not self._stop.wait(0.25):
            bar = self._bar
            if bar is not None:
                bar.refresh()

    def _finish(self) -> None:
        if self._started:
            self.finished.append((self._current, time.perf_counter() - self._started))
            self._started = 0.0
        if self._bar is not None:
            self._stop.set()
            if self._ticker is not None:
                self._ticker.join()
            self._bar.update(1)
            self._bar.close()
            self._bar = None

    def close(self, ok: bool = True) -> None:
        if not ok and self._bar is not None:
            self._stop.set()
            if self._ticker is not None:
                self._ticker.join()
            self._bar.close()
            self._bar = None
            self._started = 0.0
            return
        self._finish()


def cmd_run(args: argparse.Namespace) -> int:
    # The headless runner lives in the Dagster code location: the core package never imports Dagster.
    if not Path(args.inbox).is_dir():
        return _error(f"inbox {args.inbox} does not exist (or is not a folder)")
    from pipelines.runner import run_pipeline

    progress = StageProgress(quiet=args.quiet)
    started = time.perf_counter()
    try:
        report = run_pipeline(args.inbox, args.warehouse, on_stage=progress)
    except BaseException:
        progress.close(ok=False)
        raise
    progress.close()
    if not args.quiet:
        removed = f", removed rows of {len(report.removed)} file(s) no longer in the inbox" if report.removed else ""
        print(f"published {report.db_path} from {len(report.files)} file(s){removed} "
              f"in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    if args.print_timeline:
        from dateline.query import timeline_rows

        columns, rows = timeline_rows(args.warehouse)
        _print_timeline(columns, rows, "table")
    return EXIT_OK


# ---------------------------------------------------------------------------------------------------------------
# timeline, stats, report


def cmd_timeline(args: argparse.Namespace) -> int:
    from dateline.query import WarehouseMissing, WarehouseUnreadable, actor_names, timeline_rows

    if args.date_from and args.date_to and args.date_from > args.date_to:
        return _error(f"--from {args.date_from} is after --to {args.date_to}")
    try:
        columns, rows = timeline_rows(
            args.warehouse, args.actor, args.date_from, args.date_to, limit=args.limit, newest_first=args.newest_first
        )
    except (WarehouseMissing, WarehouseUnreadable) as e:
        return _error(str(e))
    _print_timeline(columns, rows, args.format)
    if not rows and args.actor:
        near = actor_names(args.warehouse, args.actor)
        hint = f"; actors containing {args.actor!r}: {', '.join(near)}" if near else ""
        print(f"no events name {args.actor!r}{hint}", file=sys.stderr)
    return EXIT_OK


def cmd_stats(args: argparse.Namespace) -> int:
    from dateline.query import WarehouseMissing, WarehouseUnreadable, stats

    try:
        figures = stats(args.warehouse)
    except (WarehouseMissing, WarehouseUnreadable) as e:
        return _error(str(e))
    if figures["warning"]:
        print(f"dateline: warning: {figures['warning']}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(figures, default=str, indent=2, ensure_ascii=False))
        return EXIT_OK
    s = figures["summary"]

    def pct(key: str) -> str:
        return "" if s[key] is None else f"{s[key]}%"

    summary = [
        ("articles", s["articles"], f"{s['duplicate_articles']} duplicate(s) folded into their canonical copy"),
        ("quarantined records", s["quarantined_records"], "inputs that could not become articles"),
        ("temporal expressions", s["mentions"], ""),
        ("- resolved", s["resolved"], pct("pct_resolved") + " written out or placed by the publication date"),
        ("- inferred", s["inferred"], pct("pct_inferred") + " placed by a date inferred from the text"),
        ("- unresolved", s["unresolved"], pct("pct_unresolved") + " could not be placed"),
        ("events", s["events"], "one per dated clause"),
        ("timeline events", s["timeline_events"], f"{s['multi_source_events']} reported by more than one source"),
        ("actors", s["actors"], ""),
        ("dates", f"{s['first_date'] or '-'} .. {s['last_date'] or '-'}", ""),
        ("schema version", s["schema_version"], f"built {s['built_at']:%Y-%m-%d %H:%M UTC}" if s["built_at"] else ""),
    ]
    print(f"warehouse {args.warehouse}")
    print(tabulate(summary, tablefmt="plain", disable_numparse=True))
    if args.format == "table" and figures["by_file"]:
        print()
        cols = list(figures["by_file"][0])
        _print_rows(cols, [tuple(r.values()) for r in figures["by_file"]], "table")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from dateline.query import WarehouseMissing, WarehouseUnreadable
    from dateline.report import ChromiumMissing, screenshot, write_report

    try:
        out = write_report(args.warehouse, args.out, title=args.title)
    except (WarehouseMissing, WarehouseUnreadable) as e:
        return _error(str(e))
    print(f"wrote {out}", file=sys.stderr)
    if args.screenshot:
        try:
            png = screenshot(out, args.screenshot, width=args.width)
        except ChromiumMissing as e:
            return _error(str(e))
        print(f"wrote {png}", file=sys.stderr)
    return EXIT_OK


def cmd_tag_timeml(args: argparse.Namespace) -> int:
    from dateline.timeml import tag_timeml_dir

    failed: list[str] = []

    def report(path: Path, reason: str) -> None:
        failed.append(path.name)
        print(f"skipped {path.name}: {reason}", file=sys.stderr)

    n = tag_timeml_dir(args.in_dir, args.out_dir, on_error=report)
    print(f"wrote {n} file(s) to {args.out_dir}" + (f"; skipped {len(failed)}" if failed else ""), file=sys.stderr)
    return EXIT_FAILED if failed else EXIT_OK


# ---------------------------------------------------------------------------------------------------------------


def _iso_date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{s!r} is not a date: use YYYY-MM-DD") from None


def _positive(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"{s!r} is not a positive whole number")
    return n


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dateline", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, metavar="DIR",
                   help="warehouse folder (default: data/warehouse)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def warehouse_arg(sp: argparse.ArgumentParser) -> None:
        # SUPPRESS: given after the command it wins; absent, the top-level value (or default) stands.
        sp.add_argument("--warehouse", type=Path, default=argparse.SUPPRESS, metavar="DIR",
                        help="warehouse folder (default: data/warehouse)")

    run = sub.add_parser("run", help="run the whole pipeline headlessly (no UI) and print the timeline",
                         description="Ingest every inbox file, build the timeline and publish timeline.duckdb, "
                         "with a progress bar per stage on stderr (plain lines when stderr is not a terminal).")
    run.add_argument("--inbox", type=Path, default=DEFAULT_INBOX, metavar="DIR",
                     help="folder of input articles (default: data/inbox)")
    warehouse_arg(run)
    run.add_argument("-q", "--quiet", action="store_true", help="no progress output")
    run.add_argument("--no-timeline", dest="print_timeline", action="store_false",
                     help="do not print the timeline afterwards")
    run.set_defaults(func=cmd_run)

    tl = sub.add_parser("timeline", help="print the published timeline",
                        description="Print the deduplicated timeline from the published database, oldest first. "
                        "An event is shown when its date interval overlaps [--from, --to].")
    warehouse_arg(tl)
    tl.add_argument("--actor", metavar="NAME", help="only events naming this actor (case-insensitive)")
    tl.add_argument("--from", dest="date_from", type=_iso_date, metavar="DATE", help="YYYY-MM-DD (inclusive)")
    tl.add_argument("--to", dest="date_to", type=_iso_date, metavar="DATE", help="YYYY-MM-DD (inclusive)")
    tl.add_argument("--format", choices=["table", "csv", "json"], default="table",
                    help="table (readable, default), csv or json (every column, machine-readable)")
    tl.add_argument("--limit", type=_positive, metavar="N", help="at most N events")
    tl.add_argument("--newest-first", action="store_true", help="latest events first")
    tl.set_defaults(func=cmd_timeline)

    st = sub.add_parser("stats", help="print coverage figures of the published database",
                        description="Articles, quarantined records, how many temporal expressions were resolved, "
                        "inferred or left unresolved, events and timeline events; then the same per input file.")
    warehouse_arg(st)
    st.add_argument("--format", choices=["table", "summary", "json"], default="table",
                    help="table (summary and per file, default), summary (summary only) or json")
    st.set_defaults(func=cmd_stats)

    rp = sub.add_parser("report", help="write a self-contained HTML timeline",
                        description="Write a single HTML file (no network access needed to view it): events on a "
                        "time axis, one lane per actor, sized by source count, the source sentence on hover.")
    warehouse_arg(rp)
    rp.add_argument("--out", type=Path, metavar="FILE", help="output file (default: <warehouse>/timeline.html)")
    rp.add_argument("--title", help="page title")
    rp.add_argument("--screenshot", type=Path, metavar="PNG",
                    help="also save a PNG screenshot of the page (needs chromium)")
    rp.add_argument("--width", type=int, default=1200, help="screenshot width in pixels (default 1200)")
    rp.set_defaults(func=cmd_report)

    tt = sub.add_parser("tag-timeml", help="tag TimeML .tml files with the system's TIMEX3 (TE3 scorer format)")
    tt.add_argument("in_dir", type=Path)
    tt.add_argument("out_dir", type=Path)
    tt.set_defaults(func=cmd_tag_timeml)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    raise SystemExit(main())
