#!/usr/bin/env bash
# Apply migrations in order; every secret comes from the CI's secret store.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL (with sslmode=verify-full)}"
export PGSSLMODE=verify-full

pg_dump -h db-prod.example.com -U deploy --schema-only saas > "backup-$(date +%Y%m%d%H%M%S).sql"

for f in migrations/[0-9][0-9][0-9]_*.sql; do
  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f "$f"
done

psql "$DATABASE_URL" -v pw="$APP_WEB_PASSWORD" <<'SQL'
ALTER ROLE app_web PASSWORD :'pw';
SQL
