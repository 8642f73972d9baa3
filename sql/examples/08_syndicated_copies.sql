-- Syndicated and copied articles: each duplicate next to the canonical article it was folded into.
-- method = exact (same normalised text) or near (MinHash/LSH, then shingle similarity).
SELECT d.method,
       round(d.similarity, 3) AS similarity,
       dup.title AS duplicate_title,
       dup.source_path AS duplicate_file,
       can.title AS canonical_title,
       can.source_path AS canonical_file
FROM article_duplicates d
JOIN articles dup ON dup.article_id = d.article_id
JOIN articles can ON can.article_id = d.canonical_id
WHERE d.duplicate_of IS NOT NULL
ORDER BY d.similarity DESC;
