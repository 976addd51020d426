#!/bin/bash
set -euo pipefail
export PGPASSWORD="${DB_PASSWORD:-hunter2hunter2}"
psql "host=db.example.com dbname=app user=admin" -v ON_ERROR_STOP=1 -c "ALTER ROLE app BYPASSRLS;"
psql --host=db.example.com <<-SQL
	GRANT ALL ON ALL TABLES IN SCHEMA public TO PUBLIC;
	SQL
for f in migrations/*.sql; do psql -f "$f"; done
DB=$(echo postgres://u@h/d)
