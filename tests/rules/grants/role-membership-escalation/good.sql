CREATE ROLE app_user LOGIN;
CREATE ROLE readers;
GRANT readers TO app_user;
GRANT pg_read_all_stats TO app_user;
CREATE ROLE maintenance BYPASSRLS;
GRANT maintenance TO app_user;
REVOKE maintenance FROM app_user;
CREATE ROLE migrator;
GRANT postgres TO migrator;
