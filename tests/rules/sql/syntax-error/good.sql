\set ON_ERROR_STOP on
\ir other.sql
\if :is_ok
CREATE TABLE t (a int[]);
\endif
COPY t (a) FROM stdin;
{1}
{2}
\.
SELECT a[1:2] FROM t \gset
ALTER DATABASE :DBNAME SET x = :'v';
SELECT 'it''s; \x' AS a, E'\\' AS b, $f$ \not meta $f$ AS c;
