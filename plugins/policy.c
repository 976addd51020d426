/*
 * policy.c — see policy.h.  Values are compared the way PostgreSQL reads
 * a setting (PostgreSQL docs 20.1.1 "Parameter Names and Values"): boolean
 * words by meaning, numbers with their memory or time unit by amount,
 * enumerations case-insensitively.
 */
#include "policy.h"

#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const policy_test_names[] = {
    "equals", "in", "not_in", "min", "max", "present", "contains", "matches", "host_matches", NULL
};

/* Dimensions of a number: none, bytes, microseconds. */
enum { DIM_NONE, DIM_MEMORY, DIM_TIME };

typedef struct amount {
    double value;
    int dim;
} amount;

/* PostgreSQL's units (memory in 1024 steps; time) in their base unit. */
static const struct {
    const char *name;
    int dim;
    double scale;
} units[] = {
    { "B", DIM_MEMORY, 1 }, { "kB", DIM_MEMORY, 1024.0 }, { "MB", DIM_MEMORY, 1048576.0 },
    { "GB", DIM_MEMORY, 1073741824.0 }, { "TB", DIM_MEMORY, 1099511627776.0 },
    { "us", DIM_TIME, 1 }, { "ms", DIM_TIME, 1e3 }, { "s", DIM_TIME, 1e6 },
    { "min", DIM_TIME, 6e7 }, { "h", DIM_TIME, 3.6e9 }, { "d", DIM_TIME, 8.64e10 },
};

/* A unit ("ms"; "8kB", a block of 8 kB) as a dimension and a scale. */
static int
parse_unit(const char *u, amount *a)
{
    double mult = 1;
    char *end;
    size_t i;

    if (isdigit((unsigned char) *u)) {
        mult = strtod(u, &end);
        u = end;
    }
    for (i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(units[i].name, u) == 0) {
            a->value *= mult * units[i].scale;
            a->dim = units[i].dim;
            return 0;
        }
    }
    return -1;
}

/*
 * A number with an optional unit ("250", "1.5s", "8 MB"); a bare number
 * takes default_unit when given.  Returns 0, or -1 when s is not a number.
 */
static int
parse_amount(const char *s, const char *default_unit, amount *a)
{
    char unit[8];
    char *end;
    size_t n = 0;

    while (isspace((unsigned char) *s))
        s++;
    if (*s == '\0')
        return -1;
    a->value = strtod(s, &end);
    a->dim = DIM_NONE;
    if (end == s || !isfinite(a->value))
        return -1;
    while (isspace((unsigned char) *end))
        end++;
    while (isalpha((unsigned char) *end) && n + 1 < sizeof unit)
        unit[n++] = *end++;
    unit[n] = '\0';
    while (isspace((unsigned char) *end))
        end++;
    if (*end != '\0')
        return -1;
    if (n > 0)
        return parse_unit(unit, a);
    if (default_unit != NULL)
        return parse_unit(default_unit, a);
    return 0;
}

/* 1 true, 0 false, -1 not a boolean word (PostgreSQL's parse_bool, whole
 * words only: a prefix such as "of" is too easy to mistake). */
static int
parse_bool(const char *s)
{
    static const char *const yes[] = { "on", "true", "yes", "1", NULL };
    static const char *const no[] = { "off", "false", "no", "0", NULL };
    size_t i;

    for (i = 0; yes[i]; i++)
        if (strcasecmp(s, yes[i]) == 0)
            return 1;
    for (i = 0; no[i]; i++)
        if (strcasecmp(s, no[i]) == 0)
            return 0;
    return -1;
}

/* Whether two setting values mean the same. */
static int
same_value(const char *a, const char *b, const char *default_unit)
{
    int ba = parse_bool(a), bb = parse_bool(b);
    amount x, y;

    if (ba >= 0 && bb >= 0)
        return ba == bb;
    if (parse_amount(a, default_unit, &x) == 0 && parse_amount(b, default_unit, &y) == 0)
        return x.dim == y.dim && x.value == y.value;
    return strcasecmp(a, b) == 0;
}

/* The strings of a test's value: a string is a list of one. */
static size_t
n_values(const pgr_config_node *v)
{
    return api->config_node_kind(v) == 's' ? 1 : api->config_node_length(v);
}

static const char *
value_at(const pgr_config_node *v, size_t i)
{
    return api->config_node_kind(v) == 's' ? api->config_node_string(v)
        : api->config_node_string(api->config_node_item(v, i));
}

/* "a, b, c" of a test's strings into buf. */
static void
join_values(const pgr_config_node *v, char *buf, size_t size)
{
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < n_values(v) && used + 1 < size; i++) {
        int w = snprintf(buf + used, size - used, "%s%s", i ? ", " : "", value_at(v, i));

        if (w < 0)
            break;
        used += (size_t) w;
    }
}

static int
one_of(const pgr_config_node *v, const char *value, const char *default_unit)
{
    size_t i;

    for (i = 0; i < n_values(v); i++)
        if (value_at(v, i) && same_value(value, value_at(v, i), default_unit))
            return 1;
    return 0;
}

/* Whether a comma-separated list value (items may be quoted) holds item. */
static int
list_holds(const char *value, const char *item)
{
    size_t n = strlen(item);
    const char *p = value;

    while (*p) {
        const char *start, *end;

        while (*p == ' ' || *p == '\t' || *p == '"' || *p == '\'')
            p++;
        start = p;
        while (*p && *p != ',')
            p++;
        end = p;
        while (end > start && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '"' || end[-1] == '\''))
            end--;
        if ((size_t) (end - start) == n && strncasecmp(start, item, n) == 0)
            return 1;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* min or max: is value on the right side of the bound? */
static int
within(const char *test, const char *bound, const char *value, const char *default_unit,
       char *why, size_t whysize)
{
    amount b, v;
    int is_min = strcmp(test, "min") == 0;

    if (parse_amount(bound, default_unit, &b) != 0) {
        snprintf(why, whysize, "the policy's %s %s is not a number", test, bound);
        return 0;
    }
    if (parse_amount(value, default_unit, &v) != 0 || v.dim != b.dim) {
        snprintf(why, whysize, "not a number comparable with %s %s", test, bound);
        return 0;
    }
    if (is_min ? v.value >= b.value : v.value <= b.value)
        return 1;
    snprintf(why, whysize, "%s the %s %s", is_min ? "below" : "above",
             is_min ? "minimum" : "maximum", bound);
    return 0;
}

/*
 * host_matches: value is a connection string (libpq, or a dialect
 * conninfo_parse reads) whose every host matches one of the patterns
 * ("*pooler*": the application goes through the pooler).
 */
static int
host_matches(const pgr_config_node *v, const char *value, const char *list, char *why,
             size_t whysize)
{
    pgr_conninfo *ci = api->conninfo_parse(value);
    const char *hosts = ci ? api->conninfo_value(ci, "host") : NULL;
    char host[256] = "";
    int ok = hosts != NULL && hosts[0] != '\0';

    while (ok && *hosts) {
        size_t n = strcspn(hosts, ","), i;
        int any = 0;

        snprintf(host, sizeof host, "%.*s", (int) (n < sizeof host ? n : sizeof host - 1), hosts);
        for (i = 0; i < n_values(v) && !any; i++)
            any = value_at(v, i) && fnmatch(value_at(v, i), host, FNM_CASEFOLD) == 0;
        ok = any;
        hosts += n + (hosts[n] == ',');
    }
    if (!ok && ci && host[0])
        snprintf(why, whysize, "its host %s does not match %s", host, list);
    else if (!ok)
        snprintf(why, whysize, "not a connection string with a host (policy: %s)", list);
    if (ci)
        api->conninfo_free(ci);
    return ok;
}

/* One test of an entry; 1 when it passes. */
static int
test_one(const char *test, const pgr_config_node *v, const char *value, const char *default_unit,
         char *why, size_t whysize)
{
    char list[256];
    size_t i;

    join_values(v, list, sizeof list);
    if (strcmp(test, "present") == 0) {
        int want = parse_bool(list) != 0, set = value != NULL && value[0] != '\0';

        if (want == set)
            return 1;
        snprintf(why, whysize, want ? "not set" : "set, but the policy wants it unset");
        return 0;
    }
    /* Unset passes what only forbids values, and fails what asks for one. */
    if (value == NULL && strcmp(test, "not_in") == 0)
        return 1;
    if (value == NULL) {
        snprintf(why, whysize, "not set");
        return 0;
    }
    if (strcmp(test, "equals") == 0 || strcmp(test, "in") == 0) {
        if (one_of(v, value, default_unit))
            return 1;
        snprintf(why, whysize, n_values(v) == 1 ? "not %s" : "not one of %s", list);
        return 0;
    }
    if (strcmp(test, "not_in") == 0) {
        if (!one_of(v, value, default_unit))
            return 1;
        snprintf(why, whysize, "one of %s, which the policy forbids", list);
        return 0;
    }
    if (strcmp(test, "min") == 0 || strcmp(test, "max") == 0)
        return within(test, list, value, default_unit, why, whysize);
    if (strcmp(test, "contains") == 0) {
        for (i = 0; i < n_values(v); i++) {
            if (value_at(v, i) && !list_holds(value, value_at(v, i))) {
                snprintf(why, whysize, "does not hold %s", value_at(v, i));
                return 0;
            }
        }
        return 1;
    }
    if (strcmp(test, "matches") == 0) {
        for (i = 0; i < n_values(v); i++)
            if (value_at(v, i) && fnmatch(value_at(v, i), value, 0) == 0)
                return 1;
        snprintf(why, whysize, "does not match %s", list);
        return 0;
    }
    if (strcmp(test, "host_matches") == 0)
        return host_matches(v, value, list, why, whysize);
    return 1;   /* not a test: rule:, message: */
}

int
policy_test(const pgr_config_node *entry, const char *value, const char *default_unit,
            char *why, size_t whysize)
{
    size_t i;

    why[0] = '\0';
    for (i = 0; i < api->config_node_length(entry); i++) {
        const char *test = api->config_node_key(entry, i);

        if (!test_one(test, api->config_node_item(entry, i), value, default_unit, why, whysize))
            return 0;
    }
    return 1;
}

/* Whether name is one of policy_test_names. */
static int
is_test(const char *name)
{
    size_t i;

    for (i = 0; policy_test_names[i]; i++)
        if (strcmp(policy_test_names[i], name) == 0)
            return 1;
    return 0;
}

int
policy_requires_value(const pgr_config_node *entry)
{
    size_t i;

    for (i = 0; i < api->config_node_length(entry); i++) {
        const char *test = api->config_node_key(entry, i);
        const char *v = api->config_node_string(api->config_node_item(entry, i));

        if (!is_test(test) || strcmp(test, "not_in") == 0)
            continue;
        if (strcmp(test, "present") != 0 || (v && parse_bool(v) != 0))
            return 1;
    }
    return 0;
}

const pgr_config_node *
policy_get(const pgr_config_node *map, const char *key)
{
    size_t i;

    for (i = 0; i < api->config_node_length(map); i++)
        if (strcmp(api->config_node_key(map, i), key) == 0)
            return api->config_node_item(map, i);
    return NULL;
}
