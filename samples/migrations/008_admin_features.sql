-- 008: admin features, written in a hurry.

-- Demonstrates rls/rls-without-policy: RLS on, but nobody wrote a policy,
-- so the web role sees no rows at all.
CREATE TABLE audit_log (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id  uuid NOT NULL REFERENCES tenants (id),
    action     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;

-- Demonstrates rls/policy-without-rls: a policy on a table whose RLS is off.
CREATE TABLE api_keys (
    id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    key_hash  text NOT NULL
);
CREATE POLICY api_keys_tenant ON api_keys
    USING (tenant_id = current_setting('app.tenant_id')::uuid);

-- Demonstrates rls/policy-always-true: any tenant may insert feedback for any tenant.
CREATE POLICY feedback_insert_any ON feedback FOR INSERT TO app_web
    WITH CHECK (true);

-- Demonstrates rls/policy-missing-with-check: nothing limits the rows updated.
CREATE POLICY users_admin_update ON users FOR UPDATE TO app_web;

-- Demonstrates rls/multiple-permissive-policies: OR-ed with messages_tenant_isolation,
-- this lets every role read every tenant's messages.
CREATE POLICY messages_support_read ON messages FOR SELECT
    USING (true);
