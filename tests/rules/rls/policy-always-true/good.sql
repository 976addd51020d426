-- A public read policy is a legitimate pattern; restrictive policies only narrow.
CREATE TABLE a (id int);
ALTER TABLE a ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON a FOR SELECT USING (true);
CREATE POLICY q ON a AS RESTRICTIVE USING (true);
CREATE POLICY r ON a USING (id = 1 AND true);
