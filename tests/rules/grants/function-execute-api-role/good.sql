CREATE FUNCTION purge(t uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog AS 'select 1';
REVOKE EXECUTE ON FUNCTION purge(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge(uuid) TO service_role;
CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog AS 'begin return new; end';
GRANT EXECUTE ON FUNCTION stamp() TO anon;
CREATE FUNCTION visible() RETURNS int LANGUAGE sql AS 'select 1';
GRANT EXECUTE ON FUNCTION visible() TO authenticated;
