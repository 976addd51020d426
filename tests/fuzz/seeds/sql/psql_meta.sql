\set ON_ERROR_STOP on
\connect app
-- migrate:up
CREATE ROLE r LOGIN PASSWORD :'pw';
COPY t (a, b) FROM stdin;
1	2
\.
\i other.sql
-- migrate:down
DROP ROLE r;
