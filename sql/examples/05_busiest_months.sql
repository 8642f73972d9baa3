-- Busiest months: events per month of the event date, with each month's share and a running total.
SELECT month,
       events,
       articles,
       round(100.0 * events / sum(events) OVER (), 1) AS pct_of_events,
       sum(events) OVER (ORDER BY month) AS events_so_far
FROM events_by_month
ORDER BY events DESC, month
LIMIT 12;
