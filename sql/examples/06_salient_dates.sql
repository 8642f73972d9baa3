-- Salient dates: the dates most sources report something on (the date-selection step of timeline
-- summarisation), with one example description per date. Ties share a rank.
SELECT s.rank,
       s.value,
       s.granularity,
       s.independent_sources,
       s.timeline_events,
       (SELECT t.description
        FROM timeline t
        WHERE t.value = s.value AND t.start_date = s.start_date
        ORDER BY t.source_count DESC, t.timeline_id
        LIMIT 1) AS example
FROM timeline_salience s
ORDER BY s.rank, s.start_date
LIMIT 10;
