"""Resources of the code location: where the inbox and the warehouse are, and how to read dates."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from dagster import ConfigurableResource
from dagster_duckdb import DuckDBResource
from pydantic import Field

from dateline.storage import DB_FILENAME

REPO_ROOT = Path(__file__).resolve().parents[1]
SQL_DIR = REPO_ROOT / "sql"
DEFAULT_INBOX = os.environ.get("DATELINE_INBOX", "data/inbox")
DEFAULT_WAREHOUSE = os.environ.get("DATELINE_WAREHOUSE", "data/warehouse")


class DatelineConfig(ConfigurableResource):
    """Paths and policies of a dateline deployment (relative paths are relative to the working directory)."""

    inbox_dir: str = Field(default=DEFAULT_INBOX, description="Folder the sensor watches for new article files.")
    warehouse_dir: str = Field(
        default=DEFAULT_WAREHOUSE,
        description="Where parquet/ goes: a local folder or any fsspec URL (s3://bucket/wh, gs://..., memory://...).",
    )
    db_dir: str = Field(
        default=os.environ.get("DATELINE_DB_DIR", ""),
        description="Local folder timeline.duckdb is published in (default: the warehouse, when it is local).",
    )
    sql_dir: str = Field(default=str(SQL_DIR), description="Folder of the DDL and view files the DuckDB build runs.")
    dct_fallback: Literal["infer", "file_date"] = Field(
        default=os.environ.get("DATELINE_DCT_FALLBACK", "infer"),
        description="How undated articles are anchored: 'infer' (from the latest absolute date in the text) or "
        "'file_date' (the inbox file's modification day). Relative dates resting on either are 'inferred'. "
        "Changing it needs a re-run of temporal_mentions with the tag dateline/reprocess=true.",
    )
    workers: int = Field(
        default=int(os.environ.get("DATELINE_WORKERS", "0")),
        description="Processes per run for the per-file stages (0: one per CPU).",
    )

    @property
    def inbox(self) -> Path:
        return Path(self.inbox_dir)

    @property
    def warehouse(self) -> str:
        return self.warehouse_dir

    @property
    def db_folder(self) -> Path:
        return Path(self.db_dir or self.warehouse_dir)

    @property
    def state_folder(self) -> Path:
        """Local working state of the incremental whole-warehouse steps (a cache: safe to delete)."""
        return self.db_folder / "state"

    @property
    def sql(self) -> Path:
        return Path(self.sql_dir)


def published_db(db_dir: str) -> DuckDBResource:
    """A read-only connection to the published database, safe beside analysts' connections."""
    return DuckDBResource(database=str(Path(db_dir) / DB_FILENAME), connection_config={"access_mode": "READ_ONLY"})


def default_resources(
    inbox_dir: str | None = None, warehouse_dir: str | None = None, db_dir: str | None = None, workers: int | None = None
) -> dict:
    inbox_dir = inbox_dir or DEFAULT_INBOX
    warehouse_dir = warehouse_dir or DEFAULT_WAREHOUSE
    config = DatelineConfig(inbox_dir=inbox_dir, warehouse_dir=warehouse_dir, db_dir=db_dir or "",
                            **({"workers": workers} if workers is not None else {}))
    return {"dateline": config, "warehouse_db": published_db(str(config.db_folder))}
