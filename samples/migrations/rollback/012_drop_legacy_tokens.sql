-- Rollback of 012: the table comes back empty.
CREATE TABLE legacy_tokens (
    token     text PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id)
);
ALTER TABLE legacy_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY legacy_tokens_tenant_isolation ON legacy_tokens
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
