"""Issue 13, slice "yamlsettings": PostgreSQL and PgBouncer settings written inside YAML.

Patroni configurations, the Zalando, CrunchyData and CloudNativePG custom resources, bitnami-style
Helm values and ConfigMaps holding postgresql.conf / pg_hba.conf / pgbouncer.ini feed the same model
of settings and pg_hba rules as the files on disk (core/src/frontends/yamlserver.c), so the server
and ssl plugins report at the YAML's own line and column.  Only those places count: `ssl: off`
under another key, in a file that is none of them, or written with a template action, is not a
server setting.
"""
from e2e import *  # noqa: F401,F403

TRUST = "auth/hba-trust"
MD5 = "auth/hba-md5"
PASSWORD = "auth/hba-password"
OPEN = "auth/hba-open-address"
PWENC = "auth/password-encryption-md5"
BOUNCER_AUTH = "auth/pgbouncer-auth-type"
SSL_OFF = "ssl/server-ssl-off"
NOSSL = "ssl/hba-host-without-ssl"
WEAK_TLS = "ssl/weak-min-protocol"
BOUNCER_TLS = "ssl/pgbouncer-tls-disabled"
DDL = "logging/ddl-not-logged"
SERVER = {TRUST, MD5, PASSWORD, OPEN, PWENC, BOUNCER_AUTH, SSL_OFF, NOSSL, WEAK_TLS, BOUNCER_TLS,
          DDL, "logging/connections-not-logged"}


def server_findings(files):
    """The server-setting findings of a tree of files, as sorted (rule, path, line, column)."""
    found, _ = findings_in(files)
    return sorted(f for f in found if f[0] in SERVER)


PATRONI = """\
scope: main
restapi:
  listen: 0.0.0.0:8008
bootstrap:
  dcs:
    postgresql:
      parameters:
        password_encryption: md5
      pg_hba:
        - hostssl replication replicator 10.0.0.0/8 scram-sha-256
  pg_hba:
  - hostssl all all 10.0.0.0/8 md5
postgresql:
  listen: 0.0.0.0:5432
  parameters:
    ssl: "on"
  pg_hba:
    - hostssl all all 10.0.0.0/8 scram-sha-256
    - host all all 10.1.0.0/16 trust
"""


def test_patroni_parameters_and_pg_hba():
    """postgresql.pg_hba and bootstrap.pg_hba items are pg_hba lines at the item;
    bootstrap.dcs.postgresql.parameters are settings at the value.  The same keys in a file without Patroni's own keys (scope,
    bootstrap, restapi) are not a server's; safe values give nothing."""
    not_patroni = PATRONI.replace("scope: main\nrestapi:\n  listen: 0.0.0.0:8008\nbootstrap:",
                                  "app:\n  name: x\n\n\nbootstrap_:")
    safe = (PATRONI.replace("password_encryption: md5", "password_encryption: scram-sha-256")
            .replace("host all all 10.1.0.0/16 trust", "hostssl all all 10.1.0.0/16 scram-sha-256")
            .replace("10.0.0.0/8 md5", "10.0.0.0/8 scram-sha-256"))
    found = server_findings({"patroni.yml": PATRONI, "app/settings.yml": not_patroni,
                             "safe/patroni.yml": safe})
    assert found == sorted([(PWENC, "patroni.yml", 8, 30), (MD5, "patroni.yml", 12, 5),
                            (TRUST, "patroni.yml", 19, 7), (NOSSL, "patroni.yml", 19, 7)]), found


ZALANDO = """\
apiVersion: acid.zalan.do/v1
kind: postgresql
metadata:
  name: acid-minimal
spec:
  postgresql:
    version: "16"
    parameters:
      ssl: "off"
      log_statement: none
  patroni:
    pg_hba:
      - hostssl all all 0.0.0.0/0 md5
"""


def test_zalando_postgresql_resource():
    """spec.postgresql.parameters (ssl: "off" at the quoted value's first byte) and
    spec.patroni.pg_hba; the same resource with another apiVersion, or with safe values, gives
    nothing."""
    other_api = ZALANDO.replace("acid.zalan.do/v1", "example.com/v1")
    safe = (ZALANDO.replace('ssl: "off"', 'ssl: "on"').replace("log_statement: none", "log_statement: ddl")
            .replace("0.0.0.0/0 md5", "10.0.0.0/8 scram-sha-256"))
    found = server_findings({"k8s/pg.yaml": ZALANDO, "k8s/other.yaml": other_api,
                             "k8s/safe.yaml": safe})
    assert found == sorted([(MD5, "k8s/pg.yaml", 13, 9), (OPEN, "k8s/pg.yaml", 13, 9),
                     (DDL, "k8s/pg.yaml", 10, 22), (SSL_OFF, "k8s/pg.yaml", 9, 13)]), found


CNPG = """\
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: pg
spec:
  instances: 3
  postgresql:
    parameters:
      password_encryption: md5
    pg_hba:
      - host all all 10.0.0.0/8 password
"""


def test_cloudnativepg_cluster():
    """spec.postgresql.parameters and spec.postgresql.pg_hba of a postgresql.cnpg.io Cluster; a
    Cluster of another API group is not one."""
    other = CNPG.replace("postgresql.cnpg.io/v1", "cluster.x-k8s.io/v1beta1")
    safe = (CNPG.replace("password_encryption: md5", "password_encryption: scram-sha-256")
            .replace("host all all 10.0.0.0/8 password", "hostssl all all 10.0.0.0/8 scram-sha-256"))
    found = server_findings({"cnpg.yaml": CNPG, "capi.yaml": other, "safe/cnpg.yaml": safe})
    assert found == sorted([(PASSWORD, "cnpg.yaml", 11, 9), (PWENC, "cnpg.yaml", 9, 28),
                     (NOSSL, "cnpg.yaml", 11, 9)]), found


CRUNCHY = """\
apiVersion: postgres-operator.crunchydata.com/v1beta1
kind: PostgresCluster
metadata:
  name: hippo
spec:
  patroni:
    dynamicConfiguration:
      postgresql:
        parameters:
          ssl_min_protocol_version: TLSv1.1
        pg_hba:
          - hostssl all all 10.0.0.0/8 trust
  proxy:
    pgBouncer:
      config:
        global:
          auth_type: trust
          client_tls_sslmode: disable
"""


def test_crunchy_postgrescluster_and_pgbouncer():
    """dynamicConfiguration's parameters and pg_hba, and pgBouncer's config.global as pgbouncer
    settings.  A global that leaves the TLS modes out keeps the operator's (require,
    verify-full): no finding, unlike a pgbouncer.ini without them."""
    safe = (CRUNCHY.replace("TLSv1.1", "TLSv1.2").replace("10.0.0.0/8 trust", "10.0.0.0/8 scram-sha-256")
            .replace("auth_type: trust\n          client_tls_sslmode: disable", "pool_mode: transaction"))
    found = server_findings({"deploy/hippo.yaml": CRUNCHY, "safe/hippo.yaml": safe})
    assert found == sorted([(BOUNCER_AUTH, "deploy/hippo.yaml", 17, 22),
                     (TRUST, "deploy/hippo.yaml", 12, 13),
                     (BOUNCER_TLS, "deploy/hippo.yaml", 18, 31),
                     (WEAK_TLS, "deploy/hippo.yaml", 10, 37)]), found


HELM = """\
postgresql:
  enabled: true
  primary:
    configuration: |
      listen_addresses = '*'
      ssl = off
    pgHbaConfiguration: |
      local all all peer
      host all all 0.0.0.0/0 md5
pgpool:
  configuration: |
    ssl = off
"""


def test_helm_values_blocks():
    """bitnami-style primary.configuration and primary.pgHbaConfiguration (here under the
    postgresql subchart key) are postgresql.conf and pg_hba.conf text at their own lines and
    columns; pgpool.configuration is not postgresql.conf, and the same keys in a file that is not
    a values file are not Helm values."""
    top = "pgHbaConfiguration: |-\n  hostssl all all 10.0.0.0/8 scram-sha-256\n  host all all 10.0.0.0/8 trust\n"
    found = server_findings({"chart/values.yaml": HELM, "chart/values-prod.yaml": top,
                             "config/app.yaml": HELM})
    assert found == sorted([(MD5, "chart/values.yaml", 9, 7), (OPEN, "chart/values.yaml", 9, 7),
                     (TRUST, "chart/values-prod.yaml", 3, 3),
                     (NOSSL, "chart/values-prod.yaml", 3, 3),
                     (NOSSL, "chart/values.yaml", 9, 7),
                     (SSL_OFF, "chart/values.yaml", 6, 13)]), found


def test_helm_values_templates_and_settings_maps():
    """A value written with a template action is unknown, not off; bitnami's old
    postgresqlConfiguration map spells names in camelCase (passwordEncryption)."""
    templated = ('primary:\n  pgHbaConfiguration: "{{ .Values.hba }}"\n'
                 'postgresqlConfiguration:\n  ssl: "{{ .Values.ssl }}"\n'
                 '  passwordEncryption: {{ .Values.enc }}\n')
    old = "postgresqlConfiguration:\n  passwordEncryption: md5\n  ssl: \"on\"\n"
    found = server_findings({"a/values.yaml": templated, "b/values.yaml": old})
    assert found == sorted([(PWENC, "b/values.yaml", 2, 23)]), found


CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: pg-config
data:
  pg_hba.conf: |
    local all all trust
    hostssl all all 10.0.0.0/8 scram-sha-256
  postgresql.conf: |
    include 'other.conf'
    password_encryption = md5
  pgbouncer.ini: |
    [pgbouncer]
    auth_type = plain
    client_tls_sslmode = require
  notes.txt: |
    host all all 0.0.0.0/0 trust
"""


def test_configmap_server_files():
    """A ConfigMap's pg_hba.conf, postgresql.conf and pgbouncer.ini keys are read by pgconf's own
    parsers at the block's lines; a pgbouncer.ini without server_tls_sslmode is reported at its
    key; other keys, a Secret's base64 data and a block of another kind are not read, and an
    include is not followed."""
    secret = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\ndata:\n"
              "  pg_hba.conf: aG9zdCBhbGwgYWxsIDAuMC4wLjAvMCB0cnVzdAo=\n"
              "stringData:\n  pg_hba.conf: |\n    hostssl all all 10.0.0.0/8 password\n")
    folded = "apiVersion: v1\nkind: ConfigMap\ndata:\n  pg_hba.conf: >\n    host all all 10.0.0.0/8 trust\n"
    found = server_findings({"k8s/cm.yaml": CONFIGMAP, "k8s/secret.yaml": secret,
                             "k8s/folded.yaml": folded, "k8s/other.conf": "ssl = off\n"})
    assert found == sorted([(BOUNCER_AUTH, "k8s/cm.yaml", 14, 17), (PWENC, "k8s/cm.yaml", 11, 27),
                     (TRUST, "k8s/cm.yaml", 7, 5), (PASSWORD, "k8s/secret.yaml", 9, 5),
                     (BOUNCER_TLS, "k8s/cm.yaml", 12, 3)]), found


def test_other_yaml_and_chart_templates():
    """`ssl: off` under keys that are no server's (an app's database section, a compose file) is
    not a setting; a chart template whose values are template actions gives nothing, while its
    literal values still count."""
    app = "database:\n  ssl: off\n  parameters:\n    ssl: off\n  pg_hba:\n    - host all all 0.0.0.0/0 trust\n"
    template = """\
{{- if .Values.cluster.enabled }}
apiVersion: postgresql.cnpg.io/v1
kind: Cluster
metadata:
  name: {{ .Release.Name }}
spec:
  postgresql:
    parameters:
      ssl_min_protocol_version: {{ .Values.tls.min }}
      log_statement: none
    pg_hba:
      - host all all {{ .Values.cidr }} {{ .Values.method }}
{{- end }}
"""
    found = server_findings({"config/app.yml": app, "chart/templates/cluster.yaml": template})
    assert found == sorted([(DDL, "chart/templates/cluster.yaml", 10, 22)]), found


def test_hostile_yaml_is_bounded():
    """Nesting a hundred thousand levels deep is not loaded (libyaml's scanner is quadratic in
    it), and aliases are not expanded: a billion-laughs parameters map is read once, in well
    under the time a reading of each expansion would take; the real rule beside it is found."""
    import time
    deep = "postgresql:\n  parameters: " + "[" * 100000 + "]" * 100000 + "\n"
    bomb = ['a: &a ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    for i in range(1, 20):
        prev = chr(96 + i)
        bomb.append(f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join(f"*{prev}" for _ in range(9)) + "]")
    bomb += ["scope: x", "postgresql:", "  parameters: *t", "  pg_hba:", "    - *t",
             "    - hostssl all all 10.0.0.0/8 password"]
    start = time.monotonic()
    found = server_findings({"deep-values.yaml": deep, "patroni.yml": "\n".join(bomb) + "\n"})
    assert time.monotonic() - start < 20
    assert found == [(PASSWORD, "patroni.yml", 26, 7)], found


def test_helm_pgbouncer_values():
    """pgbouncer charts' values: icoretech's config.pgbouncer, an application's pgbouncer: key
    (camelCase authType), pmint93's settings when it is pgbouncer's.  A TLS mode the values leave
    out is the chart's choice (no finding); a settings: map that is not pgbouncer's (a mail
    server's auth_type: plain) is not read."""
    icoretech = ("config:\n  adminUser: admin\n  pgbouncer:\n    auth_type: plain\n"
                 "    client_tls_sslmode: prefer\n    server_tls_sslmode: verify-full\n")
    app = "pgbouncer:\n  enabled: true\n  authType: trust\n"
    pmint = "settings:\n  pool_mode: transaction\n  auth_type: scram-sha-256\n  client_tls_sslmode: disable\n"
    mail = "settings:\n  smtp_host: mail.example.com\n  auth_type: plain\n"
    safe = "pgbouncer:\n  authType: scram-sha-256\n  clientTlsSslmode: require\n"
    found = server_findings({"a/values.yaml": icoretech, "b/values.yaml": app,
                             "c/values.yaml": pmint, "d/values.yaml": mail, "e/values.yaml": safe})
    assert found == sorted([(BOUNCER_AUTH, "a/values.yaml", 4, 16),
                            (BOUNCER_TLS, "a/values.yaml", 5, 25),
                            (BOUNCER_AUTH, "b/values.yaml", 3, 13),
                            (BOUNCER_TLS, "c/values.yaml", 4, 23)]), found


TIMESCALE = """\
patroni:
  bootstrap:
    dcs:
      postgresql:
        parameters:
          ssl: 'on'
          log_connections: 'off'
  postgresql:
    pg_hba:
    - local     all             postgres                              peer
    - hostnossl all,replication all                all                reject
    - hostssl   all             all                10.0.0.0/8         scram-sha-256
    - hostssl   all             all                all                md5
"""


def test_helm_values_patroni_key():
    """A chart that runs Patroni (timescaledb-single) takes its configuration under patroni: in
    its values; reject and local peer lines give nothing.  A patroni: key of a file that is not a
    values file is not read."""
    found = server_findings({"ts/values.yaml": TIMESCALE, "ts/patroni-notes.yaml": TIMESCALE})
    assert found == sorted([("logging/connections-not-logged", "ts/values.yaml", 7, 29),
                            (MD5, "ts/values.yaml", 13, 7), (OPEN, "ts/values.yaml", 13, 7)]), found


def test_invalid_utf8_and_multibyte_columns():
    """A bad byte (reported as core/invalid-utf8) does not hide the file's settings; columns
    count bytes, after a multi-byte character too."""
    text = (b"scope: caf\xc3\xa9\n# \xff not UTF-8\npostgresql:\n  parameters: {ap\xc3\xa9: 1, ssl: 'off'}\n"
            b"  pg_hba: [\"local all all trust\"]\n")
    found = server_findings({"patroni.yml": text})
    assert found == sorted([(SSL_OFF, "patroni.yml", 4, 31), (TRUST, "patroni.yml", 5, 13)]), found
