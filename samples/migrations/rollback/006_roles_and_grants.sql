-- Rollback of 006.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM app_web, app_reporter, PUBLIC;
REVOKE USAGE ON SCHEMA public FROM app_web, app_reporter;
DROP ROLE app_reporter;
DROP ROLE app_web;
