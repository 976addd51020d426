-- Rollback of 001.
DROP TABLE tenants;
