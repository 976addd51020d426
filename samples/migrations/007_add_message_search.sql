-- 007: full-text search on messages.
-- (Demonstrates rollback/missing-down: there is no rollback for this one.)
ALTER TABLE messages ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;

CREATE INDEX messages_search_idx ON messages USING gin (search);
