/*
 * util.c — see util.h.
 */
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void
util_oom(void)
{
    fputs("pgrampart: out of memory\n", stderr);
    abort();
}

void *
util_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        util_oom();
    return p;
}

void *
util_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);

    if (p == NULL)
        util_oom();
    return p;
}

void *
util_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        util_oom();
    return q;
}

char *
util_xstrdup(const char *s)
{
    return util_xstrndup(s, strlen(s));
}

char *
util_xstrndup(const char *s, size_t n)
{
    char *p = util_xmalloc(n + 1);

    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *
util_xasprintf(const char *fmt, ...)
{
    va_list ap;
    char *p = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        util_oom();
    return p;
}

void
util_vec_init(util_vec *v, size_t elem_size)
{
    v->items = NULL;
    v->len = 0;
    v->cap = 0;
    v->elem_size = elem_size;
}

void *
util_vec_push(util_vec *v)
{
    char *slot;

    if (v->len == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 8;
        v->items = util_xrealloc(v->items, v->cap * v->elem_size);
    }
    slot = (char *) v->items + v->len * v->elem_size;
    memset(slot, 0, v->elem_size);
    v->len++;
    return slot;
}

void *
util_vec_at(const util_vec *v, size_t i)
{
    return (char *) v->items + i * v->elem_size;
}

void
util_vec_free(util_vec *v)
{
    free(v->items);
    v->items = NULL;
    v->len = v->cap = 0;
}

void
util_buf_init(util_buf *b)
{
    b->cap = 64;
    b->len = 0;
    b->data = util_xmalloc(b->cap);
    b->data[0] = '\0';
}

void
util_buf_append(util_buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap *= 2;
        b->data = util_xrealloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void
util_buf_puts(util_buf *b, const char *s)
{
    util_buf_append(b, s, strlen(s));
}

void
util_buf_printf(util_buf *b, const char *fmt, ...)
{
    va_list ap;
    char *p = NULL;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&p, fmt, ap);
    va_end(ap);
    if (n < 0)
        util_oom();
    util_buf_append(b, p, (size_t) n);
    free(p);
}

void
util_buf_free(util_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

int
util_open_regular(const char *path, const char **err)
{
    struct stat st;
    int fd;

    /* stat first: a FIFO, socket or device is refused without being opened
     * (opening a FIFO blocks until a writer comes; opening a device may act). */
    if (stat(path, &st) != 0) {
        *err = strerror(errno);
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        *err = S_ISDIR(st.st_mode) ? "is a directory"
            : "not a regular file (a FIFO, socket or device); not opened";
        return -1;
    }
    /* O_NONBLOCK: should the path become a FIFO between stat and open, the
     * open still returns at once, and fstat below refuses it. */
    fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) {
        *err = strerror(errno);
        return -1;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        *err = "not a regular file (a FIFO, socket or device); not opened";
        return -1;
    }
    return fd;
}

int
util_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
               const char **err)
{
    util_buf b;
    char chunk[65536];
    ssize_t n;
    int fd = util_open_regular(path, err);

    if (fd < 0)
        return -1;
    util_buf_init(&b);
    while ((n = read(fd, chunk, sizeof chunk)) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            *err = strerror(errno);
            util_buf_free(&b);
            close(fd);
            return -1;
        }
        if (b.len + (size_t) n > max_bytes) {
            util_buf_free(&b);
            close(fd);
            *err = "file too large";
            return -1;
        }
        util_buf_append(&b, chunk, (size_t) n);
    }
    close(fd);
    /* The buffer doubled as it grew: a run keeps every file's text, so
     * give the unused half back. */
    *data = util_xrealloc(b.data, b.len + 1);
    *len = b.len;
    return 0;
}

int
util_path_inside(const char *path, const char *root)
{
    char real[PATH_MAX];
    size_t n = strlen(root);

    if (realpath(path, real) == NULL)
        return -1;
    /* root "/" holds everything; otherwise a prefix must end at a '/'. */
    if (n == 1 && root[0] == '/')
        return 1;
    return strncmp(real, root, n) == 0 && (real[n] == '\0' || real[n] == '/');
}

bool
util_looks_binary(const char *data, size_t len)
{
    size_t n = len < 8192 ? len : 8192;

    return memchr(data, '\0', n) != NULL;
}

/* Length of the valid UTF-8 sequence starting at s (at most left bytes), or
 * 0 when it is invalid. */
static size_t
utf8_seq_len(const unsigned char *s, size_t left)
{
    unsigned char c = s[0];
    size_t need, i;
    uint32_t cp;

    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        cp = c & 0x07;
    } else
        return 0;
    if (left < need)
        return 0;
    for (i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    /* Reject overlong forms, surrogates and values past U+10FFFF. */
    if ((need == 3 && cp < 0x800) || (need == 4 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
        return 0;
    return need;
}

long
util_utf8_invalid_at(const char *data, size_t len)
{
    const unsigned char *s = (const unsigned char *) data;
    size_t i = 0, n;

    while (i < len) {
        n = utf8_seq_len(s + i, len - i);
        if (n == 0)
            return (long) i;
        i += n;
    }
    return -1;
}

size_t
util_utf8_char_to_byte(const char *data, size_t len, size_t n)
{
    const unsigned char *s = (const unsigned char *) data;
    size_t i = 0, k, step;

    for (k = 1; k < n && i < len; k++) {
        step = utf8_seq_len(s + i, len - i);
        i += step ? step : 1;
    }
    return i < len ? i : len;
}

char *
util_utf8_sanitize(const char *str)
{
    const unsigned char *s = (const unsigned char *) str;
    size_t len = strlen(str), i = 0, n;
    util_buf b;

    util_buf_init(&b);
    while (i < len) {
        n = utf8_seq_len(s + i, len - i);
        if (n == 0) {
            util_buf_append(&b, "\xEF\xBF\xBD", 3);
            i++;
        } else {
            util_buf_append(&b, str + i, n);
            i += n;
        }
    }
    return b.data;
}

void
util_lines_build(util_lines *li, const char *text, size_t len)
{
    size_t cap = 64, i;

    li->starts = util_xmalloc(cap * sizeof(size_t));
    li->n = 0;
    li->starts[li->n++] = 0;
    for (i = 0; i < len; i++) {
        if (text[i] == '\n') {
            if (li->n == cap) {
                cap *= 2;
                li->starts = util_xrealloc(li->starts, cap * sizeof(size_t));
            }
            li->starts[li->n++] = i + 1;
        }
    }
    li->text_len = len;
}

void
util_lines_pos(const util_lines *li, size_t offset, uint32_t *line, uint32_t *col)
{
    size_t lo = 0, hi = li->n;

    if (offset > li->text_len)
        offset = li->text_len;
    /* Binary search for the last line start <= offset. */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;

        if (li->starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    *line = (uint32_t) (lo + 1);
    *col = (uint32_t) (offset - li->starts[lo] + 1);
}

char *
util_utf8_replace_invalid(const char *text, size_t len)
{
    long bad = util_utf8_invalid_at(text, len);
    size_t at = 0;
    char *copy;

    if (bad < 0)
        return NULL;
    copy = util_xstrndup(text, len);
    while (bad >= 0) {
        at += (size_t) bad;
        copy[at++] = '?';
        bad = at < len ? util_utf8_invalid_at(copy + at, len - at) : -1;
    }
    return copy;
}

size_t
util_lines_char_offset(const util_lines *li, const char *text, size_t line, size_t column)
{
    size_t start, next;

    if (line >= li->n)
        return li->text_len;
    start = li->starts[line];
    next = line + 1 < li->n ? li->starts[line + 1] : li->text_len;
    return start + util_utf8_char_to_byte(text + start, next - start, column + 1);
}

void
util_lines_free(util_lines *li)
{
    free(li->starts);
    li->starts = NULL;
    li->n = 0;
}

char *
util_path_join(const char *dir, const char *name)
{
    size_t dl = strlen(dir);

    if (strcmp(dir, ".") == 0)
        return util_xstrdup(name);
    while (dl > 1 && dir[dl - 1] == '/')
        dl--;
    return util_xasprintf("%.*s/%s", (int) dl, dir, name);
}

const char *
util_basename(const char *path)
{
    const char *s = strrchr(path, '/');

    return s ? s + 1 : path;
}

char *
util_dirname(const char *path)
{
    const char *s = strrchr(path, '/');

    if (s == NULL)
        return util_xstrdup(".");
    if (s == path)
        return util_xstrdup("/");
    return util_xstrndup(path, (size_t) (s - path));
}

bool
util_ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n > k && strcmp(s + n - k, suffix) == 0;
}

/* --- util_map ------------------------------------------------------------ */

static size_t
map_hash(const char *key, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    size_t i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char) key[i];
        h *= 1099511628211ULL;
    }
    return (size_t) h;
}

void
util_map_init(util_map *m)
{
    m->slots = NULL;
    m->cap = 0;
    m->len = 0;
}

/* The slot holding key, or the empty slot where it would go. */
static util_map_slot *
map_slot(const util_map *m, const char *key, size_t len, size_t hash)
{
    size_t i = hash & (m->cap - 1);

    for (;;) {
        util_map_slot *s = &m->slots[i];

        if (s->key == NULL ||
            (s->hash == hash && s->len == len && memcmp(s->key, key, len) == 0))
            return s;
        i = (i + 1) & (m->cap - 1);
    }
}

/* Double the slots (or make the first 16) and re-insert every key. */
static void
map_grow(util_map *m)
{
    util_map_slot *old = m->slots;
    size_t old_cap = m->cap, i;

    m->cap = old_cap ? old_cap * 2 : 16;
    m->slots = util_xcalloc(m->cap, sizeof *m->slots);
    for (i = 0; i < old_cap; i++)
        if (old[i].key)
            *map_slot(m, old[i].key, old[i].len, old[i].hash) = old[i];
    free(old);
}

bool
util_map_add(util_map *m, const char *key, size_t len, size_t value)
{
    size_t hash = map_hash(key, len);
    util_map_slot *s;

    if ((m->len + 1) * 2 > m->cap)
        map_grow(m);
    s = map_slot(m, key, len, hash);
    if (s->key)
        return false;
    s->key = util_xmalloc(len ? len : 1);
    memcpy(s->key, key, len);
    s->len = len;
    s->hash = hash;
    s->value = value;
    m->len++;
    return true;
}

bool
util_map_get(const util_map *m, const char *key, size_t len, size_t *value)
{
    const util_map_slot *s;

    if (m->cap == 0)
        return false;
    s = map_slot(m, key, len, map_hash(key, len));
    if (s->key == NULL)
        return false;
    *value = s->value;
    return true;
}

/*
 * Remove key (linear probing: the entries after its slot, up to the next
 * empty one, move back where a lookup starting at their home finds them).
 * Returns whether it was there.
 */
bool
util_map_del(util_map *m, const char *key, size_t len)
{
    util_map_slot *s;
    size_t i, j, home;

    if (m->cap == 0)
        return false;
    s = map_slot(m, key, len, map_hash(key, len));
    if (s->key == NULL)
        return false;
    free(s->key);
    s->key = NULL;
    m->len--;
    i = (size_t) (s - m->slots);
    for (j = (i + 1) & (m->cap - 1); m->slots[j].key; j = (j + 1) & (m->cap - 1)) {
        home = m->slots[j].hash & (m->cap - 1);
        /* The entry at j may fill the hole at i when its home is not in
         * (i, j] cyclically. */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            m->slots[i] = m->slots[j];
            m->slots[j].key = NULL;
            i = j;
        }
    }
    return true;
}

void
util_map_clear(util_map *m)
{
    size_t i;

    for (i = 0; i < m->cap; i++) {
        free(m->slots[i].key);
        m->slots[i].key = NULL;
    }
    m->len = 0;
}

void
util_map_free(util_map *m)
{
    util_map_clear(m);
    free(m->slots);
    util_map_init(m);
}
