/*
 * dotenv.h — parser for environment files (.env, .env.*, *.env) in the
 * syntax of the dotenv family: comments, "export ", single, double and
 * backtick quotes, multi-line double-quoted values, ${VAR} references.
 */
#ifndef PGR_DOTENV_H
#define PGR_DOTENV_H

#include "frontends/values.h"

/* Parse text (len bytes) into vf (initialised here; free with values_free).
 * Never fails; bad lines become errors and parsing resumes on the next
 * line. */
void dotenv_parse(values_file *vf, const char *text, size_t len);

#endif
