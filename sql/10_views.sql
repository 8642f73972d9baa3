-- Analyst views over the tables of 00_tables.sql.

-- Events of canonical articles only (syndicated copies removed).
CREATE VIEW canonical_events AS
SELECT e.*
FROM events e
JOIN article_duplicates d USING (article_id)
WHERE d.duplicate_of IS NULL;
COMMENT ON VIEW canonical_events IS 'Events reported by canonical articles (duplicates of an article removed).';

-- Events per calendar month of their start date.
CREATE VIEW events_by_month AS
SELECT date_trunc('month', start_date)::DATE AS month,
       count(*) AS events,
       count(DISTINCT article_id) AS articles
FROM canonical_events
WHERE start_date IS NOT NULL
GROUP BY ALL
ORDER BY month;
COMMENT ON VIEW events_by_month IS 'Number of events (and reporting articles) per month of the event date.';

-- One row per actor x timeline event.
CREATE VIEW actor_timeline AS
SELECT unnest(actors) AS actor, timeline_id, start_date, end_date, value, granularity,
       description, source_count
FROM timeline;
COMMENT ON VIEW actor_timeline IS 'One row per actor and timeline event: filter on actor for a person''s or organisation''s timeline.';

-- Dates ranked by how many independent sources report something on them.
CREATE VIEW timeline_salience AS
SELECT t.value, t.granularity, t.start_date, t.end_date,
       count(DISTINCT t.timeline_id) AS timeline_events,
       count(DISTINCT s.source) AS independent_sources
FROM timeline t, unnest(t.sources) AS s(source)
GROUP BY ALL
ORDER BY independent_sources DESC, start_date;
COMMENT ON VIEW timeline_salience IS 'Dates ranked by independent source count: the date-selection signal of timeline summarisation.';

-- Per article: how many temporal expressions were found and how they were resolved.
CREATE VIEW coverage AS
SELECT a.article_id, a.title, a.source_path,
       count(m.mention_id) AS mentions,
       count(m.mention_id) FILTER (m.anchor_source IN ('absolute', 'published_at')) AS resolved,
       count(m.mention_id) FILTER (m.anchor_source = 'inferred') AS inferred,
       count(m.mention_id) FILTER (m.anchor_source = 'unresolved') AS unresolved
FROM articles a
LEFT JOIN mentions m USING (article_id)
GROUP BY ALL
ORDER BY a.source_path, a.article_id;
COMMENT ON VIEW coverage IS 'Per article: mentions found, resolved against a date, inferred, unresolved.';
