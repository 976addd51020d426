GRANT SELECT, INSERT ON t TO app;
GRANT ALL ON FUNCTION f() TO app;
GRANT ALL ON t2 TO app;
REVOKE TRUNCATE ON t2 FROM app;
-- Administrators have it all anyway: a platform's admin role (rules/grants.yml)
-- and a role the migrations make BYPASSRLS.
GRANT ALL ON TABLE t TO service_role;
CREATE ROLE support_admin BYPASSRLS;
GRANT ALL ON TABLE t TO support_admin;
