"""Issue 12 (held-out review A, class 3): rollback/irreversible-up on real migration histories.

An up that copies a column's values elsewhere before dropping it loses nothing: a cross-table
UPDATE ... FROM (aliased or not), a relation turned around (the dropped foreign key is the
join key of the copy), INSERT ... SELECT inside a WITH, a COALESCE backfill in an earlier
migration of the set.  Each tree is a minimal reproduction written here (never a copy of
documenso's files); each has its true-positive counterpart, and the finding sits at the
statement that drops the data.  Renames are followed within an up: rename-and-rebuild
(authelia's V0003) and columns moved out of a renamed table (Lemmy's split_user_table_2).
"""
from e2e import *  # noqa: F401,F403

LOCK = {"prisma/migrations/migration_lock.toml": 'provider = "postgresql"\n'}
INIT = "prisma/migrations/20240101000000_init/migration.sql"
MOVE = "prisma/migrations/20240102000000_move/migration.sql"
LATER = "prisma/migrations/20240103000000_later/migration.sql"
USERS = ('CREATE TABLE "User" ("id" INTEGER PRIMARY KEY, "customerId" TEXT, "name" TEXT);\n'
         'CREATE TABLE "Subscription" ("id" INTEGER PRIMARY KEY, "userId" INTEGER);\n')


def irreversible(files):
    found, doc = findings_in(dict(LOCK, **files))
    return only(found, "rollback/irreversible-up"), doc


def test_cross_table_copy_keeps_the_dropped_column():
    """UPDATE a SET c = b."c" FROM b (with aliases or with table names) copies b's column:
    dropping it then loses nothing; a column the UPDATE does not read is still lost, at
    its DROP statement."""
    for update in ['UPDATE "Subscription" s SET "customerId" = u."customerId" FROM "User" u '
                   'WHERE s."userId" = u."id";\n',
                   'UPDATE "Subscription" SET "customerId" = "User"."customerId" FROM "User" '
                   'WHERE "Subscription"."userId" = "User"."id";\n']:
        found, _ = irreversible({INIT: USERS, MOVE: 'ALTER TABLE "Subscription" ADD COLUMN "customerId" TEXT;\n'
                                 + update + 'ALTER TABLE "User" DROP COLUMN "customerId";\n'})
        assert found == [], (update, found)
    found, doc = irreversible({INIT: USERS, MOVE: 'ALTER TABLE "Subscription" ADD COLUMN "customerId" TEXT;\n'
                               'UPDATE "Subscription" s SET "customerId" = u."customerId" FROM "User" u '
                               'WHERE s."userId" = u."id";\n'
                               '\nALTER TABLE "User" DROP COLUMN "name";\n'})
    assert found == [("rollback/irreversible-up", MOVE, 4, 1)], found
    assert "public.User.name" in doc["findings"][0]["message"], doc


def test_relation_turned_around_keeps_the_foreign_key():
    """The dropped column is the join key of the copy (documenso's DocumentData.documentId
    becomes Document.documentDataId): the relation lives on in the new column.  An UPDATE that
    writes a constant keeps nothing."""
    init = ('CREATE TABLE "Document" ("id" INTEGER PRIMARY KEY, "flag" BOOLEAN);\n'
            'CREATE TABLE "DocumentData" ("id" TEXT PRIMARY KEY, "documentId" INTEGER);\n')
    found, _ = irreversible({INIT: init, MOVE:
                             'ALTER TABLE "Document" ADD COLUMN "documentDataId" TEXT;\n'
                             'UPDATE "Document" SET "documentDataId" = "DocumentData"."id" FROM "DocumentData" '
                             'WHERE "Document"."id" = "DocumentData"."documentId";\n'
                             'ALTER TABLE "DocumentData" DROP COLUMN "documentId";\n'})
    assert found == [], found
    found, _ = irreversible({INIT: init, MOVE:
                             'UPDATE "Document" SET "flag" = true FROM "DocumentData" '
                             'WHERE "Document"."id" = "DocumentData"."documentId";\n'
                             'ALTER TABLE "DocumentData" DROP COLUMN "documentId";\n'})
    assert found == [("rollback/irreversible-up", MOVE, 2, 1)], found


def test_insert_select_inside_with_keeps_the_column():
    """WITH o AS (INSERT INTO org ... SELECT t."owner" FROM team t RETURNING ...) UPDATE ...
    copies team.owner into org before the drop; a column the CTE does not select is lost."""
    init = ('CREATE TABLE "Team" ("id" INTEGER PRIMARY KEY, "ownerUserId" INTEGER, "url" TEXT);\n'
            'CREATE TABLE "Organisation" ("id" TEXT PRIMARY KEY, "ownerUserId" INTEGER, "teamId" INTEGER);\n')
    move = ('ALTER TABLE "Team" ADD COLUMN "organisationId" TEXT;\n'
            'WITH o AS (\n  INSERT INTO "Organisation" ("id", "ownerUserId", "teamId")\n'
            '  SELECT gen_random_uuid()::text, t."ownerUserId", t."id" FROM "Team" t\n'
            '  RETURNING "id", "teamId"\n)\n'
            'UPDATE "Team" t SET "organisationId" = o."id" FROM o WHERE o."teamId" = t."id";\n')
    found, _ = irreversible({INIT: init, MOVE: move + 'ALTER TABLE "Team" DROP COLUMN "ownerUserId";\n'})
    assert found == [], found
    found, _ = irreversible({INIT: init, MOVE: move + 'ALTER TABLE "Team" DROP COLUMN "url";\n'})
    assert found == [("rollback/irreversible-up", MOVE, 8, 1)], found


def test_copy_in_an_earlier_migration_of_the_set():
    """A backfill from COALESCE(old, now()) in one migration, the drop of old in a later one:
    the set replays in order, so the values were copied.  A copy in a LATER migration (after
    the values are gone) does not count."""
    init = 'CREATE TABLE "Document" ("id" INTEGER PRIMARY KEY, "created" TIMESTAMP(3));\n'
    copy = ('ALTER TABLE "Document" ADD COLUMN "createdAt" TIMESTAMP(3);\n'
            'UPDATE "Document" SET "createdAt" = COALESCE("created", NOW());\n')
    drop = 'ALTER TABLE "Document" DROP COLUMN "created";\n'
    found, _ = irreversible({INIT: init, MOVE: copy, LATER: drop})
    assert found == [], found
    found, _ = irreversible({INIT: init + 'ALTER TABLE "Document" ADD COLUMN "createdAt" TIMESTAMP(3);\n',
                             MOVE: drop, LATER: 'UPDATE "Document" SET "createdAt" = COALESCE("created", NOW());\n'})
    assert found == [("rollback/irreversible-up", MOVE, 1, 1)], found
    # Rows copied by INSERT ... SELECT in an earlier migration count (ente's 27 copies
    # file_object_keys into object_keys, 39 drops it); values an UPDATE of another table
    # looked up earlier do not (ente's otts copy users.email in 8, users.email goes in 29).
    found, _ = irreversible({INIT: 'CREATE TABLE k (id int, key text);\nCREATE TABLE o (id int, key text);\n',
                             MOVE: 'INSERT INTO o (id, key) SELECT id, key FROM k;\n', LATER: 'DROP TABLE k;\n'})
    assert found == [], found
    # An earlier INSERT ... SELECT of some columns only indexes the rows (Lemmy's
    # modlog_combined), and a table an earlier CREATE TABLE AS built is a cache: dropping
    # either later loses rows.
    for earlier in ['INSERT INTO o (id) SELECT id FROM k;\n', 'CREATE TABLE k2 AS SELECT id, key FROM k;\n']:
        drop = 'DROP TABLE k2;\n' if 'k2' in earlier else 'DROP TABLE k;\n'
        found, _ = irreversible({INIT: 'CREATE TABLE k (id int, key text);\nCREATE TABLE o (id int, key text);\n',
                                 MOVE: earlier, LATER: drop})
        assert found == [("rollback/irreversible-up", LATER, 1, 1)], (earlier, found)
    found, _ = irreversible({INIT: 'CREATE TABLE users (id int, email text);\nCREATE TABLE otts (user_id int);\n',
                             MOVE: 'ALTER TABLE otts ADD COLUMN email text;\n'
                                   'UPDATE otts SET email = (SELECT email FROM users WHERE users.id = otts.user_id);\n',
                             LATER: 'ALTER TABLE users DROP COLUMN email;\n'})
    assert found == [("rollback/irreversible-up", LATER, 1, 1)], found


def test_findings_sit_at_the_dropping_statement():
    """irreversible-up (and incomplete-down's "dropped by the up is not restored") point at the
    DROP TABLE / ALTER TABLE ... DROP COLUMN that loses the data, not at the up's first line."""
    files = {"m/001_a.up.sql": "CREATE TABLE a (id int, note text);\nCREATE TABLE b (id int);\n",
             "m/001_a.down.sql": "DROP TABLE b;\nDROP TABLE a;\n",
             "m/002_b.up.sql": "-- contract step\nCREATE TABLE c (id int);\n\nALTER TABLE a\n  DROP COLUMN note;\n"
                               "DROP TABLE IF EXISTS public.b;\n",
             "m/002_b.down.sql": "DROP TABLE c;\nALTER TABLE a ADD COLUMN note text;\n"}
    found, _ = findings_in(files)
    assert sorted(only(found, "rollback/irreversible-up")) == [
        ("rollback/irreversible-up", "m/002_b.up.sql", 4, 1),
        ("rollback/irreversible-up", "m/002_b.up.sql", 6, 1)], found
    assert only(found, "rollback/incomplete-down") == [
        ("rollback/incomplete-down", "m/002_b.up.sql", 6, 1)], found
    # A column the down does not restore: incomplete-down at the up's DROP COLUMN too.
    files["m/002_b.down.sql"] = "DROP TABLE c;\nCREATE TABLE b (id int);\n"
    found, _ = findings_in(files)
    assert sorted(only(found, "rollback/incomplete-down")) == [
        ("rollback/incomplete-down", "m/002_b.up.sql", 4, 1)], found


REBUILT = ('ALTER TABLE devices RENAME TO _bkp_devices;\n'
           'CREATE TABLE devices (id INTEGER PRIMARY KEY, kid VARCHAR(512));\n')
DEVICES = 'CREATE TABLE devices (id INTEGER PRIMARY KEY, kid VARCHAR(64));\n'


def test_rename_and_rebuild_keeps_the_rows():
    """Rename a table to a backup, recreate it under its name, refill it by INSERT ... SELECT
    from the backup, drop the backup (authelia's V0003 widens a column so): the old table's oid
    vanishes from the model, but no row is lost.  The backup itself, refilled from and dropped
    in the same up or in a later one (SELECT *: no column named), loses nothing either."""
    found, _ = irreversible({INIT: DEVICES, MOVE: REBUILT
                             + 'INSERT INTO devices (id, kid) SELECT id, kid FROM _bkp_devices;\n'
                             'DROP TABLE IF EXISTS _bkp_devices;\n'})
    assert found == [], found
    found, _ = irreversible({INIT: DEVICES, MOVE: REBUILT + 'INSERT INTO devices SELECT * FROM _bkp_devices;\n',
                             LATER: 'DROP TABLE _bkp_devices;\n'})
    assert found == [], found


def test_rename_and_rebuild_without_copy_loses_the_rows():
    """The same rebuild without the copy back loses every row, at the DROP of the backup (not
    at the up's first line); a backup dropped in a later migration is lost there.  A copy
    read before the rename, from another table that had the backup's name, copies nothing
    of the renamed table."""
    found, _ = irreversible({INIT: DEVICES, MOVE: REBUILT + '\nDROP TABLE _bkp_devices;\n'})
    assert found == [("rollback/irreversible-up", MOVE, 4, 1)], found
    found, _ = irreversible({INIT: DEVICES, MOVE: REBUILT, LATER: 'DROP TABLE _bkp_devices;\n'})
    assert found == [("rollback/irreversible-up", LATER, 1, 1)], found
    found, _ = irreversible({INIT: DEVICES + 'CREATE TABLE _bkp_devices (id INTEGER, kid TEXT);\n',
                             MOVE: 'INSERT INTO devices (id, kid) SELECT id, kid FROM _bkp_devices;\n'
                                   'DROP TABLE _bkp_devices;\n' + REBUILT + 'DROP TABLE _bkp_devices;\n'})
    assert sorted(found) == [("rollback/irreversible-up", MOVE, 5, 1)], found


def test_columns_moved_out_of_a_renamed_table():
    """Rename a table, copy some of its columns into a new table from the new name, drop them
    there (Lemmy's split_user_table_2: user_ becomes person, the local users' settings move
    to local_user): the copy is followed through the rename.  A column dropped without a copy
    is lost, at its DROP COLUMN under the new name."""
    init = 'CREATE TABLE user_ (id INTEGER PRIMARY KEY, name TEXT, email TEXT, theme TEXT);\n'
    move = ('ALTER TABLE user_ RENAME TO person;\n'
            'CREATE TABLE local_user (person_id INTEGER, email TEXT);\n'
            'INSERT INTO local_user (person_id, email) SELECT id, email FROM person;\n'
            'ALTER TABLE person DROP COLUMN email;\n')
    found, _ = irreversible({INIT: init, MOVE: move})
    assert found == [], found
    found, doc = irreversible({INIT: init, MOVE: move + '\nALTER TABLE person DROP COLUMN theme;\n'})
    assert found == [("rollback/irreversible-up", MOVE, 6, 1)], found
    assert "public.user_.theme" in doc["findings"][0]["message"], doc
