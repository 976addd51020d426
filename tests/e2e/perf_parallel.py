"""Issue 15: SQL files are parsed on all cores (--jobs N, default one thread per online CPU; --jobs 1 the
single-threaded path) with the same output whatever N, and the whole-file scanner pass of the nesting
guard is skipped when a byte scan shows that no statement can pass the token bound."""
from e2e import *  # noqa: F401,F403
import e2e
import os
import shutil
import tempfile

OTHER_DIALECTS = (".mysql.", ".sqlite3.", ".cockroach.")


def sql_set(dest):
    """Copy the PostgreSQL-only SQL set of bench/sql_set.py (Lemmy, Kratos' PostgreSQL files, GitLab's
    structure.sql) into dest; return the number of files."""
    n = 0
    for name in ("LemmyNet__lemmy", "ory__kratos"):
        base = os.path.join(e2e.ARGS.corpus, name)
        for d, _, files in os.walk(base):
            for f in files:
                if f.endswith(".sql") and not (name == "ory__kratos" and any(t in f for t in OTHER_DIALECTS)):
                    rel = os.path.relpath(os.path.join(d, f), e2e.ARGS.corpus)
                    os.makedirs(os.path.join(dest, os.path.dirname(rel)), exist_ok=True)
                    shutil.copyfile(os.path.join(d, f), os.path.join(dest, rel))
                    n += 1
    os.makedirs(os.path.join(dest, "gitlab"))
    shutil.copyfile(os.path.join(e2e.ARGS.corpus, "flyisland__gitlab-ee", "db", "structure.sql"),
                    os.path.join(dest, "gitlab", "structure.sql"))
    return n + 1


def without_context(out):
    """The JSON text without its run context (start time, duration: they differ from run to run)."""
    doc = json.loads(out)
    doc.pop("context", None)
    return json.dumps(doc, sort_keys=True)


def json_with_jobs(jobs, path, cwd):
    rc, out, err = run("check", "--format", "json", "--jobs", str(jobs), path, cwd=cwd)
    assert rc in (0, 1), f"--jobs {jobs}: exit {rc}: {err}"
    return without_context(out)


def test_jobs_same_json_on_corpus_sql_set():
    """--jobs 1, 2 and 3 print byte-identical JSON on the corpus' SQL set (1,407 files, 3.96 MB), with
    its findings (rollback, RLS, syntax errors of newer syntax) in place."""
    if not os.path.isdir(os.path.join(e2e.ARGS.corpus, "LemmyNet__lemmy")):
        print("corpus not available; skipping")
        sys.exit(77)
    with tempfile.TemporaryDirectory() as d:
        assert sql_set(d) == 1407
        outs = [json_with_jobs(j, ".", d) for j in (1, 2, 3)]
    assert outs[0] == outs[1] == outs[2], "output depends on --jobs"
    doc = json.loads(outs[0])
    rules = {f["rule"] for f in doc["findings"]}
    assert {"rollback/irreversible-up", "sql/syntax-error"} <= rules, sorted(rules)
    assert doc["summary"]["files"] == 1407, doc["summary"]


def test_jobs_same_json_on_samples():
    """On samples/ (SQL, env, YAML, shell, Markdown) every --jobs gives the same JSON, and the default
    (one thread per online CPU) gives it too."""
    samples = os.path.join(e2e.ARGS.source, "samples")
    outs = [json_with_jobs(j, samples, None) for j in (1, 2, 4)]
    rc, default, err = run("check", "--format", "json", samples)
    assert rc == 1, err
    default = without_context(default)
    assert outs[0] == outs[1] == outs[2] == default
    found = [(f["rule"], f["path"].split("samples/", 1)[1], f["line"], f["column"])
             for f in json.loads(default)["findings"]]
    want = []
    with open(os.path.join(e2e.ARGS.source, "tests", "e2e", "samples.expected")) as f:
        for line in f:
            rule, path, ln, col = line.split()
            want.append((rule, path.split("samples/", 1)[1], int(ln), int(col)))
    assert sorted(found) == sorted(want), set(found) ^ set(want)


def test_jobs_option_refused_when_not_a_count():
    """--jobs takes 1 to 256: 0, 257, a word and a trailing letter are refused (exit 2, message); a
    command without SQL parsing (rules) does not take it."""
    for bad in ("0", "257", "many", "2x", "-1"):
        rc, _, err = run("check", "--jobs", bad, os.path.join(e2e.ARGS.source, "samples"))
        assert rc == 2 and "--jobs takes a number of threads from 1 to 256" in err, (bad, rc, err)
    rc, _, err = run("rules", "--jobs", "2")
    assert rc == 2 and "rules does not take --jobs" in err, err
    rc, out, _ = run("check", "--help")
    assert "--jobs N" in out


FILLER = "".join(f"CREATE TABLE filler_{i} (id int PRIMARY KEY, note text);\n" for i in range(400))


def chain(n):
    return "+".join(["1"] * n)


# Each hides a ';' the way PostgreSQL's lexer does (a string, an E'' string with a backslash-escaped
# quote, a quoted identifier, a dollar quote, both kinds of comment) between two halves of a chain that
# is short alone (15,000 tokens) and too long together (30,000 > 20,000): the guard must still refuse
# it (unit-core's test_sql_bytes_may_chain pins the byte scan itself).
HIDERS = {
    "string": "';'",
    "e_string": "E'\\';'",
    "identifier": '";"',
    "dollar": "$q$ ; $q$",
    "line_comment": "1 -- ;\n",
    "block_comment": "1 /* /* ; */ ; */",
}


def test_nesting_guard_sees_semicolons_the_lexer_hides():
    """Files over 20,000 bytes: a chain of 30,000 tokens split by a ';' inside a string, E'' string,
    quoted identifier, dollar quote or comment is still sql/too-deep at its statement (line 401,
    column 1), and the GRANT after it is still checked (line 402, or 403 after a line comment); the same statement with halves of
    1,000 tokens is not too deep, nor a syntax error.  Same with --jobs 1 and 2."""
    for name, hider in HIDERS.items():
        for jobs in ("1", "2"):
            deep = FILLER + f"SELECT {chain(7500)} || {hider} || {chain(7500)};\nGRANT SELECT ON filler_1 TO PUBLIC;\n"
            fine = FILLER + f"SELECT {chain(500)} || {hider} || {chain(500)};\nGRANT SELECT ON filler_1 TO PUBLIC;\n"
            found, _ = findings_in({"deep.sql": deep, "fine.sql": fine}, "--jobs", jobs)
            assert ("sql/too-deep", "deep.sql", 401, 1) in found, (name, jobs, found)
            grant = 402 + hider.count("\n")
            assert ("grants/grant-to-public", "deep.sql", grant, 1) in found, (name, jobs, found)
            assert not [f for f in found if f[1] == "fine.sql" and f[0] in ("sql/too-deep", "sql/syntax-error")], \
                (name, jobs, found)
            assert ("grants/grant-to-public", "fine.sql", grant, 1) in found, (name, jobs, found)


def test_nesting_guard_on_dollar_in_identifiers():
    """a$b$ is one identifier (PostgreSQL's identifiers may hold '$'), not a dollar quote that would
    run to the end: the statements after it are parsed and checked (grant-to-public at line 402) and
    no statement of the 20,000-byte file is too deep."""
    text = FILLER + "SELECT 1 AS a$b$;\nGRANT SELECT ON filler_1 TO PUBLIC;\nSELECT 'x$b$';\n"
    found, _ = findings_in({"ids.sql": text}, "--jobs", "2")
    assert ("grants/grant-to-public", "ids.sql", 402, 1) in found, found
    assert not only(found, "sql/too-deep") and not only(found, "sql/syntax-error"), found


def big_file(middle, n_tables=5000):
    """CREATE TABLEs up to byte ~65,500 (the first piece's end is the first statement end after 64 KiB),
    then middle, then more tables to pass 128 KiB, then a GRANT; returns (text, line of the GRANT)."""
    lines, size = [], 0
    while size < 65500:
        lines.append(f"CREATE TABLE t{len(lines)} (id int);\n")
        size += len(lines[-1])
    lines.append(middle)
    for i in range(n_tables - len(lines)):
        lines.append(f"CREATE TABLE u{i} (id int);\n")
    text = "".join(lines)
    return text + "GRANT SELECT ON t1 TO PUBLIC;\n", text.count("\n") + 1


def test_large_file_parsed_in_pieces_same_findings():
    """A file over 128 KiB is parsed in pieces ending at a statement's ';'; its statements and findings
    are those of a whole parse: with BEGIN ATOMIC bodies (their ';' end no statement) across the first
    piece's end, every statement is parsed (no syntax error, the GRANT at its line); a syntax error in
    the middle is reported at its line and the statements after it still checked.  --jobs 1 = 2."""
    atomic = "".join(f"CREATE FUNCTION f{i}() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT {i}; END;\n"
                     for i in range(30))
    good, good_grant = big_file(atomic)
    bad, bad_grant = big_file("CREATE TABLE broken (id int,;\n")
    bad_line = bad[:bad.index("broken")].count("\n") + 1
    assert len(good) > 131072 and len(bad) > 131072
    docs = []
    for jobs in ("1", "2"):
        found, doc = findings_in({"good.sql": good, "bad.sql": bad}, "--jobs", jobs)
        doc.pop("context", None)
        docs.append(doc)
        assert ("grants/grant-to-public", "good.sql", good_grant, 1) in found, found[:5]
        assert not [f for f in found if f[1] == "good.sql" and f[0].startswith("sql/")], found
        assert ("sql/syntax-error", "bad.sql", bad_line, 29) in found, [f for f in found if f[1] == "bad.sql"][:5]
        assert ("grants/grant-to-public", "bad.sql", bad_grant, 1) in found
        assert len([f for f in found if f[0] == "sql/syntax-error"]) == 1, found
        assert doc["summary"]["statements"] == 2 * 5000 + 30, doc["summary"]
    assert docs[0] == docs[1]
