"""The Parquet layout dashboards read: every file of every table read back with pyarrow alone has exactly the
Arrow schema of dateline/schemas.py, the hive layout is as documented, and DuckDB, pandas and Arrow agree on
the types."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest

from dateline import schemas
from dateline.schemas import SCHEMA_VERSION, TABLES, YEAR_PARTITIONED
from pipelines.runner import run_pipeline

REPO = Path(__file__).resolve().parents[1]

# The schemas as of each SCHEMA_VERSION. Changing a schema without bumping the version fails here: bump
# dateline.schemas.SCHEMA_VERSION, then add the new fingerprint that the failure message prints.
FINGERPRINTS = {1: "a3e1873d424f5028", 2: "fe743e724fbb96c7"}


def fingerprint() -> str:
    text = "\n".join(
        f"{name}.{f.name}: {f.type} {'null' if f.nullable else 'not null'}"
        for name, schema in sorted(TABLES.items())
        for f in schema
    )
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("parquet")
    shutil.copytree(REPO / "data" / "inbox", root / "inbox")
    run_pipeline(root / "inbox", root / "warehouse")
    return root / "warehouse"


def files_of(warehouse: Path, table: str) -> list[Path]:
    return sorted((warehouse / "parquet" / table).rglob("*.parquet"))


def test_schema_version_is_bumped_when_a_schema_changes() -> None:
    assert FINGERPRINTS.get(SCHEMA_VERSION) == fingerprint(), (
        f"schemas changed: bump SCHEMA_VERSION (now {SCHEMA_VERSION}) and record fingerprint {fingerprint()!r}"
    )


def test_dates_are_date32_and_timestamps_utc() -> None:
    for name, schema in TABLES.items():
        for field in schema:
            if pa.types.is_timestamp(field.type):
                assert field.type == pa.timestamp("us", tz="UTC"), f"{name}.{field.name}"
            if pa.types.is_date(field.type):
                assert field.type == pa.date32(), f"{name}.{field.name}"
            assert not pa.types.is_large_string(field.type), f"{name}.{field.name}"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_every_file_has_the_declared_schema(warehouse: Path, table: str) -> None:
    files = files_of(warehouse, table)
    assert files, f"the sample writes {table}"
    for f in files:
        schema = pq.read_schema(f)
        assert schema.equals(TABLES[table], check_metadata=False), f"{f}:\n{schema}"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_layout_is_as_documented(warehouse: Path, table: str) -> None:
    base = warehouse / "parquet" / table
    for f in files_of(warehouse, table):
        rel = f.relative_to(base).parts
        if table in YEAR_PARTITIONED:
            assert len(rel) == 2 and re.fullmatch(r"year=(\d{4}|__HIVE_DEFAULT_PARTITION__)", rel[0]), rel
            years = {d.year if d else None for d in pq.read_table(f, columns=["start_date"]).column(0).to_pylist()}
            expected = None if rel[0].endswith("__") else int(rel[0][5:])
            assert years == {expected}, f"{f} holds only rows of its year"
        else:
            assert len(rel) == 1, rel
        assert not f.name.startswith("."), "no staging files left behind"


@pytest.mark.parametrize("table", sorted(TABLES))
def test_pyarrow_dataset_reads_whole_table_like_the_database(warehouse: Path, table: str) -> None:
    part = ds.partitioning(pa.schema([("year", pa.int32())]), flavor="hive") if table in YEAR_PARTITIONED else None
    dataset = ds.dataset(warehouse / "parquet" / table, format="parquet", partitioning=part,
                         exclude_invalid_files=True)
    t = dataset.to_table()
    expected = TABLES[table]
    if table in YEAR_PARTITIONED:
        expected = expected.append(pa.field("year", pa.int32()))
    assert t.schema.equals(expected, check_metadata=False), t.schema
    con = duckdb.connect(str(warehouse / "timeline.duckdb"), read_only=True)
    try:
        assert t.num_rows == con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


_DUCKDB_TYPES = {
    pa.string(): "VARCHAR",
    pa.int32(): "INTEGER",
    pa.float32(): "FLOAT",
    pa.date32(): "DATE",
    pa.timestamp("us", tz="UTC"): "TIMESTAMP WITH TIME ZONE",
    pa.list_(pa.string()): "VARCHAR[]",
}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_duckdb_reads_the_parquet_with_the_same_types_as_the_database(warehouse: Path, table: str) -> None:
    con = duckdb.connect(str(warehouse / "timeline.duckdb"), read_only=True)
    try:
        glob = str(warehouse / "parquet" / table / ("*/*.parquet" if table in YEAR_PARTITIONED else "*.parquet"))
        from_parquet = con.execute(
            f"DESCRIBE SELECT * FROM read_parquet(?, hive_partitioning = {table in YEAR_PARTITIONED})", [glob]
        ).fetchall()
        in_db = con.execute(f"DESCRIBE {table}").fetchall()
    finally:
        con.close()
    parquet_types = {r[0]: r[1] for r in from_parquet}
    db_types = {r[0]: r[1] for r in in_db}
    if table in YEAR_PARTITIONED:
        assert parquet_types.pop("year") in {"BIGINT", "INTEGER"}
    assert parquet_types == db_types
    assert db_types == {f.name: _DUCKDB_TYPES[f.type] for f in TABLES[table]}, "sql/00_tables.sql matches schemas.py"


def test_pandas_gets_the_same_types(warehouse: Path) -> None:
    pd = pytest.importorskip("pandas")
    path = files_of(warehouse, "events")[0]
    arrow_backed = pd.read_parquet(path, dtype_backend="pyarrow")
    assert str(arrow_backed["start_date"].dtype) == "date32[day][pyarrow]"
    assert str(arrow_backed["published_at"].dtype) == "timestamp[us, tz=UTC][pyarrow]"
    numpy_backed = pd.read_parquet(path)
    assert str(numpy_backed["published_at"].dtype) == "datetime64[us, UTC]"


def test_database_records_the_schema_version(warehouse: Path) -> None:
    con = duckdb.connect(str(warehouse / "timeline.duckdb"), read_only=True)
    try:
        assert con.execute("SELECT schema_version FROM dateline_meta").fetchone()[0] == schemas.SCHEMA_VERSION
    finally:
        con.close()
