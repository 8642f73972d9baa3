-- Latest events: the 20 most recent events of the deduplicated timeline, with who and how many sources.
-- Run: duckdb -readonly data/warehouse/timeline.duckdb < sql/examples/01_latest_events.sql
-- `value` is the date as TIMEX3 (2024-03-11, 2024-03, 2025-SP, 2026); [start_date, end_date) is its interval.
SELECT start_date,
       value,
       granularity,
       source_count,
       array_to_string(actors, ', ') AS actors,
       description
FROM timeline
ORDER BY start_date DESC, end_date DESC, source_count DESC
LIMIT 20;
