/*
 * values.c — see values.h.
 */
#include "frontends/values.h"

#include <stdlib.h>

char *
values_key_path(const char *parent, const char *key)
{
    if (*key == '\0')
        return util_xstrdup(parent ? parent : "");
    return parent && *parent ? util_xasprintf("%s.%s", parent, key) : util_xstrdup(key);
}

void
values_init(values_file *vf)
{
    util_vec_init(&vf->entries, sizeof(values_entry));
    util_vec_init(&vf->errors, sizeof(values_error));
}

void
values_add(values_file *vf, const values_entry *e)
{
    values_entry *n = util_vec_push(&vf->entries);

    *n = *e;
    if (n->key == NULL)
        n->key = util_xstrdup("");
    if (n->value == NULL)
        n->value = util_xstrdup("");
}

void
values_add_error(values_file *vf, const char *rule, size_t offset, const char *message)
{
    values_error *e = util_vec_push(&vf->errors);

    e->rule = rule;
    e->offset = offset;
    e->message = util_xstrdup(message);
}

void
values_move(values_file *dst, values_file *src)
{
    size_t i;

    for (i = 0; i < src->entries.len; i++)
        *(values_entry *) util_vec_push(&dst->entries) = *(values_entry *) util_vec_at(&src->entries, i);
    for (i = 0; i < src->errors.len; i++)
        *(values_error *) util_vec_push(&dst->errors) = *(values_error *) util_vec_at(&src->errors, i);
    util_vec_free(&src->entries);
    util_vec_free(&src->errors);
}

void
values_free(values_file *vf)
{
    size_t i;

    for (i = 0; i < vf->entries.len; i++) {
        values_entry *e = util_vec_at(&vf->entries, i);

        free(e->key);
        free(e->key_path);
        free(e->value);
    }
    for (i = 0; i < vf->errors.len; i++)
        free(((values_error *) util_vec_at(&vf->errors, i))->message);
    util_vec_free(&vf->entries);
    util_vec_free(&vf->errors);
}

const char *
values_format_name(pgr_value_format format)
{
    /* Indexed by pgr_value_format; a new format adds its name here. */
    static const char *const names[] = {
        [PGR_FORMAT_DOTENV] = "dotenv",
        [PGR_FORMAT_YAML] = "yaml",
        [PGR_FORMAT_SHELL] = "shell",
        [PGR_FORMAT_JAVASCRIPT] = "javascript",
    };

    if ((size_t) format < sizeof names / sizeof names[0] && names[format])
        return names[format];
    return "unknown";
}
