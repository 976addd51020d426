/*
 * util.h — small helpers shared by the core: checked allocation, a growable
 * array, a string buffer, file reading, UTF-8 validation and a line index.
 */
#ifndef PGR_UTIL_H
#define PGR_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Allocation that aborts the process on out-of-memory (we cannot report
 * findings without memory, so there is nothing better to do). */
void *util_xmalloc(size_t n);
void *util_xcalloc(size_t n, size_t size);
void *util_xrealloc(void *p, size_t n);
char *util_xstrdup(const char *s);
char *util_xstrndup(const char *s, size_t n);
/* printf into a newly allocated string; caller frees. */
char *util_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A growable array of fixed-size elements.  items is owned by the vec. */
typedef struct util_vec {
    void *items;
    size_t len;
    size_t cap;
    size_t elem_size;
} util_vec;

/* Start an empty vec of elements of elem_size bytes (allocates nothing). */
void util_vec_init(util_vec *v, size_t elem_size);
/* Append a zeroed element and return a pointer to it (valid until the next
 * push).  Allocation failure aborts, as every util_x* function does. */
void *util_vec_push(util_vec *v);
/* The element at index i (0-based, i < len; not checked). */
void *util_vec_at(const util_vec *v, size_t i);
/* Free the items array (not what elements point to) and empty the vec. */
void util_vec_free(util_vec *v);

/* A growable NUL-terminated byte string. */
typedef struct util_buf {
    char *data;
    size_t len;
    size_t cap;
} util_buf;

/* Start an empty buffer: data is an allocated "" (never NULL after init). */
void util_buf_init(util_buf *b);
/* Append n bytes of s (may contain NULs) and keep data NUL-terminated. */
void util_buf_append(util_buf *b, const char *s, size_t n);
/* Append the NUL-terminated string s. */
void util_buf_puts(util_buf *b, const char *s);
/* Append printf-formatted text. */
void util_buf_printf(util_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Free data (the caller may instead take ownership of data and skip this). */
void util_buf_free(util_buf *b);

/*
 * Read a whole file.  On success returns 0 and sets *data (NUL-terminated,
 * caller frees) and *len in bytes.  On failure returns -1 and sets *err to a
 * static description (strerror text).  Files over max_bytes fail with
 * "file too large"; directories, FIFOs, sockets and devices are refused
 * unopened (see util_open_regular).
 */
int util_read_file(const char *path, size_t max_bytes, char **data, size_t *len,
                   const char **err);

/*
 * Open path (symbolic links followed) for reading when it is a regular
 * file.  A FIFO, socket or device is refused without being opened, so a
 * hostile tree can neither hang the run nor trigger a device.  Returns the
 * descriptor (caller closes), or -1 with *err set to a static description.
 */
int util_open_regular(const char *path, const char **err);

/*
 * Whether path, with every symbolic link resolved, lies inside root (an
 * absolute path already resolved with realpath).  Returns 1 inside (or
 * equal), 0 outside, -1 when path does not resolve (missing, dangling link,
 * loop).
 */
int util_path_inside(const char *path, const char *root);

/* True when the first 8 KiB of data contain a NUL byte. */
bool util_looks_binary(const char *data, size_t len);

/* Byte offset of the first invalid UTF-8 sequence, or -1 when data is valid
 * UTF-8 (overlongs and surrogates are invalid). */
long util_utf8_invalid_at(const char *data, size_t len);

/* Byte offset of the n-th (1-based) character of a UTF-8 string of len
 * bytes; invalid bytes count as one character each.  Clamped to len. */
size_t util_utf8_char_to_byte(const char *data, size_t len, size_t n);

/* A copy of text (len bytes) with every byte of an invalid UTF-8 sequence
 * replaced by '?' (same length, same offsets; NUL after len), or NULL when
 * text is valid.  Caller frees.  libyaml refuses a file with one bad byte. */
char *util_utf8_replace_invalid(const char *text, size_t len);

/*
 * Copy s replacing every invalid UTF-8 sequence with U+FFFD, so the result
 * can go into JSON.  Caller frees.
 */
char *util_utf8_sanitize(const char *s);

/* Line index: the byte offset where each line starts. */
typedef struct util_lines {
    size_t *starts;
    size_t n;
    size_t text_len;
} util_lines;

void util_lines_build(util_lines *li, const char *text, size_t len);
/* Convert a byte offset to a 1-based line and 1-based byte column. */
void util_lines_pos(const util_lines *li, size_t offset, uint32_t *line, uint32_t *col);
/* The byte offset of 0-based line and 0-based character column (what
 * libyaml's marks count) in text, the indexed text; past the last line:
 * text_len.  A column past its line's end is clamped to the next line. */
size_t util_lines_char_offset(const util_lines *li, const char *text, size_t line, size_t column);
void util_lines_free(util_lines *li);

/* Join a directory and a name with one '/', dropping a "./" prefix when dir
 * is ".".  Caller frees. */
char *util_path_join(const char *dir, const char *name);
/* Whether s ends with suffix (and is longer than it). */
bool util_ends_with(const char *s, const char *suffix);
/* The last component of path (pointer into path). */
const char *util_basename(const char *path);
/* The directory part of path ("." when none).  Caller frees. */
char *util_dirname(const char *path);

/*
 * A hash map from byte strings to size_t values (positions in a util_vec,
 * typically), for lookups by name that must not scan: open addressing,
 * FNV-1a hashes, grown at half full.  Keys are copied.
 */
typedef struct util_map_slot {
    char *key;               /* NULL: empty slot */
    size_t len;
    size_t hash;
    size_t value;
} util_map_slot;

typedef struct util_map {
    util_map_slot *slots;    /* cap of them; cap is 0 or a power of two */
    size_t cap;
    size_t len;
} util_map;

/* Start an empty map (allocates nothing). */
void util_map_init(util_map *m);
/* Map key (len bytes, may hold NULs) to value unless key is there already;
 * returns whether it was added. */
bool util_map_add(util_map *m, const char *key, size_t len, size_t value);
/* Set *value to the value of key (len bytes) and return true, or return
 * false when key is absent. */
bool util_map_get(const util_map *m, const char *key, size_t len, size_t *value);
/* Remove key (len bytes); returns whether it was there. */
bool util_map_del(util_map *m, const char *key, size_t len);
/* Remove every key, keeping the slots. */
void util_map_clear(util_map *m);
/* Free the keys and slots and empty the map. */
void util_map_free(util_map *m);

#endif
