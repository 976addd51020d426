-- 009: roles for the support team and the migration runner.

-- Demonstrates grants/role-superuser.
CREATE ROLE migrator LOGIN SUPERUSER PASSWORD :'migrator_password';

-- Demonstrates grants/role-bypassrls and grants/role-createrole.
CREATE ROLE support_admin NOLOGIN BYPASSRLS CREATEROLE;

-- Demonstrates grants/grant-with-grant-option.
GRANT SELECT ON users TO app_reporter WITH GRANT OPTION;
