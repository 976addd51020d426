/*
 * values.h — the settings a text front-end finds in a file: KEY=value lines
 * of an env file, scalars of a YAML document, assignments and arguments of a
 * shell script, literals of JavaScript/TypeScript code.  The secrets and ssl
 * rules read every format through this one shape (pgr_value_file).
 */
#ifndef PGR_VALUES_H
#define PGR_VALUES_H

#include "pgrampart/plugin.h"
#include "util.h"

/*
 * One setting.  Offsets are bytes into the file text; value_offset and
 * value_len span the value's source without its quotes (for a value decoded
 * from escapes or base64, the source it came from).
 */
typedef struct values_entry {
    char *key;            /* the setting's own name ("" for a bare literal) */
    char *key_path;       /* where it sits ("services.db.environment.PGPASSWORD"); NULL: key */
    char *value;          /* unquoted, unescaped */
    unsigned flags;       /* PGR_VALUE_* */
    size_t key_offset;
    size_t key_len;       /* 0: the value has no key of its own */
    size_t value_offset;
    size_t value_len;
} values_entry;

/* Something a front-end could not read: the core rule it is reported under
 * ("env/syntax-error", "yaml/alias-bomb", ...; static text), the offset of
 * the offending byte and a message. */
typedef struct values_error {
    const char *rule;
    size_t offset;
    char *message;
} values_error;

typedef struct values_file {
    util_vec entries;     /* of values_entry */
    util_vec errors;      /* of values_error */
} values_file;

/* The key path of key inside parent: "parent.key", key alone at the top
 * (parent NULL or ""), parent alone for a value without a key ("").
 * Caller frees. */
char *values_key_path(const char *parent, const char *key);

/* Start an empty file. */
void values_init(values_file *vf);

/* Append a copy of e; key, key_path and value are taken over (must be
 * heap strings or NULL; a NULL key or value becomes ""). */
void values_add(values_file *vf, const values_entry *e);

/* Append an error of rule (static) at byte offset; message is copied. */
void values_add_error(values_file *vf, const char *rule, size_t offset, const char *message);

/* Move every entry and error of src to the end of dst; src is left empty
 * (and freed: no need to values_free it). */
void values_move(values_file *dst, values_file *src);

void values_free(values_file *vf);

/*
 * The name plugins see as pgr_value_file.format_name ("dotenv", "yaml",
 * "shell", "javascript"; a rule pack's "formats" lists use them): static
 * text, never NULL ("unknown" for a value outside the enum).
 */
const char *values_format_name(pgr_value_format format);

#endif
