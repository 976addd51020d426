/*
 * verify_cluster.c — the throwaway PostgreSQL cluster of pgrampart verify
 * without --server (issue 18, second slice).
 *
 * Nothing is run through a shell: pg_config, initdb and postgres are
 * exec'd with fixed argument vectors.  The server is started directly
 * (not through pg_ctl) as our child in a session of its own, so that a
 * Ctrl-C on the terminal reaches verify, which finishes the migration
 * under way and then stops the server itself; it listens on a Unix socket
 * in the cluster's private directory only (listen_addresses=''), so no
 * port of the machine is taken and no other user can connect.
 *
 * PostgreSQL refuses to run as root (postgres and initdb exit with "cannot
 * be run as root"), and CI containers often run as root: then the child
 * drops to an unprivileged user (initgroups, setgid, setuid) before exec,
 * and the directory is chowned to it.  Root's own libpq connections still
 * reach the socket (root may enter any directory).
 *
 * PostgreSQL docs 19.3 (Starting the Database Server), 19.5 (Shutting
 * Down the Server: SIGINT is fast shutdown, SIGQUIT immediate), initdb,
 * postgres; 34.1 PQping.
 */
#include "cli/verify_cluster.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include "host/pqlib.h"
#include "util.h"

/* The socket's port: the directory is ours alone, so any port is free. */
#define CLUSTER_PORT "5432"
/* How long the server may take to accept connections, in 100 ms steps. */
#define START_WAIT_STEPS 600
/* How long a fast shutdown may take before SIGQUIT, in 100 ms steps. */
#define STOP_WAIT_STEPS 300

static void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static bool
is_executable(const char *dir, const char *name)
{
    char *path = util_xasprintf("%s/%s", dir, name);
    bool ok = access(path, X_OK) == 0;

    free(path);
    return ok;
}

/* Whether dir holds the server binaries verify runs. */
static bool
has_server(const char *dir)
{
    return is_executable(dir, "initdb") && is_executable(dir, "postgres");
}

/* The first line `pg_config --bindir` prints, or NULL (no pg_config on
 * PATH, or it failed); caller frees. */
static char *
pg_config_bindir(void)
{
    char buf[4096];
    size_t len = 0;
    ssize_t got;
    int fds[2], status;
    pid_t pid;

    if (pipe(fds) != 0)
        return NULL;
    if ((pid = fork()) < 0) {
        close(fds[0]);
        close(fds[1]);
        return NULL;
    }
    if (pid == 0) {
        char *const argv[] = { "pg_config", "--bindir", NULL };
        int null = open("/dev/null", O_WRONLY);

        dup2(fds[1], STDOUT_FILENO);
        if (null >= 0)
            dup2(null, STDERR_FILENO);
        close(fds[0]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fds[1]);
    while (len < sizeof buf - 1 && (got = read(fds[0], buf + len, sizeof buf - 1 - len)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        len += (size_t) got;
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    buf[len] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || buf[0] != '/')
        return NULL;
    return util_xstrdup(buf);
}

/* The highest /usr/lib/postgresql/<major>/bin with the server binaries
 * (Debian and Ubuntu install majors side by side there), or NULL. */
static char *
debian_bindir(void)
{
    DIR *d = opendir("/usr/lib/postgresql");
    struct dirent *de;
    char *best = NULL;
    double best_major = -1;

    if (d == NULL)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        char *end, *bin;
        double major = strtod(de->d_name, &end);

        /* Majors are "15" or, before 10, "9.6". */
        if (end == de->d_name || *end != '\0' || major <= best_major)
            continue;
        bin = util_xasprintf("/usr/lib/postgresql/%s/bin", de->d_name);
        if (has_server(bin)) {
            free(best);
            best = bin;
            best_major = major;
        } else {
            free(bin);
        }
    }
    closedir(d);
    return best;
}

/* Where initdb and postgres are: pg_config's bindir when it has them
 * (pg_config may come with a libpq newer than the installed server),
 * else Debian's layout.  Returns a malloc'd directory or NULL. */
static char *
find_bindir(void)
{
    char *dir = pg_config_bindir();

    if (dir && has_server(dir))
        return dir;
    free(dir);
    return debian_bindir();
}

/*
 * Decide who runs the server: ourselves, or as root server_user (default
 * "postgres").  Returns 0, or -1 with *err set.
 */
static int
resolve_user(verify_cluster *c, const char *server_user, char **err)
{
    struct passwd *pw;

    if (geteuid() != 0) {
        pw = getpwuid(geteuid());
        if (server_user && (pw == NULL || strcmp(pw->pw_name, server_user) != 0)) {
            *err = util_xasprintf("verify: --server-user %s needs root (the throwaway server runs "
                                  "as the invoking user otherwise)", server_user);
            return -1;
        }
        return 0;
    }
    pw = getpwnam(server_user ? server_user : "postgres");
    if (pw == NULL || pw->pw_uid == 0) {
        *err = server_user
            ? util_xasprintf("verify: --server-user %s is not an unprivileged user of this system",
                             server_user)
            : util_xstrdup("verify: PostgreSQL refuses to run as root and there is no user "
                           "postgres: give --server-user NAME (an unprivileged user), or --server CONNINFO");
        return -1;
    }
    c->as_other_user = true;
    c->uid = pw->pw_uid;
    c->gid = pw->pw_gid;
    c->user = util_xstrdup(pw->pw_name);
    return 0;
}

/*
 * Make the private directory: under $TMPDIR when it is absolute and short
 * enough for a socket path (sun_path holds 107 bytes), else /tmp; mode
 * 0700, owned by the server's user.  Returns 0, or -1 with *err set.
 */
static int
make_dir(verify_cluster *c, char **err)
{
    const char *tmp = getenv("TMPDIR");

    if (tmp == NULL || tmp[0] != '/' || strlen(tmp) > 60)
        tmp = "/tmp";
    c->dir = util_xasprintf("%s/pgrampart-verify-XXXXXX", tmp);
    if (mkdtemp(c->dir) == NULL) {
        *err = util_xasprintf("verify: cannot create a temporary directory in %s: %s", tmp,
                              strerror(errno));
        free(c->dir);
        c->dir = NULL;
        return -1;
    }
    if (c->as_other_user && chown(c->dir, c->uid, c->gid) != 0) {
        *err = util_xasprintf("verify: cannot give %s to user %s: %s", c->dir, c->user, strerror(errno));
        return -1;
    }
    return 0;
}

/*
 * Fork and exec argv (argv[0] an absolute path) in a session of its own,
 * stdin /dev/null, stdout and stderr appended to the cluster's log, as the
 * server's user.  Returns the child's pid, or -1 with *err set.
 */
static pid_t
spawn(verify_cluster *c, char *const argv[], char **err)
{
    char *log = util_xasprintf("%s/log", c->dir);
    pid_t pid = fork();

    if (pid < 0) {
        *err = util_xasprintf("verify: cannot start %s: %s", argv[0], strerror(errno));
        free(log);
        return -1;
    }
    if (pid == 0) {
        int in = open("/dev/null", O_RDONLY), out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        setsid();
        if (in < 0 || out < 0 || dup2(in, STDIN_FILENO) < 0 || dup2(out, STDOUT_FILENO) < 0 ||
            dup2(out, STDERR_FILENO) < 0)
            _exit(127);
        /* Drop root for good before exec: groups first, the uid last. */
        if (c->as_other_user &&
            (initgroups(c->user, c->gid) != 0 || setgid(c->gid) != 0 || setuid(c->uid) != 0 ||
             setuid(0) == 0)) {
            fprintf(stderr, "pgrampart: cannot switch to user %s\n", c->user);
            _exit(127);
        }
#ifdef __linux__
        /* Should verify die without stopping it (SIGKILL), the server
         * stops too (immediate shutdown): it would hold the directory and
         * memory otherwise.  Set after setuid, which clears it. */
        prctl(PR_SET_PDEATHSIG, SIGQUIT);
#endif
        execv(argv[0], argv);
        fprintf(stderr, "pgrampart: cannot run %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    free(log);
    return pid;
}

/* The last two non-empty lines of the cluster's log joined with "; " (why
 * initdb or the server failed); caller frees. */
static char *
log_tail(const verify_cluster *c)
{
    char *path = util_xasprintf("%s/log", c->dir);
    FILE *f = fopen(path, "r");
    char buf[2048], *line, *save = NULL, *last[2] = { NULL, NULL };
    long size;
    size_t n;

    free(path);
    if (f == NULL)
        return util_xstrdup("no log");
    if (fseek(f, 0, SEEK_END) == 0 && (size = ftell(f)) > (long) sizeof buf - 1)
        fseek(f, size - (long) sizeof buf + 1, SEEK_SET);
    else
        fseek(f, 0, SEEK_SET);
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (line = strtok_r(buf, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save)) {
        last[0] = last[1];
        last[1] = line;
    }
    if (last[1] == NULL)
        return util_xstrdup("no message");
    return last[0] ? util_xasprintf("%s; %s", last[0], last[1]) : util_xstrdup(last[1]);
}

/* Wait for pid to exit; its exit status, or -1 when it did not exit
 * normally.  steps > 0 bounds the wait (100 ms each; -2 on timeout). */
static int
wait_child(pid_t pid, int steps)
{
    int status, k;
    pid_t got;

    for (k = 0; steps <= 0 || k < steps; k++) {
        got = waitpid(pid, &status, steps > 0 ? WNOHANG : 0);
        if (got == pid)
            return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (got < 0 && errno != EINTR)
            return -1;
        if (got == 0)
            sleep_ms(100);
    }
    return -2;
}

/* initdb: trust for local connections (the socket is private), superuser
 * pgrampart, UTF8 and the C locale (no dependence on the machine's
 * locales), no fsync (the cluster is thrown away).  0 or -1 (*err set). */
static int
run_initdb(verify_cluster *c, char **err)
{
    char *initdb = util_xasprintf("%s/initdb", c->bindir);
    char *data = util_xasprintf("%s/data", c->dir);
    char *const argv[] = { initdb, "-D", data, "-A", "trust", "-U", "pgrampart", "--no-sync",
                           "-E", "UTF8", "--locale=C", NULL };
    pid_t pid = spawn(c, argv, err);
    int rc = 0;

    if (pid > 0 && wait_child(pid, 0) != 0) {
        char *tail = log_tail(c);

        /* As root the usual cause is a $TMPDIR the server's user cannot enter. */
        *err = util_xasprintf("verify: initdb failed (%s/initdb%s%s): %s", c->bindir,
                              c->as_other_user ? " as user " : "", c->as_other_user ? c->user : "", tail);
        free(tail);
        rc = -1;
    }
    free(initdb);
    free(data);
    return pid < 0 ? -1 : rc;
}

/* Start postgres on the private socket and wait until it accepts
 * connections.  0 or -1 (*err set; the server is then stopped by
 * verify_cluster_stop). */
static int
run_server(verify_cluster *c, char **err)
{
    char *postgres = util_xasprintf("%s/postgres", c->bindir);
    char *data = util_xasprintf("%s/data", c->dir);
    char *const argv[] = { postgres, "-D", data, "-k", c->dir, "-p", CLUSTER_PORT,
                           "-c", "listen_addresses=", "-c", "fsync=off",
                           "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
                           "-c", "max_connections=20", "-c", "shared_buffers=32MB", NULL };
    char *ping = util_xasprintf("%s connect_timeout=2", c->conninfo);
    int k, rc = -1;

    c->postmaster = spawn(c, argv, err);
    for (k = 0; c->postmaster > 0 && k < START_WAIT_STEPS; k++) {
        int status;

        if (pqlib_ping(ping) == PQPING_OK) {
            rc = 0;
            break;
        }
        if (waitpid(c->postmaster, &status, WNOHANG) == c->postmaster) {
            char *tail = log_tail(c);

            c->postmaster = 0;
            *err = util_xasprintf("verify: the throwaway server (%s/postgres) exited: %s", c->bindir, tail);
            free(tail);
            break;
        }
        sleep_ms(100);
    }
    if (rc != 0 && c->postmaster > 0 && *err == NULL)
        *err = util_xasprintf("verify: the throwaway server did not accept connections within %d s",
                              START_WAIT_STEPS / 10);
    free(postgres);
    free(data);
    free(ping);
    return rc;
}

int
verify_cluster_start(verify_cluster *c, const char *server_user, char **err)
{
    memset(c, 0, sizeof *c);
    if ((c->bindir = find_bindir()) == NULL) {
        *err = util_xstrdup("verify: no PostgreSQL server binaries found (pg_config --bindir, "
                            "/usr/lib/postgresql/<major>/bin): install the server package "
                            "(apt-get install postgresql), or give --server CONNINFO");
        return -1;
    }
    if (resolve_user(c, server_user, err) != 0 || make_dir(c, err) != 0)
        goto fail;
    c->conninfo = util_xasprintf("host=%s port=%s user=pgrampart dbname=postgres", c->dir, CLUSTER_PORT);
    if (run_initdb(c, err) != 0 || run_server(c, err) != 0)
        goto fail;
    return 0;
fail:
    verify_cluster_stop(c);
    return -1;
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    if (remove(path) != 0)
        fprintf(stderr, "pgrampart: could not remove %s: %s\n", path, strerror(errno));
    return 0;
}

void
verify_cluster_stop(verify_cluster *c)
{
    if (c->postmaster > 0) {
        /* Fast shutdown ends the sessions and exits; immediate and then a
         * kill only when it hangs. */
        kill(c->postmaster, SIGINT);
        if (wait_child(c->postmaster, STOP_WAIT_STEPS) == -2) {
            kill(c->postmaster, SIGQUIT);
            if (wait_child(c->postmaster, 50) == -2) {
                kill(c->postmaster, SIGKILL);
                wait_child(c->postmaster, 0);
            }
        }
        c->postmaster = 0;
    }
    if (c->dir)
        nftw(c->dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(c->bindir);
    free(c->dir);
    free(c->conninfo);
    free(c->user);
    memset(c, 0, sizeof *c);
}
