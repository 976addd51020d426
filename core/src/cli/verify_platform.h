/*
 * verify_platform.h — the platforms whose migration sets assume what the
 * platform created first (rules/platforms.yml: a Supabase project's roles,
 * auth and storage schemas): verify runs the platform's prelude on its
 * scratch database before the set (issue 18).
 */
#ifndef PGR_VERIFY_PLATFORM_H
#define PGR_VERIFY_PLATFORM_H

#include <libpq-fe.h>

#include "host/host.h"

/*
 * When the directory root (a migration set's) ends with a platform's path
 * (whole segments), run its prelude on conn as one simple query and set
 * *name to the platform's name (a string of h's rule packs).  Returns 0
 * when no platform matches, 1 when its prelude ran, -1 when it failed,
 * *error then PostgreSQL's message (one line; caller frees).
 */
int verify_platform_prelude(const host *h, PGconn *conn, const char *root, const char **name,
                            char **error);

#endif
