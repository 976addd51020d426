/*
 * dotenv.h — parser for environment files (.env, .env.*, *.env) in the
 * syntax of the dotenv family: comments, "export ", single, double and
 * backtick quotes, multi-line double-quoted values, ${VAR} references.
 */
#ifndef PGR_DOTENV_H
#define PGR_DOTENV_H

#include "util.h"

/* One KEY=value.  Offsets are bytes into the file text. */
typedef struct dotenv_entry {
    char *key;
    char *value;          /* unquoted; escapes processed in "..." */
    unsigned flags;       /* PGR_ENV_* */
    size_t key_offset;
    size_t key_len;
    size_t value_offset;  /* first byte of the value source, inside quotes */
    size_t value_len;     /* bytes of value source, without quotes */
} dotenv_entry;

/* A line we could not read, with the offset of the offending byte. */
typedef struct dotenv_error {
    size_t offset;
    char *message;
} dotenv_error;

typedef struct dotenv_file {
    util_vec entries;     /* of dotenv_entry */
    util_vec errors;      /* of dotenv_error */
} dotenv_file;

/* Parse text (len bytes).  Never fails; bad lines become errors and parsing
 * resumes on the next line.  Free with dotenv_free. */
void dotenv_parse(dotenv_file *df, const char *text, size_t len);
void dotenv_free(dotenv_file *df);

#endif
