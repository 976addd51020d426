/*
 * live_pool.c — read the catalogs of many databases concurrently (issue 16,
 * fleets): a small pthread pool over a bounded number of connections, each
 * worker reading one database at a time into a model of its own.
 *
 * Only the reading runs on the workers: it is the slow part (network and
 * server) and touches nothing shared — libpq connections are per thread
 * (libpq is thread-safe when pqlib_isthreadsafe()) and each model is the
 * worker's.  The rules, the plugins and the findings store are not made for
 * threads, so the caller takes the reads on its own thread, in the order
 * the databases were given (live_pool_wait), and hands each back when done
 * with it (live_pool_release).  Workers stay at most a window of reads
 * ahead of the caller, so a fleet of hundreds of databases does not hold
 * hundreds of models at once.
 */
#include "model/live.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "host/pqlib.h"

struct live_pool {
    live_read *reads;
    size_t n;
    bool serial;             /* read on the caller's thread, at live_pool_wait */
    /* Under lock: */
    size_t next;             /* the next read a worker takes */
    size_t released;         /* reads [0, released) handed back by the caller */
    size_t window;           /* reads taken but not released, at most */
    bool *done;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    pthread_t *threads;
    size_t started;
    int timeout_ms, connect_timeout_s;
};

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
        while (p->next < p->n && p->next >= p->released + p->window)
            pthread_cond_wait(&p->cond, &p->lock);
        at = p->next < p->n ? p->next++ : p->n;
        pthread_mutex_unlock(&p->lock);
        if (at == p->n)
            return NULL;
        read_one(p, &p->reads[at]);
        pthread_mutex_lock(&p->lock);
        p->done[at] = true;
        pthread_cond_broadcast(&p->cond);
        pthread_mutex_unlock(&p->lock);
    }
}

live_pool *
live_pool_start(live_read *reads, size_t n, unsigned jobs, int timeout_ms, int connect_timeout_s)
{
    live_pool *p = util_xcalloc(1, sizeof *p);
    size_t i, want = jobs < n ? jobs : n;

    p->reads = reads;
    p->n = n;
    p->window = 2 * (size_t) jobs;
    p->timeout_ms = timeout_ms;
    p->connect_timeout_s = connect_timeout_s;
    p->done = util_xcalloc(n ? n : 1, sizeof *p->done);
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->cond, NULL);
    /* One job, or a libpq built without thread safety: read in turn on the
     * caller's thread. */
    p->serial = want <= 1 || !pqlib_isthreadsafe();
    if (p->serial)
        return p;
    p->threads = util_xcalloc(want, sizeof *p->threads);
    for (i = 0; i < want; i++)
        if (pthread_create(&p->threads[i], NULL, worker, p) == 0)
            p->started++;
        else
            break;
    /* No thread could start: the caller reads them all. */
    p->serial = p->started == 0;
    return p;
}

live_read *
live_pool_wait(live_pool *p, size_t i)
{
    if (p->serial) {
        read_one(p, &p->reads[i]);
        return &p->reads[i];
    }
    pthread_mutex_lock(&p->lock);
    while (!p->done[i])
        pthread_cond_wait(&p->cond, &p->lock);
    pthread_mutex_unlock(&p->lock);
    return &p->reads[i];
}

void
live_pool_release(live_pool *p, size_t i)
{
    live_read_free(&p->reads[i]);
    pthread_mutex_lock(&p->lock);
    if (i + 1 > p->released)
        p->released = i + 1;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
}

void
live_pool_finish(live_pool *p)
{
    size_t i;

    /* Reads the caller never took: let the workers run out, then free. */
    pthread_mutex_lock(&p->lock);
    p->released = p->n;
    pthread_cond_broadcast(&p->cond);
    pthread_mutex_unlock(&p->lock);
    for (i = 0; i < p->started; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->cond);
    free(p->threads);
    free(p->done);
    free(p);
}

void
live_read_free(live_read *r)
{
    live_result_free(&r->res);
    model_free(&r->m);
    free(r->err);
    r->err = NULL;
}
