CREATE TABLE a (id int, tenant_id uuid);
ALTER TABLE a ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON a FOR SELECT USING (tenant_id = current_setting('t')::uuid);
CREATE POLICY q ON a FOR INSERT WITH CHECK (tenant_id = current_setting('t')::uuid);
