"""End-to-end tests: The real corpora of ../shared/corpus: no crash, and what each must (not) report."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_corpus_lemmy():
    doc = corpus_doc("LemmyNet__lemmy")
    assert doc["summary"]["files"] == 686, doc["summary"]
    assert no_down(doc) == []  # MANIFEST: 342 pairs, 0 missing
    bad = {f["path"] for f in doc["findings"] if f["rule"] == "sql/syntax-error"}
    assert len(bad) <= 12, sorted(bad)  # MANIFEST: 12 files use syntax newer than PostgreSQL 15


def test_corpus_tamarou():
    doc = corpus_doc("Tamarou__Registry")
    assert no_down(doc) == []  # MANIFEST: 67 changes, 0 missing a revert
    assert not [f for f in doc["findings"] if f["rule"] == "sql/syntax-error"]


def test_corpus_kratos():
    doc = corpus_doc("ory__kratos")
    assert not [f for f in doc["findings"] if f["rule"] == "sql/syntax-error"], "dialect files leaked"


def test_corpus_postgrest():
    doc = corpus_doc("PostgREST__postgrest")
    assert not [f for f in doc["findings"] if f["rule"] == "sql/syntax-error"]
    assert any(f["rule"] == "grants/grant-all-privileges" for f in doc["findings"])


def test_corpus_gitlab():
    doc = corpus_doc("flyisland__gitlab-ee")
    # Only the ClickHouse file (not PostgreSQL) fails to parse, statement by statement;
    # the two pg_dump schemas (2.7 MB and 2.0 MB) parse whole.
    errs = {f["path"] for f in doc["findings"] if f["rule"] == "sql/syntax-error"}
    assert errs == {os.path.join(corpus("flyisland__gitlab-ee"), "db/click_house/main.sql")}, errs
