"""End-to-end tests (issue 14, checklist controls): schema expectations in the live audit — drift of columns,
indexes and constraints between the migrations and the database, drift/migration-not-applied ("no pending
migrations"), and `audit --inventory`.  Each runs on a throwaway cluster (skipped without PostgreSQL)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401
import contextlib

# Unnamed constraints and indexes everywhere, so that the names the model generates must be PostgreSQL's.
SCHEMA = """\
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE users (id serial PRIMARY KEY, email varchar(255) NOT NULL UNIQUE, m mood,
  price numeric(10,2) CHECK (price > 0), created timestamptz DEFAULT now(), t2 timestamp(3), c char, tags text[]);
CREATE TABLE orders (id bigserial, user_id int REFERENCES users(id), a int, b int, CHECK (a < b), UNIQUE (a, b),
  PRIMARY KEY (id));
CREATE INDEX ON orders (user_id);
CREATE INDEX orders_ab ON orders (a, b);
CREATE TABLE averyveryveryveryverylongtablenamethatgoesonandonandonforeverxx (
  averyveryveryveryverylongcolumnnamethatgoesonandonandonforeverxx int UNIQUE);
ALTER TABLE orders ADD CONSTRAINT named_check CHECK (b > 0);
ALTER TABLE orders ADD FOREIGN KEY (a) REFERENCES users(id);
CREATE TABLE t3 (x int CHECK (x > 0), y int CHECK (x > 0), z int CHECK (z > x));
CREATE TABLE dup (id int UNIQUE, PRIMARY KEY (id));
"""
MORE = """\
CREATE TABLE tags (id int PRIMARY KEY, name text);
CREATE INDEX tags_name_idx ON tags (name);
ALTER TABLE users ADD COLUMN nickname text;
"""
LAST = """\
CREATE TABLE invoices (id int PRIMARY KEY, user_id int REFERENCES users(id));
CREATE INDEX ON invoices (user_id);
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY invoices_owner ON invoices USING (user_id = 1);
"""
DRIFT = ("drift/column-missing", "drift/column-type", "drift/column-extra", "drift/index-missing",
         "drift/constraint-missing", "drift/constraint-extra", "drift/migration-not-applied")


def run_bytes(*args):
    """Run pgrampart; return (exit code, stdout bytes, stderr bytes): output is checked byte for byte."""
    p = subprocess.run([e2e.ARGS.bin, *args], env=dict(os.environ, NO_COLOR="1"), capture_output=True, timeout=600)
    return p.returncode, p.stdout, p.stderr


def migrations_tree(d, files):
    write_tree(d, {f"migrations/{name}": text for name, text in files.items()})
    return os.path.join(d, "migrations")


def drift_of(doc, migrations):
    """(rule, where, line) of every drift finding: a migration file's name, or a database object."""
    out = []
    for f in doc["findings"]:
        if f["rule"].startswith("drift/"):
            where = os.path.relpath(f["path"], migrations) if f["path"] else f["object"]
            out.append((f["rule"], where, f.get("line") or 0))
    return sorted(out)


def test_drift_columns_indexes_constraints():
    """A database loaded from the migrations has no drift (every generated constraint and index name agrees with
    PostgreSQL's, types as format_type() prints them); then each change by hand is reported once, at the
    migration line that made the object or at the database object: a dropped index, an index left INVALID by a
    failed concurrent build, a dropped generated-name foreign key, a dropped column, a column type changed, a
    column and a CHECK added."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrations_tree(d, {"001_init.sql": SCHEMA, "002_more.sql": MORE})
        c.psql(None, files=[os.path.join(mig, "001_init.sql"), os.path.join(mig, "002_more.sql")])
        doc, _ = audit(c, "--migrations", mig)
        assert drift_of(doc, mig) == [], drift_of(doc, mig)
        # A failed CREATE UNIQUE INDEX CONCURRENTLY leaves an INVALID index behind: it counts as missing.
        c.psql("INSERT INTO users (id, email, price) VALUES (1, 'a@example.com', 1); "
               "INSERT INTO orders (user_id, a, b) VALUES (1, 1, 2), (1, 1, 3); DROP INDEX orders_user_id_idx")
        with contextlib.suppress(subprocess.CalledProcessError):
            c.psql("CREATE UNIQUE INDEX CONCURRENTLY orders_user_id_idx ON orders (user_id)")
        assert c.psql("SELECT indisvalid FROM pg_index WHERE indexrelid = 'orders_user_id_idx'::regclass") == "f\n"
        c.psql("DROP INDEX orders_ab; ALTER TABLE orders DROP CONSTRAINT orders_a_fkey; "
               "ALTER TABLE users DROP COLUMN nickname; ALTER TABLE users ALTER COLUMN email TYPE text; "
               "ALTER TABLE users ALTER COLUMN price TYPE numeric(12,2); ALTER TABLE users ADD COLUMN debug int; "
               "ALTER TABLE t3 ADD CONSTRAINT by_hand CHECK (y > 1);")
        doc, _ = audit(c, "--migrations", mig)
    assert drift_of(doc, mig) == [
        ("drift/column-extra", "db:public.users.debug", 0),
        ("drift/column-missing", "002_more.sql", 3),
        ("drift/column-type", "db:public.users.email", 0),
        ("drift/column-type", "db:public.users.price", 0),
        ("drift/constraint-extra", "db:public.t3 constraint by_hand", 0),
        ("drift/constraint-missing", "001_init.sql", 11),
        ("drift/index-missing", "001_init.sql", 6),
        ("drift/index-missing", "001_init.sql", 7),
    ], drift_of(doc, mig)
    msgs = {f["message"] for f in doc["findings"] if f["rule"] in DRIFT}
    assert "column public.users.email is text in the database but character varying(255) in the migrations" in msgs
    assert ("FOREIGN KEY constraint orders_a_fkey on public.orders of the migrations is not in the database"
            in msgs), msgs


def test_drift_generated_names_are_postgresqls():
    """The names the model gives unnamed constraints and indexes are the ones the server chose: <table>_<cols>_
    pkey/_key/_fkey/_check/_idx, cut to 63 bytes the way makeObjectName cuts, a number on a clash (t3_x_check1),
    tab_check for a CHECK of two columns, and no UNIQUE index beside a PRIMARY KEY on the same column."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrations_tree(d, {"001_init.sql": SCHEMA})
        c.psql(None, files=[os.path.join(mig, "001_init.sql")])
        names = set(c.psql("SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace "
                           "UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'public'").split())
        doc, _ = audit(c, "--migrations", mig)
        c.psql("ALTER TABLE t3 DROP CONSTRAINT t3_x_check1; ALTER TABLE dup DROP CONSTRAINT dup_pkey; "
               "ALTER TABLE averyveryveryveryverylongtablenamethatgoesonandonandonforeverxx "
               "DROP CONSTRAINT averyveryveryveryverylongtabl_averyveryveryveryverylongcolu_key")
        dropped, _ = audit(c, "--migrations", mig)
    assert drift_of(dropped, mig) == [("drift/constraint-missing", "001_init.sql", 8),
                                      ("drift/constraint-missing", "001_init.sql", 12),
                                      ("drift/constraint-missing", "001_init.sql", 13)], drift_of(dropped, mig)
    for n in ["orders_user_id_fkey", "orders_a_fkey", "orders_a_b_key", "orders_check", "t3_x_check", "t3_x_check1",
              "t3_check", "users_price_check", "users_email_key", "dup_pkey", "orders_user_id_idx",
              "averyveryveryveryverylongtabl_averyveryveryveryverylongcolu_key"]:
        assert n in names, (n, sorted(names))
    assert "dup_id_key" not in names, sorted(names)
    assert drift_of(doc, mig) == [], drift_of(doc, mig)


def test_drift_migration_not_applied():
    """The last migration was never run: exactly one drift/migration-not-applied at its file, line 1, and none of
    the per-object findings its table, index, column, constraint and policy would give.  A migration half
    applied (its index there, its table dropped) is not pending: its objects are reported one by one."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrations_tree(d, {"001_init.sql": SCHEMA, "002_more.sql": MORE, "003_invoices.sql": LAST})
        c.psql(None, files=[os.path.join(mig, "001_init.sql"), os.path.join(mig, "002_more.sql")])
        doc, _ = audit(c, "--migrations", mig)
        pending = drift_of(doc, mig)
        f = [x for x in doc["findings"] if x["rule"] == "drift/migration-not-applied"]
        c.psql("DROP TABLE tags")
        doc, _ = audit(c, "--migrations", mig)
        half = drift_of(doc, mig)
    assert pending == [("drift/migration-not-applied", "003_invoices.sql", 1)], pending
    assert f[0]["column"] == 1 and f[0]["message"].startswith(
        "this migration is not applied: none of the 4 objects it creates"), f
    assert half == [("drift/migration-not-applied", "003_invoices.sql", 1),
                    ("drift/table-missing", "002_more.sql", 1)], half


INVENTORY_SCHEMA = (
    "CREATE TABLE notes (id int, tenant_id int); ALTER TABLE notes ENABLE ROW LEVEL SECURITY; "
    "ALTER TABLE notes FORCE ROW LEVEL SECURITY; CREATE POLICY a ON notes FOR SELECT USING (tenant_id = 1); "
    "CREATE POLICY b ON notes USING (tenant_id = 1); CREATE POLICY c ON notes FOR INSERT WITH CHECK (tenant_id = 1); "
    "CREATE TABLE plain (id int); "
    "CREATE TABLE \"evil\x1b[2J\nx:1:1: error: owned\" (id int); "
    "CREATE ROLE app_web LOGIN CONNECTION LIMIT 20; CREATE ROLE boss SUPERUSER BYPASSRLS NOLOGIN;")


def test_audit_inventory_text_and_json():
    """--inventory lists each table with its RLS flags and policies per command, and each role with login,
    superuser, bypassrls and connection limit, in text (indented lines, names escaped: a hostile table name
    neither clears the screen nor starts a finding-like line) and as the JSON document's "inventory" object;
    without --inventory there is none; other formats refuse it."""
    cl = cluster_module()
    with cl.Cluster() as c:
        c.psql(INVENTORY_SCHEMA)
        doc, _ = audit(c, "--inventory")
        plain, _ = audit(c)
        rc, text, err = run_bytes("audit", "--inventory", "--format", "text", c.conninfo())
        rc_sarif, _, err_sarif = run_bytes("audit", "--inventory", "--format", "sarif", c.conninfo())
    inv = doc["inventory"]
    tables = {(t["schema"], t["name"]): t for t in inv["tables"]}
    assert tables[("public", "notes")] == {
        "schema": "public", "name": "notes", "owner": "postgres", "rls_enabled": True, "rls_forced": True,
        "policies": {"SELECT": 1, "INSERT": 1, "UPDATE": 0, "DELETE": 0, "ALL": 1}}, tables
    assert tables[("public", "plain")]["rls_enabled"] is False and tables[("public", "plain")]["rls_forced"] is False
    assert ("public", "evil\x1b[2J\nx:1:1: error: owned") in tables, sorted(tables)
    roles = {r["name"]: r for r in inv["roles"]}
    assert roles["app_web"] == {"name": "app_web", "login": True, "superuser": False, "bypassrls": False,
                                "connection_limit": 20}, roles
    assert roles["boss"] == {"name": "boss", "login": False, "superuser": True, "bypassrls": True,
                             "connection_limit": -1}, roles
    assert "inventory" not in plain
    assert rc == 1, err
    lines = text.decode().split("\n")
    assert lines[0] == "inventory: 3 tables, 3 roles", lines[:3]
    assert "  table public.notes: RLS enabled, forced; policies SELECT 1, INSERT 1, UPDATE 0, DELETE 0, ALL 1" in lines
    assert "  table public.plain: RLS disabled; policies SELECT 0, INSERT 0, UPDATE 0, DELETE 0, ALL 0" in lines
    assert ("  table public.evil\\x1b[2J\\nx:1:1: error: owned: RLS disabled; policies SELECT 0, INSERT 0, "
            "UPDATE 0, DELETE 0, ALL 0") in lines, lines
    assert "  role app_web: LOGIN, connection limit 20" in lines
    assert "  role boss: NOLOGIN SUPERUSER BYPASSRLS, no connection limit" in lines
    assert b"\x1b" not in text and not [l for l in lines if l.startswith("x:1:1")], lines
    assert rc_sarif == 2 and b"--inventory prints with --format text or json" in err_sarif, err_sarif


FOLLOW = """\
CREATE TABLE user_ (id serial PRIMARY KEY, name text, email text, actor_id text);
ALTER TABLE user_ ADD CONSTRAINT idx_user_actor_id UNIQUE (actor_id);
CREATE UNIQUE INDEX idx_user_email_lower ON user_ (lower(email));
CREATE INDEX idx_user_active ON user_ (id) WHERE name IS NOT NULL;
CREATE TABLE client (pk int PRIMARY KEY, id text);
CREATE UNIQUE INDEX client_id_uq ON client (id);
CREATE TABLE token (id int, client_id text REFERENCES client (id));
CREATE TYPE "MemberRole" AS ENUM ('owner', 'viewer');
CREATE TABLE member (id int, role "MemberRole", roles "MemberRole"[]);
"""
FOLLOW_2 = """\
ALTER TABLE user_ RENAME TO person;
ALTER INDEX user__pkey RENAME TO person__pkey;
ALTER INDEX idx_user_actor_id RENAME TO idx_person_actor_id;
ALTER TABLE person DROP COLUMN email;
ALTER TABLE person RENAME COLUMN name TO display_name;
DROP INDEX client_id_uq CASCADE;
ALTER TABLE client ADD CONSTRAINT client_id_key UNIQUE (id);
ALTER TABLE token ADD CONSTRAINT token_client_id_fkey2 FOREIGN KEY (client_id) REFERENCES client (id);
ALTER TYPE "MemberRole" RENAME TO "AccessRole";
"""


def test_drift_follows_renames_and_cascades():
    """What PostgreSQL does besides the statement, replayed alike: ALTER INDEX on a key's index renames the
    constraint, a dropped column takes the expression index that reads it, a renamed column stays in the
    partial index's predicate, DROP INDEX ... CASCADE takes the foreign key that relied on it, a renamed enum
    renames its columns' type — so a database migrated that way has no drift (Lemmy's, Ory Hydra's and
    Hoppscotch's migrations do these); the renamed constraint dropped by hand is then reported under its new
    name."""
    cl = cluster_module()
    with tempfile.TemporaryDirectory() as d, cl.Cluster() as c:
        mig = migrations_tree(d, {"001_users.sql": FOLLOW, "002_rename.sql": FOLLOW_2})
        c.psql(None, files=[os.path.join(mig, "001_users.sql"), os.path.join(mig, "002_rename.sql")])
        doc, _ = audit(c, "--migrations", mig)
        clean = drift_of(doc, mig)
        c.psql("ALTER TABLE person DROP CONSTRAINT idx_person_actor_id; DROP INDEX idx_user_active;")
        doc, _ = audit(c, "--migrations", mig)
    assert clean == [], clean
    assert drift_of(doc, mig) == [("drift/constraint-missing", "001_users.sql", 2),
                                  ("drift/index-missing", "001_users.sql", 4)], drift_of(doc, mig)
    assert any("UNIQUE constraint idx_person_actor_id on public.person" in f["message"] for f in doc["findings"])


def test_constraint_replay_scales():
    """20,000 tables with unnamed keys, foreign keys, checks and indexes replay in linear time: choosing each
    generated name and refusing a duplicate are lookups, not scans of every constraint (scanning took 3 min).
    Each unnamed index has PostgreSQL's name (it had an empty one)."""
    sql = "CREATE TABLE root (id int PRIMARY KEY);\n" + "".join(
        f"CREATE TABLE t{i} (id serial PRIMARY KEY, r int REFERENCES root, code text UNIQUE, n int CHECK (n > 0));\n"
        f"CREATE INDEX ON t{i} (r);\n" for i in range(20000))
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"migrations/001_big.sql": sql})
        t0 = time.monotonic()
        rc, out, err = run("model", "migrations", cwd=d)
        took = time.monotonic() - t0
    assert rc == 0, err
    assert took < 30, f"{took:.1f} s"
    names = {o["name"] for m in json.loads(out)["models"] for o in m["objects"] if o["kind"] == "i"}
    assert len(names) == 20000 and "t0_r_idx" in names and "t19999_r_idx" in names, sorted(names)[:3]
