/*
 * frontend.h — what a front-end is: the descriptor each front-end file
 * defines (sql.c, dotenv.c, pgconf.c, yamldoc.c, shell.c, jsfile.c), and the
 * table of them (frontends.c) that the check walks to find the files it reads,
 * to parse them, to find suppression comments in them and to register their
 * syntax rules.
 *
 * A new input format = a new file here defining its `const frontend`, one
 * line in frontends.c's table (and the file in core/meson.build), one fixture
 * directory tests/frontends/<name>/ (tests/e2e/frontends_table.py).
 */
#ifndef PGR_FRONTEND_H
#define PGR_FRONTEND_H

#include "frontends/values.h"
#include "model/model.h"
#include "pgrampart/plugin.h"

/* What a front-end makes of a file, which decides where the check takes it. */
typedef enum frontend_output {
    /* SQL statements: paired into migration sets, replayed into models,
     * given to on_sql_statement.  The check parses them itself (sql.h). */
    FRONTEND_STATEMENTS = 1,
    /* Settings (values_file) for on_value_file: parse_values. */
    FRONTEND_VALUES = 2,
    /* A model of its own, given to on_model: parse_model. */
    FRONTEND_MODEL = 3
} frontend_output;

/* The file a front-end parses; everything borrowed from the check. */
typedef struct frontend_input {
    const char *path;        /* display path */
    const char *root;        /* resolved checked root the file was found under
                              * (includes may not leave it), or NULL */
    const char *text;        /* len bytes, not NUL-terminated */
    size_t len;
    const char *dialect;     /* a file name whose name picks the language's
                              * dialect ("block.tsx", "pg_hba.conf": a Markdown
                              * block's), or NULL: path's own */
} frontend_input;

/*
 * Text in another front-end's language found inside a file (a CI step's
 * shell in YAML, SQL handed to psql in a script, a Markdown file's fenced
 * blocks): as long as the file, the embedded text at the file's own offsets
 * and blanks elsewhere (a space for every byte but a newline), so that its
 * findings land at the file's own lines and columns.  A front-end pushes
 * any number of them onto the util_vec (of frontend_embedded) parse_values
 * is given; the caller frees each text and the vector.
 */
typedef struct frontend_embedded {
    const char *frontend;    /* name of the front-end that reads it: "shell", "sql",
                              * "pgconf" (static) */
    char *text;              /* the file's length in bytes; caller frees */
    const char *dialect;     /* frontend_input.dialect for it (static), or NULL */
    /* Its settings are a value file of their own, in its front-end's format
     * (a Markdown file's YAML blocks are YAML to the plugins); false: they
     * join the settings of the text they are embedded in (a CI step's shell
     * is part of its YAML file). */
    bool own_file;
} frontend_embedded;

/* One input format. */
typedef struct frontend {
    /* Its name; for a values front-end, also the name of its value-file
     * format ("dotenv", "yaml", "shell", "javascript"). */
    const char *name;
    /* Whether the file name (path) is one this front-end reads.  The table
     * is asked in order: the first front-end that matches reads the file. */
    bool (*match)(const char *path);
    frontend_output output;
    /*
     * FRONTEND_VALUES: read in into *out (initialised here; caller frees with
     * values_free); problems go to out->errors with their rule id.  Texts in
     * other languages are pushed onto embedded (a util_vec of
     * frontend_embedded, initialised by the caller), none when there is none.
     */
    void (*parse_values)(const frontend_input *in, values_file *out, util_vec *embedded);
    /* FRONTEND_MODEL: read in into m (initialised by the caller); problems
     * are appended to errors (of pgconf_error, pgconf.h; rule NULL means
     * this front-end's syntax rule).  A FRONTEND_VALUES front-end may have
     * one too, for the server settings its files hold (YAML: Patroni,
     * operator resources, Helm values; yamlserver.h): the check calls it
     * for every file it has one for, and checks the model when it holds a
     * setting, an hba rule or an error.  NULL: none. */
    void (*parse_model)(const frontend_input *in, model *m, util_vec *errors);
    /* FRONTEND_VALUES: the format plugins are told (pgr_value_file.format);
     * 0 for a front-end that only hands its text on (Markdown): its own
     * empty settings are not given to the plugins. */
    pgr_value_format format;
    /* FRONTEND_VALUES: plugins are told whether git tracks the file
     * (pgr_value_file.git_tracked; a committed env file is a leak). */
    bool git_tracked;
    /* The line-comment marker pgrampart-ignore comments follow ("--", "#"). */
    const char *comment;
    /* Others they may follow too, NULL-terminated: those of the languages
     * a Markdown file's blocks are written in ("--" in an sql block). */
    const char *more_comments[3];
    /* The rule of input that does not parse ("<family>/syntax-error"),
     * registered by the host as one of its own. */
    pgr_rule syntax_rule;
} frontend;

/* The front-ends in the order they are asked, NULL-terminated (frontends.c). */
extern const frontend *const frontends[];

/* The front-end that reads path (by its name only), or NULL: not an input. */
const frontend *frontends_match(const char *path);

/* The front-end called name, or NULL. */
const frontend *frontends_by_name(const char *name);

/* Push text (taken over; NULL: nothing embedded, nothing pushed) for the
 * front-end called frontend (static) onto embedded (of frontend_embedded),
 * its settings joining the embedding text's. */
void frontends_embed(util_vec *embedded, const char *frontend, char *text);

#endif
