-- 006: application roles, as the deployment checklist prescribes:
-- a web role that reads and writes, a reporting role that only reads.
\set ON_ERROR_STOP on

-- Password comes from a psql variable: psql -v app_web_password=... (fine).
CREATE ROLE app_web LOGIN PASSWORD :'app_web_password';

-- Demonstrates secrets/hardcoded-password.
CREATE ROLE app_reporter LOGIN PASSWORD 'R3port1ng-Pr0d-2024!';

GRANT USAGE ON SCHEMA public TO app_web, app_reporter;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants, users, conversations, messages TO app_web;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO app_reporter;

-- Demonstrates grants/grant-all-privileges: app_web can now TRUNCATE feedback.
GRANT ALL PRIVILEGES ON TABLE feedback TO app_web;

-- Demonstrates grants/grant-to-public: every role can read usage.
GRANT SELECT ON usage_metrics TO PUBLIC;
