/*
 * fuzz_target.c — libFuzzer harnesses of pgrampart's front-ends, one
 * executable per target (meson -Dfuzz=true; tests/fuzz/meson.build).
 *
 * The harnesses drive the whole pipeline the way `pgrampart check` does:
 * the built plugins and the shipped rule packs are loaded once, then every
 * input is handed, as the text of one or more files of a small fixed tree,
 * to check_paths (front-ends, migration pairing, model replay, every rule,
 * suppressions) and the findings are printed in every output format with
 * their snippets.  A crash, leak, sanitizer report or hang anywhere on that
 * path is a finding of the fuzzer.
 *
 * The target is chosen at compile time (PGR_FUZZ_TARGET):
 *   sql       a migration (PL/pgSQL DO blocks and bodies, psql meta-commands)
 *   dotenv    an env file
 *   yaml      a YAML file (CI steps' shell and its SQL overlay included)
 *   shell     a shell script (psql -c / here-document SQL overlay included)
 *   js        the same text as JavaScript, TypeScript and TSX
 *   conf      the same text as postgresql.conf, pg_hba.conf and pgbouncer.ini
 *   suppress  the same text as SQL, env and JS (suppression comments of each syntax)
 *   conninfo  a connection string: libpq's PQconninfoParse through the host
 *             API, then as DATABASE_URL / PGHOST of an env file for the rules
 *   config    a .pgrampart.yml, applied to the host and used for a check
 *   markdown  the same text as a README.md and an .mdx page (fenced blocks
 *             handed to the shell, YAML, env, SQL and JS front-ends)
 */
#include <ctype.h>
#include <errno.h>
#include <ftw.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "host/config.h"
#include "host/host.h"
#include "model/model_json.h"
#include "report/diag.h"
#include "report/fingerprint.h"
#include "report/reporter.h"
#include "scan/check.h"

#ifndef PGR_FUZZ_TARGET
#error "build with -DPGR_FUZZ_TARGET=\"name\""
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs longer than this are ignored: libFuzzer's -max_len is the real
 * bound; this one keeps a stray long corpus file from timing out. */
#define FUZZ_MAX_INPUT (1u << 20)

enum fuzz_mode { MODE_FILES, MODE_CONNINFO, MODE_CONFIG };

/* A target: the files of the fixed tree that receive the input, and what
 * else the tree holds on disk (context for migration sets and the config). */
typedef struct fuzz_target {
    const char *name;
    enum fuzz_mode mode;
    const char *inputs[4];   /* paths whose text is the input (NULL-ended) */
} fuzz_target;

static const fuzz_target targets[] = {
    { "sql", MODE_FILES, { "db/migrations/002_change.sql", NULL } },
    { "dotenv", MODE_FILES, { "app/.env", NULL } },
    { "yaml", MODE_FILES, { "app/docker-compose.yml", NULL } },
    { "shell", MODE_FILES, { "app/deploy.sh", NULL } },
    { "js", MODE_FILES, { "app/db.js", "app/db.ts", "app/view.tsx", NULL } },
    { "conf", MODE_FILES, { "conf/postgresql.conf", "conf/pg_hba.conf", "conf/pgbouncer.ini", NULL } },
    { "suppress", MODE_FILES, { "app/suppressed.sql", "app/suppressed.env", "app/suppressed.ts", NULL } },
    { "conninfo", MODE_CONNINFO, { "app/conninfo.env", NULL } },
    { "config", MODE_CONFIG, { NULL } },
    { "markdown", MODE_FILES, { "docs/README.md", "app/guide.mdx", NULL } },
};

/* The fixed tree, written once under a fresh directory: a migration set
 * for the SQL input to join (its first migration and both rollbacks), and
 * for the config target a few files its settings can act on. */
static const char *const tree[][2] = {
    { ".pgrampart.yml", "{}\n" },
    { "db/migrations/001_init.sql",
      "CREATE TABLE tenants (id int PRIMARY KEY, tenant_id int);\n"
      "ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;\n"
      "CREATE POLICY t ON tenants USING (tenant_id = current_setting('app.tenant')::int);\n"
      "CREATE ROLE app LOGIN;\nGRANT SELECT ON tenants TO app;\n" },
    { "db/migrations/rollback/001_init.sql", "DROP ROLE app;\nDROP TABLE tenants;\n" },
    { "db/migrations/rollback/002_change.sql", "SELECT 1;\n" },
    { "cfgtree/db/migrations/001_a.sql",
      "-- pgrampart-ignore grants/grant-to-public: fuzz\nCREATE TABLE a (id int);\n"
      "GRANT SELECT ON a TO PUBLIC;\n" },
    { "cfgtree/.env", "DATABASE_URL=postgres://u:hunter22@db.example.com/x\nPGSSLMODE=disable\n" },
    { "cfgtree/postgresql.conf", "ssl = off\npassword_encryption = md5\n" },
    { "cfgtree/deploy.sh", "psql -h db.example.com -c 'GRANT ALL ON a TO PUBLIC'\n" },
};

static const fuzz_target *target;
/* The tree's directory, and absolute paths in it: the harness never changes
 * directory, so that libFuzzer's relative corpus and dictionary paths hold. */
static char root[64];
static char *input_paths[4];
static char *cfg_tree, *cfg_file;
static config base_cfg;
static host fuzz_host;
static FILE *devnull;
static pgr_severity *base_severities;
static const uint8_t *cur_data;
static size_t cur_len;

static void
die(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz-%s: %s%s%s\n", PGR_FUZZ_TARGET, what, detail ? ": " : "", detail ? detail : "");
    exit(1);
}

static int
remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path) == 0 ? 0 : -1;
}

/* atexit: remove the tree (on a crash it stays, with the input that was in it). */
static void
remove_tree(void)
{
    nftw(root, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write text at rel under the tree, creating directories. */
static void
write_file(const char *rel, const char *text, size_t len)
{
    char *path = util_path_join(root, rel);
    char *dir = util_dirname(path);
    char *p;
    FILE *f;

    for (p = dir + strlen(root); *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            die("mkdir", dir);
        *p = '/';
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        die("mkdir", dir);
    free(dir);
    f = fopen(path, "wb");
    if (f == NULL || fwrite(text, 1, len, f) != len || fclose(f) != 0)
        die("cannot write", path);
    free(path);
}

/* check_reader_fn: the input is the text of the target's input paths; the
 * rest of the tree is read from disk. */
static int
reader(void *arg, const char *path, char **data, size_t *len, const char **err)
{
    size_t i;

    (void) arg;
    (void) err;
    for (i = 0; input_paths[i]; i++) {
        if (strcmp(path, input_paths[i]) != 0)
            continue;
        /* As util_read_file: a NUL after the bytes. */
        *data = util_xmalloc(cur_len + 1);
        memcpy(*data, cur_data, cur_len);
        (*data)[cur_len] = '\0';
        *len = cur_len;
        return 1;
    }
    return 0;
}

/* Every replayed model as JSON, as `pgrampart model` prints it. */
static void
dump_model(model *m, void *arg)
{
    pgr_model view;
    json_t *j;

    (void) arg;
    model_view(m, &view);
    j = model_json(&view);
    json_dumpf(j, devnull, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(j);
}

/* Check paths with the host as configured and print the findings in every
 * format, snippets included. */
static void
check_and_report(char *const *paths, size_t n)
{
    diag_store ds;
    check_run run;
    char *err = NULL;
    char fp[17];
    size_t i, n_reporters;
    const reporter *reporters = report_all(&n_reporters);

    diag_init(&ds);
    fuzz_host.diags = &ds;
    if (check_paths_models(&fuzz_host, paths, n, &run, &err, dump_model, NULL) != 0)
        die("check_paths", err);
    diag_sort(&ds);
    /* As the command line does: masked, then every format of the table. */
    diag_mask_findings(&ds, check_text, &run);
    for (i = 0; i < n_reporters; i++) {
        report_ctx ctx = { &ds, &fuzz_host, check_text, &run, i % 2 == 0, NULL, i % 2 == 0 };

        /* SARIF carries every rule's help text (50 kB, most of a run's time
         * under the sanitizers) whatever the input: written for one input in
         * 8 (by length, so that a given input always takes the same path). */
        if (strcmp(reporters[i].name, "sarif") == 0 && !(ds.findings.len > 0 && cur_len % 8 == 0))
            continue;
        reporters[i].write(&ctx, devnull);
    }
    for (i = 0; i < ds.findings.len; i++)
        report_fingerprint(&ds, util_vec_at(&ds.findings, i), check_text, &run, NULL, fp);
    check_free(&run);
    diag_free(&ds);
    fuzz_host.diags = NULL;
}

/* Copy an input into a NUL-terminated string (cut at its first NUL). */
static char *
input_string(const uint8_t *data, size_t size)
{
    char *s = util_xmalloc(size + 1);

    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* The host API's conninfo functions on s, as the ssl and secrets plugins
 * call them; the password span must lie inside s. */
static void
fuzz_conninfo_api(const char *s)
{
    static const char *const keys[] = {
        "host", "hostaddr", "port", "dbname", "user", "password", "sslmode", "sslrootcert",
        "options", "application_name", "service", "passfile", NULL
    };
    pgr_conninfo *ci = host_api.conninfo_parse(s);
    size_t off, len, i;

    if (ci) {
        for (i = 0; keys[i]; i++)
            host_api.conninfo_value(ci, keys[i]);
        host_api.conninfo_is_local(ci);
        host_api.conninfo_free(ci);
    }
    /* abort(), not exit(): libFuzzer keeps the input of a crash. */
    if (host_api.conninfo_password_span(s, &off, &len) && (off > strlen(s) || len > strlen(s) - off)) {
        fprintf(stderr, "conninfo_password_span out of bounds: %zu+%zu of %zu\n", off, len, strlen(s));
        abort();
    }
}

/* An env file whose DATABASE_URL, PGHOST and PRIMARY_CONNINFO are exactly s: double-quoted,
 * with '"' and '\' escaped (dotenv keeps any other escaped byte). */
static void
fuzz_conninfo_env(const char *s)
{
    util_buf b;
    const char *keys[] = { "DATABASE_URL", "PGHOST", "PRIMARY_CONNINFO" };
    const uint8_t *saved = cur_data;
    size_t saved_len = cur_len, k;
    const char *p;
    char *paths[1];

    util_buf_init(&b);
    for (k = 0; k < 3; k++) {
        util_buf_puts(&b, keys[k]);
        util_buf_puts(&b, "=\"");
        for (p = s; *p; p++) {
            if (*p == '"' || *p == '\\')
                util_buf_append(&b, "\\", 1);
            util_buf_append(&b, p, 1);
        }
        util_buf_puts(&b, "\"\n");
    }
    cur_data = (const uint8_t *) b.data;
    cur_len = b.len;
    paths[0] = input_paths[0];
    check_and_report(paths, 1);
    cur_data = saved;
    cur_len = saved_len;
    util_buf_free(&b);
}

/* The input as .pgrampart.yml: loaded, applied to the host, then used for a
 * check of cfgtree/ (exclude, include, migrations, suppressions, rules and
 * plugin sections all act on it).  Its plugin_dirs and rule_packs are not
 * loaded: that would dlopen what the fuzzer names. */
static void
fuzz_config(const uint8_t *data, size_t size)
{
    config c;
    char *err = NULL;
    size_t i;

    write_file("cfgtree/.pgrampart.yml", (const char *) data, size);
    if (config_load(&c, cfg_file, NULL, &err) != 0) {
        free(err);
        config_free(&c);
        return;
    }
    fuzz_host.cfg = &c;
    if (host_apply_config(&fuzz_host, &err) == 0)
        check_and_report(&cfg_tree, 1);
    free(err);
    /* The next input starts from the shipped severities. */
    for (i = 0; i < fuzz_host.rules.len; i++)
        ((host_rule *) util_vec_at(&fuzz_host.rules, i))->severity = base_severities[i];
    fuzz_host.cfg = &base_cfg;
    config_free(&c);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
    char *err = NULL, *path;
    size_t i;

    (void) argc;
    (void) argv;
    for (i = 0; i < sizeof targets / sizeof targets[0]; i++)
        if (strcmp(targets[i].name, PGR_FUZZ_TARGET) == 0)
            target = &targets[i];
    if (target == NULL)
        die("unknown target", PGR_FUZZ_TARGET);
    /* A tree of our own on tmpfs (no .git above it: no git is asked). */
    snprintf(root, sizeof root, "%s/pgrampart-fuzz-XXXXXX",
             access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
    if (mkdtemp(root) == NULL)
        die("cannot make a directory", root);
    atexit(remove_tree);
    for (i = 0; i < sizeof tree / sizeof tree[0]; i++)
        write_file(tree[i][0], tree[i][1], strlen(tree[i][1]));
    for (i = 0; target->inputs[i]; i++) {
        write_file(target->inputs[i], "", 0);
        input_paths[i] = util_path_join(root, target->inputs[i]);
    }
    cfg_tree = util_path_join(root, "cfgtree");
    cfg_file = util_path_join(root, "cfgtree/.pgrampart.yml");
    if ((devnull = fopen("/dev/null", "w")) == NULL)
        die("cannot open /dev/null", NULL);
    path = util_path_join(root, ".pgrampart.yml");
    if (config_load(&base_cfg, path, NULL, &err) != 0)
        die("config", err);
    free(path);
    host_init(&fuzz_host, &base_cfg, NULL);
    if (host_load_dir(&fuzz_host, PGR_FUZZ_PLUGIN_DIR, 0, &err) != 0 ||
        host_load_rulepacks(&fuzz_host, PGR_SOURCE_RULES_DIR, &err) != 0 ||
        host_apply_config(&fuzz_host, &err) != 0)
        die("host", err);
    base_severities = util_xcalloc(fuzz_host.rules.len, sizeof *base_severities);
    for (i = 0; i < fuzz_host.rules.len; i++)
        base_severities[i] = ((host_rule *) util_vec_at(&fuzz_host.rules, i))->severity;
    check_set_reader(reader, NULL);
    return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *paths[4], *s;
    size_t n;

    if (size > FUZZ_MAX_INPUT)
        return 0;
    cur_data = data;
    cur_len = size;
    switch (target->mode) {
    case MODE_FILES:
        for (n = 0; input_paths[n]; n++)
            paths[n] = input_paths[n];
        check_and_report(paths, n);
        break;
    case MODE_CONNINFO:
        s = input_string(data, size);
        fuzz_conninfo_api(s);
        fuzz_conninfo_env(s);
        free(s);
        break;
    case MODE_CONFIG:
        fuzz_config(data, size);
        break;
    }
    return 0;
}
