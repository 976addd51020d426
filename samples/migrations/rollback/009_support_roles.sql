-- Rollback of 009.
REVOKE GRANT OPTION FOR SELECT ON users FROM app_reporter CASCADE;
DROP ROLE support_admin;
DROP ROLE migrator;
