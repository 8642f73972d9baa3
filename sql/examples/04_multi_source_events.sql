-- Corroborated events: those reported by more than one independent (canonical) article, with the headlines
-- of every report. Syndicated copies are already folded into their canonical article, so they never count twice.
SELECT t.start_date,
       t.value,
       t.source_count,
       t.description,
       string_agg(a.title, ' | ' ORDER BY a.published_at) AS reported_by,
       t.first_reported
FROM timeline t, unnest(t.sources) AS s(article_id)
JOIN articles a ON a.article_id = s.article_id
WHERE t.source_count > 1
GROUP BY t.timeline_id, t.start_date, t.value, t.source_count, t.description, t.first_reported
ORDER BY t.source_count DESC, t.start_date;
