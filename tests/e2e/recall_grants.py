"""End-to-end tests: grant findings point at the statement that gave the privilege and name
the object's kind (issue 13)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401


def test_grant_finding_points_at_the_granting_statement():
    """GRANT ALL ... WITH GRANT OPTION on line 2, then a GRANT SELECT that adds nothing on line 4:
    both findings stay at line 2.  A later grant that adds a privilege moves it there."""
    found, _ = findings_in({"g.sql": "CREATE TABLE t (id int);\n"
                                     "GRANT ALL ON t TO app WITH GRANT OPTION;\n\n"
                                     "GRANT SELECT ON t TO app;\n"})
    assert sorted(found) == [("grants/grant-all-privileges", "g.sql", 2, 1),
                             ("grants/grant-with-grant-option", "g.sql", 2, 1)], found
    found, _ = findings_in({"g.sql": "CREATE TABLE t (id int);\n"
                                     "GRANT SELECT ON t TO PUBLIC;\n"
                                     "GRANT INSERT ON t TO PUBLIC;\n"})
    assert found == [("grants/grant-to-public", "g.sql", 3, 1)], found


def test_grant_messages_name_the_kind():
    """Sequences and functions are not tables, granted one by one or ON ALL ... IN SCHEMA."""
    _, doc = check_json_tree({"k.sql": "GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO PUBLIC;\n"
                                       "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA api TO PUBLIC;\n"
                                       "GRANT USAGE ON SEQUENCE s TO PUBLIC;\n"})
    msgs = sorted(f["message"] for f in doc["findings"] if f["rule"] == "grants/grant-to-public")
    assert msgs == ["EXECUTE on all functions in schema api is granted to PUBLIC",
                    "SELECT on all sequences in schema public is granted to PUBLIC",
                    "USAGE on sequence public.s is granted to PUBLIC"], msgs


def check_json_tree(files):
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        return check_json(".", cwd=d)
