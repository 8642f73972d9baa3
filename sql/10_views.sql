-- Analyst views over the tables of 00_tables.sql. Runs after the Parquet rows are loaded.
-- Every view answers (with no rows) on an empty warehouse.
--
--   timeline           the deduplicated timeline, one row per real-world event; SELECT * returns it newest first
--   canonical_events   events of canonical articles (syndicated copies removed)
--   events_by_month    events and reporting articles per month of the event date
--   actor_timeline     one row per actor x timeline event
--   timeline_salience  dates ranked by how many independent sources report something on them
--   coverage           per article: temporal expressions found, resolved, inferred, unresolved
--
-- Dates are half-open intervals [start_date, end_date): "what happened between :from and :to" is
-- `start_date <= :to AND end_date > :from`.

-- `timeline` is the view analysts query: the rows of timeline_events (loaded from parquet/timeline/), newest first.
CREATE VIEW timeline AS
SELECT * FROM timeline_events
ORDER BY start_date DESC, end_date DESC, source_count DESC, timeline_id;
COMMENT ON VIEW timeline IS 'The deduplicated timeline, newest first: one row per real-world event, however many sources report it.';

-- The database's own record of the layout it was built with (created by the loader, described here).
COMMENT ON TABLE dateline_meta IS 'One row: the schema version of the tables (dateline.schemas.SCHEMA_VERSION) and when this file was built.';
COMMENT ON COLUMN dateline_meta.schema_version IS 'Bumped whenever a column of a table changes meaning or type; dashboards can pin to it.';
COMMENT ON COLUMN dateline_meta.built_at IS 'When this database file was built (UTC).';

-- Events of canonical articles only (syndicated copies removed).
CREATE VIEW canonical_events AS
SELECT e.*
FROM events e
JOIN article_duplicates d USING (article_id)
WHERE d.duplicate_of IS NULL;
COMMENT ON VIEW canonical_events IS 'Events reported by canonical articles (duplicates of an article removed). Same columns as events.';
COMMENT ON COLUMN canonical_events.event_id IS 'Stable hash of the dated mention the event hangs on.';
COMMENT ON COLUMN canonical_events.article_id IS 'Article the event was reported in.';
COMMENT ON COLUMN canonical_events.mention_id IS 'The dating mention (mentions.mention_id).';
COMMENT ON COLUMN canonical_events.clause IS 'The clause the date belongs to.';
COMMENT ON COLUMN canonical_events.clause_start IS 'Start offset of the clause in articles.text.';
COMMENT ON COLUMN canonical_events.clause_end IS 'End offset (exclusive) of the clause in articles.text.';
COMMENT ON COLUMN canonical_events.sentence IS 'The whole sentence holding the clause.';
COMMENT ON COLUMN canonical_events.sentence_start IS 'Start offset of the sentence in articles.text.';
COMMENT ON COLUMN canonical_events.sentence_end IS 'End offset (exclusive) of the sentence in articles.text.';
COMMENT ON COLUMN canonical_events.trigger IS 'Main verb of the clause (what happened), lower-cased.';
COMMENT ON COLUMN canonical_events.actors IS 'Named people, organisations and places in the clause.';
COMMENT ON COLUMN canonical_events.tense IS 'past, present or future, from the clause''s verbs.';
COMMENT ON COLUMN canonical_events.mention_text IS 'The temporal expression as written.';
COMMENT ON COLUMN canonical_events.mention_start IS 'Start offset of the expression in articles.text.';
COMMENT ON COLUMN canonical_events.mention_end IS 'End offset (exclusive) of the expression in articles.text.';
COMMENT ON COLUMN canonical_events.timex_type IS 'DATE or TIME.';
COMMENT ON COLUMN canonical_events.value IS 'TIMEX3 value of the date.';
COMMENT ON COLUMN canonical_events.granularity IS 'Unit of the date (day, month, season, year, ...).';
COMMENT ON COLUMN canonical_events.start_date IS 'First day of the event interval.';
COMMENT ON COLUMN canonical_events.end_date IS 'Day after the last day of the event interval (half-open).';
COMMENT ON COLUMN canonical_events.anchor_source IS 'What the date rests on: absolute, published_at, inferred.';
COMMENT ON COLUMN canonical_events.confidence IS '0..1: certainty of the date and of the clause being an event.';
COMMENT ON COLUMN canonical_events.published_at IS 'Publication time of the reporting article (UTC).';
COMMENT ON COLUMN canonical_events.partition_key IS 'Dagster partition (inbox file) that wrote the row.';

-- Events per calendar month of their start date. Computed once at publish time (schema agg) because
-- dashboards ask it often; the view is what analysts query.
CREATE SCHEMA IF NOT EXISTS agg;
CREATE TABLE agg.events_by_month AS
SELECT date_trunc('month', start_date)::DATE AS month,
       count(*) AS events,
       count(DISTINCT article_id) AS articles
FROM canonical_events
WHERE start_date IS NOT NULL
GROUP BY ALL;
CREATE VIEW events_by_month AS SELECT * FROM agg.events_by_month ORDER BY month;
COMMENT ON VIEW events_by_month IS 'Number of events (and reporting articles) per month of the event date.';
COMMENT ON COLUMN events_by_month.month IS 'First day of the calendar month the event interval starts in.';
COMMENT ON COLUMN events_by_month.events IS 'Events (one per dated clause, before merging across sources) starting in the month.';
COMMENT ON COLUMN events_by_month.articles IS 'Distinct canonical articles reporting those events.';

-- One row per actor x timeline event (computed at publish time, stored by actor: a filter on one actor reads
-- only the row groups holding it). agg.actor_timeline_rows derives the rows; an incremental publish keeps the
-- table and replaces only the rows of the timeline events that changed (storage.ROW_AGGREGATES), so the
-- table is created here only when it is not there yet.
CREATE OR REPLACE VIEW agg.actor_timeline_rows AS
SELECT actor, timeline_id, start_date, end_date, value, granularity, description, source_count,
       trigger, first_reported
FROM (SELECT unnest(actors) AS actor, * FROM timeline_events);
CREATE TABLE IF NOT EXISTS agg.actor_timeline AS
SELECT * FROM agg.actor_timeline_rows ORDER BY actor, start_date, end_date, timeline_id;
CREATE VIEW actor_timeline AS
SELECT * FROM agg.actor_timeline
ORDER BY actor, start_date, end_date, timeline_id;
COMMENT ON VIEW actor_timeline IS 'One row per actor and timeline event: filter on actor for a person''s or organisation''s timeline.';
COMMENT ON COLUMN actor_timeline.actor IS 'A person, organisation or place named in the event (as written; compare with lower() to ignore case).';
COMMENT ON COLUMN actor_timeline.timeline_id IS 'The timeline event (timeline.timeline_id).';
COMMENT ON COLUMN actor_timeline.start_date IS 'First day of the event interval.';
COMMENT ON COLUMN actor_timeline.end_date IS 'Day after the last day of the event interval (half-open).';
COMMENT ON COLUMN actor_timeline.value IS 'TIMEX3 value of the date.';
COMMENT ON COLUMN actor_timeline.granularity IS 'Unit of the date (day, month, season, year, ...).';
COMMENT ON COLUMN actor_timeline.description IS 'The best-described clause among the reports.';
COMMENT ON COLUMN actor_timeline.source_count IS 'Number of distinct canonical articles reporting the event.';
COMMENT ON COLUMN actor_timeline.trigger IS 'Main verb of the description.';
COMMENT ON COLUMN actor_timeline.first_reported IS 'Earliest publication time among the reports (UTC).';

-- Dates ranked by how many independent sources report something on them (computed at publish time).
CREATE TABLE agg.timeline_salience AS
SELECT dense_rank() OVER (ORDER BY count(DISTINCT s.source) DESC) AS rank,
       t.value, t.granularity, t.start_date, t.end_date,
       count(DISTINCT t.timeline_id) AS timeline_events,
       count(DISTINCT s.source) AS independent_sources
FROM timeline_events t, unnest(t.sources) AS s(source)  -- the table: the view's ORDER BY would sort it first
GROUP BY t.value, t.granularity, t.start_date, t.end_date;
CREATE VIEW timeline_salience AS
SELECT * FROM agg.timeline_salience
ORDER BY independent_sources DESC, start_date, value;
COMMENT ON VIEW timeline_salience IS 'Dates ranked by independent source count: the date-selection signal of timeline summarisation.';
COMMENT ON COLUMN timeline_salience.rank IS '1 for the dates reported by the most sources (ties share a rank).';
COMMENT ON COLUMN timeline_salience.value IS 'TIMEX3 value of the date.';
COMMENT ON COLUMN timeline_salience.granularity IS 'Unit of the date (day, month, season, year, ...).';
COMMENT ON COLUMN timeline_salience.start_date IS 'First day of the date''s interval.';
COMMENT ON COLUMN timeline_salience.end_date IS 'Day after the last day of the interval (half-open).';
COMMENT ON COLUMN timeline_salience.timeline_events IS 'Timeline events on this date.';
COMMENT ON COLUMN timeline_salience.independent_sources IS 'Distinct canonical articles (syndicated copies count once) reporting something on this date.';

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
COMMENT ON COLUMN coverage.article_id IS 'The article (articles.article_id); duplicates included.';
COMMENT ON COLUMN coverage.title IS 'Headline of the article.';
COMMENT ON COLUMN coverage.source_path IS 'Path of the input file, relative to the inbox.';
COMMENT ON COLUMN coverage.mentions IS 'Temporal expressions found (dates, times, durations, sets).';
COMMENT ON COLUMN coverage.resolved IS 'Mentions written out in full or resolved against the publication date.';
COMMENT ON COLUMN coverage.inferred IS 'Mentions resolved against a reference date inferred from the text (the article has no date).';
COMMENT ON COLUMN coverage.unresolved IS 'Mentions that could not be placed in time (X''s in the value, no interval).';
