-- A schema that never uses row-level security (isolation lives in the
-- application): table-without-rls does not apply.
CREATE TABLE users (id int, email text);
CREATE TABLE settings (k text, v text);
