"""The ``dateline`` command line: run the pipeline, query the timeline, tag TimeML files."""

from __future__ import annotations

import argparse
import csv
import json
import sys
import textwrap
from datetime import date
from pathlib import Path

from tabulate import tabulate

DEFAULT_INBOX = Path("data/inbox")
DEFAULT_WAREHOUSE = Path("data/warehouse")


def _print_rows(columns: list[str], rows: list[tuple], fmt: str, wrap: int = 70) -> None:
    if fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(columns)
        w.writerows(rows)
    elif fmt == "json":
        print(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=2))
    else:
        shown = [
            [", ".join(v) if isinstance(v, list) else textwrap.fill(v, wrap) if isinstance(v, str) and len(v) > wrap else v for v in r]
            for r in rows
        ]
        print(tabulate(shown, headers=columns, tablefmt="simple_grid"))


def cmd_run(args: argparse.Namespace) -> int:
    # The headless runner lives in the Dagster code location: the core package never imports Dagster.
    from pipelines.runner import run_pipeline

    def progress(stage: str, i: int, n: int) -> None:
        print(f"[{i + 1}/{n}] {stage}", file=sys.stderr, flush=True)

    report = run_pipeline(args.inbox, args.warehouse, on_stage=progress)
    print(f"published {report.db_path} from {len(report.files)} file(s)", file=sys.stderr)
    from dateline.query import timeline_rows

    columns, rows = timeline_rows(args.warehouse)
    _print_rows(columns, rows, "table")
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from dateline.query import WarehouseMissing, timeline_rows

    try:
        columns, rows = timeline_rows(args.warehouse, args.actor, args.date_from, args.date_to)
    except WarehouseMissing as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    _print_rows(columns, rows, args.format)
    return 0


def cmd_tag_timeml(args: argparse.Namespace) -> int:
    from dateline.timeml import tag_timeml_dir

    n = tag_timeml_dir(args.in_dir, args.out_dir)
    print(f"wrote {n} file(s) to {args.out_dir}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="dateline", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the whole pipeline headlessly and print the timeline")
    run.add_argument("--inbox", type=Path, default=DEFAULT_INBOX, help="folder of input articles (default: data/inbox)")
    run.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE, help="output folder (default: data/warehouse)")
    run.set_defaults(func=cmd_run)

    tl = sub.add_parser("timeline", help="print the published timeline")
    tl.add_argument("--warehouse", type=Path, default=DEFAULT_WAREHOUSE)
    tl.add_argument("--actor", help="only events naming this actor (case-insensitive)")
    tl.add_argument("--from", dest="date_from", type=date.fromisoformat, help="YYYY-MM-DD")
    tl.add_argument("--to", dest="date_to", type=date.fromisoformat, help="YYYY-MM-DD")
    tl.add_argument("--format", choices=["table", "csv", "json"], default="table")
    tl.set_defaults(func=cmd_timeline)

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
