/*
 * yamldoc.h — the YAML front-end (libyaml): compose files, Kubernetes
 * manifests, GitHub Actions and GitLab CI workflows.  Every scalar becomes a
 * setting with its key, dotted key path and byte span:
 *  - mapping values under their key ("services.db.environment.PGPASSWORD");
 *  - "KEY=value" items of a sequence (compose's environment list) under KEY;
 *  - {name: K, value: V} items (Kubernetes and many CI env lists) under K;
 *  - values of a Kubernetes Secret's data map, base64-decoded
 *    (PGR_VALUE_DECODED), and of its stringData map as they are;
 *  - other sequence items under the key of their sequence.
 * Anchors and aliases are resolved (merge keys "<<" add no path component);
 * a scalar reached again through an alias under the same key is not repeated.
 */
#ifndef PGR_YAMLDOC_H
#define PGR_YAMLDOC_H

#include "frontends/values.h"

/*
 * Parse text (len bytes) into vf (initialised here; free with values_free).
 * Never fails as a whole: what was read before a syntax error is kept.
 * Problems become vf->errors under "yaml/syntax-error" (libyaml refused the
 * text, an undefined alias, nesting deeper than 256 levels) or
 * "yaml/alias-bomb".
 *
 * Alias expansion is bounded: walking the documents may visit at most
 * 10 nodes per node parsed plus 10,000 (so a billion-laughs file costs
 * milliseconds, and ordinary merge keys stay far below the bound); past it
 * the walk stops with "yaml/alias-bomb" at the alias that crossed it.
 *
 * The shell of CI steps (GitHub Actions' run:, GitLab CI's script:,
 * before_script:, after_script:) is not a setting: *shell_overlay receives
 * a copy of the file as long as it, blank (newlines kept) except for those
 * scalars' source, for the shell front-end to read at the file's own
 * positions (caller frees; NULL when there is none).
 */
void yamldoc_parse(values_file *vf, char **shell_overlay, const char *text, size_t len);

/* Whether a file name is one the YAML front-end reads (*.yml, *.yaml; not
 * pgrampart's own .pgrampart.yml). */
int yamldoc_kind_of(const char *path);

#endif
