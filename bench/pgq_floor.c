/*
 * pgq_floor.c — the "floor" of bench/sql_set.py: libpg_query alone on the
 * same files, one pg_query_parse_protobuf per file, nothing else (no
 * protobuf unpack, no rules).  Usage: pgq_floor FILE...; prints the number
 * of files that did not parse.  Built by the benchmark with cc -lpg_query.
 */
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>

/* The contents of path, NUL-terminated (caller frees), or NULL. */
static char *
read_all(const char *path)
{
    FILE *fp = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (fp == NULL)
        return NULL;
    if (fseek(fp, 0, SEEK_END) == 0 && (n = ftell(fp)) >= 0 && fseek(fp, 0, SEEK_SET) == 0) {
        buf = malloc((size_t) n + 1);
        if (buf != NULL && fread(buf, 1, (size_t) n, fp) == (size_t) n)
            buf[n] = '\0';
        else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(fp);
    return buf;
}

int
main(int argc, char **argv)
{
    int i, failed = 0;

    for (i = 1; i < argc; i++) {
        char *text = read_all(argv[i]);
        PgQueryProtobufParseResult r;

        if (text == NULL) {
            failed++;
            continue;
        }
        r = pg_query_parse_protobuf(text);
        if (r.error)
            failed++;
        pg_query_free_protobuf_parse_result(r);
        free(text);
    }
    pg_query_exit();
    printf("%d of %d files did not parse\n", failed, argc - 1);
    return 0;
}
