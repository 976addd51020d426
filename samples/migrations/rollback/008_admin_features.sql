-- Rollback of 008.
DROP POLICY messages_support_read ON messages;
DROP POLICY users_admin_update ON users;
DROP POLICY feedback_insert_any ON feedback;
DROP TABLE api_keys;
DROP TABLE audit_log;
