CREATE FUNCTION purge(t uuid) RETURNS void LANGUAGE sql SECURITY DEFINER
  SET search_path = pg_catalog AS 'select 1';
REVOKE EXECUTE ON FUNCTION purge(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION purge(uuid) TO authenticated;
GRANT EXECUTE ON FUNCTION purge(uuid) TO anon;
