"""End-to-end tests: parser limits are not findings (issue 12 item 7) -- Helm/Go and ERB templates in YAML,
TypeScript and shell parse gaps at info, github-script steps as JavaScript, UTF-16 files decoded."""
from e2e import *  # noqa: F401,F403 — helpers, fixtures and ARGS of e2e.py
import e2e  # noqa: F401

# A password that looks like key material: the secrets rules report it wherever a front-end reads it.
PW = "Xk9vT2pLq8rWz4Nm"
URL = f"postgres://app:{PW}@db-prod.example.com:5432/app?sslmode=verify-full"


def sev_in(files):
    """Lint a temporary tree; return [(rule, path, line, column, severity)]."""
    _, doc = findings_in(files)
    return [(f["rule"], f["path"], f["line"], f["column"], f["severity"]) for f in doc["findings"]]


def of_rule(found, rule):
    return [f for f in found if f[0] == rule]


HELM_SECRET = """{{- /*
Copyright notice of the chart.
*/}}
{{- $host := include "app.fullname" . }}
{{- if .Values.enabled }}
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "app.fullname" . }}
  namespace: {{ .Release.Namespace | quote }}
  labels: {{- include "common.labels.standard" ( dict "context" $ ) | nindent 4 }}
    app.kubernetes.io/component: primary
  {{- if .Values.commonAnnotations }}
  annotations: {{- toYaml .Values.commonAnnotations | nindent 4 }}
  {{- end }}
spec:
  template:
    spec:
      containers:
        - name: app
          command:
            - /bin/sh
            - -ec
            - |
              {{- if .Values.persistence.enabled }}
              chown {{ .Values.uid }}:{{ .Values.gid }} /data
              {{- end }}
          env:
            - name: DATABASE_URL
              value: "%s"
            - name: PGPASSWORD
              value: {{ .Values.password | quote }}
{{- end }}
""" % URL


def test_helm_template_is_not_a_yaml_error():
    """A chart template ({{- if }} lines, {{ }} values, "labels: {{- include | nindent }}", a control line at
    the head of a block scalar) is not a YAML error; a literal credential in it is still found at its line."""
    found = sev_in({"chart/templates/deployment.yaml": HELM_SECRET})
    assert not [f for f in found if f[0].startswith("yaml/")], found
    pw = of_rule(found, "secrets/hardcoded-password")
    assert [(p, line) for _, p, line, _, _ in pw] == [("chart/templates/deployment.yaml", 30)], found
    # A template reference ({{ .Values.password | quote }}) is not a hardcoded secret.
    assert not [f for f in found if f[2] == 32], found


TEMPLATE_BRANCHES = """apiVersion: v1
kind: ConfigMap
data:
{{- if .Values.list }}
- a
- b
{{- else }}
  mode: single
{{- end }}
  DATABASE_URL: %s
  other: {{ .Values.other }}
""" % URL


def test_template_not_yaml_after_blanking_is_one_info_note():
    """A template whose branches are not one YAML document is read line by line: one yaml/template note at
    info, never an error, and its key: value lines still reach the rules at their own line and column."""
    found = sev_in({"chart/templates/cm.yaml": TEMPLATE_BRANCHES})
    assert [(r, s) for r, _, _, _, s in found if r.startswith("yaml/")] == [("yaml/template", "info")], found
    pw = of_rule(found, "secrets/hardcoded-password")
    col = TEMPLATE_BRANCHES.splitlines()[9].index(PW) + 1
    assert [(line, c) for _, _, line, c, _ in pw] == [(10, col)], found
    # Hostile input: 400,000 actions never closed (each opener searched the rest of the file: minutes),
    # and a line-wise template nested deeper than the reader's 64 levels of key paths.
    deep = "".join("  " * i + f"k{i}:\n" for i in range(80)) + "  " * 80 + f"url: {URL}\n{{{{- if x }}}}\n- a\n"
    start = time.monotonic()
    found = sev_in({"a.yaml": "a: b\n" + "{{ x " * 400000 + "\n- c\n", "b.yaml": "a: b\n" + "<% " * 400000 + "\n- c\n",
                    "deep/templates/d.yaml": deep})
    assert time.monotonic() - start < 20
    assert sorted((r, p) for r, p, _, _, _ in found if r.startswith("yaml/")) == [
        ("yaml/syntax-error", "a.yaml"), ("yaml/syntax-error", "b.yaml"), ("yaml/template", "deep/templates/d.yaml")], found
    assert [line for _, p, line, _, _ in of_rule(found, "secrets/hardcoded-password")] == [81], found


def test_broken_yaml_without_template_is_still_an_error():
    """The true-positive counterpart: YAML that is broken, with no template action, stays yaml/syntax-error."""
    found = sev_in({"compose.yml": "services:\n  db:\n    environment: [DATABASE_URL=postgres://db/app\n",
                    "ci.yml": "jobs:\n  x:\n    run: echo ${{ github.sha }}\n  - broken\n"})
    errs = sorted((p, s) for r, p, _, _, s in found if r == "yaml/syntax-error")
    assert errs == [("ci.yml", "error"), ("compose.yml", "error")], found


def test_erb_in_rails_yaml_is_not_an_error():
    """ERB (<%= %>, <% %>) in Rails YAML fixtures is blanked like a Go template; values around it are read."""
    text = ('square_blob: <%= ActiveStorage::FixtureSet.blob filename: "square.png" %>\n'
            '<% 3.times do |i| %>\n'
            'row_<%= i %>:\n'
            '  name: row\n'
            '<% end %>\n'
            f'production:\n  url: "{URL}"\n')
    found = sev_in({"test/fixtures/blobs.yml": text})
    assert not [f for f in found if f[0].startswith("yaml/")], found
    assert [line for _, _, line, _, _ in of_rule(found, "secrets/hardcoded-password")] == [7], found


def test_typescript_parse_gap_is_info_once_per_file():
    """Valid TypeScript the grammar does not take ("(string) => any", a parameter named like a type) is a
    gap in what was checked: js/syntax-error once per file (store.ts has two), at info; the rest of the file
    is still checked.  So is a styled-components tagged template with type arguments (styled.span<{...}>`..`,
    which tree-sitter-typescript 0.23.2, the latest, does not take) in .ts and .tsx; JSX in .jsx and .tsx
    parses (each extension gets its own grammar)."""
    ts = ("const mapRow: (any) => Row = (row) => ({ id: row.id });\n"
          "class Store {\n  private timer: (string) => any;\n}\n"
          f"const pool = new Pool({{ connectionString: '{URL}' }});\n")
    styled = ("import styled from 'styled-components';\n"
              "export const Dot = styled.span<{ yellow?: boolean }>`\n  color: ${(p) => (p.yellow ? 'y' : 'b')};\n`;\n")
    tsx = styled + "export const App = () => <Dot yellow>hi</Dot>;\n"
    found = sev_in({"src/store.ts": ts, "src/dot.ts": styled, "src/app.tsx": tsx,
                    "src/legacy.jsx": "export const A = () => <div className='a'>x</div>;\n"})
    gaps = of_rule(found, "js/syntax-error")
    assert sorted((p, s) for _, p, _, _, s in gaps) == [("src/app.tsx", "info"), ("src/dot.ts", "info"),
                                                        ("src/store.ts", "info")], found
    assert [(p, line) for _, p, line, _, _ in of_rule(found, "secrets/hardcoded-password")] == \
        [("src/store.ts", 5)], found


WORKFLOW = """name: ci
on: [pull_request]
jobs:
  check:
    runs-on: ubuntu-latest
    steps:
      - name: Comment
        uses: actions/github-script@v7
        with:
          github-token: ${{ secrets.GITHUB_TOKEN }}
          script: |
            const { owner, repo } = context.repo;
            const result = await github.rest.issues.get({
              owner,
              repo,
              issue_number: ${{ inputs.issue-number }}
            });
            const pool = new Pool({ connectionString: '%s' });
            return { title: result.data.title };
      - name: Windows only
        shell: pwsh
        run: |
          & ./scripts/verify.ps1 `
            -PayloadDir "build/windows"
          echo "PERL=$((where.exe perl)[0])" | Out-File -FilePath $env:GITHUB_ENV -Append
      - name: Migrate
        run: psql "postgres://app:%s@db-prod.example.com/app?sslmode=verify-full" -f schema.sql
""" % (URL, PW)


def test_github_script_is_javascript_and_pwsh_is_not_shell():
    """actions/github-script's script: is JavaScript (top-level await and return, ${{ }} inside): read by
    the JavaScript front-end at the workflow's own lines; a shell: pwsh step is not bash.  No parse gap is
    reported; the JavaScript's and the bash step's credentials are still found at their lines."""
    found = sev_in({".github/workflows/ci.yml": WORKFLOW})
    assert not [f for f in found if f[0].endswith("/syntax-error")], found
    pw = sorted(line for _, _, line, _, _ in of_rule(found, "secrets/hardcoded-password"))
    assert pw == [18, 27], found


def test_shell_parse_gap_is_info():
    """What tree-sitter-bash cannot read is a gap in what was checked: shell/syntax-error at info."""
    found = sev_in({"deploy.sh": "if [ -n \"$X\" ; then\n  echo (\nfi\n"})
    assert [(r, s) for r, _, _, _, s in found] == [("shell/syntax-error", "info")], found


def test_utf16_files_with_a_bom_are_decoded():
    """A UTF-16 file with a byte-order mark (little- or big-endian) is text: decoded, not reported binary;
    a secret in it is found at its own line."""
    text = f"APP_NAME=demo\r\n# the database\r\nDATABASE_URL={URL}\r\n"
    le = b"\xff\xfe" + text.encode("utf-16-le")
    be = b"\xfe\xff" + text.encode("utf-16-be")
    found = sev_in({".env.production": le, "config/.env.staging": be})
    assert not of_rule(found, "core/unreadable-file"), found
    col = text.splitlines()[2].index(PW) + 1
    got = sorted((p, line, c) for _, p, line, c, _ in of_rule(found, "secrets/hardcoded-password"))
    assert got == [(".env.production", 3, col), ("config/.env.staging", 3, col)], found
    # A lone surrogate and an odd last byte do not stop the decoding.
    bad = b"\xff\xfe" + "A=1\n".encode("utf-16-le") + b"\x00\xd8" + f"\nDATABASE_URL={URL}\n".encode("utf-16-le") + b"x"
    found = sev_in({".env": bad})
    assert [line for _, _, line, _, _ in of_rule(found, "secrets/hardcoded-password")] == [3], found


def test_psql_command_with_escaped_quotes():
    """psql -c "CREATE DATABASE \\"$db\\"": the shell removes the backslashes of \\" in a double-quoted word,
    so the SQL is not a syntax error (ente's test-with-postgres.sh), and what follows is still checked at
    its own column; a here-document keeps \\" as written."""
    script = ('#!/bin/sh\n'
              'psql -qd postgres -c "CREATE DATABASE \\"$test_db\\""\n'
              'psql -c "ALTER ROLE \\"app\\" PASSWORD \'Zk8-rot4te-Me9\'"\n'
              'psql --command="ALTER ROLE \\"web\\" PASSWORD \'Wq3-opt-Pw77\'"\n')
    found = sev_in({"scripts/db.sh": script})
    assert not of_rule(found, "sql/syntax-error"), found
    got = sorted((line, col) for _, _, line, col, _ in of_rule(found, "secrets/hardcoded-password"))
    assert got == [(3, script.splitlines()[2].index("Zk8") + 1), (4, script.splitlines()[3].index("Wq3") + 1)], found
    # The true-positive counterpart: SQL that is broken after the shell's unquoting is still reported.
    found = sev_in({"scripts/bad.sh": 'psql -c "CREATE DATABSE \\"x\\""\n'})
    assert [(r, line) for r, _, line, _, _ in found] == [("sql/syntax-error", 1)], found
