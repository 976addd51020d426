/*
 * api.c — host_api, the table of host functions every plugin receives at
 * init (pgrampart/plugin.h documents each entry), and the callbacks behind
 * it: reporting a finding under the calling plugin's rule and configured
 * severity, logging, reading the plugin's configuration section and rule-pack
 * lists, turning parse-tree offsets and value spans into file locations,
 * conninfo parsing with libpq, PCRE2 regular expressions, redacting a
 * secret, and the privileges ALL stands for per object kind (the model's
 * table, so plugins and the model cannot drift apart).  The table is
 * append-only from ABI 5: a new entry goes at its end.
 */
#include "host/host.h"

#include <ctype.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frontends/sql.h"
#include "frontends/values.h"
#include "host/dsn.h"
#include "host/host_internal.h"
#include "host/pqlib.h"
#include "model/model.h"

pgr_ctx
host_ctx(host *h, size_t plugin)
{
    pgr_ctx c;

    c.host = h;
    c.plugin = plugin;
    return c;
}

void
host_for_each_plugin(host *h, host_hook_fn call, void *arg)
{
    size_t i;

    for (i = 0; i < h->plugins.len; i++) {
        const host_plugin *p = util_vec_at(&h->plugins, i);
        pgr_ctx ctx = host_ctx(h, i);

        call(p->desc, &ctx, arg);
    }
}

static void
api_report_flags(pgr_ctx *ctx, const pgr_finding *f, unsigned flags)
{
    const host_rule *r = f && f->rule_id ? host_find_rule(ctx->host, f->rule_id) : NULL;
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);
    pgr_severity sev;

    if (r == NULL || r->plugin != ctx->plugin) {
        /* A plugin's strings may carry what it read from the checked tree:
         * masked and escaped like any other printed text. */
        char *msg = util_xasprintf("%s: reported unknown rule '%s'; finding dropped", p->path,
                                   f && f->rule_id ? f->rule_id : "(null)");

        diag_print_error(stderr, msg);
        free(msg);
        return;
    }
    /* Per-path overrides (.pgrampart.yml overrides:) may change the
     * rule's severity in some files, but not bring back a rule the command
     * line turned off. */
    sev = r->cli_off ? PGR_SEVERITY_OFF
                     : (pgr_severity) config_rule_severity(ctx->host->cfg, f->location.path,
                                                           r->rule->id, r->severity);
    if (sev == PGR_SEVERITY_OFF)
        return;
    diag_add(ctx->host->diags, f, sev, r->rule->hint);
    if (flags & PGR_REPORT_KEEP_SEVERITY)
        diag_last(ctx->host->diags)->keep_severity = true;
}

static void
api_report(pgr_ctx *ctx, const pgr_finding *f)
{
    api_report_flags(ctx, f, 0);
}

void
host_report_core(host *h, const char *rule_id, const pgr_location *loc, const char *message)
{
    pgr_ctx ctx = host_ctx(h, 0);
    pgr_finding f;

    memset(&f, 0, sizeof f);
    f.rule_id = rule_id;
    f.location = *loc;
    f.message = message;
    api_report(&ctx, &f);
}

static const char *
api_file_text(pgr_ctx *ctx, const char *path, size_t *len)
{
    host *h = ctx->host;

    *len = 0;
    if (h->file_text == NULL || path == NULL)
        return NULL;
    return h->file_text(h->file_text_arg, path, len);
}

static size_t
api_replay_touched(pgr_ctx *ctx, const pgr_model *model, char kind, const size_t **positions)
{
    host *h = ctx->host;

    *positions = NULL;
    if (h->replay_touched == NULL || model == NULL)
        return PGR_TOUCHED_UNKNOWN;
    return h->replay_touched(h->replay_touched_arg, model, kind, positions);
}

static void
api_replay_touched_only(pgr_ctx *ctx)
{
    host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);

    p->touched_only = true;
}

static const char *
api_path_role(pgr_ctx *ctx, const char *path)
{
    host *h = ctx->host;

    if (h->file_role == NULL || path == NULL)
        return "production";
    return h->file_role(h->file_text_arg, path);
}

static void
api_log(pgr_ctx *ctx, pgr_severity level, const char *message)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);

    char *msg = util_xasprintf("%s: %s: %s", p->desc->name, diag_severity_name(level),
                               message ? message : "(null)");

    /* A log line may quote the checked tree (a secret, a control sequence). */
    diag_print_error(stderr, msg);
    free(msg);
}

/* The node at a dotted key path below n (NULL when absent). */
static const cfg_node *
cfg_path(const cfg_node *n, const char *key)
{
    char part[256];

    while (n && key && *key) {
        size_t len = strcspn(key, ".");

        if (len >= sizeof part)
            return NULL;
        memcpy(part, key, len);
        part[len] = '\0';
        n = cfg_get(n, part);
        key += len;
        if (*key == '.')
            key++;
    }
    return n;
}

/* The node at a dotted key path inside the calling plugin's section. */
static const cfg_node *
plugin_value(pgr_ctx *ctx, const char *key)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);

    return cfg_path(cfg_get(ctx->host->cfg->root, p->desc->name), key);
}

/*
 * Item i of a list anywhere in the configuration, by its dotted path from
 * the root ("rls.application_roles"): one setting several plugins share.
 * NULL past the end or when the path is not a list of strings.
 */
static const char *
api_config_shared_list_item(pgr_ctx *ctx, const char *path, size_t i)
{
    const cfg_node *n = cfg_path(ctx->host->cfg->root, path);

    if (n == NULL || n->kind != CFG_SEQ || i >= n->n || n->items[i]->kind != CFG_SCALAR)
        return NULL;
    return n->items[i]->scalar;
}

static size_t
api_config_map_length(pgr_ctx *ctx, const char *key)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_MAP ? n->n / 2 : 0;
}

static const char *
api_config_map_key(pgr_ctx *ctx, const char *key, size_t i)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_MAP && 2 * i < n->n ? n->items[2 * i]->scalar : NULL;
}

static const char *
api_config_string(pgr_ctx *ctx, const char *key)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_SCALAR ? n->scalar : NULL;
}

static size_t
api_config_list_length(pgr_ctx *ctx, const char *key)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_SEQ ? n->n : 0;
}

static const char *
api_config_list_item(pgr_ctx *ctx, const char *key, size_t i)
{
    const cfg_node *n = plugin_value(ctx, key);

    return n && n->kind == CFG_SEQ && i < n->n ? n->items[i]->scalar : NULL;
}

/* Rule-pack lists of the calling plugin, concatenated over all packs (see
 * host_rulepack_list). */
static const cfg_node *
pack_list(pgr_ctx *ctx, const char *key, size_t *i)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);

    return host_rulepack_list(ctx->host, p->desc->name, key, i);
}

static size_t
api_rulepack_list_length(pgr_ctx *ctx, const char *key)
{
    size_t i = SIZE_MAX / 2, n;

    /* Subtracting each pack's length from a large index counts them all. */
    n = i;
    pack_list(ctx, key, &i);
    return n - i;
}

static const char *
api_rulepack_list_item(pgr_ctx *ctx, const char *key, size_t i)
{
    const cfg_node *l = pack_list(ctx, key, &i);

    return l ? l->items[i]->scalar : NULL;
}

static void
api_sql_location(const pgr_sql_statement *stmt, int64_t offset, size_t length, pgr_location *out)
{
    const host_stmt *hs = (const host_stmt *) stmt;
    size_t from, to;

    if (offset < 0) {
        *out = stmt->location;
        return;
    }
    from = hs->st->base + (size_t) offset;
    if (from > hs->file->len)
        from = hs->file->len;
    to = from + (length ? length - 1 : 0);
    if (to > hs->file->len)
        to = hs->file->len;
    memset(out, 0, sizeof *out);
    out->path = stmt->path;
    util_lines_pos(&hs->file->lines, from, &out->line, &out->column);
    util_lines_pos(&hs->file->lines, to, &out->end_line, &out->end_column);
}

static void
api_value_location(const pgr_value_file *file, size_t entry, size_t offset,
                   size_t length, pgr_location *out)
{
    const host_value_file *hf = (const host_value_file *) file;
    const values_entry *e;
    size_t from, to;

    memset(out, 0, sizeof *out);
    if (entry >= hf->vf->entries.len)
        return;
    e = util_vec_at(&hf->vf->entries, entry);
    /* A decoded value's bytes do not line up with its source: all of it. */
    if (e->flags & PGR_VALUE_DECODED)
        offset = length = 0;
    if (offset > e->value_len)
        offset = e->value_len;
    if (length == 0 || offset + length > e->value_len)
        length = e->value_len - offset;
    from = e->value_offset + offset;
    to = from + (length ? length - 1 : 0);
    out->path = file->path;
    util_lines_pos(hf->lines, from, &out->line, &out->column);
    util_lines_pos(hf->lines, to, &out->end_line, &out->end_column);
}

static bool
is_uri(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

static const char *
api_conninfo_value(const pgr_conninfo *ci, const char *keyword);

/*
 * Parse conninfo with PQconninfoParse, after dsn_to_libpq has rewritten
 * the dialects libpq refuses (a Prisma, pgx, JDBC, SQLAlchemy or Npgsql
 * string) into its own form.
 */
static pgr_conninfo *
api_conninfo_parse(const char *conninfo)
{
    static const char *const keys[] = { "host", "hostaddr", "port", "dbname", "user", NULL };
    char *errmsg = NULL, *rewritten;
    const char *text;
    PQconninfoOption *opts = NULL;
    bool uri;
    size_t i;

    if (conninfo == NULL)
        return NULL;
    rewritten = dsn_to_libpq(conninfo);
    text = rewritten ? rewritten : conninfo;
    uri = is_uri(text);
    if (uri || strchr(text, '=') != NULL)
        opts = pqlib_conninfo_parse(text, &errmsg);
    free(rewritten);
    if (errmsg)
        pqlib_freemem(errmsg);
    if (opts == NULL || uri)
        return (pgr_conninfo *) opts;
    for (i = 0; keys[i]; i++)
        if (api_conninfo_value((pgr_conninfo *) opts, keys[i]))
            return (pgr_conninfo *) opts;
    pqlib_conninfo_free(opts);
    return NULL;
}

/* Whether one host name or address is on this machine. */
static bool
host_is_local(const char *h, size_t n)
{
    if (n == 0 || h[0] == '/' || h[0] == '@')
        return true;
    if ((n == 9 && strncasecmp(h, "localhost", 9) == 0) || (n == 3 && strncmp(h, "::1", 3) == 0) ||
        (n == 5 && strncmp(h, "[::1]", 5) == 0))
        return true;
    return n >= 4 && strncmp(h, "127.", 4) == 0;
}

static int
api_conninfo_is_local(const pgr_conninfo *ci)
{
    static const char *const keys[] = { "host", "hostaddr" };
    size_t k;

    for (k = 0; k < 2; k++) {
        const char *v = api_conninfo_value(ci, keys[k]), *p = v;

        while (p && *p) {
            size_t n = strcspn(p, ",");

            if (!host_is_local(p, n))
                return 0;
            p += n;
            if (*p == ',')
                p++;
        }
    }
    return 1;
}

static int
api_conninfo_password_span(const char *s, size_t *offset, size_t *length)
{
    const char *p;

    /* every URI dialect, and Npgsql's Password= */
    if (dsn_uri_authority(s) > 0)
        return dsn_password_span(s, offset, length);
    if (dsn_password_span(s, offset, length))
        return 1;
    for (p = strstr(s, "password"); p; p = strstr(p + 1, "password")) {
        const char *v = p + 8;

        if (p > s && !isspace((unsigned char) p[-1]))
            continue;
        while (*v == ' ')
            v++;
        if (*v != '=')
            continue;
        v++;
        while (*v == ' ')
            v++;
        if (*v == '\'') {
            const char *q = v + 1;

            while (*q && *q != '\'')
                q += (*q == '\\' && q[1]) ? 2 : 1;
            *offset = (size_t) (v + 1 - s);
            *length = (size_t) (q - v - 1);
        } else {
            *offset = (size_t) (v - s);
            *length = strcspn(v, " \t");
        }
        return *length > 0;
    }
    return 0;
}

static const char *
api_conninfo_value(const pgr_conninfo *ci, const char *keyword)
{
    const PQconninfoOption *o;

    for (o = (const PQconninfoOption *) ci; o && o->keyword; o++)
        if (strcmp(o->keyword, keyword) == 0)
            return o->val;
    return NULL;
}

static void
api_conninfo_free(pgr_conninfo *ci)
{
    if (ci)
        pqlib_conninfo_free((PQconninfoOption *) ci);
}

static const char *
api_rulepack_item_field(pgr_ctx *ctx, const char *key, size_t i, const char *field)
{
    const cfg_node *l = pack_list(ctx, key, &i);
    const cfg_node *v = l ? cfg_get(l->items[i], field) : NULL;

    return v && v->kind == CFG_SCALAR ? v->scalar : NULL;
}

/*
 * Configuration nodes as plugins see them: a pgr_config_node is a cfg_node
 * (config.h), read-only.
 */
static const cfg_node *
as_cfg(const pgr_config_node *n)
{
    return (const cfg_node *) n;
}

static const pgr_config_node *
api_config_node(pgr_ctx *ctx, const char *key)
{
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);
    const cfg_node *sec = cfg_get(ctx->host->cfg->root, p->desc->name);

    return (const pgr_config_node *) (key ? cfg_get(sec, key) : sec);
}

static const pgr_config_node *
api_rulepack_node(pgr_ctx *ctx, size_t pack)
{
    static const cfg_node empty = { CFG_MAP, NULL, 0, 0, 0, NULL, NULL, NULL };
    const host_plugin *p = util_vec_at(&ctx->host->plugins, ctx->plugin);
    const cfg_node *root, *sec;

    if (pack >= ctx->host->rulepacks.len)
        return NULL;
    root = *(cfg_node **) util_vec_at(&ctx->host->rulepacks, pack);
    sec = cfg_get(root, p->desc->name);
    return (const pgr_config_node *) (sec ? sec : &empty);
}

static char
api_config_node_kind(const pgr_config_node *node)
{
    const cfg_node *n = as_cfg(node);

    if (n == NULL)
        return 0;
    return n->kind == CFG_SCALAR ? 's' : n->kind == CFG_SEQ ? 'l' : 'm';
}

static size_t
api_config_node_length(const pgr_config_node *node)
{
    const cfg_node *n = as_cfg(node);

    if (n == NULL || n->kind == CFG_SCALAR)
        return 0;
    return n->kind == CFG_MAP ? n->n / 2 : n->n;
}

static const char *
api_config_node_key(const pgr_config_node *node, size_t i)
{
    const cfg_node *n = as_cfg(node);

    return n && n->kind == CFG_MAP && i < n->n / 2 ? n->items[2 * i]->scalar : NULL;
}

static const pgr_config_node *
api_config_node_item(const pgr_config_node *node, size_t i)
{
    const cfg_node *n = as_cfg(node);

    if (n == NULL || n->kind == CFG_SCALAR)
        return NULL;
    if (n->kind == CFG_MAP)
        return i < n->n / 2 ? (const pgr_config_node *) n->items[2 * i + 1] : NULL;
    return i < n->n ? (const pgr_config_node *) n->items[i] : NULL;
}

static const char *
api_config_node_string(const pgr_config_node *node)
{
    const cfg_node *n = as_cfg(node);

    return n && n->kind == CFG_SCALAR ? n->scalar : NULL;
}

static void
api_config_node_location(const pgr_config_node *node, pgr_location *out)
{
    const cfg_node *n = as_cfg(node);

    memset(out, 0, sizeof *out);
    out->path = n && n->file ? n->file : ".pgrampart.yml";
    out->line = out->end_line = n ? n->line : 0;
    out->column = out->end_column = n ? n->column : 0;
}

struct pgr_regex {
    pcre2_code *code;
    pcre2_match_data *md;
    size_t interpreted;   /* subject bytes searched before the JIT compile */
    bool jit_tried;
};

/*
 * A pattern is JIT-compiled once the interpreter has searched this many
 * bytes with it.  JIT-compiling the secret patterns at start-up was a few
 * per cent of a check of one migration (issue 15, pre-commit latency),
 * where they search a few hundred bytes; a tree of real files passes the
 * threshold at once and runs on the JIT as before.  Matches are the same
 * either way.
 */
#define API_REGEX_JIT_AFTER (16u << 10)

static pgr_regex *
api_regex_compile(const char *pattern, char *err, size_t errsize)
{
    int code;
    PCRE2_SIZE off;
    pgr_regex *re;
    pcre2_code *c = pcre2_compile((PCRE2_SPTR) pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
                                  &code, &off, NULL);

    if (c == NULL) {
        PCRE2_UCHAR msg[256];

        pcre2_get_error_message(code, msg, sizeof msg);
        snprintf(err, errsize, "%s at offset %zu", (const char *) msg, (size_t) off);
        return NULL;
    }
    re = util_xcalloc(1, sizeof *re);
    re->code = c;
    re->md = pcre2_match_data_create_from_pattern(c, NULL);
    return re;
}

/*
 * Count len searched bytes against re; JIT-compile it past the threshold,
 * where the machine has a JIT (the interpreter otherwise).
 * PGRAMPART_NO_JIT=1 keeps to the interpreter: valgrind cannot follow
 * JIT-generated code and reports its reads as uninitialised.
 */
static void
api_regex_count(pgr_regex *re, size_t len)
{
    if (re->jit_tried)
        return;
    re->interpreted += len;
    if (re->interpreted < API_REGEX_JIT_AFTER)
        return;
    re->jit_tried = true;
    if (getenv("PGRAMPART_NO_JIT") == NULL)
        (void) pcre2_jit_compile(re->code, PCRE2_JIT_COMPLETE);
}

static int
api_regex_match(const pgr_regex *re, const char *text, size_t len, int group, size_t *start,
                size_t *length)
{
    PCRE2_SIZE *ov;
    int rc;

    if (re == NULL)
        return 0;
    /* The plugins hold it const; the host, which allocated it, counts. */
    api_regex_count((pgr_regex *) re, len);
    rc = pcre2_match(re->code, (PCRE2_SPTR) text, len, 0, 0, re->md, NULL);
    if (rc <= 0)
        return 0;
    ov = pcre2_get_ovector_pointer(re->md);
    if (group < 0 || group >= rc || ov[2 * group] == PCRE2_UNSET)
        group = 0;
    *start = ov[2 * group];
    *length = ov[2 * group + 1] - ov[2 * group];
    return 1;
}

static void
api_regex_free(pgr_regex *re)
{
    if (re == NULL)
        return;
    pcre2_match_data_free(re->md);
    pcre2_code_free(re->code);
    free(re);
}

static char *
api_redact(const char *secret, char *buf, size_t bufsize)
{
    size_t len = secret ? strlen(secret) : 0;
    /* Never show more than two bytes, and never half a UTF-8 character. */
    size_t keep = len < 8 ? 0 : 2;

    while (keep > 0 && ((unsigned char) secret[keep - 1] & 0x80))
        keep--;
    snprintf(buf, bufsize, "%.*s… (%zu bytes)", (int) keep, secret ? secret : "", len);
    return buf;
}

/*
 * The table, in pgrampart/plugin.h's order; from ABI 5 on, new entries go at
 * the end only (an older plugin's size check still accepts the host).
 */
const pgr_host_api host_api = {
    .abi_version = PGR_ABI_VERSION,
    .size = sizeof(pgr_host_api),
    .report = api_report,
    .log = api_log,
    .config_string = api_config_string,
    .config_list_length = api_config_list_length,
    .config_list_item = api_config_list_item,
    .config_map_length = api_config_map_length,
    .config_map_key = api_config_map_key,
    .rulepack_list_length = api_rulepack_list_length,
    .rulepack_list_item = api_rulepack_list_item,
    .node_tag = sql_node_tag,
    .node_child = sql_node_child,
    .node_list_length = sql_node_list_length,
    .node_list_item = sql_node_list_item,
    .node_string = sql_node_string,
    .node_int = sql_node_int,
    .node_walk = sql_node_walk,
    .sql_location = api_sql_location,
    .value_location = api_value_location,
    .conninfo_parse = api_conninfo_parse,
    .conninfo_value = api_conninfo_value,
    .conninfo_free = api_conninfo_free,
    .conninfo_is_local = api_conninfo_is_local,
    .conninfo_password_span = api_conninfo_password_span,
    .rulepack_item_field = api_rulepack_item_field,
    .regex_compile = api_regex_compile,
    .regex_match = api_regex_match,
    .regex_free = api_regex_free,
    .redact = api_redact,
    .all_privileges = model_all_privileges,
    .report_flags = api_report_flags,
    .file_text = api_file_text,
    .path_role = api_path_role,
    .config_shared_list_item = api_config_shared_list_item,
    .config_node = api_config_node,
    .rulepack_node = api_rulepack_node,
    .config_node_kind = api_config_node_kind,
    .config_node_length = api_config_node_length,
    .config_node_key = api_config_node_key,
    .config_node_item = api_config_node_item,
    .config_node_string = api_config_node_string,
    .config_node_location = api_config_node_location,
    .replay_touched = api_replay_touched,
    .replay_touched_only = api_replay_touched_only,
};
