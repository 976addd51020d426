-- 013: reporting for the analytics dashboard.

-- Demonstrates rls/view-bypasses-rls: the view runs as its owner, so every
-- tenant's message counts are visible to whoever may read the view.
CREATE VIEW message_stats AS
    SELECT tenant_id, date_trunc('day', created_at) AS day, count(*) AS messages
    FROM messages
    GROUP BY 1, 2;

-- Demonstrates grants/default-privileges-to-public: every future table is readable by all.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO PUBLIC;

-- The dashboard reads the view as app_reporter.
GRANT SELECT ON message_stats TO app_reporter;
