-- 011: server-side sessions, and a legacy token table that 012 retires.
CREATE TABLE sessions (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at timestamptz NOT NULL
);
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sessions_tenant_isolation ON sessions
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

-- Demonstrates rollback/incomplete-down: the rollback forgets this function.
CREATE FUNCTION session_expired(s sessions) RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT s.expires_at < now() $$;

CREATE TABLE legacy_tokens (
    token     text PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id)
);
ALTER TABLE legacy_tokens ENABLE ROW LEVEL SECURITY;
CREATE POLICY legacy_tokens_tenant_isolation ON legacy_tokens
    USING (tenant_id = current_setting('app.tenant_id')::uuid);

-- Demonstrates rls/policy-command-coverage: invitations can be read and created,
-- but no policy lets anyone UPDATE or DELETE them (the checklist expects 4 policies).
CREATE TABLE invitations (
    id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL REFERENCES tenants (id),
    email     text NOT NULL
);
ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY invitations_read ON invitations FOR SELECT
    USING (tenant_id = current_setting('app.tenant_id')::uuid);
CREATE POLICY invitations_create ON invitations FOR INSERT
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

-- Demonstrates rls/rls-not-forced and grants/role-policy (DROP): the API role
-- owns sessions, so it bypasses the policy above and may drop the table.
ALTER TABLE sessions OWNER TO app_web;
