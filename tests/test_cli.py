"""The ``dateline`` command line against a warehouse built from a copy of the sample inbox."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from dateline.cli import StageProgress, main
from dateline.query import TIMELINE_COLUMNS, human_date
from dateline.schemas import SCHEMA_VERSION

REPO = Path(__file__).resolve().parents[1]
SAMPLE_INBOX = REPO / "data" / "inbox"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """`dateline run` as a user runs it (a subprocess, stderr not a terminal) on a copy of the sample inbox."""
    root = tmp_path_factory.mktemp("cli")
    shutil.copytree(SAMPLE_INBOX, root / "inbox")
    proc = subprocess.run(
        [sys.executable, "-m", "dateline.cli", "run", "--inbox", str(root / "inbox"), "--warehouse", str(root / "wh")],
        capture_output=True, text=True, timeout=300, cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    return {"root": root, "wh": root / "wh", "stdout": proc.stdout, "stderr": proc.stderr}


def sql(wh: Path, query: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(wh / "timeline.duckdb"), read_only=True)
    try:
        return con.execute(query, params or []).fetchall()
    finally:
        con.close()


def run_cli(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# --- run ---------------------------------------------------------------------------------------------------------


def test_run_publishes_and_reports_stages_plainly_when_not_a_terminal(built: dict) -> None:
    assert (built["wh"] / "timeline.duckdb").is_file()
    lines = built["stderr"].splitlines()
    assert any(line.startswith("[1/2] ") for line in lines)
    assert any(line.startswith("[2/2] ") for line in lines)
    assert "\r" not in built["stderr"], "no progress-bar redraws in logs"
    assert any(line.startswith("published ") for line in lines)
    # ...and the timeline is printed readably on stdout.
    assert "11 Mar 2024" in built["stdout"] and "Port of Rotterdam" in built["stdout"]


def test_stage_progress_draws_one_bar_per_stage_on_a_terminal() -> None:
    buf = io.StringIO()
    progress = StageProgress(buf, tty=True)
    progress("ingest", 0, 2)
    progress("publish", 1, 2)
    progress.close()
    text = buf.getvalue()
    assert "[1/2] ingest" in text and "[2/2] publish" in text
    full = max(text.count("█" * 20), text.count("#" * 20))  # tqdm draws ASCII on streams without an encoding
    assert full >= 2, "each stage's bar is drawn full when the stage ends"
    assert [name for name, _ in progress.finished] == ["ingest", "publish"]


def test_stage_progress_plain_and_quiet() -> None:
    buf = io.StringIO()
    progress = StageProgress(buf, tty=False)
    progress("ingest", 0, 2)
    progress("publish", 1, 2)
    progress.close()
    assert buf.getvalue() == "[1/2] ingest\n[2/2] publish\n"
    quiet = io.StringIO()
    progress = StageProgress(quiet, quiet=True, tty=True)
    progress("ingest", 0, 1)
    progress.close()
    assert quiet.getvalue() == ""


def test_run_with_a_missing_inbox_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, _, err = run_cli(capsys, "run", "--inbox", str(tmp_path / "nope"), "--warehouse", str(tmp_path / "wh"))
    assert code == 2
    assert "inbox" in err and "does not exist" in err
    assert not (tmp_path / "wh").exists()


# --- timeline ----------------------------------------------------------------------------------------------------


def test_timeline_csv_has_every_row_in_date_order(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, "timeline", "--warehouse", str(built["wh"]), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == TIMELINE_COLUMNS
    assert len(rows) == sql(built["wh"], "SELECT count(*) FROM timeline")[0][0] >= 5
    keys = [(r["start_date"], r["end_date"]) for r in rows]
    assert keys == sorted(keys)
    several = {r[0] for r in sql(built["wh"], "SELECT timeline_id FROM timeline WHERE len(actors) > 1")}
    assert several
    for r in rows:
        assert ("; " in r["actors"]) == (r["timeline_id"] in several), "lists are joined with '; ' in CSV"


def test_timeline_json_filters_by_actor_ignoring_case(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, "timeline", "--warehouse", str(built["wh"]), "--actor", "PORT OF ROTTERDAM",
                           "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert rows and all("Port of Rotterdam" in r["actors"] for r in rows)
    expected = sql(built["wh"], "SELECT count(*) FROM actor_timeline WHERE actor = 'Port of Rotterdam'")[0][0]
    assert len(rows) == expected
    assert any(r["source_count"] >= 2 for r in rows), "the strike is reported by two outlets"


def test_timeline_date_range_keeps_overlapping_intervals(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, "--warehouse", str(built["wh"]), "timeline", "--from", "2024-03-05",
                           "--to", "2024-03-11", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    lo, hi = date(2024, 3, 5), date(2024, 3, 11)
    assert rows
    for r in rows:
        assert date.fromisoformat(r["start_date"]) <= hi and date.fromisoformat(r["end_date"]) > lo
    # The week of 4 March (ending before 11 March) overlaps 5 March; the day 11 March is inside.
    values = {r["value"] for r in rows}
    assert "2024-W10" in values and "2024-03-11" in values
    n = sql(built["wh"], "SELECT count(*) FROM timeline WHERE start_date <= ? AND end_date > ?", [hi, lo])[0][0]
    assert len(rows) == n


def test_timeline_table_is_readable(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, "timeline", "--warehouse", str(built["wh"]), "--limit", "3", "--newest-first")
    assert code == 0
    assert out.splitlines()[1].split("│")[1].strip() == "date"
    newest = sql(built["wh"], "SELECT max(start_date) FROM timeline")[0][0]
    assert str(newest.year) in out.splitlines()[3]


def test_timeline_parameters_are_never_sql(built: dict, capsys: pytest.CaptureFixture) -> None:
    before = sql(built["wh"], "SELECT count(*) FROM timeline")[0][0]
    code, out, err = run_cli(capsys, "timeline", "--warehouse", str(built["wh"]), "--format", "json",
                             "--actor", "x') OR 1=1; DROP TABLE timeline; --")
    assert code == 0 and json.loads(out) == []
    assert "no events name" in err
    assert sql(built["wh"], "SELECT count(*) FROM timeline")[0][0] == before


def test_unknown_actor_suggests_names(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_cli(capsys, "timeline", "--warehouse", str(built["wh"]), "--actor", "rotterdam")
    assert code == 0 and "(no events)" in out
    assert "Port of Rotterdam" in err


def test_timeline_rejects_bad_dates(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, _, err = run_cli(capsys, "timeline", "--warehouse", str(built["wh"]), "--from", "2025-01-01", "--to", "2024-01-01")
    assert code == 2 and "after" in err
    with pytest.raises(SystemExit) as exc:
        main(["timeline", "--warehouse", str(built["wh"]), "--from", "2024-13-01"])
    assert exc.value.code == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err


# --- stats -------------------------------------------------------------------------------------------------------


def test_stats_match_the_database(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_cli(capsys, "stats", "--warehouse", str(built["wh"]), "--format", "json")
    assert code == 0 and err == ""
    figures = json.loads(out)
    s = figures["summary"]
    wh = built["wh"]
    assert s["articles"] == sql(wh, "SELECT count(*) FROM articles")[0][0]
    assert s["mentions"] == sql(wh, "SELECT count(*) FROM mentions")[0][0]
    assert s["timeline_events"] == sql(wh, "SELECT count(*) FROM timeline")[0][0]
    assert s["resolved"] + s["inferred"] + s["unresolved"] <= s["mentions"]
    assert s["quarantined_records"] >= 1 and s["duplicate_articles"] >= 1
    assert s["schema_version"] == SCHEMA_VERSION
    files = {r["source_path"]: r for r in figures["by_file"]}
    assert set(files) == {p.name for p in SAMPLE_INBOX.iterdir()}
    assert sum(r["mentions"] for r in files.values()) == s["mentions"]
    assert files["feed_2024-2025.jsonl"]["quarantined"] >= 1


def test_stats_table(built: dict, capsys: pytest.CaptureFixture) -> None:
    code, out, _ = run_cli(capsys, "stats", "--warehouse", str(built["wh"]))
    assert code == 0
    assert "temporal expressions" in out and "- resolved" in out and "%" in out
    assert "feed_2024-2025.jsonl" in out


# --- errors and conventions --------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [["timeline"], ["stats"], ["report"]])
def test_missing_warehouse_is_a_clear_error(command: list[str], tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    code, out, err = run_cli(capsys, *command, "--warehouse", str(tmp_path / "nowhere"))
    assert code == 2 and out == ""
    assert "does not exist yet" in err and "dateline run --warehouse" in err
    assert "Traceback" not in err
    (tmp_path / "empty").mkdir()
    code, _, err = run_cli(capsys, *command, "--warehouse", str(tmp_path / "empty"))
    assert code == 2 and "no published database" in err


def test_every_warehouse_command_takes_warehouse() -> None:
    from dateline.cli import build_parser

    parser = build_parser()
    for command in ["run", "timeline", "stats", "report"]:
        args = parser.parse_args([command, "--warehouse", "somewhere"])
        assert args.warehouse == Path("somewhere")
        assert parser.parse_args(["--warehouse", "there", command]).warehouse == Path("there")
        assert parser.parse_args([command]).warehouse == Path("data/warehouse")


def test_cli_does_not_import_dagster() -> None:
    code = "import sys, dateline.cli, dateline.query, dateline.report; sys.exit('dagster' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=REPO).returncode == 0


@pytest.mark.parametrize(
    ("value", "granularity", "start", "end", "expected"),
    [
        ("2024-03-11", "day", date(2024, 3, 11), date(2024, 3, 12), "11 Mar 2024"),
        ("2024-03-12TMO", "time", date(2024, 3, 12), date(2024, 3, 13), "12 Mar 2024, morning"),
        ("2024-W10", "week", date(2024, 3, 4), date(2024, 3, 11), "week of 4 Mar 2024"),
        ("2023-03", "month", date(2023, 3, 1), date(2023, 4, 1), "Mar 2023"),
        ("2019-SU", "season", date(2019, 6, 1), date(2019, 9, 1), "summer 2019"),
        ("2016-Q3", "quarter", date(2016, 7, 1), date(2016, 10, 1), "Q3 2016"),
        ("2016-H2", "half", date(2016, 7, 1), date(2017, 1, 1), "H2 2016"),
        ("2026", "year", date(2026, 1, 1), date(2027, 1, 1), "2026"),
        ("199", "decade", date(1990, 1, 1), date(2000, 1, 1), "1990s"),
        ("18", "century", date(1800, 1, 1), date(1900, 1, 1), "1800s"),
        ("XXXX-XX-XX", None, None, None, "XXXX-XX-XX"),
    ],
)
def test_human_dates(value: str, granularity: str | None, start: date | None, end: date | None, expected: str) -> None:
    assert human_date(value, granularity, start, end) == expected
