-- Provenance: from a timeline event back to the words in the article. Offsets are character positions in
-- articles.text (0-based, end exclusive), so substr(text, start + 1, end - start) is the quoted span.
SELECT t.start_date,
       t.value,
       substr(a.text, e.mention_start + 1, e.mention_end - e.mention_start) AS date_as_written,
       substr(a.text, e.sentence_start + 1, e.sentence_end - e.sentence_start) AS sentence,
       a.title,
       a.url,
       e.anchor_source
FROM timeline t
JOIN events e ON e.event_id = t.event_id
JOIN articles a ON a.article_id = e.article_id
ORDER BY t.start_date DESC, t.timeline_id
LIMIT 25;
