-- A clean migration: RLS on, a tenant policy, a named role, no literals.
-- Before PostgreSQL 15 every role may create objects in schema public: stop that first.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

CREATE TABLE notes (
    id        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    body      text NOT NULL
);

ALTER TABLE notes ENABLE ROW LEVEL SECURITY;

CREATE POLICY notes_tenant_isolation ON notes
    USING (tenant_id = current_setting('app.tenant_id')::uuid)
    WITH CHECK (tenant_id = current_setting('app.tenant_id')::uuid);

CREATE ROLE notes_app LOGIN PASSWORD :'notes_app_password';
GRANT SELECT, INSERT, UPDATE, DELETE ON notes TO notes_app;
