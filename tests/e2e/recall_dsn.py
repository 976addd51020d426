"""Issue 13, slice "dsn": connection strings of every dialect users write.

libpq's PQconninfoParse refuses a URI with one parameter it does not know, so a Prisma or pgx
URL used to be skipped whole.  Each dialect is now rewritten for libpq (core/src/host/dsn.c) and
ssl/missing-sslmode and secrets/hardcoded-password see it, at the value and at the password's
bytes; a string that asks for TLS gives no ssl finding.
"""
from e2e import *  # noqa: F401,F403

PW = "S3cretPw9x"
SSL = "ssl/missing-sslmode"
HARD = "secrets/hardcoded-password"


def env_findings(lines):
    """Findings of a .env holding lines, as (rule, line, column)."""
    found, _ = findings_in({".env": "".join(l + "\n" for l in lines)})
    return sorted((r, line, col) for r, _, line, col in found)


def test_prisma_and_pgx_parameters_are_dropped_not_fatal():
    """?schema=public&connection_limit=5&pgbouncer=true (Prisma) and pool_max_conns (pgx):
    the URI is read without them; sslmode=verify-full among them still counts."""
    found = env_findings([
        f"DATABASE_URL=postgresql://app:{PW}@db.example.com:5432/app?schema=public&connection_limit=5&pgbouncer=true",
        "PGX_URL=postgres://app@db.example.com/app?pool_max_conns=10&max_conns=4",
        "OK_URL=postgresql://app@db.example.com/app?schema=public&sslmode=verify-full&connection_limit=5"])
    assert found == [(HARD, 1, 31), (SSL, 1, 14), (SSL, 2, 9)], found


def test_jdbc_ssl_and_query_password():
    """jdbc:postgresql://: ssl=false is sslmode=disable, ssl=true is verify-full (pgJDBC 42.2.5+),
    an explicit sslmode wins over ssl=, and ?password= is found at its bytes."""
    found = env_findings([
        f"JDBC_URL=jdbc:postgresql://db.example.com:5432/app?user=app&password={PW}&ssl=false",
        "JDBC_PLAIN=jdbc:postgresql://db.example.com/app",
        "JDBC_TRUE=jdbc:postgresql://db.example.com/app?ssl=true",
        "JDBC_FULL=jdbc:postgresql://db.example.com/app?sslmode=verify-full&ssl=true",
        "JDBC_MODE=jdbc:postgresql://db.example.com/app?ssl=true&sslmode=disable",
        "JDBC_LOCAL=jdbc:postgresql://localhost:5432/app?ssl=false"])
    assert found == [(HARD, 1, 70), (SSL, 1, 10), (SSL, 2, 12), (SSL, 5, 11)], found


def test_sqlalchemy_and_asyncpg_urls():
    """postgresql+psycopg2:// and postgresql+asyncpg:// are postgresql://; asyncpg's ssl=require
    is sslmode=require."""
    found = env_findings([
        f"SQLALCHEMY_DATABASE_URI=postgresql+psycopg2://app:{PW}@db.example.com/app",
        "ASYNC_URL=postgresql+asyncpg://app@db.example.com/app?ssl=require",
        "ASYNC_OFF=postgresql+asyncpg://app@db.example.com/app?ssl=disable",
        "NOT_PG=mysql+pymysql://app@db.example.com/app"])
    assert found == [(HARD, 1, 51), (SSL, 1, 25), (SSL, 3, 11)], found


def test_node_postgres_ssl_option_in_js():
    """node-postgres' connectionString ?ssl=true verifies the certificate and ?ssl=no-verify
    still encrypts; ?ssl=false is plain text."""
    js = ('const a = new Pool({ connectionString: "postgres://app@db.example.com/app?ssl=true&max=5" });\n'
          'const b = new Pool({ connectionString: "postgres://app@db.example.com/app?ssl=no-verify" });\n'
          'const c = new Pool({ connectionString: "postgres://app@db.example.com/app?ssl=false&max=5" });\n')
    found, _ = findings_in({"src/db.js": js})
    assert only(found, SSL) == [(SSL, "src/db.js", 3, 41)], found


def test_npgsql_connection_strings():
    """Npgsql's Host=...;Username=...;Password=...: no SSL Mode is Npgsql's Prefer; SSL Mode=Require
    or VerifyFull gives no finding; Password= is found at its bytes.  SQL Server's Server=...;
    and a MySQL Port=3306 string are not PostgreSQL's."""
    found = env_findings([
        f'ConnectionStrings__Default="Host=db.example.com;Username=app;Password={PW};Database=app"',
        'PG_REQUIRE="Host=db.example.com;Username=app;Database=app;SSL Mode=Require"',
        'PG_FULL="Host=db.example.com;Port=5432;Username=app;Database=app;SslMode=VerifyFull"',
        'PG_DISABLE="Server=db.example.com;Port=5432;User Id=app;Database=app;SSL Mode=Disable"',
        f'MSSQL="Server=db.example.com;Database=app;User Id=sa;Password={PW}"',
        'MYSQL="Host=db.example.com;Port=3306;Username=app;Database=app"'])
    assert found == [(HARD, 1, 71), (SSL, 1, 29), (SSL, 4, 13)], found


def test_dialect_passwords_are_masked():
    """The password of a JDBC query and of an Npgsql string is never printed whole."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {".env": f"A=jdbc:postgresql://db.example.com/app?password={PW}\n"
                               f'B="Host=db.example.com;Username=app;Password={PW}"\n'})
        rc, out, err = run("check", ".", cwd=d)
    assert rc == 1 and HARD in out, out
    assert PW not in out and PW not in err, out
