/*
 * host.c — the host's lifecycle and its own rules.  host_init registers the
 * built-in "core" plugin (plugin index 0): the rules about the input itself
 * (core_rules below) and each front-end's syntax rule, in the order
 * `pgrampart rules`, explain and docs/rules.md list them; host_free unloads
 * every plugin and rule pack.  Loading plugins is loader.c's job, rule
 * packs rulepack.c's, registering rules and applying the configuration
 * registry.c's, and the function table plugins call is api.c.
 */
#include "host/host.h"

#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/frontend.h"
#include "host/host_internal.h"

/*
 * The host's own rules: problems with the input itself, in the order
 * `pgrampart rules` and docs/rules.md list them.  Each rule: id, severity,
 * summary, hint (the fix), source, why, bad, good.  An entry with an id only
 * marks where a front-end's syntax rule is listed: the rule is declared by
 * its front-end (frontends/frontend.h), and a front-end's rule no entry
 * names is listed after these.
 */
static const pgr_rule core_rules[] = {
    { "core/unreadable-file", PGR_SEVERITY_ERROR,
      "A file could not be read, or is binary, so it was not checked.",
      "Make the file readable text, or exclude it in .pgrampart.yml.",
      "pgrampart: bad input never passes silently",
      "A file pgrampart cannot read is a file nobody checked; a binary file named .sql is usually "
      "a mistake.",
      "migrations/003_dump.sql  (a gzip archive renamed .sql)",
      "migrations/003_dump.sql  (plain SQL text)" },
    { "core/invalid-utf8", PGR_SEVERITY_WARNING,
      "The file is not valid UTF-8; positions after the bad byte may be off.",
      "Re-encode the file as UTF-8.",
      "PostgreSQL docs 24.3 Character Set Support",
      "PostgreSQL and libpq expect the client encoding; stray Latin-1 bytes corrupt identifiers "
      "and comments.",
      "COMMENT ON TABLE t IS 'caf\\xe9';  (a Latin-1 byte)",
      "COMMENT ON TABLE t IS 'café';  (UTF-8)" },
    { .id = "sql/syntax-error" },
    { "sql/too-deep", PGR_SEVERITY_ERROR,
      "A SQL statement (or one in a DO block) nests deeper than the parser can safely go; it was not checked.",
      "Split the expression (no migration needs this); generated SQL should chain with lists, not operators.",
      "PostgreSQL docs 19.4.1 (max_stack_depth): the server refuses such statements too",
      "A statement nested thousands of levels deep overflows the stack of parsers that recurse "
      "per level, PostgreSQL included (max_stack_depth).",
      "SELECT 1 + 1 + 1 + ... (5,000 terms, generated)",
      "SELECT sum(x) FROM unnest(ARRAY[...]) AS x" },
    { "sql/template", PGR_SEVERITY_INFO,
      "A SQL file is a query template (named queries with %name% or %s placeholders, Go "
      "{{ }} actions) whose statements do not parse until a program fills it in; they were not checked.",
      "Nothing to fix; statements that parse once the placeholders are blanked were still checked.",
      "yesql / goyesql / sqlc named queries; Go text/template (popx templated migrations)",
      "What a program substitutes (an ORDER BY column, a table name, a whole clause) is not "
      "known; reporting a syntax error for it would be wrong, skipping the file silently too.",
      "-- name: query-lists\nSELECT * FROM lists {{ if .q }}WHERE name = $1{{ end }} LIMIT $2;",
      "-- name: query-lists\nSELECT * FROM lists ORDER BY %order% LIMIT $1;  (parses once blanked)" },
    { "sql/dynamic-sql", PGR_SEVERITY_INFO,
      "A DO block runs EXECUTE on a dynamic string: its effect on the schema is not analysed.",
      "Prefer plain DDL in migrations; review what the EXECUTE builds by hand.",
      "PostgreSQL docs 43.5.4 Executing Dynamic Commands",
      "EXECUTE builds statements at run time; what they do to the schema cannot be reviewed "
      "statically.",
      "DO $$ BEGIN EXECUTE format('GRANT ALL ON %I TO PUBLIC', tbl); END $$;",
      "GRANT SELECT ON accounts TO app_reader;" },
    { "core/check-skipped", PGR_SEVERITY_INFO,
      "A live-audit check could not run (a privilege is missing); the rest of the audit did.",
      "Run the audit as a role with the privilege named, or accept the gap.",
      "pgrampart: least privilege, never silent",
      "An audit that silently skips a check looks cleaner than the database is.",
      "pgrampart audit as a role that cannot read pg_hba_file_rules (the hba checks are skipped)",
      "pgrampart audit as a role with pg_read_all_settings and superuser-level catalog access" },
    { "verify/up-fails", PGR_SEVERITY_ERROR,
      "pgrampart verify: a migration's up fails on a fresh database after the ups before it; "
      "the rest of its set was not run.",
      "Fix the statement PostgreSQL refuses (the message and position say which); an up that "
      "needs what no migration creates (a role, an extension, a psql variable) needs it written down.",
      "Checklist: \"Migration rollback procedures tested\"; PostgreSQL's own error",
      "A migration set that does not apply in order on an empty database cannot be rebuilt, "
      "tested or rolled back.",
      "-- 002_add_age.sql\nALTER TABLE users ADD COLUMN age integer;  (no migration creates users)",
      "-- 001_users.sql\nCREATE TABLE users (id bigint PRIMARY KEY);\n"
      "-- 002_add_age.sql\nALTER TABLE users ADD COLUMN age integer;" },
    { "verify/platform-prelude", PGR_SEVERITY_INFO,
      "pgrampart verify: a migration set of a platform (a Supabase project's supabase/migrations) "
      "assumes what the platform creates first; verify created it on the scratch database before "
      "the set (or says why that failed).",
      "Nothing to fix in the migrations; a platform verify does not know goes in a rule pack "
      "(verify: platforms: name, path, prelude), as rules/platforms.yml does for Supabase.",
      "rules/platforms.yml; the supabase/postgres image's init scripts",
      "On a plain PostgreSQL a Supabase set stops at its first reference to auth.uid(), the "
      "extensions schema or the anon role; what verify proved rests on this prelude, so it is said.",
      "-- supabase/migrations/20240101_init.sql\nCREATE POLICY own ON notes USING (owner = auth.uid());",
      "-- migrations/001_init.sql (no platform)\nCREATE TABLE notes (id bigint PRIMARY KEY);" },
    { "verify/model-drift", PGR_SEVERITY_INFO,
      "pgrampart verify: pgrampart's replay of a migration set differs from PostgreSQL's catalog "
      "after the same migrations ran (a defect of pgrampart, not of the migrations).",
      "Report it to pgrampart with the migration the message names: the replay that check, the "
      "rollback rules and audit --migrations rely on missed what PostgreSQL did.",
      "PostgreSQL as the test oracle of the replay (issue 18); the comparison is audit --migrations'",
      "Every static finding about a migration set rests on the replayed model: where it differs "
      "from what PostgreSQL built, those findings may be wrong.",
      "-- a statement the replay does not model, e.g. a column added by a DO block's EXECUTE",
      "-- plain DDL the replay models: CREATE TABLE t (id int PRIMARY KEY);" },
    { "verify/down-fails", PGR_SEVERITY_ERROR,
      "pgrampart verify: a migration's down fails right after its up.",
      "Fix the statement PostgreSQL refuses (the message and position say which), and run the "
      "down before merging it.",
      "Checklist: \"Migration rollback procedures tested\"; PostgreSQL's own error",
      "A rollback that fails is found when it is needed, during an incident.",
      "-- up\nALTER TABLE users ADD COLUMN age integer;\n-- down\nALTER TABLE users DROP COLUMN agee;",
      "-- up\nALTER TABLE users ADD COLUMN age integer;\n-- down\nALTER TABLE users DROP COLUMN age;" },
    { "verify/down-not-inverse", PGR_SEVERITY_ERROR,
      "pgrampart verify: after a migration's up and down, the catalog (tables, columns, "
      "constraints, indexes, row-level security, policies, grants, roles, functions, views) "
      "differs from before the up.",
      "Make the down undo each difference named: drop what the up created, recreate what it dropped.",
      "Checklist: \"Migration rollback procedures tested\"; PostgreSQL's catalogs",
      "A down that leaves objects behind (or drops more) makes the next up fail, or the rollback "
      "silently keep data and privileges the release meant to remove.",
      "-- up\nALTER TABLE users ADD COLUMN age integer;\n"
      "ALTER TABLE users ADD COLUMN nickname text;\n-- down\nALTER TABLE users DROP COLUMN age;",
      "-- up\nALTER TABLE users ADD COLUMN age integer;\n"
      "ALTER TABLE users ADD COLUMN nickname text;\n-- down\n"
      "ALTER TABLE users DROP COLUMN nickname;\nALTER TABLE users DROP COLUMN age;" },
    { "verify/up-not-repeatable", PGR_SEVERITY_ERROR,
      "pgrampart verify: a migration's up fails when applied again after its own down.",
      "Make the down remove everything the up creates (or the up tolerate what the down keeps), "
      "so that a rolled-back release can be deployed again.",
      "Checklist: \"Migration rollback procedures tested\"; PostgreSQL's own error",
      "After a rollback the release is deployed again; an up that then fails blocks it.",
      "-- up\nCREATE ROLE app_reader;\n-- down\nSELECT 1;  (the role survives: CREATE ROLE fails again)",
      "-- up\nCREATE ROLE app_reader;\n-- down\nDROP ROLE app_reader;" },
    { "verify/extension-unavailable", PGR_SEVERITY_WARNING,
      "pgrampart verify: a migration creates an extension the verify server does not have "
      "(pg_available_extensions); that migration and the rest of its set were skipped, not run.",
      "Verify on a server with the extension's package installed (postgresql-<major>-postgis-3, "
      "...), or accept that this part of the set is not verified.",
      "PostgreSQL docs CREATE EXTENSION; 54.3 pg_available_extensions",
      "A migration set that needs an extension cannot be run where the extension is missing; a "
      "warning, not an error: nothing is wrong with the migrations, but their rollbacks past this "
      "point were not tested.",
      "-- 003_geo.up.sql, on a server without PostGIS\nCREATE EXTENSION IF NOT EXISTS postgis;",
      "-- 003_geo.up.sql, on a server with PostGIS installed\nCREATE EXTENSION IF NOT EXISTS postgis;" },
    { "verify/tenant-leak", PGR_SEVERITY_ERROR,
      "pgrampart verify: as tenant B (the tenant setting the policies compare with), a role "
      "under row-level security sees, changes, deletes or inserts a row of tenant A.",
      "Make every policy of the table compare the tenant column with the tenant setting, for "
      "USING and WITH CHECK; USING (true) lets every tenant through.",
      "Checklist: \"Tenant isolation tested / verified manually\", \"RLS policies tested in "
      "staging\"; PostgreSQL docs 5.8 Row Security Policies",
      "Permissive policies are OR-ed: one policy that admits every row opens the table to every "
      "tenant, whatever the others check.",
      "CREATE POLICY tenant_write ON orders FOR ALL USING (tenant_id = "
      "current_setting('app.tenant')::int);\nCREATE POLICY read_all ON orders FOR SELECT USING (true);",
      "CREATE POLICY tenant_isolation ON orders FOR ALL USING (tenant_id = "
      "current_setting('app.tenant')::int);" },
    { "verify/no-context-sees-rows", PGR_SEVERITY_ERROR,
      "pgrampart verify: with the tenant setting unset (or empty, as after RESET), a role under "
      "row-level security sees a tenant's rows.",
      "Let the policy fail closed: compare the tenant column with current_setting(...) only, "
      "without an OR ... IS NULL (or = '') branch.",
      "Checklist: \"Tenant isolation tested / verified manually\"; PostgreSQL docs 5.8 Row "
      "Security Policies, 20.16 Customized Options (current_setting)",
      "A request that forgot to set the tenant (a background job, a pooled connection after "
      "RESET) then reads every tenant's rows instead of none.",
      "CREATE POLICY t ON orders USING (tenant_id = current_setting('app.tenant', true)::int "
      "OR current_setting('app.tenant', true) IS NULL);",
      "CREATE POLICY t ON orders USING (tenant_id = current_setting('app.tenant', true)::int);" },
    { "verify/probe-skipped", PGR_SEVERITY_INFO,
      "pgrampart verify: a table under row-level security with a tenant policy was not probed "
      "(no row of it could be generated, or the probe role could not be created), or a role of "
      "grants.roles could not be switched to (SET ROLE); PostgreSQL's reason is given.",
      "Probe by hand (two tenants, as a non-owner role), or make the row generable (a CHECK "
      "over several columns, a self-reference or a type without generated values stop it), or "
      "run verify as a role that may SET ROLE to the configured roles.",
      "Checklist: \"Tenant isolation tested / verified manually\"; pgrampart: never silent",
      "A table the probe skipped is not proven isolated; saying so keeps the verified list honest.",
      "CREATE TABLE slots (tenant_id int NOT NULL, starts_at timestamptz NOT NULL, ends_at "
      "timestamptz NOT NULL, CHECK (starts_at < ends_at));  (under a tenant policy)",
      "CREATE TABLE slots (tenant_id int NOT NULL, starts_at timestamptz NOT NULL, ends_at "
      "timestamptz);" },
    { "verify/role-can", PGR_SEVERITY_ERROR,
      "pgrampart verify: a role does on the server what its role policy in .pgrampart.yml "
      "(grants.roles.<role>.deny) forbids: SELECT, INSERT, UPDATE, DELETE, TRUNCATE or DROP a table.",
      "REVOKE the privilege (or the membership, or the ownership) that allows it; the finding "
      "is at the GRANT when a migration gives it.",
      "Checklist: \"webapp user cannot DROP tables\", \"readonly user cannot INSERT\" (least "
      "privilege); PostgreSQL docs 5.7 Privileges",
      "The static grants/role-policy reads the GRANTs; the server also counts memberships, "
      "ownership, default privileges and grants made outside the migrations.",
      "GRANT TRUNCATE ON orders TO app_web;  (grants: {roles: {app_web: {deny: [TRUNCATE]}}})",
      "GRANT SELECT, INSERT, UPDATE ON orders TO app_web;" },
    { "core/unused-suppression", PGR_SEVERITY_INFO,
      "A pgrampart-ignore comment suppresses no finding (fixed, or misspelt rule id).",
      "Remove the comment, or correct the rule id.",
      "pgrampart suppressions",
      "A suppression that hides nothing outlives its reason and may hide a future finding by "
      "accident.",
      "-- pgrampart-ignore grants/grant-to-public: legacy\n"
      "GRANT SELECT ON t TO app_reader;",
      "GRANT SELECT ON t TO app_reader;" },
    { "core/suppression-without-reason", PGR_SEVERITY_WARNING,
      "A pgrampart-ignore comment gives no reason, so it is not applied.",
      "Write why after a colon: -- pgrampart-ignore rule/id: reason.",
      "pgrampart suppressions",
      "A reason tells the next reviewer why the risk was accepted; without one the suppression is "
      "not applied.",
      "-- pgrampart-ignore grants/grant-to-public",
      "-- pgrampart-ignore grants/grant-to-public: public price list, reviewed in SEC-142" },
    { .id = "conf/syntax-error" },
    { .id = "env/syntax-error" },
    { .id = "yaml/syntax-error" },
    { .id = "shell/syntax-error" },
    { .id = "js/syntax-error" },
    { "core/outside-root", PGR_SEVERITY_INFO,
      "A symbolic link in the checked tree, or a postgresql.conf include, leads outside the checked "
      "directory; it was not followed.",
      "Keep checked files inside the repository; check the target by naming it on the command line.",
      "pgrampart trust model: the checked tree is data and never reads outside itself",
      "The checked tree is untrusted in pull-request CI: a committed link or include pointing at "
      "/etc/shadow or ~/.ssh would otherwise print those lines in snippets, in the job log.",
      "migrations/x.sql -> /etc/shadow  (a symbolic link)\n"
      "include '../../../home/ci/.pgpass'  (postgresql.conf)",
      "migrations/x.sql  (a file in the repository)\n"
      "include 'conf.d/logging.conf'" },
    { "yaml/alias-bomb", PGR_SEVERITY_ERROR,
      "Aliases in a YAML file expand to far more nodes than the file holds (a billion-laughs file; "
      "the rest of it was not checked), or forever (an alias inside the node it names; not followed).",
      "Remove the nested aliases; no real configuration needs them.",
      "CVE-2003-1564 (billion laughs); YAML 1.2 section 3.2.2.2 (anchors and aliases)",
      "Nested aliases expand exponentially: a 1 KB file can stand for billions of nodes and "
      "exhaust every tool that expands it.",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]  (nine levels of it)",
      "anchors used a few times, not nested in each other" },
    { "yaml/template", PGR_SEVERITY_INFO,
      "A YAML file is a template (Helm/Go {{ }} or ERB <% %> actions) whose branches are not YAML "
      "until rendered: it was read line by line, not as YAML.",
      "Nothing to fix; to check it fully, check the rendered output (helm template ... > out.yaml).",
      "Helm chart template guide; Go text/template; Ruby ERB",
      "Settings written on their own lines were still checked; what the template computes was not.",
      "{{- if .Values.list }}\n- a\n{{- else }}\nkey: value\n{{- end }}",
      "the chart rendered with helm template, checked as plain YAML" },
};

static const pgr_plugin core_plugin = {
    .abi_version = PGR_ABI_VERSION,
    .size = sizeof(pgr_plugin),
    .name = "core",
    .version = "1",
    .n_rules = sizeof core_rules / sizeof core_rules[0],
    .rules = core_rules,
};

/* The syntax rule called id of a front-end in the table, or NULL. */
static const pgr_rule *
frontend_syntax_rule(const char *id)
{
    size_t k;

    for (k = 0; frontends[k]; k++)
        if (strcmp(frontends[k]->syntax_rule.id, id) == 0)
            return &frontends[k]->syntax_rule;
    return NULL;
}

/*
 * Register the host's own rules, each front-end's syntax rule in the place
 * core_rules keeps for it; a front-end's rule without one comes last.  The
 * rules are ours and well-formed: unlike a plugin's, they are not checked.
 */
static void
register_core_rules(host *h)
{
    size_t i, k;

    for (i = 0; i < sizeof core_rules / sizeof core_rules[0]; i++) {
        const pgr_rule *r = &core_rules[i];

        if (r->summary == NULL)
            r = frontend_syntax_rule(r->id);
        if (r)
            host_register_rule(h, r, 0);
    }
    for (k = 0; frontends[k]; k++)
        if (host_find_rule(h, frontends[k]->syntax_rule.id) == NULL)
            host_register_rule(h, &frontends[k]->syntax_rule, 0);
}

void
host_init(host *h, const config *cfg, diag_store *diags)
{
    host_plugin *core;

    util_vec_init(&h->plugins, sizeof(host_plugin));
    util_vec_init(&h->rules, sizeof(host_rule));
    util_vec_init(&h->rulepacks, sizeof(cfg_node *));
    h->cfg = cfg;
    h->diags = diags;
    h->file_text = NULL;
    h->file_role = NULL;
    h->file_text_arg = NULL;
    h->replay_touched = NULL;
    h->replay_touched_arg = NULL;
    h->rules_dir = NULL;
    core = util_vec_push(&h->plugins);
    core->path = util_xstrdup("(built in)");
    core->desc = &core_plugin;
    register_core_rules(h);
}

void
host_free(host *h)
{
    size_t i;

    for (i = 0; i < h->plugins.len; i++) {
        host_plugin *p = util_vec_at(&h->plugins, i);

        if (p->handle)
            dlclose(p->handle);
        free(p->path);
    }
    for (i = 0; i < h->rulepacks.len; i++)
        cfg_free(*(cfg_node **) util_vec_at(&h->rulepacks, i));
    free(h->rules_dir);
    h->rules_dir = NULL;
    util_vec_free(&h->plugins);
    util_vec_free(&h->rules);
    util_vec_free(&h->rulepacks);
}
