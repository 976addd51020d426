/*
 * pgrampart/plugin.h — the one header a pgrampart rule plugin includes.
 *
 * A plugin is a shared object that exports one function, PGR_PLUGIN_INIT
 * ("pgrampart_plugin_init").  The host dlopen()s it, calls that function with
 * a table of host functions (struct pgr_host_api) and receives a descriptor of
 * the plugin's rules and callbacks (struct pgr_plugin).  The plugin links
 * against nothing of the host: every service (reporting a finding, reading
 * configuration and rule packs, walking a parse tree, parsing a conninfo)
 * comes through the table, in the manner of SQLite's sqlite3_api_routines.
 *
 * Versioning follows PostgreSQL's PG_MODULE_MAGIC: both tables carry the ABI
 * version and their own size.  The host refuses a plugin whose abi_version or
 * descriptor size differs from its own; a plugin returns NULL from its init
 * function when api->abi_version differs or api->size is smaller than the
 * table it was compiled against (PGR_PLUGIN_MAGIC does both).
 *
 * From ABI 5 on, pgr_host_api is append-only, as SQLite's
 * sqlite3_api_routines ("add new interfaces to the end only"): a new host
 * function goes at the end of the table, PGR_ABI_VERSION stays, and the
 * plugin's size check is what tells it whether the host is new enough, so a
 * plugin built against an older ABI-5 header keeps loading in a newer host.
 * Every other change (a field added to any struct, since plugins index
 * arrays of pgr_rule, pgr_value, pgr_table... by their own sizeof; a
 * function removed, reordered or retyped) bumps PGR_ABI_VERSION, and the
 * host then refuses every plugin built before it.  The installed
 * pgrampart-plugin.pc states the version: pkg-config --variable=abiversion.
 *
 * Conventions used throughout:
 *  - Lines and columns are 1-based; columns count bytes, not characters.
 *    0 means "unknown" (e.g. a finding about a live database object).
 *  - Every string and struct the host passes to a callback is owned by the
 *    host and valid only until that callback returns; copy what you keep.
 *  - Strings are NUL-terminated UTF-8 unless said otherwise.
 *
 * Build a plugin out of tree with nothing but this header:
 *   cc -std=c11 -shared -fPIC -fvisibility=hidden -Wl,-z,defs \
 *      -I<prefix>/include my_rules.c -o my_rules.so
 */
#ifndef PGRAMPART_PLUGIN_H
#define PGRAMPART_PLUGIN_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped on every incompatible change to this header (see above).  5: rule
 * docs in pgr_rule, pgr_value_file.format_name. */
#define PGR_ABI_VERSION 5

/* Name of the symbol every plugin exports. */
#define PGR_PLUGIN_INIT_SYMBOL "pgrampart_plugin_init"

#if defined(__GNUC__)
#define PGR_EXPORT __attribute__((visibility("default")))
#else
#define PGR_EXPORT
#endif

/* Severity of a rule or finding; ordered, so comparisons work. */
typedef enum pgr_severity {
    PGR_SEVERITY_OFF = 0,     /* rule disabled by configuration */
    PGR_SEVERITY_INFO = 1,
    PGR_SEVERITY_WARNING = 2,
    PGR_SEVERITY_ERROR = 3
} pgr_severity;

/*
 * Where a finding or model object is.  For files: path (relative to the
 * working directory, as the user named it) and a 1-based line/column range,
 * end inclusive of the last byte's column.  For live-database objects: path
 * is NULL, lines are 0 and object names the thing ("db:public.messages").
 */
typedef struct pgr_location {
    const char *path;
    uint32_t line;
    uint32_t column;
    uint32_t end_line;
    uint32_t end_column;
    const char *object;
} pgr_location;

/*
 * A finding as a plugin reports it.  rule_id must be one of the calling
 * plugin's rules.  message must never contain a secret: use
 * api->redact().  hint may be NULL (the rule's default hint is used).
 * secret, when secret.line != 0, is the span of a secret on the reported
 * lines; every reporter masks it wherever it prints source text.
 */
typedef struct pgr_finding {
    const char *rule_id;
    pgr_location location;
    const char *message;
    const char *hint;
    pgr_location secret;
} pgr_finding;

/*
 * A rule a plugin provides, with its documentation: `pgrampart explain RULE`,
 * `explain --markdown` (docs/rules.md) and the README's rule table print it
 * from here, for a third-party plugin's rules as for the built-in ones.  id
 * is "family/kebab-name".  why, bad and good may hold several lines
 * separated by "\n" (no trailing newline); explain refuses a rule that lacks
 * one of them.
 */
typedef struct pgr_rule {
    const char *id;
    pgr_severity default_severity;
    const char *summary;   /* one line: what it catches */
    const char *hint;      /* one line: how to fix it (explain's "Fix") */
    const char *source;    /* PostgreSQL docs section, CIS item or checklist line */
    const char *why;       /* why it matters: the risk, in a sentence or two */
    const char *bad;       /* an example that the rule reports */
    const char *good;      /* the same example, fixed */
} pgr_rule;

/* Opaque host objects. */
typedef struct pgr_ctx pgr_ctx;             /* the current run, for callbacks */
typedef struct pgr_node pgr_node;           /* a SQL parse-tree node */
typedef struct pgr_conninfo pgr_conninfo;   /* a parsed libpq conninfo */
typedef struct pgr_regex pgr_regex;         /* a compiled PCRE2 pattern */
typedef struct pgr_config_node pgr_config_node; /* a node of .pgrampart.yml or a rule pack */

/* Which part of a migration a SQL statement belongs to. */
typedef enum pgr_part {
    PGR_PART_NONE = 0,   /* a SQL file that is not a migration */
    PGR_PART_UP = 1,
    PGR_PART_DOWN = 2,
    PGR_PART_VERIFY = 3  /* sqitch verify scripts */
} pgr_part;

/*
 * One parsed SQL statement.  root is the statement node (its tag is a
 * libpg_query protobuf message name such as "CreateRoleStmt").  Node
 * "location" fields are byte offsets relative to the statement's parse base;
 * convert them with api->sql_location().  text/text_len is the statement's
 * source (not NUL-terminated), starting at its first token.
 */
typedef struct pgr_sql_statement {
    const char *path;
    uint32_t index;          /* 0-based position in the file */
    pgr_part part;
    const pgr_node *root;
    const char *text;
    size_t text_len;
    int64_t text_location;   /* the node "location" value of text[0] */
    pgr_location location;   /* the whole statement */
} pgr_sql_statement;

/* Flags of a value. */
#define PGR_VALUE_EXPORT        0x1u   /* dotenv/shell "export KEY=..." */
#define PGR_VALUE_SINGLE_QUOTED 0x2u   /* '...': no escapes, no ${} expansion */
#define PGR_VALUE_DOUBLE_QUOTED 0x4u   /* "...": escapes processed */
#define PGR_VALUE_BOOLEAN       0x8u   /* a boolean literal: value is "true" or "false" */
#define PGR_VALUE_FALLBACK      0x10u  /* used when a variable is unset: JS
                                        * process.env.X || 'v', ${X:-v} */
#define PGR_VALUE_DECODED       0x20u  /* decoded from base64 (Kubernetes Secret
                                        * data); the location spans the encoded text */
#define PGR_VALUE_ARGUMENT      0x40u  /* a command-line argument (shell) */

/* The file format a value file was read from (pgr_value_file.format_name
 * names it, and any format added after these). */
typedef enum pgr_value_format {
    PGR_FORMAT_DOTENV = 1,       /* .env, .env.*, *.env */
    PGR_FORMAT_YAML = 2,         /* compose files, Kubernetes manifests, CI workflows */
    PGR_FORMAT_SHELL = 3,        /* .sh, .bash */
    PGR_FORMAT_JAVASCRIPT = 4    /* .js .mjs .cjs .ts .mts .cts .tsx */
} pgr_value_format;

/*
 * One setting of a file: an env file's KEY=value, a YAML scalar under its
 * key, a shell assignment or command argument, a JS/TS string literal or
 * object property.  key is the setting's own name (the YAML mapping key, the
 * variable, the property; "" for a literal that has none); key_path is
 * where it sits, dot-separated ("services.db.environment.POSTGRES_PASSWORD",
 * "new Pool.ssl.rejectUnauthorized"; equal to key for env files).  value is
 * unquoted and unescaped; ${VAR} and $VAR references are kept verbatim.
 * value_location spans the value's source text without its quotes.
 */
typedef struct pgr_value {
    const char *key;
    const char *key_path;
    const char *value;
    uint32_t flags;          /* PGR_VALUE_* */
    pgr_location key_location;   /* the value's own when it has no key */
    pgr_location value_location;
} pgr_value;

/* The settings of one file, in file order. */
typedef struct pgr_value_file {
    const char *path;
    pgr_value_format format;
    size_t n_values;
    const pgr_value *values;
    int git_tracked;         /* 1 tracked by git, 0 not, -1 unknown (no repository) */
    /* The format's name: "dotenv", "yaml", "shell", "javascript" (the
     * names a rule pack's "formats" list uses); never NULL. */
    const char *format_name;
} pgr_value_file;

/*
 * One migration of a set.  down_path is NULL when no down/rollback/undo/
 * revert counterpart exists; for dbmate both paths are the same file.
 * down_statements counts the statements of the down (0: empty or comments
 * only).  up_location is where the up starts (line 1 of the up file, or
 * dbmate's "-- migrate:up" line).
 */
typedef struct pgr_migration {
    const char *version;
    const char *name;
    const char *up_path;
    const char *down_path;
    uint32_t down_statements;
    pgr_location up_location;
    uint32_t up_syntax_errors;   /* statements of the up that do not parse */
} pgr_migration;

/* An ordered set of migrations (by version, or by sqitch.plan). */
typedef struct pgr_migration_set {
    const char *root;        /* directory holding the set */
    const char *convention;  /* "golang-migrate", "prisma", "diesel", "dbmate", "flyway", "sqitch", "numbered" */
    size_t n_migrations;
    const pgr_migration *migrations;
} pgr_migration_set;

/*
 * Privilege bits, as PostgreSQL's AclMode (src/include/nodes/parsenodes.h),
 * so that models read from pg_catalog aclitems and from GRANT statements
 * agree.
 */
#define PGR_ACL_INSERT      (1u << 0)
#define PGR_ACL_SELECT      (1u << 1)
#define PGR_ACL_UPDATE      (1u << 2)
#define PGR_ACL_DELETE      (1u << 3)
#define PGR_ACL_TRUNCATE    (1u << 4)
#define PGR_ACL_REFERENCES  (1u << 5)
#define PGR_ACL_TRIGGER     (1u << 6)
#define PGR_ACL_EXECUTE     (1u << 7)
#define PGR_ACL_USAGE       (1u << 8)
#define PGR_ACL_CREATE      (1u << 9)
#define PGR_ACL_CREATE_TEMP (1u << 10)
#define PGR_ACL_CONNECT     (1u << 11)

/*
 * Object kinds of the model, named by pg_class.relkind where one exists
 * ('r' table, 'p' partitioned table, 'S' sequence, 'v' view, 'm'
 * materialized view) and by catalog otherwise ('n' schema, 'f' function,
 * 'd' database, 'T' type, 'l' language, 'F' foreign data wrapper/server,
 * 't' tablespace).
 */

/* A table of the schema model (pg_class with relkind 'r' or 'p'). */
typedef struct pgr_table {
    uint32_t oid;              /* identity that survives renames (pg_class.oid) */
    const char *schema;
    const char *name;
    char relkind;
    int relrowsecurity;        /* ALTER TABLE ... ENABLE ROW LEVEL SECURITY */
    int relforcerowsecurity;   /* ALTER TABLE ... FORCE ROW LEVEL SECURITY */
    pgr_location location;     /* the CREATE TABLE */
    pgr_location rls_location; /* the ENABLE ROW LEVEL SECURITY (line 0: none) */
    const char *owner;         /* from ALTER TABLE ... OWNER TO; NULL when unknown */
    size_t n_columns;
    const char *const *columns;   /* column names, in order (empty for CREATE TABLE AS) */
    const int16_t *attnums;       /* pg_attribute.attnum of each: survives renames */
    int16_t max_attnum;           /* highest attnum ever given (numbers are not reused) */
    /* The table's policies are pgr_model.policies[policy_first ..
     * policy_first + policy_count), in creation order. */
    size_t policy_first;
    size_t policy_count;
} pgr_table;

/*
 * A row-level security policy (pg_policy).  polcmd is pg_policy's: '*' ALL,
 * 'r' SELECT, 'a' INSERT, 'w' UPDATE, 'd' DELETE.  roles are the role
 * names it applies to ("PUBLIC" when none are named).  qual is the USING
 * expression's source text, with_check the WITH CHECK one (NULL when
 * absent); *_always_true is set when the expression is constant true
 * (true, 1 = 1, 'a' = 'a', ... OR true).
 */
typedef struct pgr_policy {
    const char *schema;
    const char *table;
    const char *name;
    int polpermissive;         /* 1 PERMISSIVE, 0 RESTRICTIVE */
    char polcmd;
    size_t n_roles;
    const char *const *roles;
    const char *qual;
    const char *with_check;
    int qual_always_true;
    int with_check_always_true;
    pgr_location location;            /* the CREATE POLICY */
    pgr_location qual_location;       /* inside USING ( ... ) */
    pgr_location with_check_location; /* inside WITH CHECK ( ... ) */
    size_t n_columns_referenced;
    const char *const *columns_referenced; /* column names USING / WITH CHECK mention */
    /* The expressions' parse trees in a canonical text (no positions,
     * literals' ::text casts dropped), equal when the expressions are the
     * same however they were written or deparsed; NULL when absent. */
    const char *qual_canonical;
    const char *with_check_canonical;
} pgr_policy;

/*
 * One grantee's privileges on one object (an exploded aclitem).  object is
 * "schema.name" for relations, the name for other kinds, and "schema.*" when
 * all_in_schema (GRANT ... ON ALL TABLES IN SCHEMA).  grantee is "PUBLIC"
 * for the public pseudo-role.  location is the GRANT that last added to it.
 */
typedef struct pgr_acl_item {
    char objkind;
    const char *object;
    int all_in_schema;
    const char *grantee;
    uint32_t privileges;       /* PGR_ACL_* bits */
    uint32_t grant_options;    /* PGR_ACL_* bits held WITH GRANT OPTION */
    pgr_location location;
} pgr_acl_item;

/* A role of the model (pg_authid). */
typedef struct pgr_role {
    const char *name;
    int rolsuper;
    int rolcanlogin;
    int rolcreaterole;
    int rolcreatedb;
    int rolbypassrls;
    int rolreplication;
    int rolconnlimit;          /* CONNECTION LIMIT; -1 for none */
    int password_md5;          /* stored hash is md5 (live, with pg_authid access) */
    int bootstrap;             /* the cluster's bootstrap superuser (live, oid 10) */
    const char *rolvaliduntil; /* VALID UNTIL text; NULL for none */
    size_t n_member_of;
    const char *const *member_of;  /* roles it is a member of (pg_auth_members) */
    pgr_location location;     /* the CREATE ROLE/USER */
} pgr_role;

/*
 * A function or procedure (pg_proc).  Overloads are not told apart: the
 * model keys functions by schema and name.  public_execute says whether
 * PUBLIC holds EXECUTE, which PostgreSQL grants by default unless it is
 * revoked (on the function or through ALTER DEFAULT PRIVILEGES).
 */
typedef struct pgr_function {
    const char *schema;
    const char *name;
    char prokind;              /* 'f' function, 'p' procedure */
    const char *language;      /* lower case; NULL when not given */
    int prosecdef;             /* SECURITY DEFINER */
    int search_path_set;       /* proconfig sets search_path (SET search_path = ...) */
    int public_execute;
    pgr_location location;     /* the CREATE FUNCTION */
} pgr_function;

/*
 * Other named objects the model tracks: kind 'e' an extension (pg_extension;
 * schema is the one it is installed in), 'i' an index (parent is its table,
 * "schema.name"), 'T' a type or domain.
 */
typedef struct pgr_object {
    char kind;
    const char *schema;
    const char *name;
    const char *parent;        /* NULL unless an index */
    size_t n_columns;
    const char *const *columns;   /* an index's key columns (pg_index.indkey) */
    pgr_location location;
} pgr_object;

/*
 * A view ('v') or materialized view ('m') (pg_class).  A view runs with
 * its owner's rights, so RLS of the tables it reads is checked against the
 * owner unless security_invoker (PostgreSQL 15+); a materialized view holds
 * rows its owner could see.  relations are "schema.name" of what the query
 * reads.
 */
typedef struct pgr_view {
    uint32_t oid;
    const char *schema;
    const char *name;
    char relkind;
    int security_invoker;
    int security_barrier;
    size_t n_relations;
    const char *const *relations;
    pgr_location location;     /* the CREATE VIEW */
} pgr_view;

/* A server setting read from a live database (pg_settings). */
typedef struct pgr_setting {
    const char *name;
    const char *value;
    pgr_location location;     /* object "setting:<name>" */
} pgr_setting;

/* A pg_hba.conf rule (pg_hba_file_rules); lists are comma-joined. */
typedef struct pgr_hba_rule {
    uint32_t line_number;
    const char *type;          /* local, host, hostssl, hostnossl, ... */
    const char *database;
    const char *user_name;
    const char *address;       /* NULL for local */
    const char *netmask;
    const char *auth_method;   /* trust, reject, md5, password, scram-sha-256, ... */
    pgr_location location;     /* object "hba:line N" (or the file when read from disk) */
} pgr_hba_rule;

/*
 * A schema model: the database a migration set (or one standalone SQL file)
 * produces when replayed in order.  policies are grouped by table (see
 * pgr_table.policy_first), so a table's policies are found without a scan.  source names it (the set's root or the
 * file's path).
 */
typedef struct pgr_model {
    const char *source;
    int from_migrations;       /* 1: replayed from a migration set */
    size_t n_tables;
    const pgr_table *tables;
    size_t n_acl;
    const pgr_acl_item *acl;
    size_t n_roles;
    const pgr_role *roles;
    size_t n_policies;
    const pgr_policy *policies;
    size_t n_functions;
    const pgr_function *functions;
    size_t n_views;
    const pgr_view *views;
    size_t n_objects;
    const pgr_object *objects;
    /* ALTER DEFAULT PRIVILEGES grants (pg_default_acl): objkind is the kind
     * of future objects ('r' tables, 'S' sequences, 'f' functions, 'T'
     * types, 'n' schemas), object the schema or "*" for all. */
    size_t n_default_acl;
    const pgr_acl_item *default_acl;
    int server_version;        /* PostgreSQL major version the model is for */
    int public_schema_create;  /* PUBLIC may CREATE in schema public (default before 15) */
    pgr_location origin;       /* the first file replayed, line 1 (live: "db:<name>") */
    /* A live database (pgrampart audit); then the fields below are filled. */
    int is_live;
    size_t n_settings;
    const pgr_setting *settings;
    int hba_available;         /* pg_hba_file_rules could be read */
    size_t n_hba;
    const pgr_hba_rule *hba;
    int authid_available;      /* pg_authid could be read (password_md5 is known) */
    int connection_ssl;        /* our TCP connection is encrypted: 1, 0; -1 unknown or a Unix socket */
    const char *connection_ssl_version;
    /*
     * Appended in ABI 5 (NULL from an older host): parallel to functions.
     * function_args[i] is the identity argument list of functions[i], the
     * input argument types (IN, INOUT, VARIADIC; not OUT) as PostgreSQL's
     * format_type() prints them under an empty search_path, ", "-separated:
     * "integer, text[]", "" for none.  PostgreSQL tells overloads apart by
     * it, and so does the model: one pgr_function per signature, and a grant
     * on a function (pgr_acl_item objkind 'f') names it
     * "schema.name(args)", as messages should.  function_trigger[i] is 1
     * when functions[i] returns trigger or event_trigger (it cannot be
     * called directly, so EXECUTE on it gives nothing), else 0.
     */
    const char *const *function_args;
    const unsigned char *function_trigger;
    /*
     * Appended in ABI 5, after function_trigger (NULL / 0 from an older
     * host).  column_types[i][k] is the type of tables[i].columns[k] as
     * PostgreSQL's format_type(atttypid, atttypmod) prints it under an empty
     * search_path ("integer", "character varying(255)", "public.mood[]");
     * NULL when unknown (a type the replay cannot print, a column of CREATE
     * TABLE ... AS).  column_locations[i][k] is where the column was created
     * (its CREATE TABLE or ALTER TABLE ... ADD COLUMN; live: the object
     * "db:schema.table.column").  columns_complete[i] is 1 when the model
     * knows every column of tables[i] (0 for a table made by CREATE TABLE
     * ... AS, LIKE, INHERITS or PARTITION OF, whose columns come from
     * elsewhere).
     */
    const char *const *const *column_types;
    const pgr_location *const *column_locations;
    const unsigned char *columns_complete;
    /* Appended in ABI 5, after columns_complete: the table constraints
     * (pg_constraint: PRIMARY KEY, UNIQUE, FOREIGN KEY, CHECK, EXCLUDE; not
     * NOT NULL), see pgr_constraint. */
    size_t n_constraints;
    const struct pgr_constraint *constraints;
    /*
     * Appended in ABI 5, after constraints (0 from an older host): whether
     * the settings are a whole configuration, so that a setting left out
     * takes its default — PGR_SETTINGS_SERVER for a postgresql.conf file
     * (with its includes) or a live server, PGR_SETTINGS_PGBOUNCER for a
     * pgbouncer.ini file — or PGR_SETTINGS_PARTIAL: a block in another file,
     * postgresql.auto.conf (what ALTER SYSTEM wrote), YAML parameters,
     * environment variables, ALTER SYSTEM statements, where the rest may be
     * set elsewhere.
     */
    int settings_scope;
} pgr_model;

#define PGR_SETTINGS_PARTIAL 0
#define PGR_SETTINGS_SERVER 1
#define PGR_SETTINGS_PGBOUNCER 2

/*
 * A table constraint (pg_constraint, appended in ABI 5; reached through
 * pgr_model.constraints).  contype is pg_constraint's: 'p' PRIMARY KEY,
 * 'u' UNIQUE, 'f' FOREIGN KEY, 'c' CHECK, 'x' EXCLUDE.  name is the one
 * written, or the one PostgreSQL generates when none is (ChooseConstraintName
 * / ChooseIndexName: <table>_<columns>_pkey, _key, _fkey, _check, _excl,
 * cut to 63 bytes, a number added on a clash).  columns are the key columns
 * (conkey; for CHECK the columns its expression reads); references is the
 * "schema.table" a FOREIGN KEY points at, else NULL.
 */
typedef struct pgr_constraint {
    const char *schema;
    const char *table;
    const char *name;
    char contype;
    size_t n_columns;
    const char *const *columns;
    const char *references;
    pgr_location location;     /* the CREATE TABLE / ALTER TABLE ... ADD */
} pgr_constraint;

/* Value kinds a plugin's configuration key may take. */
typedef enum pgr_config_type {
    PGR_CONFIG_STRING = 1,
    PGR_CONFIG_LIST = 2,     /* a sequence of strings */
    PGR_CONFIG_BOOL = 3,
    /* A mapping of names (chosen by the user, e.g. role names) to mappings
     * whose keys are map_keys and whose values are lists of strings. */
    PGR_CONFIG_MAP = 4,
    /* A policy: a mapping of names the user chooses (setting names such as
     * "pgbouncer.pool_mode", variable names) to mappings whose keys are
     * map_keys and whose values are a string or a list of strings
     * ({in: [ddl, all]}, {min: 0}).  Read with config_node. */
    PGR_CONFIG_POLICY = 5,
    /* A mapping of names (file patterns, roles) to policies (above). */
    PGR_CONFIG_POLICY_SET = 6
} pgr_config_type;

/*
 * A key a plugin accepts in its section of .pgrampart.yml.  A key named "*"
 * stands for every entry of the section no other key names: a section that
 * is itself a policy (`settings: {log_statement: {in: [ddl, all]}}`).  map_keys
 * (NULL-terminated; PGR_CONFIG_MAP only) are the keys allowed inside each
 * entry; values (NULL-terminated, or NULL for any) are the strings a list
 * may hold, compared case-insensitively.  The host rejects anything else
 * with the file's line and column.
 */
typedef struct pgr_config_key {
    const char *name;
    pgr_config_type type;
    const char *doc;
    const char *const *map_keys;
    const char *const *values;
} pgr_config_key;

/*
 * What a plugin's init returns.  Any callback may be NULL.  The descriptor
 * and everything it points to must stay valid until the plugin is unloaded
 * (static storage is the usual choice).
 *
 * The order of a check's callbacks (a behaviour note of ABI 5; issue 15,
 * so that a file's parse trees are freed once it is consumed): every
 * on_value_file first; then file by file in path order, each file's
 * statements (on_sql_statement), then, when the file is a model of its own
 * (SQL outside any migration set, SQL a script hands to psql), its
 * on_model; a migration set's on_migration_set, on_migration_replay and
 * on_model once every file of the set and every file below its root has
 * had its statements delivered; then the server configuration models;
 * on_finish last.  So a plugin may rely on the statements of a model's
 * files (for a set, of every file below its root) coming before that
 * model, and on every statement coming before on_finish, but not on every
 * statement coming before any model, as hosts before issue 15 did: a
 * finding that a statement of another file may take back is decided in
 * on_finish (the rls plugin's templates and REVOKEs do so).
 */
typedef struct pgr_plugin {
    uint32_t abi_version;    /* PGR_ABI_VERSION */
    uint32_t size;           /* sizeof(pgr_plugin) */
    const char *name;        /* the family; also its config section */
    const char *version;
    size_t n_rules;
    const pgr_rule *rules;
    size_t n_config_keys;
    const pgr_config_key *config_keys;
    /* Each statement of each SQL file, in file order. */
    void (*on_sql_statement)(pgr_ctx *ctx, const pgr_sql_statement *stmt);
    /* Each file of settings: env, YAML, shell, JavaScript/TypeScript. */
    void (*on_value_file)(pgr_ctx *ctx, const pgr_value_file *file);
    /* Each migration set, after pairing. */
    void (*on_migration_set)(pgr_ctx *ctx, const pgr_migration_set *set);
    /* Each schema model, after replay. */
    void (*on_model)(pgr_ctx *ctx, const pgr_model *model);
    /* Each migration of a set, replayed in order: the model before its up,
     * after its up, and after its up then its down (NULL when it has no
     * down).  Migrations that do not parse are not replayed. */
    void (*on_migration_replay)(pgr_ctx *ctx, const pgr_migration_set *set, size_t index,
                                const pgr_model *before, const pgr_model *after_up,
                                const pgr_model *after_down);
    /* After every other callback of a run: release per-run state here. */
    void (*on_finish)(pgr_ctx *ctx);
    /* pgrampart audit --migrations: the model the migrations describe and
     * the live one, to report where they differ. */
    void (*on_drift)(pgr_ctx *ctx, const pgr_model *migrations, const pgr_model *live);
} pgr_plugin;

/*
 * The host's functions.  Every pointer is non-NULL.  Functions taking a ctx
 * may only be called from inside a callback with the ctx it received.
 */
typedef struct pgr_host_api {
    uint32_t abi_version;    /* PGR_ABI_VERSION of the host */
    uint32_t size;           /* sizeof(pgr_host_api) in the host */

    /* Record a finding.  The host copies everything; an unknown rule_id is
     * refused and logged.  Severity comes from the rule and configuration. */
    void (*report)(pgr_ctx *ctx, const pgr_finding *finding);

    /* Log a message to standard error (level: PGR_SEVERITY_*). */
    void (*log)(pgr_ctx *ctx, pgr_severity level, const char *message);

    /* The calling plugin's configuration: key is one of its config_keys,
     * or a dotted path into a PGR_CONFIG_MAP ("roles.app_web.deny").
     * config_string returns NULL when unset; config_list_length 0. */
    const char *(*config_string)(pgr_ctx *ctx, const char *key);
    size_t (*config_list_length)(pgr_ctx *ctx, const char *key);
    const char *(*config_list_item)(pgr_ctx *ctx, const char *key, size_t i);
    /* The entry names of a PGR_CONFIG_MAP key, in file order. */
    size_t (*config_map_length)(pgr_ctx *ctx, const char *key);
    const char *(*config_map_key)(pgr_ctx *ctx, const char *key, size_t i);

    /* Rule-pack data for the calling plugin (the rules/ YAML packs, section named
     * after the plugin): a list of strings under key. */
    size_t (*rulepack_list_length)(pgr_ctx *ctx, const char *key);
    const char *(*rulepack_list_item)(pgr_ctx *ctx, const char *key, size_t i);

    /* Parse-tree access.  node_tag: the protobuf message name ("GrantStmt",
     * "RoleSpec", "String", ...), NULL for NULL.  node_child: a singular
     * message field, unwrapped from libpg_query's Node, or NULL.
     * node_list_length/item: a repeated field.  node_string: a string field,
     * or an enum field's value name ("OBJECT_TABLE"); NULL when absent.
     * node_int: an integer, enum or boolean field, dflt when absent.  Field
     * names are those of libpg_query's pg_query.proto. */
    const char *(*node_tag)(const pgr_node *node);
    const pgr_node *(*node_child)(const pgr_node *node, const char *field);
    size_t (*node_list_length)(const pgr_node *node, const char *field);
    const pgr_node *(*node_list_item)(const pgr_node *node, const char *field, size_t i);
    const char *(*node_string)(const pgr_node *node, const char *field);
    int64_t (*node_int)(const pgr_node *node, const char *field, int64_t dflt);
    /* Visit node and every node below it, depth first, in field order;
     * stops early when visit returns nonzero. */
    void (*node_walk)(const pgr_node *node, int (*visit)(const pgr_node *n, void *arg),
                      void *arg);

    /* Turn a node's "location" (a byte offset relative to the statement's
     * parse base, as stored in the tree) and a length in bytes into a file
     * location.  A negative offset yields the statement's location. */
    void (*sql_location)(const pgr_sql_statement *stmt, int64_t offset,
                         size_t length, pgr_location *out);

    /* Turn a byte range [offset, offset+length) of the value source of
     * file->values[i] into a location (length 0: to the value's end).
     * Past-the-end ranges are clamped; a value decoded from base64 or
     * escapes maps offsets of its source, not of the decoded text. */
    void (*value_location)(const pgr_value_file *file, size_t i,
                           size_t offset, size_t length, pgr_location *out);

    /* Parse a PostgreSQL connection string with libpq's PQconninfoParse.
     * Returns NULL unless it is a postgres:// or postgresql:// URI, or a
     * key=value conninfo that sets host, hostaddr, port, dbname or user
     * (so that ordinary "a=b" values are not taken for one).  Other
     * dialects are rewritten first (the host's dsn.c): URI parameters
     * libpq does not know dropped (Prisma, pgx), jdbc:postgresql:// and
     * SQLAlchemy's postgresql+driver:// read as postgresql://, ssl=true|
     * false|<mode> as sslmode, Npgsql's Host=...;SSL Mode=... as
     * key=value.  Free with conninfo_free. */
    pgr_conninfo *(*conninfo_parse)(const char *conninfo);
    /* The value of keyword ("host", "sslmode", "password", ...) or NULL. */
    const char *(*conninfo_value)(const pgr_conninfo *ci, const char *keyword);
    void (*conninfo_free)(pgr_conninfo *ci);
    /* Whether a local-only host: every host of ci (a comma-separated list)
     * is a Unix socket path, empty, localhost, 127.0.0.0/8 or ::1. */
    int (*conninfo_is_local)(const pgr_conninfo *ci);
    /* Byte span of the password inside the conninfo text (URI userinfo of
     * any dialect above, a URI's password= parameter, password=... or
     * Npgsql's Password=/Pwd=).  Returns 1 and sets *offset and *length, or 0. */
    int (*conninfo_password_span)(const char *conninfo, size_t *offset, size_t *length);

    /* A field of item i of a rule-pack list of mappings (e.g. the "regex"
     * of secrets.patterns[i]); NULL when absent or not a string. */
    const char *(*rulepack_item_field)(pgr_ctx *ctx, const char *key, size_t i, const char *field);

    /* PCRE2 (UTF, JIT-compiled).  regex_compile returns NULL and writes the
     * error with its offset into err (errsize bytes) when the pattern is bad.
     * regex_match searches text (len bytes) and returns 1 with the byte span
     * of capture group `group` (0: the whole match; a group that did not take
     * part falls back to 0), else 0. */
    pgr_regex *(*regex_compile)(const char *pattern, char *err, size_t errsize);
    int (*regex_match)(const pgr_regex *re, const char *text, size_t len, int group,
                       size_t *start, size_t *length);
    void (*regex_free)(pgr_regex *re);

    /* Write a redacted form of secret (its first 2 bytes, then its length
     * in bytes) into buf of bufsize bytes, always NUL-terminated.  Returns
     * buf. */
    char *(*redact)(const char *secret, char *buf, size_t bufsize);

    /* Appended in ABI 5 (a plugin calling it needs a host whose size
     * covers it; PGR_PLUGIN_MAGIC checks).  The privileges "ALL" stands for
     * on an object of kind objkind (a pgr_acl_item's: 'r', 'S', 'f', 'n',
     * 'd', 't', ...), as PostgreSQL's ACL_ALL_RIGHTS_* (utils/acl.h): the
     * model's own table, so a plugin and the model agree on what "ALL" is.
     * PGR_ACL_* bits; USAGE for a kind without a table of its own. */
    uint32_t (*all_privileges)(char objkind);

    /* Appended in ABI 5, after all_privileges.  api->report with flags
     * (PGR_REPORT_*, or-ed; 0 is api->report). */
    void (*report_flags)(pgr_ctx *ctx, const pgr_finding *finding, unsigned flags);

    /* Appended in ABI 5, after report_flags.  The text of a file this run
     * reads (path exactly as in a pgr_location or pgr_migration of the run),
     * len bytes, not NUL-terminated; NULL when the run has no such file or
     * could not read it.  Owned by the host, valid until on_finish returns.
     * Only files the run already reads are served: never a way out of the
     * checked tree. */
    const char *(*file_text)(pgr_ctx *ctx, const char *path, size_t *len);

    /* Appended in ABI 5, after file_text.  The role of a file of this run,
     * by its path below the checked root and the configuration's
     * role_patterns: "production", "example" (.env.example, *.sample...),
     * "test" or "docs" (static strings); "production" for a path the run
     * does not have.  The host caps findings in test, example and docs files
     * itself; a plugin asks only where a rule means nothing there (a
     * committed .env.example holds no real secret by design). */
    const char *(*path_role)(pgr_ctx *ctx, const char *path);

    /* Appended in ABI 5, after path_role.  Item i of a list anywhere in
     * .pgrampart.yml, by its dotted path from the root (a setting plugins
     * share, e.g. "rls.application_roles"); NULL past the end, or when the
     * path is absent or not a list of strings. */
    const char *(*config_shared_list_item)(pgr_ctx *ctx, const char *path, size_t i);

    /* Appended in ABI 5, after config_shared_list_item.  The configuration
     * and the rule packs as trees, for policies whose names are the user's
     * (setting names hold dots, so dotted key paths cannot reach them).
     * config_node: the calling plugin's value for key (one of its
     * config_keys), or its whole section when key is NULL; NULL when unset.
     * rulepack_node: the calling plugin's section of rule pack number pack
     * (0, 1, ... in load order; a later pack's entries override an earlier
     * one's), an empty mapping when that pack has none, NULL past the last
     * pack.  Nodes are owned by the host and valid for the run. */
    const pgr_config_node *(*config_node)(pgr_ctx *ctx, const char *key);
    const pgr_config_node *(*rulepack_node)(pgr_ctx *ctx, size_t pack);
    /* 's' a string, 'l' a list, 'm' a mapping; 0 for NULL. */
    char (*config_node_kind)(const pgr_config_node *node);
    /* Items of a list, entries of a mapping; 0 for a string or NULL. */
    size_t (*config_node_length)(const pgr_config_node *node);
    /* The key of entry i of a mapping; NULL past the end or for a list. */
    const char *(*config_node_key)(const pgr_config_node *node, size_t i);
    /* Item i of a list, or the value of entry i of a mapping; NULL past the end. */
    const pgr_config_node *(*config_node_item)(const pgr_config_node *node, size_t i);
    /* The text of a string node; NULL for a list or mapping. */
    const char *(*config_node_string)(const pgr_config_node *node);
    /* Where node is written (the config file or rule pack, its line and
     * column), so a finding can name the policy line that asked for it. */
    void (*config_node_location)(const pgr_config_node *node, pgr_location *out);

    /*
     * Appended in ABI 5, after config_node_location.  Only inside
     * on_migration_replay, for model one of the three models it received:
     * the positions in model's array of kind (PGR_TOUCHED_*) of the objects
     * the migration's statements (its up, then its down) may have created,
     * changed, renamed or dropped, ascending, into *positions (owned by the
     * host, valid until the hook returns); returns how many.  A superset:
     * every object of that kind not listed is in all three models, equal,
     * under the same name, and every object sharing a name with a listed
     * one (grants: object and grantee, whatever their object kind) is listed
     * too.  So a hook compares the listed objects only, and replaying n
     * migrations is not O(n^2) (issue 15).  Returns PGR_TOUCHED_UNKNOWN
     * (positions NULL) elsewhere, or when the host cannot tell: then
     * compare every object.
     */
    size_t (*replay_touched)(pgr_ctx *ctx, const pgr_model *model, char kind,
                             const size_t **positions);

    /*
     * Appended in ABI 5, after replay_touched.  The calling plugin declares
     * (from on_migration_set, for the replay of that set and the sets
     * after it) that its on_migration_replay reads, of its three models,
     * only the objects replay_touched lists.  When every plugin with an
     * on_migration_replay hook has said so, the host hands models holding
     * only those objects (each array the touched objects, in their order,
     * replay_touched listing them all; column types, constraints and policy
     * ranges not filled), and may run a down on its model itself and undo
     * it afterwards (issue 15: no copy and no whole view of a model per
     * migration).  Without it the models are whole.
     */
    void (*replay_touched_only)(pgr_ctx *ctx);
} pgr_host_api;

/* Kinds of replay_touched: the arrays of pgr_model. */
#define PGR_TOUCHED_TABLES      't'
#define PGR_TOUCHED_POLICIES    'p'
#define PGR_TOUCHED_FUNCTIONS   'f'
#define PGR_TOUCHED_ROLES       'r'
#define PGR_TOUCHED_GRANTS      'g'   /* acl */
#define PGR_TOUCHED_VIEWS       'v'
#define PGR_TOUCHED_OBJECTS     'o'
#define PGR_TOUCHED_DEFAULT_ACL 'd'
/* What replay_touched returns when it cannot tell. */
#define PGR_TOUCHED_UNKNOWN     ((size_t) -1)

/*
 * report_flags: the finding keeps its rule's severity whatever the role of
 * its file.  Findings in test, example and docs files are capped (at info by
 * default, `roles:` in config); a credential in a provider's own format that
 * looks live (an AWS, GitHub, Stripe live key...) is a leak wherever it is.
 */
#define PGR_REPORT_KEEP_SEVERITY 1u

/* The signature of PGR_PLUGIN_INIT_SYMBOL. */
typedef const pgr_plugin *(*pgr_plugin_init_fn)(const pgr_host_api *api);

/*
 * Report a finding of rule at loc with message (and hint, may be NULL): the
 * common case of api->report, without filling a pgr_finding by hand.
 */
static inline void
pgr_report_at(const pgr_host_api *api, pgr_ctx *ctx, const char *rule, const pgr_location *loc,
              const char *message, const char *hint)
{
    pgr_finding f;

    f.rule_id = rule;
    f.location = *loc;
    f.message = message;
    f.hint = hint;
    f.secret.path = NULL;
    f.secret.line = f.secret.column = f.secret.end_line = f.secret.end_column = 0;
    f.secret.object = NULL;
    api->report(ctx, &f);
}

/*
 * pgr_report_at with a printf-style message (no hint).  The message is
 * formatted into PGR_REPORTF_MAX bytes, NUL included; a longer one is cut
 * there.  Never print a secret through it whole: pass api->redact's output.
 */
#define PGR_REPORTF_MAX 1024

#if defined(__GNUC__)
__attribute__((format(printf, 5, 6)))
#endif
static inline void
pgr_reportf(const pgr_host_api *api, pgr_ctx *ctx, const char *rule, const pgr_location *loc,
            const char *fmt, ...)
{
    char message[PGR_REPORTF_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(message, sizeof message, fmt, ap);
    va_end(ap);
    pgr_report_at(api, ctx, rule, loc, message, NULL);
}

/*
 * PGR_PLUGIN_MAGIC(api_var, descriptor), in the spirit of PostgreSQL's
 * PG_MODULE_MAGIC: defines the exported init function, which refuses a host
 * of another ABI version or a smaller function table (returning NULL),
 * stores the table in api_var (a "static const pgr_host_api *") and
 * returns &descriptor.
 */
#define PGR_PLUGIN_MAGIC(api_var, descriptor) \
    PGR_EXPORT const pgr_plugin *pgrampart_plugin_init(const pgr_host_api *host); \
    PGR_EXPORT const pgr_plugin * \
    pgrampart_plugin_init(const pgr_host_api *host) \
    { \
        if (host->abi_version != PGR_ABI_VERSION || host->size < sizeof(pgr_host_api)) \
            return NULL; \
        api_var = host; \
        return &(descriptor); \
    }

#ifdef __cplusplus
}
#endif

#endif /* PGRAMPART_PLUGIN_H */
