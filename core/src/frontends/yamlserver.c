/*
 * yamlserver.c — see yamlserver.h.  libyaml loads the documents (aliases
 * stay references, so an alias bomb costs nothing: only fixed key paths are
 * followed, and each mapping or sequence found there is read once).
 * Parameter maps become settings directly; pg_hba list items and literal
 * block scalars (postgresql.conf, pg_hba.conf, pgbouncer.ini text) are
 * copied into one overlay per file kind, as long as the file and blank
 * elsewhere, which pgconf.c's own parsers read at the file's offsets.
 */
#include "frontends/yamlserver.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "frontends/pgconf.h"
#include "frontends/yamltpl.h"
#include "frontends/yamlserver_internal.h"
#include "util.h"

/* Deeper nesting than yamldoc.c reads is not loaded. */
#define YAMLSERVER_MAX_DEPTH 256

/* Helm values places of bitnami's postgresql and postgresql-ha charts. */
typedef struct helm_place {
    const char *path;          /* dotted key path */
    int kind;                  /* PGCONF_POSTGRESQL or PGCONF_HBA */
    bool subchart_only;        /* only under a postgresql: key (postgresql-ha's own) */
} helm_place;

static const helm_place helm_places[] = {
    { "primary.configuration", PGCONF_POSTGRESQL, false },
    { "primary.extendedConfiguration", PGCONF_POSTGRESQL, false },
    { "readReplicas.configuration", PGCONF_POSTGRESQL, false },
    { "readReplicas.extendedConfiguration", PGCONF_POSTGRESQL, false },
    { "postgresqlConfiguration", PGCONF_POSTGRESQL, false },
    { "postgresqlExtendedConf", PGCONF_POSTGRESQL, false },
    { "primary.pgHbaConfiguration", PGCONF_HBA, false },
    { "pgHbaConfiguration", PGCONF_HBA, false },
    { "configuration", PGCONF_POSTGRESQL, true },
    { "extendedConfiguration", PGCONF_POSTGRESQL, true },
};

/* libyaml marks count characters; locations count bytes. */
size_t
yserver_byte_offset(const yserver *s, const yaml_mark_t *mk)
{
    return util_lines_char_offset(&s->lines, s->text, mk->line, mk->column);
}

bool
yserver_scalar_equals(const yaml_node_t *n, const char *want)
{
    return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length == strlen(want) &&
        memcmp(n->data.scalar.value, want, n->data.scalar.length) == 0;
}

static bool
scalar_starts(const yaml_node_t *n, const char *prefix)
{
    return n && n->type == YAML_SCALAR_NODE && n->data.scalar.length >= strlen(prefix) &&
        memcmp(n->data.scalar.value, prefix, strlen(prefix)) == 0;
}

/* The value of key in map (the first, as most YAML readers keep), or NULL. */
yaml_node_t *
yserver_map_get(yaml_document_t *d, const yaml_node_t *map, const char *key, size_t key_len)
{
    yaml_node_pair_t *p;

    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return NULL;
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);

        if (k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == key_len &&
            memcmp(k->data.scalar.value, key, key_len) == 0)
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

/* The node at a dotted key path below n ("spec.postgresql.parameters"). */
static yaml_node_t *
path_get(yaml_document_t *d, yaml_node_t *n, const char *path)
{
    while (n && *path) {
        const char *dot = strchr(path, '.');
        size_t k = dot ? (size_t) (dot - path) : strlen(path);

        n = yserver_map_get(d, n, path, k);
        path += dot ? k + 1 : k;
    }
    return n;
}

/* Whether bytes [from, to) hold part of a template action. */
static bool
templated(const yserver *s, size_t from, size_t to)
{
    size_t i;

    for (i = from; s->mask && i < to && i < s->len; i++)
        if (s->mask[i])
            return true;
    return false;
}

/* Where a scalar's value starts: after the opening quote of a quoted one. */
size_t
yserver_content_offset(const yserver *s, const yaml_node_t *n)
{
    size_t off = yserver_byte_offset(s, &n->start_mark);
    yaml_scalar_style_t st = n->data.scalar.style;

    return off + (st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

/* A known value of a scalar node: NULL when it is not a scalar, is empty,
 * or is written with a template action (unknown until rendered; a quoted
 * "{{ .Values.x }}" is YAML as written). */
const char *
yserver_known_scalar(const yserver *s, const yaml_node_t *n)
{
    if (n == NULL || n->type != YAML_SCALAR_NODE || n->data.scalar.length == 0 ||
        strlen((const char *) n->data.scalar.value) != n->data.scalar.length ||
        strstr((const char *) n->data.scalar.value, "{{"))
        return NULL;
    if (templated(s, yserver_byte_offset(s, &n->start_mark), yserver_byte_offset(s, &n->end_mark)))
        return NULL;
    return (const char *) n->data.scalar.value;
}

/* YAML 1.1 booleans (what Patroni's and Helm's readers make of `ssl: off`)
 * as the server spells them in pg_settings. */
const char *
yserver_server_value(const char *v)
{
    if (strcasecmp(v, "off") == 0 || strcasecmp(v, "false") == 0 || strcasecmp(v, "no") == 0)
        return "off";
    if (strcasecmp(v, "on") == 0 || strcasecmp(v, "true") == 0 || strcasecmp(v, "yes") == 0)
        return "on";
    return v;
}

/* bitnami's old postgresqlConfiguration map spells names in camelCase and
 * its template snakecases them: sharedBuffers is shared_buffers. */
static char *
snake_case(const char *name)
{
    util_buf b;
    size_t i;

    util_buf_init(&b);
    for (i = 0; name[i]; i++) {
        char c = (char) tolower((unsigned char) name[i]);

        if (isupper((unsigned char) name[i]) && i > 0)
            util_buf_append(&b, "_", 1);
        util_buf_append(&b, &c, 1);
    }
    return b.data;
}

/* Each "name: value" of map as a setting prefix + name at the value. */
static void
put_parameters(yserver *s, yaml_document_t *d, const yaml_node_t *map, const char *prefix,
               bool camel)
{
    yaml_node_pair_t *p;

    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return;
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *key = yserver_known_scalar(s, yaml_document_get_node(d, p->key));
        yaml_node_t *v = yaml_document_get_node(d, p->value);
        const char *value = yserver_known_scalar(s, v);
        char *name, *full;
        uint32_t line, col;

        if (key == NULL || value == NULL)
            continue;
        name = camel ? snake_case(key) : util_xstrdup(key);
        full = util_xasprintf("%s%s", prefix, name);
        util_lines_pos(&s->lines, yserver_content_offset(s, v), &line, &col);
        pgconf_put_setting(s->m, s->path, line, col, full, yserver_server_value(value));
        free(full);
        free(name);
    }
}

/* The overlay of a pgconf kind, made on first use: newlines where the file
 * has them, spaces elsewhere. */
static char *
overlay(yserver *s, int kind)
{
    size_t i;

    if (s->overlay[kind - 1] == NULL) {
        char *o = util_xmalloc(s->len + 1);

        for (i = 0; i < s->len; i++)
            o[i] = s->text[i] == '\n' ? '\n' : ' ';
        o[s->len] = '\0';
        s->overlay[kind - 1] = o;
    }
    return s->overlay[kind - 1];
}

/* Each item of a pg_hba list ("host all all 10.0.0.0/8 scram-sha-256") as
 * a pg_hba.conf line at the item's own position.  An item whose value does
 * not fit its source span on one line (escapes, folding) is left out. */
static void
put_hba_list(yserver *s, yaml_document_t *d, const yaml_node_t *seq)
{
    yaml_node_item_t *it;

    if (seq == NULL || seq->type != YAML_SEQUENCE_NODE)
        return;
    for (it = seq->data.sequence.items.start; it < seq->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(d, *it);
        const char *value = yserver_known_scalar(s, n);
        size_t off, n_bytes;

        if (value == NULL || strchr(value, '\n'))
            continue;
        off = yserver_content_offset(s, n);
        n_bytes = strlen(value);
        if (off + n_bytes > yserver_byte_offset(s, &n->end_mark))
            continue;
        memcpy(overlay(s, PGCONF_HBA) + off, value, n_bytes);
    }
}

/* A literal block scalar (key: |) holding a file of kind: its content lines
 * copied into the kind's overlay where they are.  Other scalar styles fold
 * or unescape lines, so their text is not the file's. */
static void
put_block(yserver *s, const yaml_node_t *n, int kind)
{
    size_t from, to;

    if (n == NULL || n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_LITERAL_SCALAR_STYLE)
        return;
    from = yserver_byte_offset(s, &n->start_mark);
    to = yserver_byte_offset(s, &n->end_mark);
    /* The content starts on the line after the "|" indicator. */
    while (from < to && s->text[from] != '\n')
        from++;
    if (from < to)
        memcpy(overlay(s, kind) + from, s->text + from, to - from);
}

/* Where the model's absent settings are reported: a block that is a whole
 * pgbouncer.ini (its key). */
void
yserver_set_origin(yserver *s, const yaml_node_t *key)
{
    pgr_location at = { s->path, 0, 0, 0, 0, NULL };
    uint32_t line, col;

    util_lines_pos(&s->lines, yserver_byte_offset(s, &key->start_mark), &line, &col);
    at.line = at.end_line = line;
    at.column = at.end_column = col;
    model_set_origin(s->m, &at);
}

/* A ConfigMap's data or a Secret's stringData: keys naming a server file. */
static void
put_file_map(yserver *s, yaml_document_t *d, const yaml_node_t *map)
{
    yaml_node_pair_t *p;

    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return;
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        const char *name = yserver_known_scalar(s, k);
        int kind = name ? pgconf_kind_of(name) : 0;

        if (kind == 0)
            continue;
        put_block(s, yaml_document_get_node(d, p->value), kind);
        if (kind == PGCONF_PGBOUNCER)
            yserver_set_origin(s, k);
    }
}

/*
 * CrunchyData's pgBouncer settings (spec.proxy.pgBouncer.config.global).
 * The operator writes client_tls_sslmode = require and server_tls_sslmode =
 * verify-full into the pgbouncer.ini it renders unless global overrides
 * them (CrunchyData postgres-operator v5, internal/pgbouncer/config.go
 * clusterINI: "Require TLS encryption on client connections", and on
 * connections to PostgreSQL), so an absent one is that default, not
 * pgbouncer's own disable.
 */
static void
put_crunchy_pgbouncer(yserver *s, yaml_document_t *d, yaml_node_t *spec)
{
    static const char *const tls[][2] = { { "client_tls_sslmode", "require" },
                                          { "server_tls_sslmode", "verify-full" } };
    yaml_node_t *global = path_get(d, spec, "proxy.pgBouncer.config.global");
    uint32_t line, col;
    size_t k;

    if (path_get(d, spec, "proxy.pgBouncer") == NULL)
        return;
    put_parameters(s, d, global, "pgbouncer.", false);
    if (global == NULL)
        return;
    util_lines_pos(&s->lines, yserver_byte_offset(s, &global->start_mark), &line, &col);
    for (k = 0; k < 2; k++) {
        if (yserver_map_get(d, global, tls[k][0], strlen(tls[k][0])) == NULL) {
            char *name = util_xasprintf("pgbouncer.%s", tls[k][0]);

            pgconf_put_setting(s->m, s->path, line, col, name, tls[k][1]);
            free(name);
        }
    }
}

/* A Kubernetes resource: the operators' custom resources and ConfigMaps. */
static void
walk_resource(yserver *s, yaml_document_t *d, yaml_node_t *root, const yaml_node_t *kind)
{
    yaml_node_t *api = yserver_map_get(d, root, "apiVersion", 10), *spec = yserver_map_get(d, root, "spec", 4);

    if (yserver_scalar_equals(kind, "postgresql") && scalar_starts(api, "acid.zalan.do/")) {
        put_parameters(s, d, path_get(d, spec, "postgresql.parameters"), "", false);
        put_hba_list(s, d, path_get(d, spec, "patroni.pg_hba"));
    } else if (yserver_scalar_equals(kind, "PostgresCluster") &&
               scalar_starts(api, "postgres-operator.crunchydata.com/")) {
        yaml_node_t *dc = path_get(d, spec, "patroni.dynamicConfiguration.postgresql");

        put_parameters(s, d, path_get(d, dc, "parameters"), "", false);
        put_hba_list(s, d, path_get(d, dc, "pg_hba"));
        put_crunchy_pgbouncer(s, d, spec);
    } else if (yserver_scalar_equals(kind, "Cluster") && scalar_starts(api, "postgresql.cnpg.io/")) {
        put_parameters(s, d, path_get(d, spec, "postgresql.parameters"), "", false);
        put_hba_list(s, d, path_get(d, spec, "postgresql.pg_hba"));
    } else if (yserver_scalar_equals(kind, "ConfigMap")) {
        put_file_map(s, d, yserver_map_get(d, root, "data", 4));
    } else if (yserver_scalar_equals(kind, "Secret")) {
        /* data is base64: only stringData holds the file as written. */
        put_file_map(s, d, yserver_map_get(d, root, "stringData", 10));
    }
}

/* A Patroni configuration: postgresql: beside one of Patroni's own keys. */
static bool
is_patroni(yaml_document_t *d, const yaml_node_t *root)
{
    yaml_node_t *pg = yserver_map_get(d, root, "postgresql", 10);

    return pg && pg->type == YAML_MAPPING_NODE &&
        (yserver_map_get(d, root, "scope", 5) || yserver_map_get(d, root, "bootstrap", 9) ||
         yserver_map_get(d, root, "restapi", 7));
}

static void
walk_patroni(yserver *s, yaml_document_t *d, yaml_node_t *root)
{
    put_parameters(s, d, path_get(d, root, "postgresql.parameters"), "", false);
    put_hba_list(s, d, path_get(d, root, "postgresql.pg_hba"));
    put_parameters(s, d, path_get(d, root, "bootstrap.dcs.postgresql.parameters"), "", false);
    put_hba_list(s, d, path_get(d, root, "bootstrap.dcs.postgresql.pg_hba"));
    /* Older Patroni configurations (and its own postgres0.yml examples)
     * give the lines written after initdb here. */
    put_hba_list(s, d, path_get(d, root, "bootstrap.pg_hba"));
}

/* bitnami-style places below base (the values' top, or a postgresql:
 * subchart key): a block of file text, or a map of settings. */
static void
walk_helm_places(yserver *s, yaml_document_t *d, yaml_node_t *base, bool subchart)
{
    size_t i;

    for (i = 0; i < sizeof helm_places / sizeof helm_places[0]; i++) {
        const helm_place *hp = &helm_places[i];
        yaml_node_t *n;

        if (hp->subchart_only && !subchart)
            continue;
        n = path_get(d, base, hp->path);
        if (n && n->type == YAML_MAPPING_NODE && hp->kind == PGCONF_POSTGRESQL)
            put_parameters(s, d, n, "", true);
        else
            put_block(s, n, hp->kind);
    }
}

/*
 * A pgbouncer chart's values that it renders into [pgbouncer]: auth_type
 * and the TLS modes (camelCase too: authType).  A TLS mode these values
 * leave out is the chart's own choice, unknown here: it is put with an
 * empty value, which no rule reads as disabled.
 */
static void
put_helm_pgbouncer(yserver *s, yaml_document_t *d, const yaml_node_t *map)
{
    static const char *const keys[] = { "auth_type", "client_tls_sslmode", "server_tls_sslmode" };
    bool found[3] = { false, false, false }, any = false;
    yaml_node_pair_t *p;
    uint32_t line, col;
    size_t k;

    if (map == NULL || map->type != YAML_MAPPING_NODE)
        return;
    for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        const char *key = yserver_known_scalar(s, yaml_document_get_node(d, p->key));
        yaml_node_t *v = yaml_document_get_node(d, p->value);
        const char *value = yserver_known_scalar(s, v);
        char *name = key && value ? snake_case(key) : NULL;

        for (k = 0; name && k < 3; k++) {
            if (strcmp(name, keys[k]) == 0) {
                char *full = util_xasprintf("pgbouncer.%s", name);

                util_lines_pos(&s->lines, yserver_content_offset(s, v), &line, &col);
                pgconf_put_setting(s->m, s->path, line, col, full, value);
                free(full);
                found[k] = any = true;
            }
        }
        free(name);
    }
    util_lines_pos(&s->lines, yserver_byte_offset(s, &map->start_mark), &line, &col);
    for (k = 1; any && k < 3; k++) {
        char *full = util_xasprintf("pgbouncer.%s", keys[k]);

        if (!found[k])
            pgconf_put_setting(s->m, s->path, line, col, full, "");
        free(full);
    }
}

/* Whether map has a key only pgbouncer's [pgbouncer] section has: a
 * settings: map's auth_type: plain may be a mail server's. */
static bool
pgbouncer_like(yaml_document_t *d, const yaml_node_t *map)
{
    static const char *const keys[] = { "pool_mode", "admin_users", "auth_query", "auth_file" };
    size_t k;

    for (k = 0; k < sizeof keys / sizeof keys[0]; k++)
        if (yserver_map_get(d, map, keys[k], strlen(keys[k])))
            return true;
    return false;
}

/* Helm values places of pgbouncer charts: icoretech/pgbouncer's
 * config.pgbouncer, an application's pgbouncer: key, and pmint93/pgbouncer's
 * settings (when it looks like pgbouncer's). */
static void
walk_helm_pgbouncer(yserver *s, yaml_document_t *d, yaml_node_t *root)
{
    yaml_node_t *settings = yserver_map_get(d, root, "settings", 8);

    put_helm_pgbouncer(s, d, path_get(d, root, "config.pgbouncer"));
    put_helm_pgbouncer(s, d, yserver_map_get(d, root, "pgbouncer", 9));
    if (pgbouncer_like(d, settings))
        put_helm_pgbouncer(s, d, settings);
}

static void
walk_document(yserver *s, yaml_document_t *d)
{
    yaml_node_t *root = yaml_document_get_root_node(d), *kind, *services;

    if (root == NULL || root->type != YAML_MAPPING_NODE)
        return;
    kind = yserver_map_get(d, root, "kind", 4);
    services = yserver_map_get(d, root, "services", 8);
    if (kind) {
        walk_resource(s, d, root, kind);
    } else if (services && services->type == YAML_MAPPING_NODE) {
        yserver_walk_compose(s, d, services);
    } else if (is_patroni(d, root)) {
        walk_patroni(s, d, root);
    } else if (s->helm_values) {
        walk_helm_places(s, d, root, false);
        walk_helm_places(s, d, yserver_map_get(d, root, "postgresql", 10), true);
        walk_helm_pgbouncer(s, d, root);
        /* Charts that run Patroni (timescaledb-single) take its
         * configuration under patroni:. */
        walk_patroni(s, d, yserver_map_get(d, root, "patroni", 7));
    }
}

static void
free_documents(util_vec *docs)
{
    size_t i;

    for (i = 0; i < docs->len; i++)
        yaml_document_delete(util_vec_at(docs, i));
    docs->len = 0;
}

/*
 * Whether text parses with collections nested at most YAMLSERVER_MAX_DEPTH
 * deep.  libyaml's scanner rechecks every open simple key at each token, so
 * loading "[[[[..." a hundred thousand deep takes minutes; the events stop
 * at the limit (yamldoc.c reports such a file).
 */
static bool
shallow_yaml(const char *text, size_t len)
{
    yaml_parser_t p;
    yaml_event_t ev;
    int depth = 0;
    bool ok = true, done = false;

    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *) text, len);
    while (ok && !done) {
        if (!yaml_parser_parse(&p, &ev))
            break;
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT)
            ok = ++depth <= YAMLSERVER_MAX_DEPTH;
        else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT)
            depth--;
        done = ev.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return ok;
}

/* Load every document of text (len bytes) into docs (of yaml_document_t).
 * Returns false, docs empty, when libyaml refuses the text or it nests
 * too deep. */
static bool
load_documents(const char *text, size_t len, util_vec *docs)
{
    yaml_parser_t p;
    bool ok = true;

    if (!shallow_yaml(text, len))
        return false;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_string(&p, (const unsigned char *) text, len);
    for (;;) {
        yaml_document_t doc;

        memset(&doc, 0, sizeof doc);
        /* On failure libyaml frees what it loaded of the document. */
        if (!yaml_parser_load(&p, &doc)) {
            ok = false;
            break;
        }
        if (yaml_document_get_root_node(&doc) == NULL) {
            yaml_document_delete(&doc);
            break;
        }
        *(yaml_document_t *) util_vec_push(docs) = doc;
    }
    yaml_parser_delete(&p);
    if (!ok)
        free_documents(docs);
    return ok;
}

/* Whether text may hold a place yamlserver.h lists: most YAML files (CI
 * workflows, compose files) are not loaded a second time. */
static bool
may_hold_settings(const char *text, size_t len)
{
    static const char *const words[] = { "parameters", "hba", "onfiguration", "xtendedConf",
                                         "pgBouncer", "pgbouncer", "postgres", "auth_type",
                                         "authType", "tls_sslmode", "TlsSslmode" };
    size_t i;

    for (i = 0; i < sizeof words / sizeof words[0]; i++)
        if (memmem(text, len, words[i], strlen(words[i])))
            return true;
    return false;
}

/* Read s->text's documents into s->m, the embedded file text last. */
static void
read_documents(yserver *s, util_vec *docs)
{
    util_vec ignored;
    size_t i;
    int kind;

    util_lines_build(&s->lines, s->text, s->len);
    for (i = 0; i < docs->len; i++)
        walk_document(s, util_vec_at(docs, i));
    util_vec_init(&ignored, sizeof(pgconf_error));
    for (kind = PGCONF_POSTGRESQL; kind <= PGCONF_PGBOUNCER; kind++) {
        if (s->overlay[kind - 1])
            pgconf_parse_embedded(s->m, kind, s->path, s->overlay[kind - 1], s->len, &ignored);
        free(s->overlay[kind - 1]);
    }
    pgconf_errors_free(&ignored);
    util_lines_free(&s->lines);
}

/* A template (a chart's templates/) is YAML once its actions are blanked,
 * as comments or else as spaces; values written with an action are then
 * unknown (s->mask).  *blanked and *mask are what s->text and s->mask
 * point to then (caller frees), else NULL. */
static void
load_blanked(yserver *s, util_vec *docs, char **blanked, unsigned char **mask)
{
    int comments;

    for (comments = 1; comments >= 0; comments--) {
        *blanked = yamltpl_blank(s->text, s->len, comments, mask);
        if (*blanked == NULL)
            return;
        if (load_documents(*blanked, s->len, docs)) {
            s->text = *blanked;
            s->mask = *mask;
            return;
        }
        free(*blanked);
        free(*mask);
        *blanked = NULL;
        *mask = NULL;
    }
}

void
yamlserver_parse_model(const frontend_input *in, model *m, util_vec *errors)
{
    yserver s;
    util_vec docs;
    char *clean, *blanked = NULL;
    unsigned char *mask = NULL;

    (void) errors;
    if (!may_hold_settings(in->text, in->len))
        return;
    memset(&s, 0, sizeof s);
    s.path = in->path;
    s.m = m;
    s.len = in->len;
    s.helm_values = strstr(util_basename(in->path), "values") != NULL;
    /* libyaml refuses a file with one bad byte (core/invalid-utf8 reports
     * it): the rest is read with '?' in its place. */
    clean = util_utf8_replace_invalid(in->text, in->len);
    s.text = clean ? clean : in->text;
    util_vec_init(&docs, sizeof(yaml_document_t));
    if (!load_documents(s.text, s.len, &docs))
        load_blanked(&s, &docs, &blanked, &mask);
    read_documents(&s, &docs);
    free_documents(&docs);
    util_vec_free(&docs);
    free(blanked);
    free(mask);
    free(clean);
}
