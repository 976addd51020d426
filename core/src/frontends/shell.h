/*
 * shell.h — the shell front-end (tree-sitter-bash): deploy scripts, CI
 * steps, backup jobs.
 *
 * Settings found:
 *  - assignments and exports (KEY=value, export KEY=value, local/declare),
 *    including the prefixes of a command (PGPASSWORD=... psql);
 *  - ${VAR:-default} fallbacks, under the assignment's name (or VAR) with
 *    PGR_VALUE_FALLBACK;
 *  - arguments of the PostgreSQL client programs (psql, pg_dump,
 *    pg_restore, pg_basebackup, createdb, ...), also when a wrapper runs
 *    them (sudo, env NAME=value ..., docker/podman exec or run, kubectl
 *    exec --; env's assignments are settings too): connection strings
 *    (positional, -d/--dbname) under the program's name, -h/--host under
 *    "host", all with PGR_VALUE_ARGUMENT; postgres:// URLs given to any
 *    other command.
 *
 * SQL found: the body of a here-document fed to psql and the argument of
 * psql -c/--command, as an overlay: a copy of the script as long as it,
 * blank (newlines kept) except for those SQL pieces, each closed by a ';'
 * written over the byte after it.  Parsing the overlay as a SQL file gives
 * statements whose offsets, lines and columns are the script's own.  Shell
 * expansions inside them ($VAR, ${...}, $(...)) become '_' runs of the same
 * length, as the shell would replace them before psql sees the text.
 */
#ifndef PGR_SHELL_H
#define PGR_SHELL_H

#include "frontends/values.h"

/*
 * Parse the script text (len bytes) into vf (initialised here; free with
 * values_free).  *sql_overlay receives the SQL overlay (len bytes, caller
 * frees), or NULL when the script hands psql no SQL.  A part tree-sitter
 * cannot parse is skipped with a "shell/syntax-error" error in vf.
 */
void shell_parse(values_file *vf, char **sql_overlay, const char *text, size_t len);

/* Whether a file name is a shell script the front-end reads (.sh, .bash). */
int shell_kind_of(const char *path);

#endif
