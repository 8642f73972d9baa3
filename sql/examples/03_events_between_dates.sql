-- What happened in a period: events whose date interval overlaps [date_from, date_to] (both inclusive).
-- Intervals are half-open, so "overlaps" is start_date <= date_to AND end_date > date_from; a month-level
-- date such as 2024-03 therefore counts for any period that touches March 2024.
SET VARIABLE date_from = DATE '2024-03-01';
SET VARIABLE date_to = DATE '2024-03-31';

SELECT start_date,
       end_date,
       value,
       granularity,
       source_count,
       description
FROM timeline
WHERE start_date <= getvariable('date_to')
  AND end_date > getvariable('date_from')
ORDER BY start_date, end_date;
