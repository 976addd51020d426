-- A public read policy is a legitimate pattern; restrictive policies only narrow.
CREATE TABLE a (id int);
ALTER TABLE a ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON a FOR SELECT USING (true);
CREATE POLICY q ON a AS RESTRICTIVE USING (true);
CREATE POLICY r ON a USING (id = 1 AND true);
-- Tenant isolation written in two parts (logto): every row must also pass the
-- restrictive policy, so the permissive USING (true) opens nothing.
CREATE TABLE c (id int, tenant_id int);
ALTER TABLE c ENABLE ROW LEVEL SECURITY;
CREATE POLICY c_tenant ON c AS RESTRICTIVE USING (tenant_id = current_setting('app.tenant')::int);
CREATE POLICY c_modification ON c USING (true);
