"""The host's function table (core/src/host/api.c) as a plugin sees it.

Plugins share the host's helpers through pgr_host_api instead of keeping copies: the privileges
"ALL" stands for per object kind (api->all_privileges) is the model's own table, which the grants
plugin used to copy (its copy had drifted: no tablespace case).  A test plugin built out of tree,
tests/plugins/host_api.c, logs what the table answers and whether any entry is NULL.
"""
from e2e import *  # noqa: F401,F403
import e2e
import os
import re
import subprocess
import tempfile

# PGR_ACL_* bits (pgrampart/plugin.h, as PostgreSQL's AclMode).
INSERT, SELECT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER = (1 << b for b in range(7))
EXECUTE, USAGE, CREATE, CREATE_TEMP, CONNECT = (1 << b for b in range(7, 12))
RELATION = INSERT | SELECT | UPDATE | DELETE | TRUNCATE | REFERENCES | TRIGGER

# ACL_ALL_RIGHTS_* of PostgreSQL's src/include/utils/acl.h, by the model's object kinds.
ALL_RIGHTS = {
    "r": RELATION, "p": RELATION, "v": RELATION, "m": RELATION,
    "S": USAGE | SELECT | UPDATE,          # ACL_ALL_RIGHTS_SEQUENCE
    "f": EXECUTE,                          # ACL_ALL_RIGHTS_FUNCTION
    "n": USAGE | CREATE,                   # ACL_ALL_RIGHTS_SCHEMA
    "d": CREATE | CREATE_TEMP | CONNECT,   # ACL_ALL_RIGHTS_DATABASE
    "t": CREATE,                           # ACL_ALL_RIGHTS_TABLESPACE
    "T": USAGE, "l": USAGE, "F": USAGE,    # type, language, foreign data wrapper/server
}


def build_host_api_plugin(out_dir):
    src = os.path.join(e2e.ARGS.source, "tests", "plugins", "host_api.c")
    inc = os.path.join(e2e.ARGS.source, "core", "include")
    so = os.path.join(out_dir, "host_api.so")
    subprocess.run([os.environ.get("CC", "cc"), "-std=c11", "-Wall", "-Wextra", "-Werror", "-shared",
                    "-fPIC", "-fvisibility=hidden", "-Wl,-z,defs", "-I", inc, src, "-o", so], check=True)
    return so


def test_host_api_all_privileges():
    """api->all_privileges answers PostgreSQL's ACL_ALL_RIGHTS_* for every kind, the tablespace
    (CREATE only) included, and no entry of the table a plugin receives is NULL."""
    with tempfile.TemporaryDirectory() as d:
        build_host_api_plugin(d)
        write_tree(d, {"x/m.sql": "CREATE TABLE t (id int);\n"})
        rc, out, err = run("check", "--plugin-dir", d, os.path.join(d, "x"))
    assert rc in (0, 1), (rc, err)
    assert "null entry" not in err, err
    got = {k: int(v) for k, v in re.findall(r"all_privileges (\S) (\d+)", err)}
    assert got == ALL_RIGHTS, (got, err)


def test_host_api_file_text_and_path_role():
    """api->file_text serves a plugin the text of a file the run reads (its exact size) and
    nothing else (a path outside the run: NULL, length 0); api->path_role is the host's role of
    the file (below the checked root), "production" for a path the run does not have."""
    with tempfile.TemporaryDirectory() as d:
        build_host_api_plugin(d)
        write_tree(d, {"x/m.sql": "CREATE TABLE t (id int);\n",
                       "x/tests/seed.sql": "INSERT INTO t VALUES (1);\n"})
        rc, out, err = run("check", "--plugin-dir", d, "x", cwd=d)
    assert rc in (0, 1), (rc, err)
    got = sorted(set(re.findall(r"file (\S+) (-?\d+) (\w+)", err)))
    assert got == [("/etc/passwd", "-1", "production"), ("x/m.sql", "25", "production"),
                   ("x/tests/seed.sql", "26", "test")], (got, err)


def test_grant_all_privileges_per_kind():
    """grants/grant-all-privileges takes ALL from the host's table and fires on tables and views
    once every privilege is held, however it is spelled; never on a database, schema or sequence
    (ALL there is what an application running its own migrations is given: n8n's and
    Nextcloud's init scripts), nor on a one-privilege kind (a tablespace's CREATE, a function's
    EXECUTE), whose ALL is just that privilege."""
    found, _ = findings_in({"g.sql": "GRANT ALL ON TABLESPACE ts TO app;\n"
                                     "GRANT CREATE ON TABLESPACE ts2 TO PUBLIC;\n"
                                     "GRANT ALL ON DATABASE d TO app;\n"
                                     "GRANT USAGE, CREATE ON SCHEMA s TO app;\n"
                                     "GRANT ALL ON FUNCTION f() TO app;\n"
                                     "GRANT USAGE ON SEQUENCE q TO app;\n"
                                     "GRANT USAGE, SELECT, UPDATE ON SEQUENCE q2 TO app;\n"
                                     "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER "
                                     "ON t TO app;\n"
                                     "GRANT SELECT, INSERT, UPDATE, DELETE ON t2 TO app;\n"})
    assert sorted((r, l) for r, _, l, _ in found) == [
        ("grants/grant-all-privileges", 8), ("grants/grant-to-public", 2)], found
