-- 012: sessions replace legacy tokens.
-- Demonstrates rollback/irreversible-up: the rollback recreates the table, not its rows.
DROP TABLE legacy_tokens;
