/*
 * live_pool.c — read the catalogs of many databases concurrently (issue 16,
 * fleets): a small pthread pool over a bounded number of connections, each
 * worker reading one database at a time into a model of its own.
 *
 * Only the reading runs on the workers: it is the slow part (network and
 * server) and touches nothing shared — libpq connections are per thread
 * (libpq is thread-safe when PQisthreadsafe()) and each model is the
 * worker's.  The rules, the plugins and the findings store are not made for
 * threads, so the caller runs them afterwards on its own thread, in the
 * order the databases were given.
 */
#include "model/live.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct live_pool {
    live_read *reads;
    size_t n;
    size_t next;             /* the next read to take, under lock */
    pthread_mutex_t lock;
    int timeout_ms, connect_timeout_s;
} live_pool;

static void
read_one(live_pool *p, live_read *r)
{
    clock_gettime(CLOCK_REALTIME, &r->start);
    model_init(&r->m, "database", 0);
    r->rc = live_read_model(r->conninfo, p->timeout_ms, p->connect_timeout_s, &r->m, &r->res, &r->err);
    clock_gettime(CLOCK_REALTIME, &r->end);
}

static void *
worker(void *arg)
{
    live_pool *p = arg;

    for (;;) {
        size_t at;

        pthread_mutex_lock(&p->lock);
        at = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (at == p->n)
            return NULL;
        read_one(p, &p->reads[at]);
    }
}

void
live_read_many(live_read *reads, size_t n, unsigned jobs, int timeout_ms, int connect_timeout_s)
{
    live_pool p = { reads, n, 0, PTHREAD_MUTEX_INITIALIZER, timeout_ms, connect_timeout_s };
    pthread_t *threads;
    size_t i, started = 0, want;

    want = jobs < n ? jobs : n;
    /* One job, or a libpq built without thread safety: read in turn here. */
    if (want <= 1 || !PQisthreadsafe()) {
        for (i = 0; i < n; i++)
            read_one(&p, &reads[i]);
        return;
    }
    threads = util_xcalloc(want, sizeof *threads);
    for (i = 0; i < want; i++)
        if (pthread_create(&threads[i], NULL, worker, &p) == 0)
            started++;
        else
            break;
    /* A thread that could not start leaves its share to the others, and
     * with none started this thread reads them all. */
    if (started == 0)
        worker(&p);
    for (i = 0; i < started; i++)
        pthread_join(threads[i], NULL);
    free(threads);
    pthread_mutex_destroy(&p.lock);
}

void
live_read_free(live_read *r)
{
    live_result_free(&r->res);
    model_free(&r->m);
    free(r->err);
    r->err = NULL;
}
