/*
 * yamlserver.h — PostgreSQL and PgBouncer server settings written inside
 * YAML, read into the same model of settings and pg_hba rules as
 * postgresql.conf, pg_hba.conf and pgbouncer.ini on disk (pgconf.h), so the
 * server and ssl plugins check them at the YAML's own lines and columns.
 *
 * Only these places count (a `ssl: off` anywhere else is not a server
 * setting):
 *  - Patroni (a document with postgresql: and scope:, bootstrap: or
 *    restapi:): postgresql.parameters, postgresql.pg_hba,
 *    bootstrap.dcs.postgresql.parameters, bootstrap.dcs.postgresql.pg_hba,
 *    bootstrap.pg_hba;
 *  - Zalando `kind: postgresql` (acid.zalan.do): spec.postgresql.parameters,
 *    spec.patroni.pg_hba;
 *  - CrunchyData `kind: PostgresCluster`:
 *    spec.patroni.dynamicConfiguration.postgresql.parameters and .pg_hba,
 *    spec.proxy.pgBouncer.config.global (as "pgbouncer.<name>");
 *  - CloudNativePG `kind: Cluster` (postgresql.cnpg.io):
 *    spec.postgresql.parameters, spec.postgresql.pg_hba;
 *  - Helm values (a file whose name holds "values"), bitnami-style, at the
 *    top or under a postgresql: subchart key: primary.configuration,
 *    primary.extendedConfiguration, readReplicas.(extended)Configuration,
 *    postgresqlConfiguration, postgresqlExtendedConf (postgresql.conf
 *    blocks, or maps of camelCase names), primary.pgHbaConfiguration,
 *    pgHbaConfiguration (pg_hba blocks); under postgresql: also
 *    configuration and extendedConfiguration (postgresql-ha);
 *    pgbouncer charts' auth_type, client_tls_sslmode, server_tls_sslmode
 *    (or authType...) under config.pgbouncer (icoretech/pgbouncer),
 *    settings (pmint93/pgbouncer, with one of pool_mode, admin_users,
 *    auth_query, auth_file) or pgbouncer; a patroni: key holding a
 *    Patroni configuration (timescaledb-single);
 *  - a ConfigMap's data or a Secret's stringData key that names a server
 *    file (postgresql.conf, pg_hba.conf, pgbouncer.ini) with a literal
 *    block scalar value.
 * A value written with a template action ({{ }}) is unknown, and an unknown
 * or empty value is not put in the model.
 */
#ifndef PGR_YAMLSERVER_H
#define PGR_YAMLSERVER_H

#include "frontends/frontend.h"

/*
 * The YAML front-end's parse_model: the server settings and pg_hba rules of
 * in (every document) into m, located at in->path's 1-based lines and byte
 * columns.  A file libyaml refuses, as written and with its template
 * actions blanked, adds nothing (the values reading reports it).  Lines of
 * embedded configuration text that do not read are not reported: a chart
 * or operator renders them.  errors is left untouched.
 */
void yamlserver_parse_model(const frontend_input *in, model *m, util_vec *errors);

#endif
