-- dateline warehouse: tables, loaded from the Parquet files under <warehouse>/parquet/<table>/.
-- Each table here has the same name and columns as its Parquet directory (Arrow schemas: dateline/schemas.py).
-- Dates are half-open intervals [start_date, end_date): a month is [2017-05-01, 2017-06-01).
-- Timestamps are TIMESTAMPTZ in UTC. The loader adds dateline_meta (schema_version, built_at); the views and
-- their column comments are in 10_views.sql; ready-to-run analyst queries are in sql/examples/.

CREATE TABLE articles (
    article_id     VARCHAR,
    source_path    VARCHAR NOT NULL,
    record_index   INTEGER NOT NULL,
    url            VARCHAR,
    title          VARCHAR,
    published_at   TIMESTAMPTZ,
    text           VARCHAR NOT NULL,
    source_format  VARCHAR NOT NULL,
    content_hash   VARCHAR NOT NULL,
    partition_key  VARCHAR NOT NULL,
    author         VARCHAR,
    published_offset VARCHAR
);
COMMENT ON TABLE articles IS 'One row per ingested article (duplicates included; see article_duplicates).';
COMMENT ON COLUMN articles.article_id IS 'Stable hash of the source (url, else file path and record) and the normalised text.';
COMMENT ON COLUMN articles.source_path IS 'Path of the input file, relative to the inbox.';
COMMENT ON COLUMN articles.record_index IS 'Position of the record in its file (0 for single-article files).';
COMMENT ON COLUMN articles.url IS 'Canonical URL of the article when the source gives one.';
COMMENT ON COLUMN articles.title IS 'Headline, found in the page or taken from the record.';
COMMENT ON COLUMN articles.published_at IS 'Publication time in UTC; NULL when the source does not say.';
COMMENT ON COLUMN articles.text IS 'Cleaned body text; every offset in mentions and events points into it.';
COMMENT ON COLUMN articles.source_format IS 'Reader that produced the row: txt, md, jsonl, html, warc.';
COMMENT ON COLUMN articles.content_hash IS 'Hash of the normalised text: equal for exact copies.';
COMMENT ON COLUMN articles.partition_key IS 'Dagster partition (inbox file) that wrote the row.';
COMMENT ON COLUMN articles.author IS 'Author or byline when the source names one (HTML metadata, a JSON author field, a By: header).';
COMMENT ON COLUMN articles.published_offset IS 'The UTC offset the source wrote its publication time in (e.g. +02:00); published_at itself is UTC.';

CREATE TABLE quarantine (
    source_path    VARCHAR NOT NULL,
    record_index   INTEGER NOT NULL,
    reason         VARCHAR NOT NULL,
    message        VARCHAR NOT NULL,
    partition_key  VARCHAR NOT NULL
);
COMMENT ON TABLE quarantine IS 'Inputs that could not become articles, with the reason; nothing is dropped silently.';
COMMENT ON COLUMN quarantine.source_path IS 'Path of the input file, relative to the inbox.';
COMMENT ON COLUMN quarantine.record_index IS 'Record position in the file; -1 when the whole file was rejected.';
COMMENT ON COLUMN quarantine.reason IS 'Machine-readable reason code (empty_text, malformed_json, undecodable, absurd_date, ...).';
COMMENT ON COLUMN quarantine.message IS 'What went wrong, for a person.';
COMMENT ON COLUMN quarantine.partition_key IS 'Dagster partition (inbox file) that wrote the row.';

CREATE TABLE mentions (
    mention_id     VARCHAR,
    article_id     VARCHAR NOT NULL,
    "start"        INTEGER NOT NULL,
    "end"          INTEGER NOT NULL,
    text           VARCHAR NOT NULL,
    timex_type     VARCHAR NOT NULL,
    value          VARCHAR NOT NULL,
    granularity    VARCHAR,
    start_date     DATE,
    end_date       DATE,
    anchor_source  VARCHAR NOT NULL,
    mod            VARCHAR,
    freq           VARCHAR,
    quant          VARCHAR,
    partition_key  VARCHAR NOT NULL
);
COMMENT ON TABLE mentions IS 'Every temporal expression found in every article, normalised to TIMEX3.';
COMMENT ON COLUMN mentions.mention_id IS 'Stable hash of article_id and the character span.';
COMMENT ON COLUMN mentions.article_id IS 'Article the expression was found in.';
COMMENT ON COLUMN mentions."start" IS 'Start character offset into articles.text.';
COMMENT ON COLUMN mentions."end" IS 'End character offset (exclusive) into articles.text.';
COMMENT ON COLUMN mentions.text IS 'The expression as written.';
COMMENT ON COLUMN mentions.timex_type IS 'TIMEX3 type: DATE, TIME, DURATION or SET.';
COMMENT ON COLUMN mentions.value IS 'TIMEX3 value: 2017-08-07, 2017-05, 2015-SU, 199, P1Y, XXXX-XX-XX ...';
COMMENT ON COLUMN mentions.granularity IS 'Unit of the value: time, day, week, month, season, quarter, half, year, decade, century.';
COMMENT ON COLUMN mentions.start_date IS 'First day of the interval the value denotes; NULL for durations, sets, unresolved values.';
COMMENT ON COLUMN mentions.end_date IS 'Day after the last day of the interval (half-open); NULL like start_date.';
COMMENT ON COLUMN mentions.anchor_source IS 'absolute, published_at (resolved against the publication date), inferred (against a date inferred from the text) or unresolved.';
COMMENT ON COLUMN mentions.mod IS 'TIMEX3 mod: START, MID, END, APPROX, LESS_THAN, MORE_THAN ...';
COMMENT ON COLUMN mentions.freq IS 'TIMEX3 freq of a SET (e.g. 1X).';
COMMENT ON COLUMN mentions.quant IS 'TIMEX3 quant of a SET (e.g. EVERY).';
COMMENT ON COLUMN mentions.partition_key IS 'Dagster partition (inbox file) that wrote the row.';

CREATE TABLE events (
    event_id        VARCHAR,
    article_id      VARCHAR NOT NULL,
    mention_id      VARCHAR NOT NULL,
    clause          VARCHAR NOT NULL,
    clause_start    INTEGER NOT NULL,
    clause_end      INTEGER NOT NULL,
    sentence        VARCHAR NOT NULL,
    sentence_start  INTEGER NOT NULL,
    sentence_end    INTEGER NOT NULL,
    trigger         VARCHAR,
    actors          VARCHAR[],
    tense           VARCHAR,
    mention_text    VARCHAR NOT NULL,
    mention_start   INTEGER NOT NULL,
    mention_end     INTEGER NOT NULL,
    timex_type      VARCHAR NOT NULL,
    value           VARCHAR NOT NULL,
    granularity     VARCHAR,
    start_date      DATE,
    end_date        DATE,
    anchor_source   VARCHAR NOT NULL,
    confidence      FLOAT,
    published_at    TIMESTAMPTZ,
    partition_key   VARCHAR NOT NULL
);
COMMENT ON TABLE events IS 'One event per dated mention: the clause it dates, with offsets back to the article.';
COMMENT ON COLUMN events.event_id IS 'Stable hash of the dated mention the event hangs on.';
COMMENT ON COLUMN events.article_id IS 'Article the event was reported in.';
COMMENT ON COLUMN events.mention_id IS 'The dating mention (mentions.mention_id).';
COMMENT ON COLUMN events.clause IS 'The clause the date belongs to.';
COMMENT ON COLUMN events.clause_start IS 'Start offset of the clause in articles.text.';
COMMENT ON COLUMN events.clause_end IS 'End offset (exclusive) of the clause in articles.text.';
COMMENT ON COLUMN events.sentence IS 'The whole sentence holding the clause.';
COMMENT ON COLUMN events.sentence_start IS 'Start offset of the sentence in articles.text.';
COMMENT ON COLUMN events.sentence_end IS 'End offset (exclusive) of the sentence in articles.text.';
COMMENT ON COLUMN events.trigger IS 'Main verb of the clause (what happened), lower-cased.';
COMMENT ON COLUMN events.actors IS 'Named people, organisations and places in the clause.';
COMMENT ON COLUMN events.tense IS 'past, present or future, from the clause''s verbs.';
COMMENT ON COLUMN events.mention_text IS 'The temporal expression as written.';
COMMENT ON COLUMN events.mention_start IS 'Start offset of the expression in articles.text.';
COMMENT ON COLUMN events.mention_end IS 'End offset (exclusive) of the expression in articles.text.';
COMMENT ON COLUMN events.timex_type IS 'DATE or TIME.';
COMMENT ON COLUMN events.value IS 'TIMEX3 value of the date.';
COMMENT ON COLUMN events.granularity IS 'Unit of the date (day, month, season, year, ...).';
COMMENT ON COLUMN events.start_date IS 'First day of the event interval.';
COMMENT ON COLUMN events.end_date IS 'Day after the last day of the event interval (half-open).';
COMMENT ON COLUMN events.anchor_source IS 'What the date rests on: absolute, published_at, inferred.';
COMMENT ON COLUMN events.confidence IS '0..1: certainty of the date and of the clause being an event.';
COMMENT ON COLUMN events.published_at IS 'Publication time of the reporting article (UTC).';
COMMENT ON COLUMN events.partition_key IS 'Dagster partition (inbox file) that wrote the row.';

CREATE TABLE article_duplicates (
    article_id    VARCHAR,
    canonical_id  VARCHAR NOT NULL,
    duplicate_of  VARCHAR,
    method        VARCHAR,
    similarity    FLOAT
);
COMMENT ON TABLE article_duplicates IS 'Exact and near-duplicate (syndicated) article clusters.';
COMMENT ON COLUMN article_duplicates.article_id IS 'An ingested article.';
COMMENT ON COLUMN article_duplicates.canonical_id IS 'The copy kept for events (richest metadata); equals article_id for canonical rows.';
COMMENT ON COLUMN article_duplicates.duplicate_of IS 'canonical_id for duplicates, NULL for the canonical copy.';
COMMENT ON COLUMN article_duplicates.method IS 'exact (same normalised text) or near (MinHash/LSH, then shingle Jaccard/containment).';
COMMENT ON COLUMN article_duplicates.similarity IS 'Shingle Jaccard similarity to the canonical copy.';

CREATE TABLE timeline_events (
    timeline_id     VARCHAR,
    value           VARCHAR NOT NULL,
    granularity     VARCHAR,
    start_date      DATE NOT NULL,
    end_date        DATE NOT NULL,
    description     VARCHAR NOT NULL,
    trigger         VARCHAR,
    actors          VARCHAR[],
    source_count    INTEGER NOT NULL,
    sources         VARCHAR[],
    event_ids       VARCHAR[],
    first_reported  TIMESTAMPTZ,
    article_id      VARCHAR NOT NULL,
    event_id        VARCHAR NOT NULL
);
COMMENT ON TABLE timeline_events IS 'Deduplicated timeline (loaded from parquet/timeline/): one row per real-world event, however many sources report it. Query the view timeline.';
COMMENT ON COLUMN timeline_events.timeline_id IS 'Stable id of the merged event.';
COMMENT ON COLUMN timeline_events.value IS 'TIMEX3 value of the date.';
COMMENT ON COLUMN timeline_events.granularity IS 'Unit of the date (day, month, season, year, ...).';
COMMENT ON COLUMN timeline_events.start_date IS 'First day of the event interval.';
COMMENT ON COLUMN timeline_events.end_date IS 'Day after the last day of the event interval (half-open).';
COMMENT ON COLUMN timeline_events.description IS 'The best-described clause among the reports.';
COMMENT ON COLUMN timeline_events.trigger IS 'Main verb of the description.';
COMMENT ON COLUMN timeline_events.actors IS 'Actors named across the reports.';
COMMENT ON COLUMN timeline_events.source_count IS 'Number of distinct canonical articles reporting the event.';
COMMENT ON COLUMN timeline_events.sources IS 'article_id of every reporting article.';
COMMENT ON COLUMN timeline_events.event_ids IS 'events.event_id of every merged report.';
COMMENT ON COLUMN timeline_events.first_reported IS 'Earliest publication time among the reports.';
COMMENT ON COLUMN timeline_events.article_id IS 'Article of the description.';
COMMENT ON COLUMN timeline_events.event_id IS 'Event of the description.';
