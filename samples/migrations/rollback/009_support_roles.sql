-- Rollback of 009.
REVOKE SELECT ON users FROM app_reporter CASCADE;
DROP ROLE support_admin;
DROP ROLE migrator;
