-- pgrampart-ignore rls/table-without-rls: a public catalogue, readable by everyone
CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL);
-- The schema uses row-level security, so every table is judged.
CREATE TABLE orders (id int, tenant_id int);
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant ON orders USING (tenant_id = current_setting('app.tenant')::int);
