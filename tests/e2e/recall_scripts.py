"""End-to-end tests: SQL that scripts hand to psql gets the model rules too (issue 13)."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

SCRIPT = """#!/bin/sh
psql -v ON_ERROR_STOP=1 -U postgres <<EOSQL
CREATE ROLE app_user LOGIN SUPERUSER;
GRANT SELECT ON TABLE accounts TO PUBLIC;
CREATE FUNCTION f() RETURNS int AS \\$\\$ SELECT 1 \\$\\$ LANGUAGE sql;
EOSQL
psql -c "CREATE ROLE reporter BYPASSRLS LOGIN"
"""


def test_psql_sql_gets_the_model_rules():
    """Roles, grants and policies a script creates through psql (a here-document, psql -c) are a
    model like a SQL file's: role-superuser, grant-to-public and role-bypassrls fire at the
    statements; an unquoted here-document's \\\\$\\\\$ is the shell's escape for $$, not a syntax
    error."""
    found, _ = findings_in({"init.sh": SCRIPT})
    assert sorted(found) == [("grants/grant-to-public", "init.sh", 4, 1),
                             ("grants/role-bypassrls", "init.sh", 7, 10),
                             ("grants/role-superuser", "init.sh", 3, 1)], found


def test_psql_sql_without_faults_is_clean():
    """The same script with an ordinary role, a grant to a role and no escapes reports nothing."""
    found, _ = findings_in({"init.sh": "#!/bin/sh\npsql <<'EOSQL'\nCREATE ROLE app_user LOGIN;\n"
                                       "GRANT SELECT ON TABLE accounts TO app_user;\n"
                                       "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1 $$ LANGUAGE sql;\n"
                                       "EOSQL\n"})
    assert found == [], found
