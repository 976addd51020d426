/*
 * compose.h — hosts that stay on this machine's or this stack's network, as
 * a settings file shows them: the services a YAML file declares (a
 * docker-compose file's services.<name>, a CI job's services.<name>), and
 * hosts that are variables.  Shared by the ssl and secrets plugins, which
 * treat a compose service like localhost (issue 12, item 6).
 */
#ifndef PGRAMPART_PLUGINS_COMPOSE_H
#define PGRAMPART_PLUGINS_COMPOSE_H

#include <stdbool.h>

#include "pgrampart/plugin.h"

/*
 * Whether every host of hosts (a libpq host list: comma-separated, as
 * conninfo_value(ci, "host") gives it) is a single-label name of a service
 * of f: a key path services.<name>.image or .build, or a service's
 * container_name.  Compared case-insensitively.  False for NULL or "", for
 * files that are not YAML, and for a name with a dot (a DNS name).
 */
bool compose_hosts_are_services(const pgr_value_file *f, const char *hosts);

/* Whether host (NULL: no) is a shell or template variable rather than a
 * name: $database_host, ${DB_HOST}, {{ .Values.host }}, %(host)s. */
bool compose_host_is_variable(const char *host);

/* Whether path is a CI pipeline's file (.github/workflows/, .gitlab-ci.yml,
 * .circleci/, bitbucket-pipelines.yml): its localhost is a runner's
 * throwaway service container. */
bool compose_ci_file(const char *path);

/* Whether path configures a development environment (.gitpod.yml, files
 * under .devcontainer/): its localhost is the workspace's own container. */
bool compose_dev_env_file(const char *path);

/* Whether path runs a throwaway database: a compose file
 * (docker-compose*.yml, compose*.yaml), an env file beside one, a CI
 * pipeline or a development container, unless its name says production
 * (docker-compose.prod.yml).  The image-trust and settings rules judge
 * such files as a laptop's, not a deployment's. */
bool compose_local_runtime_file(const char *path);

#endif
