-- How well dates were resolved, per input file: temporal expressions found, the share placed on the calendar
-- (resolved or inferred), and how many records of the file were quarantined instead of ingested.
WITH per_file AS (
    SELECT source_path,
           count(*) AS articles,
           sum(mentions) AS mentions,
           sum(resolved) AS resolved,
           sum(inferred) AS inferred,
           sum(unresolved) AS unresolved
    FROM coverage
    GROUP BY source_path
)
SELECT f.source_path,
       f.articles,
       f.mentions,
       f.resolved,
       f.inferred,
       f.unresolved,
       round(100.0 * (f.resolved + f.inferred) / nullif(f.mentions, 0), 1) AS pct_placed,
       (SELECT count(*) FROM quarantine q WHERE q.source_path = f.source_path) AS quarantined_records
FROM per_file f
ORDER BY pct_placed NULLS FIRST, f.source_path;
