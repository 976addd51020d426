CREATE TABLE a (id int);
ALTER TABLE a ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON a USING (true);
CREATE POLICY q ON a FOR DELETE USING (1 = 1);
CREATE POLICY r ON a FOR INSERT WITH CHECK (id > 0 OR 'a' = 'a');
-- A restrictive policy narrows only the roles it names: PUBLIC's rows stay open.
CREATE TABLE b (id int, tenant_id int);
ALTER TABLE b ENABLE ROW LEVEL SECURITY;
CREATE POLICY b_tenant ON b AS RESTRICTIVE TO app_admin USING (tenant_id = 1);
CREATE POLICY b_open ON b USING (true);
