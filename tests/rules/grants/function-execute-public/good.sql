ALTER DEFAULT PRIVILEGES REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
CREATE FUNCTION f() RETURNS int LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog AS 'select 1';
CREATE FUNCTION g() RETURNS int LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog AS 'select 1';
DROP FUNCTION g();
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog AS 'begin return new; end';
