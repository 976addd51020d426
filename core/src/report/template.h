/*
 * template.h — the small template language of the Markdown and HTML reports
 * (rules/report.md.tmpl, rules/report.html.tmpl), a subset of Mustache:
 *
 *   {{name}}            the value of name, escaped by the caller's function
 *   {{#name}}...{{/name}}  a section: once per element of an array (an
 *                       object element is the innermost scope; {{.}} is the
 *                       element itself), once for a true or non-empty value
 *                       (an object is then the innermost scope)
 *   {{^name}}...{{/name}}  once when name is missing, false, null, empty
 *   {{! comment }}      nothing
 *
 * Names are looked up from the innermost scope outward.  There is no
 * unescaped substitution: every value goes through esc.
 */
#ifndef PGR_TEMPLATE_H
#define PGR_TEMPLATE_H

#include <jansson.h>

#include "util.h"

/* Append s (UTF-8, sanitised by the caller) to out, escaped for the
 * output format. */
typedef void (*template_escape_fn)(util_buf *out, const char *s);

/*
 * Render tpl (a NUL-terminated template) with data (a JSON object) into out
 * (initialised by the caller).  Returns 0, or -1 with *err (caller frees)
 * naming the 1-based line of an unclosed tag or section, or a section
 * nested deeper than 32.
 */
int template_render(const char *tpl, const json_t *data, template_escape_fn esc, util_buf *out,
                    char **err);

#endif
