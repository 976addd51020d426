/*
 * docurl.c — the stable documentation URL of a rule (issue 17): its
 * section of docs/rules.md in the repository, or of the configuration's
 * docs_base_url (a team's own copy), shown by explain, SARIF's helpUri, the
 * sign-off report and text output on a terminal (an OSC 8 link).
 */
#include "report/reporter.h"

#include <string.h>

/* Whether id is a rule of pgrampart's own (core or a bundled plugin's),
 * documented in its docs/rules.md; true without a host. */
static bool
bundled_rule(const host *h, const char *id)
{
    const host_rule *r = h ? host_find_rule(h, id) : NULL;

    if (h == NULL)
        return true;
    return r != NULL && ((const host_plugin *) util_vec_at(&h->plugins, r->plugin))->bundled;
}

/* base, "#" and the rule's anchor. */
static char *
url_for(const char *base, const char *id)
{
    util_buf b;
    const char *p;

    /* GitHub's anchor of the heading "## `family/name`": the backquotes and
     * the "/" dropped, as the README table links it. */
    util_buf_init(&b);
    util_buf_printf(&b, "%s#", base);
    for (p = id; *p; p++)
        if (*p != '/')
            util_buf_append(&b, p, 1);
    return b.data;
}

char *
report_rule_doc_url(const host *h, const char *id)
{
    if (h && h->cfg && h->cfg->docs_base_url)
        return url_for(h->cfg->docs_base_url, id);
    /* A third-party plugin's rule is in a team's own copy, not ours. */
    return bundled_rule(h, id) ? url_for(PGR_RULES_DOC_URL, id) : NULL;
}
