-- 010: helper functions.

-- Done right: SECURITY DEFINER with a fixed search_path, EXECUTE only for app_web.
CREATE FUNCTION current_tenant_id() RETURNS uuid
    LANGUAGE sql STABLE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT current_setting('app.tenant_id')::uuid $$;
REVOKE EXECUTE ON FUNCTION current_tenant_id() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION current_tenant_id() TO app_web;

-- Demonstrates grants/security-definer-search-path and grants/function-execute-public:
-- runs as its owner, resolves "users" through the caller's search_path, and anyone may call it.
CREATE FUNCTION purge_tenant(t uuid) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER
    AS $$
BEGIN
    DELETE FROM users WHERE tenant_id = t;
END
$$;
