-- Dashboards: the same timeline straight from the Parquet files, without the DuckDB file.
-- Run from the repository root (paths are relative to it), e.g. `duckdb < sql/examples/10_parquet_for_dashboards.sql`.
-- `year` comes from the hive directory year=YYYY (NULL for undated rows); filtering on it skips whole folders.
SELECT year,
       count(*) AS timeline_events,
       sum(source_count) AS reports,
       min(start_date) AS first_date,
       max(start_date) AS last_date
FROM read_parquet('data/warehouse/parquet/timeline/*/*.parquet', hive_partitioning = true)
GROUP BY year
ORDER BY year;
