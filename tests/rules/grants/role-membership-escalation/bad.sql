CREATE ROLE app_user LOGIN;
GRANT postgres TO app_user;
CREATE ROLE maintenance BYPASSRLS;
GRANT maintenance TO app_user;
GRANT pg_write_server_files TO authenticated;
CREATE ROLE web LOGIN IN ROLE pg_read_all_data;
