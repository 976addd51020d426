/*
 * compose.c — see compose.h.  Reads only the pgr_value_file it is given
 * (key paths and values); it calls no host function.
 */
#include <string.h>
#include <strings.h>

#include "compose.h"

/* The service name of key_path when it names one of a service's defining
 * keys (services.<name>.image, .build, .build.context...), in *name, *len. */
static bool
service_of_key_path(const char *key_path, const char **name, size_t *len)
{
    const char *at;

    for (at = strstr(key_path, "services."); at; at = strstr(at + 1, "services.")) {
        const char *n = at + 9, *dot = strchr(n, '.');

        if (at != key_path && at[-1] != '.')
            continue;
        if (dot == NULL || dot == n)
            continue;
        if (strncmp(dot + 1, "image", 5) == 0 || strncmp(dot + 1, "build", 5) == 0) {
            *name = n;
            *len = (size_t) (dot - n);
            return true;
        }
    }
    return false;
}

/* Whether host[0, n) names a service of f. */
static bool
is_service(const pgr_value_file *f, const char *host, size_t n)
{
    size_t i, len;
    const char *name;

    if (n == 0 || memchr(host, '.', n) != NULL || memchr(host, ':', n) != NULL)
        return false;
    for (i = 0; i < f->n_values; i++) {
        const pgr_value *v = &f->values[i];

        if (service_of_key_path(v->key_path, &name, &len) && len == n &&
            strncasecmp(name, host, n) == 0)
            return true;
        if (strcmp(v->key, "container_name") == 0 && strlen(v->value) == n &&
            strncasecmp(v->value, host, n) == 0 && strstr(v->key_path, "services.") != NULL)
            return true;
    }
    return false;
}

bool
compose_hosts_are_services(const pgr_value_file *f, const char *hosts)
{
    const char *p = hosts;

    if (hosts == NULL || *hosts == '\0' || f->format != PGR_FORMAT_YAML)
        return false;
    while (*p) {
        size_t n = strcspn(p, ",");

        if (!is_service(f, p, n))
            return false;
        p += n;
        if (*p == ',')
            p++;
    }
    return true;
}

bool
compose_host_is_variable(const char *host)
{
    return host != NULL && (strchr(host, '$') != NULL || strstr(host, "{{") != NULL ||
                            strstr(host, "%(") != NULL);
}

bool
compose_ci_file(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    return strstr(path, ".github/workflows/") != NULL || strstr(path, ".circleci/") != NULL ||
        strcmp(base, ".gitlab-ci.yml") == 0 || strcmp(base, "bitbucket-pipelines.yml") == 0;
}

bool
compose_dev_env_file(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    return strcmp(base, ".gitpod.yml") == 0 || strcmp(base, ".gitpod.yaml") == 0 ||
        strncmp(path, ".devcontainer/", 14) == 0 || strstr(path, "/.devcontainer/") != NULL;
}

bool
compose_local_runtime_file(const char *path)
{
    const char *base = strrchr(path, '/');

    base = base ? base + 1 : path;
    if (strstr(base, "prod") != NULL)
        return false;
    return strstr(base, "compose") != NULL || strncmp(base, ".env", 4) == 0 ||
        compose_ci_file(path) || compose_dev_env_file(path);
}
