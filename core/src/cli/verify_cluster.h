/*
 * verify_cluster.h — the throwaway PostgreSQL cluster pgrampart verify
 * starts when no --server is given (issue 18): initdb into a temporary
 * directory, a server listening on a Unix socket in that directory only,
 * stopped and removed at the end.
 */
#ifndef PGR_VERIFY_CLUSTER_H
#define PGR_VERIFY_CLUSTER_H

#include <stdbool.h>
#include <sys/types.h>

/* A running throwaway cluster.  Every string is owned by the struct. */
typedef struct verify_cluster {
    char *bindir;           /* the server binaries used (initdb, postgres) */
    char *dir;              /* the temporary directory: data/, the socket, log */
    char *conninfo;         /* libpq key=value to its postgres database */
    pid_t postmaster;       /* the server's process, or 0 */
    bool as_other_user;     /* run as another user (we are root) */
    uid_t uid;              /* that user's ids */
    gid_t gid;
    char *user;             /* that user's name, or NULL */
} verify_cluster;

/*
 * Start a throwaway cluster: the binaries of `pg_config --bindir`, else
 * the highest /usr/lib/postgresql/<major>/bin (Debian); initdb (trust,
 * superuser "pgrampart", no fsync) into a new directory under $TMPDIR or
 * /tmp; the server on a Unix socket in that directory only
 * (listen_addresses=''), waited for with PQping for up to 60 s.  As root
 * both run as server_user, or "postgres" when NULL (PostgreSQL refuses
 * root); otherwise server_user must be NULL or the invoking user.
 * Returns 0 with c filled (verify_cluster_stop it), or -1 with *err set
 * (caller frees) and nothing left behind.
 */
int verify_cluster_start(verify_cluster *c, const char *server_user, char **err);

/*
 * Stop the server (SIGINT: fast shutdown; SIGQUIT, then SIGKILL, when it
 * does not exit in 30 s), remove the directory and free c's strings.
 * Safe on a zeroed or half-started c.  Says on stderr what could not be
 * removed.
 */
void verify_cluster_stop(verify_cluster *c);

#endif
