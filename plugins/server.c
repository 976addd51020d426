/*
 * server.c — how a live server is run: authentication (pg_hba.conf), role
 * and extension hygiene (its settings are the settings plugin's).  Reads the settings, pg_hba.conf rules and roles that
 * pgrampart audit puts in the model (pgr_model.is_live); extension-in-public
 * also runs on replayed migrations (CREATE EXTENSION without SCHEMA), and
 * the image-trust rules on env settings (value files).  The rules and their
 * docs are in rules[] below.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "pgrampart/plugin.h"
#include "compose.h"

static const pgr_host_api *api;

/* Each rule: id, severity, summary, hint (the fix), source, why, bad, good. */
static const pgr_rule rules[] = {
    { "auth/hba-trust", PGR_SEVERITY_ERROR,
      "A pg_hba.conf rule uses trust: anyone who reaches it logs in as any role, without a password.",
      "Use scram-sha-256 (or peer for local admin access).",
      "PostgreSQL docs 21.4 Trust Authentication; CIS PostgreSQL 3.1.x",
      "trust lets anyone who reaches the rule log in as any role, without a password.",
      "host all all 10.0.0.0/8 trust",
      "hostssl all all 10.0.0.0/8 scram-sha-256" },
    { "auth/hba-password", PGR_SEVERITY_ERROR,
      "A pg_hba.conf rule uses password: the password crosses the network in clear text.",
      "Use scram-sha-256.",
      "PostgreSQL docs 21.5 Password Authentication",
      "password sends the password in clear text.",
      "host all all 10.0.0.0/8 password",
      "hostssl all all 10.0.0.0/8 scram-sha-256" },
    { "auth/hba-md5", PGR_SEVERITY_WARNING,
      "A pg_hba.conf rule uses md5, which accepts MD5 hashes vulnerable to replay and cracking.",
      "Use scram-sha-256 once every role has a SCRAM password.",
      "PostgreSQL docs 21.5 Password Authentication",
      "MD5 password hashes can be replayed and cracked; SCRAM cannot be replayed.",
      "host all all 10.0.0.0/8 md5",
      "hostssl all all 10.0.0.0/8 scram-sha-256" },
    { "auth/hba-open-address", PGR_SEVERITY_ERROR,
      "A pg_hba.conf rule admits every address (0.0.0.0/0, ::/0, all).",
      "Restrict the address to the networks the application connects from.",
      "PostgreSQL docs 21.1 The pg_hba.conf File; CIS PostgreSQL 3.1.x",
      "An address of 0.0.0.0/0 exposes the server to the whole internet if the port is reachable.",
      "hostssl all all 0.0.0.0/0 scram-sha-256",
      "hostssl all all 10.20.0.0/16 scram-sha-256" },
    { "auth/md5-password-hashes", PGR_SEVERITY_WARNING,
      "A role's stored password hash is MD5.",
      "Reset the password with password_encryption = 'scram-sha-256'.",
      "PostgreSQL docs 21.5 Password Authentication",
      "Roles still holding MD5 hashes keep md5 authentication alive.",
      "rolpassword LIKE 'md5%'",
      "ALTER ROLE app_web PASSWORD '...';  (with password_encryption = scram-sha-256)" },
    { "roles/unlimited-connections", PGR_SEVERITY_WARNING,
      "A login role other than a superuser has no CONNECTION LIMIT: it can exhaust max_connections.",
      "ALTER ROLE <role> CONNECTION LIMIT <n>; sized to its pool.",
      "PostgreSQL docs CREATE ROLE (CONNECTION LIMIT)",
      "One runaway pool can take every connection slot, the superuser's reserved ones aside.",
      "CREATE ROLE app_web LOGIN;",
      "CREATE ROLE app_web LOGIN CONNECTION LIMIT 50;" },
    { "extensions/extension-in-public", PGR_SEVERITY_WARNING,
      "An extension is installed in schema public, where its objects mix with the application's.",
      "CREATE EXTENSION ... WITH SCHEMA extensions; (or ALTER EXTENSION ... SET SCHEMA).",
      "Supabase splinter extension_in_public",
      "Extension objects in public mix with the application's and are exposed through its grants.",
      "CREATE EXTENSION pgcrypto;",
      "CREATE SCHEMA extensions; CREATE EXTENSION pgcrypto WITH SCHEMA extensions;" },
    { "auth/image-trust", PGR_SEVERITY_ERROR,
      "A deployed manifest runs the postgres image with POSTGRES_HOST_AUTH_METHOD=trust.",
      "Remove it and give the image POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE from a secret).",
      "Docker official image postgres, POSTGRES_HOST_AUTH_METHOD; PostgreSQL docs 21.4 Trust "
      "Authentication",
      "The image writes \"host all all all trust\" into pg_hba.conf: anyone who reaches the port "
      "logs in as any role, the superuser included, without a password.",
      "env:\n  - name: POSTGRES_HOST_AUTH_METHOD\n    value: trust",
      "env:\n  - name: POSTGRES_PASSWORD_FILE\n    value: /run/secrets/pg_password" },
    { "auth/local-image-trust", PGR_SEVERITY_INFO,
      "A local compose file, CI service or dev container runs the postgres image with trust.",
      "Fine for a laptop's or a CI job's throwaway database; never copy it into a deployed manifest.",
      "Docker official image postgres, POSTGRES_HOST_AUTH_METHOD",
      "Every connection to that database is trusted; on a shared host that is anyone's database.",
      "docker-compose.yml: POSTGRES_HOST_AUTH_METHOD: trust",
      "docker-compose.yml: POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}" },
};

static void
check_hba(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;

    for (i = 0; i < m->n_hba; i++) {
        const pgr_hba_rule *h = &m->hba[i];
        const char *what = h->address ? h->address : "local connections";

        if (strcmp(h->auth_method, "trust") == 0) {
            pgr_reportf(api, ctx, "auth/hba-trust", &h->location,
                        "%s rule for %s uses trust: no password is asked", h->type, what);
        } else if (strcmp(h->auth_method, "password") == 0) {
            pgr_reportf(api, ctx, "auth/hba-password", &h->location,
                        "%s rule for %s sends passwords in clear text", h->type, what);
        } else if (strcmp(h->auth_method, "md5") == 0) {
            pgr_reportf(api, ctx, "auth/hba-md5", &h->location,
                        "%s rule for %s uses md5", h->type, what);
        }
        if (h->address && strcmp(h->auth_method, "reject") != 0 &&
            (strcmp(h->address, "all") == 0 || strcmp(h->address, "0.0.0.0") == 0 ||
             strcmp(h->address, "::") == 0) &&
            (h->netmask == NULL || strcmp(h->netmask, "0.0.0.0") == 0 || strcmp(h->netmask, "::") == 0)) {
            pgr_reportf(api, ctx, "auth/hba-open-address", &h->location,
                        "%s rule admits every address (%s)", h->type, h->auth_method);
        }
    }
}

static void
check_roles(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;

    for (i = 0; i < m->n_roles; i++) {
        const pgr_role *r = &m->roles[i];

        if (r->password_md5) {
            pgr_reportf(api, ctx, "auth/md5-password-hashes", &r->location,
                        "role %s has an MD5 password hash", r->name);
        }
        if (m->is_live && r->rolcanlogin && !r->rolsuper && !r->bootstrap && r->rolconnlimit < 0) {
            pgr_reportf(api, ctx, "roles/unlimited-connections", &r->location,
                        "login role %s has no connection limit", r->name);
        }
    }
}

static void
on_model(pgr_ctx *ctx, const pgr_model *m)
{
    size_t i;

    check_hba(ctx, m);
    check_roles(ctx, m);
    for (i = 0; i < m->n_objects; i++) {
        const pgr_object *o = &m->objects[i];

        if (o->kind != 'e' || strcmp(o->schema, "public") != 0)
            continue;
        pgr_reportf(api, ctx, "extensions/extension-in-public", &o->location,
                    "extension %s is installed in schema public", o->name);
    }
}

/* POSTGRES_HOST_AUTH_METHOD=trust, the official image's switch to trust
 * every connection, wherever an environment is written (env files, compose
 * and Kubernetes env, Helm values). */
static void
on_value_file(pgr_ctx *ctx, const pgr_value_file *f)
{
    size_t i;

    for (i = 0; i < f->n_values; i++) {
        const pgr_value *v = &f->values[i];
        pgr_location loc;

        if (v->key == NULL || strcmp(v->key, "POSTGRES_HOST_AUTH_METHOD") != 0 ||
            strcasecmp(v->value, "trust") != 0)
            continue;
        api->value_location(f, i, 0, 0, &loc);
        if (compose_local_runtime_file(f->path))
            pgr_reportf(api, ctx, "auth/local-image-trust", &loc,
                        "POSTGRES_HOST_AUTH_METHOD=trust: this local database trusts every "
                        "connection");
        else
            pgr_reportf(api, ctx, "auth/image-trust", &loc,
                        "POSTGRES_HOST_AUTH_METHOD=trust: the postgres image trusts every "
                        "connection, no password asked");
    }
}

static const pgr_plugin plugin = {
    PGR_ABI_VERSION, sizeof(pgr_plugin), "server", "1",
    sizeof rules / sizeof rules[0], rules, 0, NULL,
    NULL, on_value_file, NULL, on_model, NULL, NULL, NULL
};

PGR_PLUGIN_MAGIC(api, plugin)
