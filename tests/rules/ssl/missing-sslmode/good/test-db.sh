export TEST_DATABASE_URL=postgres://postgres:$POSTGRES_PASSWORD@$database_host:5432/postgres
