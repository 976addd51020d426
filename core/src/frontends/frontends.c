/*
 * frontends.c — the table of front-ends (see frontend.h).  Each descriptor
 * lives in its front-end's own file; this table only says which exist and in
 * which order a file name is offered to them.
 */
#include "frontends/frontend.h"

#include <string.h>

extern const frontend sql_frontend;      /* sql.c */
extern const frontend dotenv_frontend;   /* dotenv.c */
extern const frontend pgconf_frontend;   /* pgconf.c */
extern const frontend yaml_frontend;     /* yamldoc.c */
extern const frontend shell_frontend;    /* shell.c */
extern const frontend js_frontend;       /* jsfile.c */
extern const frontend markdown_frontend; /* markdown.c */

/*
 * The first front-end whose match accepts a name reads the file, so the
 * order settles names two of them would take: ".env.pg_hba.conf" is an env
 * file.
 */
const frontend *const frontends[] = {
    &sql_frontend,
    &dotenv_frontend,
    &pgconf_frontend,
    &yaml_frontend,
    &shell_frontend,
    &js_frontend,
    &markdown_frontend,
    NULL
};

const frontend *
frontends_match(const char *path)
{
    size_t i;

    for (i = 0; frontends[i]; i++)
        if (frontends[i]->match(path))
            return frontends[i];
    return NULL;
}

const frontend *
frontends_by_name(const char *name)
{
    size_t i;

    for (i = 0; frontends[i]; i++)
        if (strcmp(frontends[i]->name, name) == 0)
            return frontends[i];
    return NULL;
}

void
frontends_embed(util_vec *embedded, const char *frontend, char *text)
{
    frontend_embedded *e;

    if (text == NULL)
        return;
    e = util_vec_push(embedded);
    e->frontend = frontend;
    e->text = text;
}
