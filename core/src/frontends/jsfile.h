/*
 * jsfile.h — the JavaScript/TypeScript front-end (tree-sitter-javascript,
 * tree-sitter-typescript): application code that opens database
 * connections (pg's new Pool/new Client, postgres(), new PrismaClient,
 * knex and Sequelize configs) and holds secrets.
 *
 * Settings found:
 *  - object properties with a literal value (string, template without
 *    substitutions kept verbatim, true/false as PGR_VALUE_BOOLEAN), under
 *    their key, with a key path through the enclosing objects and the
 *    constructor or function they are passed to ("Pool.ssl.rejectUnauthorized");
 *  - variable declarations and assignments of literals, under the variable
 *    or property name;
 *  - fallbacks process.env.X || 'literal' (and ??) under X, with
 *    PGR_VALUE_FALLBACK;
 *  - every other string literal under "" (for known secret formats and
 *    connection URLs); one passed directly to a call or constructor has the
 *    callee's name as its key path ("postgres", "Sequelize"; a Sequelize
 *    constructor's third argument is its "password").
 * Comments are never read: a URL in a comment is not a connection.
 */
#ifndef PGR_JSFILE_H
#define PGR_JSFILE_H

#include "frontends/values.h"

/*
 * Parse text (len bytes) of the file named path (its extension picks the
 * grammar: .ts/.mts/.cts TypeScript, .tsx TSX, else JavaScript with JSX)
 * into vf (initialised here; free with values_free).  A part tree-sitter
 * cannot parse is skipped, with one "js/syntax-error" error in vf.
 */
void jsfile_parse(values_file *vf, const char *path, const char *text, size_t len);

/* Whether a file name is one the front-end reads: .js .mjs .cjs .jsx .ts
 * .mts .cts .tsx, not minified bundles (.min.js) or declarations (.d.ts). */
int jsfile_kind_of(const char *path);

#endif
