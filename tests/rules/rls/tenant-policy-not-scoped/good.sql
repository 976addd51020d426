-- Scoped directly, through a subquery, or only narrowed by a restrictive policy: fine.
CREATE TABLE a (id int, tenant_id uuid);
ALTER TABLE a ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON a USING (a.tenant_id = current_setting('t')::uuid);
CREATE POLICY q ON a FOR INSERT WITH CHECK (id IN (SELECT id FROM b WHERE tenant_id = current_setting('t')::uuid));
CREATE POLICY r ON a AS RESTRICTIVE USING (id > 0);
CREATE TABLE c (id int);
ALTER TABLE c ENABLE ROW LEVEL SECURITY;
CREATE POLICY s ON c USING (id > 0);
-- Scoped by a restrictive policy every row must also pass (logto's tables): the
-- permissive policy need not repeat the tenant check.
CREATE TABLE notes (id int, tenant_id int);
ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
CREATE POLICY notes_tenant ON notes AS RESTRICTIVE USING (tenant_id = current_setting('app.tenant')::int);
CREATE POLICY notes_modification ON notes USING (true);
