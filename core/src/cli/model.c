/*
 * model.c — pgrampart model: the replayed schema models as JSON.
 */
#include "cli/cli.h"

#include <jansson.h>

#include "model/model_json.h"
#include "scan/check.h"

void
cli_model_help(FILE *out)
{
    fputs("usage: pgrampart model [PATH...]\nPrint the schema models replayed from PATH as JSON.\n", out);
}

static void
collect_model(model *m, void *arg)
{
    pgr_model view;

    model_view(m, &view);
    json_array_append_new((json_t *) arg, model_json(&view));
}
/* pgrampart model: the replayed schema models as JSON (the only format). */
int
cli_model(host *h, const cli_options *o, char *const *paths, size_t n)
{
    static char *const dot[] = { "." };
    json_t *models = json_array(), *root = json_object();
    check_run run;
    char *err = NULL;
    int rc = CLI_EXIT_CLEAN;

    (void) o;

    if (n == 0) {
        paths = dot;
        n = 1;
    }
    if (check_paths_models(h, paths, n, &run, &err, collect_model, models) != 0) {
        diag_print_error(stderr, err);
        free(err);
        rc = CLI_EXIT_TOOL;
    } else {
        json_object_set_new(root, "version", json_integer(1));
        json_object_set_new(root, "models", models);
        models = NULL;
        /* A model that could not be written is the tool failing. */
        if (json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0 ||
            fputc('\n', stdout) == EOF || fflush(stdout) != 0)
            rc = CLI_EXIT_TOOL;
    }
    json_decref(models);
    json_decref(root);
    check_free(&run);
    return rc;
}
