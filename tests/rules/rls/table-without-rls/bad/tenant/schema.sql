-- No table enables RLS here, but this one holds rows of many tenants.
CREATE TABLE messages (id int, tenant_id uuid, body text);
