-- Rollback of 010.
DROP FUNCTION purge_tenant(uuid);
DROP FUNCTION current_tenant_id();
