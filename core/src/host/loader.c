/*
 * loader.c — loading rule plugins.  A plugin is a shared object dlopen()ed
 * from a plugin directory (every "*.so", in name order) or named alone; its
 * init function receives the host's table (api.c) and returns a descriptor,
 * which is refused, with the file named, when its ABI version or size is
 * not the host's, when a pointer the host will follow is NULL, or when its
 * name is taken.  Its rules are then registered (registry.c).  Loading a
 * plugin runs its code, even one refused later (its constructors run at
 * dlopen): only the command line or a trusted configuration names plugin
 * directories (README, "Trust model").
 */
#include "host/host.h"

#include <dirent.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "host/host_internal.h"

/*
 * The pointers of a descriptor the host follows without further checks: a
 * plugin with a NULL name or a count without its array is refused here,
 * with its file named, rather than crashing the run later.  Rules are
 * checked one by one as they are registered.
 */
static int
check_descriptor(const char *path, const pgr_plugin *desc, char **err)
{
    size_t i;

    if (desc->name == NULL || desc->name[0] == '\0') {
        *err = util_xasprintf("%s: the plugin descriptor has no name", path);
        return -1;
    }
    if (desc->n_rules > 0 && desc->rules == NULL) {
        *err = util_xasprintf("%s: the plugin descriptor counts %zu rules but its rules are NULL",
                              path, desc->n_rules);
        return -1;
    }
    if (desc->n_config_keys > 0 && desc->config_keys == NULL) {
        *err = util_xasprintf("%s: the plugin descriptor counts %zu configuration keys but its "
                              "config_keys are NULL", path, desc->n_config_keys);
        return -1;
    }
    for (i = 0; i < desc->n_config_keys; i++) {
        if (desc->config_keys[i].name == NULL) {
            *err = util_xasprintf("%s: configuration key %zu has no name", path, i);
            return -1;
        }
    }
    return 0;
}

int
host_load_file(host *h, const char *path, char **err)
{
    void *handle;
    pgr_plugin_init_fn init;
    const pgr_plugin *desc;
    host_plugin *hp;
    size_t i;
    const char *dlerr;

    handle = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (handle == NULL) {
        dlerr = dlerror();
        *err = util_xasprintf("%s: cannot load plugin: %s", path, dlerr ? dlerr : "unknown error");
        return -1;
    }
    *(void **) (&init) = dlsym(handle, PGR_PLUGIN_INIT_SYMBOL);
    if (init == NULL) {
        *err = util_xasprintf("%s: not a pgrampart plugin: no %s symbol", path,
                              PGR_PLUGIN_INIT_SYMBOL);
        dlclose(handle);
        return -1;
    }
    desc = init(&host_api);
    if (desc == NULL) {
        *err = util_xasprintf("%s: the plugin refused host ABI version %d", path, PGR_ABI_VERSION);
        dlclose(handle);
        return -1;
    }
    if (desc->abi_version != PGR_ABI_VERSION || desc->size != sizeof(pgr_plugin)) {
        *err = util_xasprintf("%s: plugin ABI version %u (descriptor %u bytes) does not match "
                              "the host's ABI version %d (%zu bytes); rebuild it against this "
                              "pgrampart/plugin.h", path, desc->abi_version, desc->size,
                              PGR_ABI_VERSION, sizeof(pgr_plugin));
        dlclose(handle);
        return -1;
    }
    if (check_descriptor(path, desc, err) != 0) {
        dlclose(handle);
        return -1;
    }
    for (i = 0; i < h->plugins.len; i++) {
        if (strcmp(((host_plugin *) util_vec_at(&h->plugins, i))->desc->name, desc->name) == 0) {
            *err = util_xasprintf("%s: a plugin named '%s' is already loaded", path, desc->name);
            dlclose(handle);
            return -1;
        }
    }
    hp = util_vec_push(&h->plugins);
    hp->handle = handle;
    hp->path = util_xstrdup(path);
    hp->desc = desc;
    if (host_register_plugin_rules(h, h->plugins.len - 1, err) != 0)
        return -1;
    return 0;
}

static int
name_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

char **
host_list_dir(const char *dir, const char *suffix, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **names = NULL;
    size_t cap = 0, sl = strlen(suffix);

    *n = 0;
    if (d == NULL)
        return NULL;
    while ((de = readdir(d)) != NULL) {
        size_t l = strlen(de->d_name);

        if (l <= sl || strcmp(de->d_name + l - sl, suffix) != 0)
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            names = util_xrealloc(names, cap * sizeof(char *));
        }
        names[(*n)++] = util_path_join(dir, de->d_name);
    }
    closedir(d);
    if (*n)
        qsort(names, *n, sizeof(char *), name_cmp);
    return names;
}

int
host_load_dir(host *h, const char *dir, int optional, char **err)
{
    size_t n, i;
    char **names = host_list_dir(dir, ".so", &n);
    int rc = 0;

    if (names == NULL && n == 0) {
        DIR *d = opendir(dir);

        if (d)
            closedir(d);
        else if (!optional) {
            *err = util_xasprintf("%s: cannot open plugin directory", dir);
            return -1;
        }
    }
    for (i = 0; i < n; i++) {
        if (rc == 0)
            rc = host_load_file(h, names[i], err);
        free(names[i]);
    }
    free(names);
    return rc;
}
