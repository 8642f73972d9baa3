-- One actor's timeline: every event naming an actor, oldest first. Change the name on the next line.
-- Matching ignores case; use `actor ILIKE '%rotterdam%'` for a looser match.
SET VARIABLE actor = 'Port of Rotterdam';

SELECT start_date,
       value,
       source_count,
       trigger,
       description
FROM actor_timeline
WHERE lower(actor) = lower(getvariable('actor'))
ORDER BY start_date, end_date;
