/*
 * yamlcompose.c — server settings on a compose service's command line
 * (`command: postgres -c log_statement=all`, or the list form), for
 * yamlserver.c: when the command is postgres, or the image runs
 * PostgreSQL's own entrypoint, its -c name=value, -cname=value and
 * --name=value options become settings at their values.
 */
#include "frontends/yamlserver_internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "frontends/pgconf.h"

/* One word of a command line: its text and the byte offset in the file
 * where its first byte is written. */
typedef struct cmd_word {
    char *text;
    size_t offset;
    bool exact;       /* offset + k is where byte k of text is written */
} cmd_word;

/*
 * Whether a compose image runs PostgreSQL's own entrypoint, which passes a
 * command's -c options to the server: the official image and those built
 * on it.  bitnami's image takes its flags from the environment instead.
 */
static bool
postgres_image(const char *image)
{
    static const char *const repos[] = { "postgres", "library/postgres", "postgis/postgis",
                                         "timescale/timescaledb", "timescale/timescaledb-ha",
                                         "pgvector/pgvector", "ankane/pgvector", "supabase/postgres",
                                         NULL };
    const char *slash = strchr(image, '/'), *colon;
    size_t i, n;

    /* A registry host ("docker.io/", "ghcr.io:443/") is not part of the
     * repository's name. */
    if (slash && (memchr(image, '.', (size_t) (slash - image)) || memchr(image, ':', (size_t) (slash - image))))
        image = slash + 1;
    colon = strpbrk(image, ":@");
    n = colon ? (size_t) (colon - image) : strlen(image);
    for (i = 0; repos[i]; i++)
        if (strlen(repos[i]) == n && strncmp(image, repos[i], n) == 0)
            return true;
    return false;
}

/* Split a command string as compose does (shell words: blanks separate,
 * '...' and "..." quote) into words; offsets are exact when the scalar is
 * written as it reads (plain, or quoted without escapes), else the
 * scalar's start. */
static void
split_command(const yserver *s, const yaml_node_t *n, util_vec *words)
{
    const char *v = (const char *) n->data.scalar.value;
    size_t base = yserver_content_offset(s, n), end = yserver_byte_offset(s, &n->end_mark), i = 0;
    bool exact = n->data.scalar.style != YAML_LITERAL_SCALAR_STYLE &&
        n->data.scalar.style != YAML_FOLDED_SCALAR_STYLE && base + n->data.scalar.length <= end &&
        memcmp(s->text + base, v, n->data.scalar.length) == 0;

    while (v[i]) {
        util_buf b;
        size_t start;
        char quote = 0;
        cmd_word *cw;

        while (v[i] == ' ' || v[i] == '\t' || v[i] == '\n')
            i++;
        if (!v[i])
            break;
        start = i;
        util_buf_init(&b);
        for (; v[i] && (quote || (v[i] != ' ' && v[i] != '\t' && v[i] != '\n')); i++) {
            if (!quote && (v[i] == '\'' || v[i] == '"'))
                quote = v[i];
            else if (quote && v[i] == quote)
                quote = 0;
            else
                util_buf_append(&b, &v[i], 1);
        }
        cw = util_vec_push(words);
        cw->text = b.data ? b.data : util_xstrdup("");
        /* Quotes move a word's bytes: exact when it has none, or when the
         * whole word is one quoted string ('log_statement=all'). */
        if (exact && strlen(cw->text) == i - start) {
            cw->exact = true;
            cw->offset = base + start;
        } else if (exact && strlen(cw->text) + 2 == i - start && v[start] == v[i - 1] &&
                   (v[start] == '\'' || v[start] == '"')) {
            cw->exact = true;
            cw->offset = base + start + 1;
        } else {
            cw->exact = false;
            cw->offset = base;
        }
    }
}

/* The words of a service's command: a string split, or a sequence's
 * scalars (each at its own place).  false when a word is unknown (a
 * template). */
static bool
command_words(const yserver *s, yaml_document_t *d, const yaml_node_t *cmd, util_vec *words)
{
    yaml_node_item_t *it;

    if (cmd->type == YAML_SCALAR_NODE) {
        if (yserver_known_scalar(s, cmd) == NULL)
            return false;
        split_command(s, cmd, words);
        return true;
    }
    if (cmd->type != YAML_SEQUENCE_NODE)
        return false;
    for (it = cmd->data.sequence.items.start; it < cmd->data.sequence.items.top; it++) {
        yaml_node_t *n = yaml_document_get_node(d, *it);
        const char *w = yserver_known_scalar(s, n);
        cmd_word *cw;

        if (w == NULL)
            return false;
        cw = util_vec_push(words);
        cw->text = util_xstrdup(w);
        cw->offset = yserver_content_offset(s, n);
        cw->exact = n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE ||
            n->data.scalar.style == YAML_SINGLE_QUOTED_SCALAR_STYLE ||
            n->data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    }
    return true;
}

/* Whether name is a setting's name (letters, digits, '_' and the '.' of
 * an extension's): not the --flag of another program. */
static bool
setting_name(const char *name, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!isalnum((unsigned char) name[i]) && name[i] != '_' && name[i] != '.')
            return false;
    return n > 0 && isalpha((unsigned char) name[0]);
}

/* postgres -c name=value, -cname=value and --name=value as settings at
 * their values (at the word, when its bytes are not where it is written). */
static void
put_command_options(yserver *s, const util_vec *words)
{
    size_t i;

    for (i = 0; i < words->len; i++) {
        const cmd_word *w = util_vec_at(words, i);
        const char *opt = NULL, *eq;
        uint32_t line, col;
        char *name;

        if (strcmp(w->text, "-c") == 0 && i + 1 < words->len) {
            w = util_vec_at(words, ++i);
            opt = w->text;
        } else if (strncmp(w->text, "-c", 2) == 0 && w->text[2] != '\0') {
            opt = w->text + 2;
        } else if (strncmp(w->text, "--", 2) == 0) {
            opt = w->text + 2;
        }
        if (opt == NULL || (eq = strchr(opt, '=')) == NULL || !setting_name(opt, (size_t) (eq - opt)))
            continue;
        name = util_xstrndup(opt, (size_t) (eq - opt));
        util_lines_pos(&s->lines, w->offset + (w->exact ? (size_t) (eq + 1 - w->text) : 0), &line, &col);
        pgconf_put_setting(s->m, s->path, line, col, name, yserver_server_value(eq + 1));
        free(name);
    }
}

/*
 * A compose file's services: the options a PostgreSQL service's command
 * gives the server (`command: postgres -c log_statement=all`, or the
 * sequence form).  A command whose first word is postgres counts whatever
 * the image; otherwise the image must run PostgreSQL's entrypoint.
 */
void
yserver_walk_compose(yserver *s, yaml_document_t *d, const yaml_node_t *services)
{
    yaml_node_pair_t *p;

    for (p = services->data.mapping.pairs.start; p < services->data.mapping.pairs.top; p++) {
        yaml_node_t *svc = yaml_document_get_node(d, p->value);
        yaml_node_t *cmd = yserver_map_get(d, svc, "command", 7);
        const char *image = yserver_known_scalar(s, yserver_map_get(d, svc, "image", 5));
        util_vec words;
        size_t i;

        if (cmd == NULL)
            continue;
        util_vec_init(&words, sizeof(cmd_word));
        if (command_words(s, d, cmd, &words) && words.len > 0 &&
            ((image && postgres_image(image)) ||
             strcmp(util_basename(((cmd_word *) util_vec_at(&words, 0))->text), "postgres") == 0)) {
            yaml_node_pair_t *q;

            for (q = svc->data.mapping.pairs.start; q < svc->data.mapping.pairs.top; q++)
                if (yserver_scalar_equals(yaml_document_get_node(d, q->key), "command"))
                    yserver_set_origin(s, yaml_document_get_node(d, q->key));
            put_command_options(s, &words);
        }
        for (i = 0; i < words.len; i++)
            free(((cmd_word *) util_vec_at(&words, i))->text);
        util_vec_free(&words);
    }
}

