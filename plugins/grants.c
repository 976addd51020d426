/*
 * grants.c — unsafe grants, on the schema model (so a later REVOKE
 * clears a finding, and a live catalog can be checked the same way).
 *
 * grants/grant-to-public: any privilege granted to PUBLIC.
 * grants/grant-all-privileges: a grantee holding every privilege the
 * object kind has (GRANT ALL, or each one spelled out).
 */
#include <stdio.h>
#include <string.h>

#include "pgrampart/plugin.h"

static const pgr_host_api *api;

static const pgr_rule rules[] = {
    { "grants/grant-to-public", PGR_SEVERITY_ERROR,
      "A privilege is granted to PUBLIC: every role, including ones created later, gets it.",
      "Grant to a named application role instead, and REVOKE ... FROM PUBLIC.",
      "PostgreSQL docs 5.7 Privileges; CIS PostgreSQL Benchmark 4.x (least privilege)" },
    { "grants/grant-all-privileges", PGR_SEVERITY_WARNING,
      "A role holds ALL privileges on an object (including TRUNCATE, REFERENCES, TRIGGER).",
      "Grant only what the role needs, e.g. GRANT SELECT, INSERT, UPDATE, DELETE.",
      "PostgreSQL docs GRANT; checklist: \"webapp user cannot DROP/TRUNCATE tables\"" },
};

static const struct {
    unsigned bit;
    const char *name;
} privilege_names[] = {
    { PGR_ACL_SELECT, "SELECT" }, { PGR_ACL_INSERT, "INSERT" }, { PGR_ACL_UPDATE, "UPDATE" },
    { PGR_ACL_DELETE, "DELETE" }, { PGR_ACL_TRUNCATE, "TRUNCATE" },
    { PGR_ACL_REFERENCES, "REFERENCES" }, { PGR_ACL_TRIGGER, "TRIGGER" },
    { PGR_ACL_EXECUTE, "EXECUTE" }, { PGR_ACL_USAGE, "USAGE" }, { PGR_ACL_CREATE, "CREATE" },
    { PGR_ACL_CREATE_TEMP, "TEMPORARY" }, { PGR_ACL_CONNECT, "CONNECT" },
};

/* ACL_ALL_RIGHTS_* of PostgreSQL's utils/acl.h, by object kind. */
static unsigned
all_rights(char kind)
{
    switch (kind) {
    case 'r':
    case 'p':
    case 'v':
    case 'm':
        return PGR_ACL_INSERT | PGR_ACL_SELECT | PGR_ACL_UPDATE | PGR_ACL_DELETE |
            PGR_ACL_TRUNCATE | PGR_ACL_REFERENCES | PGR_ACL_TRIGGER;
    case 'S':
        return PGR_ACL_SELECT | PGR_ACL_UPDATE | PGR_ACL_USAGE;
    case 'n':
        return PGR_ACL_USAGE | PGR_ACL_CREATE;
    case 'd':
        return PGR_ACL_CREATE | PGR_ACL_CREATE_TEMP | PGR_ACL_CONNECT;
    case 'f':
        return PGR_ACL_EXECUTE;
    default:
        return PGR_ACL_USAGE;
    }
}

static const char *
kind_name(char kind)
{
    switch (kind) {
    case 'r':
    case 'p':
        return "table";
    case 'S':
        return "sequence";
    case 'f':
        return "function";
    case 'n':
        return "schema";
    case 'd':
        return "database";
    case 'T':
        return "type";
    case 'l':
        return "language";
    case 't':
        return "tablespace";
    default:
        return "object";
    }
}

static void
privilege_list(unsigned privs, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < sizeof privilege_names / sizeof privilege_names[0]; i++) {
        if (!(privs & privilege_names[i].bit))
            continue;
        used += (size_t) snprintf(buf + used, used < size ? size - used : 0, "%s%s",
                                  used ? ", " : "", privilege_names[i].name);
    }
}

static void
report(pgr_ctx *ctx, const char *rule, const pgr_acl_item *a, const char *msg)
{
    pgr_finding f;

    memset(&f, 0, sizeof f);
    f.rule_id = rule;
    f.location = a->location;
    f.message = msg;
    api->report(ctx, &f);
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;
    char privs[256], msg[768];

    for (i = 0; i < m->n_acl; i++) {
        const pgr_acl_item *a = &m->acl[i];
        unsigned all = all_rights(a->objkind);
        const char *what = a->all_in_schema ? "all tables in schema" : kind_name(a->objkind);

        privilege_list(a->privileges, privs, sizeof privs);
        if (strcmp(a->grantee, "PUBLIC") == 0) {
            snprintf(msg, sizeof msg, "%s on %s %s is granted to PUBLIC", privs, what, a->object);
            report(ctx, "grants/grant-to-public", a, msg);
        }
        /* ALL on a one-privilege kind (EXECUTE on a function) is just that
         * privilege: nothing excessive about it. */
        if ((a->privileges & all) == all && (all & (all - 1)) != 0) {
            snprintf(msg, sizeof msg, "%s holds ALL privileges (%s) on %s %s",
                     strcmp(a->grantee, "PUBLIC") == 0 ? "PUBLIC" : a->grantee, privs, what,
                     a->object);
            report(ctx, "grants/grant-all-privileges", a, msg);
        }
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "grants", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    NULL, NULL, NULL, on_model
};

PGR_PLUGIN_MAGIC(api, plugin)
