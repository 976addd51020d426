"""End-to-end tests: verify/model-drift (issue 18): after a migration set's ups ran alone on a scratch
database, pgrampart's replay of the set is compared with PostgreSQL's catalog (audit --migrations'
comparison), so that PostgreSQL is the test oracle of the replay, on the tests' sets and on the real
corpora that apply."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401
import shutil

USERS = ("CREATE TABLE users (id bigint PRIMARY KEY, tenant_id int NOT NULL);\n"
         "ALTER TABLE users ENABLE ROW LEVEL SECURITY;\n"
         "CREATE POLICY tenant ON users USING (tenant_id = current_setting('app.tenant')::int);\n")
# What the replay cannot see: statements a DO block builds and EXECUTEs.
HIDDEN = ("DO $$ BEGIN EXECUTE 'ALTER TABLE users ADD COLUMN ' || 'nickname text'; END $$;\n"
          "DO $$ BEGIN EXECUTE 'CREATE POLICY sneaky ON users USING (true)'; END $$;\n")


def verify_json(root, env=None):
    """verify --format json of root on verify's own throwaway cluster (TMPDIR private): (exit code,
    findings, stderr)."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)  # the server's user (root: postgres) must reach its directory
        rc, out, err = run("verify", "--format", "json", root, env=dict(env or {}, TMPDIR=tmp))
        assert os.listdir(tmp) == [], os.listdir(tmp)
    return rc, (json.loads(out)["findings"] if rc in (0, 1) else None), err


def drift_of(findings):
    return sorted((f["severity"], f.get("object"), f["message"]) for f in findings
                  if f["rule"] == "verify/model-drift")


def test_verify_model_drift_reports_what_the_replay_missed():
    """A column and a policy made by EXECUTE in DO blocks are in the catalog and not in the replay: two
    verify/model-drift infos naming the drift rule and the object; exit 0 (info is below --fail-on);
    without the DO blocks, none.  (The hidden policy USING (true) is also what the tenant probe
    catches: verify/tenant-leak, exit 1.)"""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"m/001_init.up.sql": USERS + HIDDEN, "m/001_init.down.sql": "DROP TABLE users;\n"})
        rc, findings, err = verify_json(os.path.join(d, "m"))
    assert rc == 1, err
    assert drift_of(findings) == [
        ("info", "db:public.users policy sneaky",
         "drift/policy-extra: policy sneaky on public.users is in the database but no migration creates it"),
        ("info", "db:public.users.nickname",
         "drift/column-extra: column public.users.nickname is in the database but no migration creates it")], findings
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {"m/001_init.up.sql": USERS, "m/001_init.down.sql": "DROP TABLE users;\n"})
        rc, findings, err = verify_json(os.path.join(d, "m"))
    assert (rc, findings) == (0, []), (rc, findings, err)


def test_verify_model_drift_after_ups_alone():
    """The comparison runs on a database where only the ups ran: a down that drops more than its up made
    (down-not-inverse, up-not-repeatable on the cycle's database) is no model drift."""
    files = {"m/001_init.up.sql": USERS, "m/001_init.down.sql": "DROP TABLE users;\n",
             "m/002_age.up.sql": "ALTER TABLE users ADD COLUMN age int;\n",
             "m/002_age.down.sql": "ALTER TABLE users DROP COLUMN age;\nDROP POLICY tenant ON users;\n"}
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        rc, findings, err = verify_json(os.path.join(d, "m"))
    assert rc == 1, err
    assert [f["rule"] for f in findings] == ["verify/down-not-inverse"], findings
    assert drift_of(findings) == []


# The corpus migration sets that apply in order on PostgreSQL 15 with no set-up but the platform
# prelude of a Supabase set (the others stop at an up: Lemmy's PostgreSQL 16 syntax, Registry's
# missing schema): each with its convention's file names for one more migration (up, down or None).
APPLYING = [("ory__kratos/persistence/sql/migrations/sql", "{}.postgres.up.sql", "{}.postgres.down.sql"),
            ("apps/ente-io__ente/server/migrations", "{}.up.sql", "{}.down.sql"),
            ("apps/hoppscotch__hoppscotch/packages/hoppscotch-backend/prisma/migrations",
             "{}/migration.sql", None),
            ("apps/imbhargav5__nextbase-nextjs-supabase-starter/apps/database/supabase/migrations",
             "{}.sql", None)]
PLANTED = ("CREATE TABLE pgrampart_planted (id int);\n"
           "DO $$ BEGIN EXECUTE 'ALTER TABLE pgrampart_planted ADD COLUMN ' || 'hidden int'; END $$;\n")


def test_verify_model_drift_on_the_corpora():
    """PostgreSQL as the replay's oracle on every corpus set that applies: no verify/model-drift (the
    replay models what PostgreSQL built, as audit --migrations compares them).  To show that the
    comparison ran over the whole set, each set is copied and given one more migration whose DO block
    adds a column the replay cannot see: exactly that difference is found."""
    if not ARGS.corpus or not os.path.isdir(ARGS.corpus):
        skip("no corpus")
    for rel, up, down in APPLYING:
        with tempfile.TemporaryDirectory() as d:
            # The set's own two last directories: prisma's convention is known by them.
            root = os.path.join(d, *rel.split("/")[-2:])
            shutil.copytree(os.path.join(ARGS.corpus, rel), root)
            rc, findings, err = verify_json(root)
            assert rc in (0, 1), (rel, err[-2000:])
            assert drift_of(findings) == [], (rel, drift_of(findings)[:10])
            stem = "99999999999999_pgrampart_planted"
            write_tree(root, {up.format(stem): PLANTED})
            if down:
                write_tree(root, {down.format(stem): "DROP TABLE pgrampart_planted;\n"})
            rc, findings, err = verify_json(root)
            assert rc in (0, 1), (rel, err[-2000:])
            assert drift_of(findings) == [
                ("info", "db:public.pgrampart_planted.hidden",
                 "drift/column-extra: column public.pgrampart_planted.hidden is in the database but no "
                 "migration creates it")], (rel, drift_of(findings)[:10])


SUPABASE = {"001_init.sql": "CREATE EXTENSION IF NOT EXISTS \"uuid-ossp\" WITH SCHEMA extensions;\n"
            "CREATE TABLE public.notes (id uuid PRIMARY KEY DEFAULT extensions.uuid_generate_v4(),\n"
            "  owner uuid NOT NULL REFERENCES auth.users (id), body text);\n"
            "ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;\n"
            "CREATE POLICY own ON public.notes TO authenticated USING (owner = auth.uid());\n"
            "GRANT SELECT ON public.notes TO anon, authenticated;\n"
            "CREATE POLICY avatars ON storage.objects FOR SELECT USING (bucket_id = 'avatars');\n"}


def test_verify_supabase_set_runs_after_the_platform_prelude():
    """A set under supabase/migrations assumes what a Supabase project has first (rules/platforms.yml):
    the extensions, auth and storage schemas, auth.uid(), the anon and authenticated roles.  verify
    creates them on the scratch database and says so (verify/platform-prelude, info, at the set's first
    file); the set then runs through, with no model drift.  The same files elsewhere stop at the first
    up (no platform, no prelude)."""
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, {f"supabase/migrations/{k}": v for k, v in SUPABASE.items()})
        write_tree(d, {f"db/migrations/{k}": v for k, v in SUPABASE.items()})
        rc, findings, err = verify_json(os.path.join(d, "supabase", "migrations"))
        assert rc == 0, err
        assert [(f["rule"], os.path.relpath(f["path"], d), f["line"], f["column"]) for f in findings] == [
            ("verify/platform-prelude", "supabase/migrations/001_init.sql", 1, 1)], findings
        assert findings[0]["message"].startswith("a supabase migration set: what the platform creates"), findings
        rc, findings, err = verify_json(os.path.join(d, "db", "migrations"))
    assert rc == 1, err
    assert [(f["rule"], f["message"]) for f in findings] == [
        ("verify/up-fails", 'the up fails: schema "extensions" does not exist')], findings
