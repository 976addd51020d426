"""Issue 13, slice "markdown": fenced code blocks of Markdown/MDX docs are read.

core/src/frontends/markdown.c finds the fenced blocks (md4c, CommonMark) and hands each language's
blocks to the front-end that reads it (sh/bash/console -> shell, yaml, env -> dotenv, sql, js/ts/tsx),
at the Markdown file's own offsets, so findings land at its line:column.  Every Markdown file has the
docs path role wherever it is, so findings are capped at info, except those a rule keeps (a live
provider key).  Unlabelled, `text`, indented and HTML-commented code is not read.
"""
from e2e import *  # noqa: F401,F403
import shutil
import subprocess
import sys
import tempfile
import time

SSL = "ssl/missing-sslmode"
HARD = "secrets/hardcoded-password"
PW = "S3cretPassw0rd"
FENCE = "```"


def md_findings(text, name="README.md"):
    """Findings of one Markdown file: [(rule, line, column, severity, role)], sorted."""
    _, doc = findings_in({name: text})
    return sorted((f["rule"], f["line"], f["column"], f["severity"], f.get("role"))
                  for f in doc["findings"] if f["path"] == name)


def positions(found):
    return [(r, l, c) for r, l, c, *_ in found]


def test_markdown_bash_block_connection_string():
    """psql "postgresql://u:p@db.example.com/app" in a bash block: missing sslmode at the URL,
    the password at its byte, both info with the docs role; the same line in an unlabelled
    fence and in a `text` fence is not read."""
    text = ("# Deploy\n"
            "\n"
            f"{FENCE}bash\n"
            'psql "postgresql://u:p@db.example.com/app"\n'
            f"{FENCE}\n"
            f"{FENCE}\n"
            'psql "postgresql://u:p@db2.example.com/app"\n'
            f"{FENCE}\n"
            f"{FENCE}text\n"
            'psql "postgresql://u:p@db3.example.com/app"\n'
            f"{FENCE}\n")
    found = md_findings(text)
    assert found == [(HARD, 4, 22, "info", "docs"), (SSL, 4, 7, "info", "docs")], found


def test_markdown_yaml_block_compose_trust():
    """A compose service with POSTGRES_HOST_AUTH_METHOD: trust in a yaml block: auth/image-trust
    at the value; a second yaml block is a document of its own (no yaml/syntax-error from the two
    read as one, its own finding at its line)."""
    text = ("Start the database:\n"
            "\n"
            f"{FENCE}yaml\n"
            "services:\n"
            "  db:\n"
            "    image: postgres:16\n"
            "    environment:\n"
            "      POSTGRES_HOST_AUTH_METHOD: trust\n"
            f"{FENCE}\n"
            "\n"
            "~~~yml\n"
            "services:\n"
            "  api:\n"
            "    environment:\n"
            f"      DATABASE_URL: postgres://app@db.prod.example.com/app\n"
            "~~~\n")
    found = md_findings(text)
    assert positions(found) == [("auth/image-trust", 8, 34), (SSL, 15, 21)], found
    assert {s for *_, s, _ in found} == {"info"}, found


def test_markdown_env_block():
    """An env block is a dotenv file: the URL without sslmode and its password; the same line
    as indented code (not fenced) is not read."""
    text = (f"{FENCE}env\n"
            f"DATABASE_URL=postgres://app:{PW}@db.prod.example.com/app\n"
            f"{FENCE}\n"
            "\n"
            "Or, indented:\n"
            "\n"
            f"    DATABASE_URL=postgres://app:{PW}@db2.prod.example.com/app\n")
    found = md_findings(text, "docs/setup.md")
    assert positions(found) == [(HARD, 2, 29), (SSL, 2, 14)], found


def test_markdown_sql_blocks_statement_rules():
    """GRANT ALL ON t TO PUBLIC in a sql block gets the statement rules at its line; a block
    whose last statement has no semicolon does not swallow the next block's statement."""
    text = ("Grant access:\n"
            "\n"
            f"{FENCE}sql\n"
            "SELECT 1\n"
            f"{FENCE}\n"
            "\n"
            f"{FENCE}psql\n"
            "GRANT ALL ON t TO PUBLIC;\n"
            f"{FENCE}\n")
    found = md_findings(text)
    assert positions(found) == [("grants/grant-all-privileges", 8, 1), ("grants/grant-to-public", 8, 1)], found


def test_markdown_ts_and_tsx_blocks():
    """A ts block (TypeScript grammar: a type annotation parses) and a tsx block (JSX parses):
    the connection string without sslmode at its column, no js/syntax-error."""
    text = (f"{FENCE}ts\n"
            'const url: string = "postgres://app@db.prod.example.com/app";\n'
            f"{FENCE}\n"
            f"{FENCE}tsx\n"
            'export const A = () => <Db url="postgres://app@db2.prod.example.com/app" />;\n'
            f"{FENCE}\n")
    found = md_findings(text, "guide.mdx")
    assert positions(found) == [(SSL, 2, 22), (SSL, 5, 33)], found


def test_markdown_html_comment_and_console_session():
    """A fence inside an HTML comment is part of the comment (CommonMark): not read.  A console
    session's prompted line is read with its "$ " blanked, its output lines are not."""
    text = ("<!--\n"
            f"{FENCE}sh\n"
            'psql "postgresql://app@db0.example.com/app"\n'
            f"{FENCE}\n"
            "-->\n"
            f"{FENCE}console\n"
            '$ psql "postgresql://app@db1.example.com/app" \\\n'
            "    -c 'select 1'\n"
            'psql "postgresql://app@db2.example.com/app"\n'
            f"{FENCE}\n")
    found = md_findings(text)
    assert positions(found) == [(SSL, 7, 9)], found


def test_markdown_blocks_in_list_items_and_quotes():
    """Blocks in list items and block quotes: positions are the file's own."""
    text = ("1. Connect:\n"
            "\n"
            f"   {FENCE}sh\n"
            '   psql "postgresql://app@db1.example.com/app"\n'
            f"   {FENCE}\n"
            "\n"
            f"> {FENCE}env\n"
            "> DATABASE_URL=postgres://app@db2.example.com/app\n"
            f"> {FENCE}\n")
    found = md_findings(text)
    assert positions(found) == [(SSL, 4, 10), (SSL, 8, 16)], found


def test_markdown_docs_role_everywhere_but_live_keys_keep_severity():
    """A README in examples/ or tests/ has the docs role too; a live Stripe key in it keeps the
    rule's error (PGR_REPORT_KEEP_SEVERITY), a connection string's findings are info."""
    text = (f"{FENCE}env\n"
            "STRIPE_SECRET_KEY=sk_live_51Habcdefghijklmnopqrstuvwx\n"
            "DATABASE_URL=postgres://app@db.example.com/app\n"
            f"{FENCE}\n")
    for name in ("examples/README.md", "tests/README.md"):
        found = md_findings(text, name)
        assert found == [("secrets/known-secret-format", 2, 19, "error", "docs"),
                         (SSL, 3, 14, "info", "docs")], (name, found)


def test_markdown_unclosed_and_nested_fences():
    """~~~ holding ``` reads the ``` line as content (an unclosed backquote in the shell,
    which hides the rest of that block but not the next: each shell block is a text of its own);
    a block never closed is reported (markdown/syntax-error, info) and read to the end."""
    text = ("~~~~sh\n"
            f"{FENCE}\n"
            'psql "postgresql://app@db1.example.com/app"\n'
            "~~~~\n"
            f"{FENCE}sh\n"
            'psql "postgresql://app@db2.example.com/app"\n')
    found = md_findings(text)
    assert positions(found) == [("markdown/syntax-error", 6, 1), ("shell/syntax-error", 2, 1),
                                (SSL, 6, 7)], found


def test_markdown_crlf_and_tabs():
    """CRLF line ends and a tab-indented list item: the file's lines and byte columns."""
    text = ("-\tConnect:\r\n"
            "\r\n"
            f"\t{FENCE}sh\r\n"
            '\tpsql "postgresql://app@db1.example.com/app"\r\n'
            f"\t{FENCE}\r\n")
    found = md_findings(text)
    assert positions(found) == [(SSL, 4, 8)], found


def test_markdown_hostile_input_is_linear():
    """10,000 fences, 10,000 unclosed nested ones, a 4 MiB block: no crash, no quadratic time."""
    many = "".join(f"{FENCE}yaml\nk{i}: v\n{FENCE}\n" for i in range(10000))
    many += f"{FENCE}sql\nGRANT ALL ON t TO PUBLIC;\n{FENCE}\n"
    nested = "".join(f"> - ~~~sh\n> {FENCE}bash\n" for _ in range(10000))
    huge = f"{FENCE}sh\n" + ("echo " + "x" * 75 + "\n") * 50000
    start = time.monotonic()
    found, _ = findings_in({"many.md": many, "nested.md": nested, "huge.md": huge})
    took = time.monotonic() - start
    assert ("grants/grant-to-public", "many.md", 30002, 1) in found, found[:5]
    assert not [f for f in found if f[0] == "yaml/syntax-error"], found[:5]
    assert ("markdown/syntax-error", "huge.md", 2, 1) in found, found
    assert ("markdown/syntax-error", "nested.md", 3, 3) in found, found
    assert took < 60, took


def test_markdown_one_parse_gap_per_language():
    """Each shell block is parsed on its own, but a file reports one shell/syntax-error, as a
    script does: docs snippets hold <placeholders> and "..."; the blocks after it are read."""
    text = (f"{FENCE}sh\n"
            "docker login -u <username> -p <token>\n"
            f"{FENCE}\n"
            f"{FENCE}bash\n"
            "if [ -f x ]; then\n"
            f"{FENCE}\n"
            f"{FENCE}sh\n"
            'psql "postgresql://app@db.example.com/app"\n'
            f"{FENCE}\n")
    found = md_findings(text)
    assert positions(found) == [("shell/syntax-error", 2, 38), (SSL, 8, 7)], found


def test_markdown_hugo_shortcodes_blanked():
    """Hugo shortcodes ({{< sitevar >}}, {{% param %}}) are what the site writes in: blanked to
    a word, so the command around them parses and its connection string is read."""
    text = (f"{FENCE}sh\n"
            'curl https://{{< sitevar name="domain" nojs="example.com" >}}/api < /dev/null\n'
            'psql "postgresql://app@{{% param "dbhost" %}}.example.com/app" -c "select 1"\n'
            f"{FENCE}\n")
    found = md_findings(text)
    assert positions(found) == [(SSL, 3, 7)], found


def test_markdown_private_key_keeps_error():
    """A complete private key in a yaml block of a README keeps the rule's error (docs role
    notwithstanding); an elided one ("...") is not reported."""
    if shutil.which("openssl") is None:
        print("openssl not installed; skipping")
        sys.exit(77)
    key = subprocess.run(["openssl", "genrsa", "2048"], capture_output=True, text=True,
                         check=True).stdout.strip().split("\n")
    text = (f"{FENCE}yaml\n"
            "stringData:\n"
            "  tls.key: |\n" + "".join("    " + l + "\n" for l in key) + f"{FENCE}\n"
            f"{FENCE}yaml\n"
            "key: |\n"
            "  -----BEGIN PRIVATE KEY-----\n"
            "  ...\n"
            "  -----END PRIVATE KEY-----\n"
            f"{FENCE}\n")
    found = md_findings(text)
    assert found == [("secrets/known-secret-format", 4, 5, "error", "docs")], found


def test_markdown_valgrind_clean():
    """The front-end under memcheck on hostile Markdown (unclosed and nested fences, CRLF, tabs,
    empty blocks, every language, shortcodes cut short): no invalid access, no leak."""
    if shutil.which("valgrind") is None:
        print("valgrind not installed; skipping")
        sys.exit(77)
    files = {
        "nested.md": "".join(f"> - ~~~sh\n> {FENCE}bash\n" for _ in range(200)),
        "crlf.md": ("-\tConnect:\r\n\r\n\t```sh\r\n\tpsql \"postgresql://app@db1.example.com/app\"\r\n"
                    "\t```\r\n```console\r\n$ psql x \\\r\n  y\r\nout\r\n"),
        "mix.mdx": ("import X from 'y'\n\n<Tabs>\n\n```ts\nconst a: number = 1\n```\n\n```tsx\n"
                    "const b = <A/>\n```\n\n```env\nA=1\n```\n\n```js\nlet x = {\n```\n\n```sql\n"
                    "select $$\n```\n\n```yaml\na: [\n```\n\n```\n```\n\n```sh\necho {{< x\n"),
        "empty.md": "```sh\n```\n```yaml\n\n\n```\n````\n",
        "docs/db.md": f"{FENCE}env\nDATABASE_URL=postgres://app@db.example.com/app\n{FENCE}\n",
    }
    with tempfile.TemporaryDirectory() as d:
        write_tree(d, files)
        p = subprocess.run(["env", "PGRAMPART_NO_JIT=1", "valgrind", "--error-exitcode=99", "--leak-check=full",
                            "--errors-for-leak-kinds=definite,indirect", "-q", ARGS.bin, "check", "--format",
                            "json", "."], cwd=d, capture_output=True, text=True, timeout=600)
    assert p.returncode in (0, 1), p.stderr[-4000:]
    assert '"path": "docs/db.md"' in p.stdout, p.stdout[-2000:]


def test_markdown_suppressions_in_each_block_language():
    """pgrampart-ignore in each block language's own line comment: `--` in an sql block, `//` in
    a ts block, `#` in a sh block; each hides its next line only."""
    text = (f"{FENCE}sql\n"
            "-- pgrampart-ignore grants/*: the demo database is thrown away\n"
            "GRANT SELECT ON t TO PUBLIC;\n"
            "GRANT SELECT ON u TO PUBLIC;\n"
            f"{FENCE}\n"
            f"{FENCE}ts\n"
            "// pgrampart-ignore ssl/missing-sslmode: reached through a tunnel\n"
            'const a = "postgres://app@db1.example.com/app";\n'
            'const b = "postgres://app@db2.example.com/app";\n'
            f"{FENCE}\n"
            f"{FENCE}sh\n"
            "# pgrampart-ignore ssl/missing-sslmode: reached through a tunnel\n"
            'psql "postgresql://app@db3.example.com/app"\n'
            f"{FENCE}\n")
    found = md_findings(text)
    assert positions(found) == [("grants/grant-to-public", 4, 1), (SSL, 9, 12)], found


def test_markdown_info_string_variants():
    """The info string's first word, whatever the docs generator glues to it: `bash title=`,
    `{.sh}` (Pandoc), `Shell` (any case), `js:no-line-numbers`, `ts{1-3}`, `.env`; words that
    only start like a language (`bashrc`, `shellscript-output`) are not read."""
    url = 'psql "postgresql://app@db.example.com/app"\n'
    js = 'const u = "postgres://app@db.example.com/app";\n'
    text = (f'{FENCE}bash title="deploy.sh"\n{url}{FENCE}\n'       # 2
            f"{FENCE}{{.sh}}\n{url}{FENCE}\n"                     # 5
            f"{FENCE}Shell\n{url}{FENCE}\n"                       # 8
            f"{FENCE}js:no-line-numbers\n{js}{FENCE}\n"           # 11
            f"{FENCE}ts{{1-3}}\n{js}{FENCE}\n"                    # 14
            f"{FENCE}.env\nDATABASE_URL=postgres://app@db.example.com/app\n{FENCE}\n"  # 17
            f"{FENCE}bashrc\n{url}{FENCE}\n"                      # 20: not read
            f"{FENCE}shellscript-output\n{url}{FENCE}\n")         # 23: not read
    found = md_findings(text)
    assert positions(found) == [(SSL, 2, 7), (SSL, 5, 7), (SSL, 8, 7), (SSL, 11, 12), (SSL, 14, 12),
                                (SSL, 17, 14)], found


def test_markdown_broken_yaml_block_hides_no_other():
    """A yaml block that does not parse ("..." where a mapping goes) is one yaml/syntax-error;
    the next yaml block is still read (each is parsed on its own)."""
    text = (f"{FENCE}yaml\n"
            "env:\n"
            "  ...\n"
            "  - name: URL\n"
            f"{FENCE}\n"
            f"{FENCE}yaml\n"
            "services:\n"
            "  db:\n"
            "    environment:\n"
            "      POSTGRES_HOST_AUTH_METHOD: trust\n"
            f"{FENCE}\n")
    found = md_findings(text)
    assert [r for r, *_ in found] == ["auth/image-trust", "yaml/syntax-error"], found
    assert positions(found)[0] == ("auth/image-trust", 10, 34), found


def test_markdown_hba_conf_block():
    """A `conf` block whose every line is a pg_hba.conf record is read as pg_hba.conf (the hba
    rules at the record); an nginx `conf` block, one with an include line (docs' includes are
    not followed) and an `ini` block are not."""
    text = (f"{FENCE}conf\n"
            "# TYPE  DATABASE  USER  ADDRESS     METHOD\n"
            "host    all       all   0.0.0.0/0   trust\n"
            "hostssl app       app   10.0.0.0/8  scram-sha-256\n"
            f"{FENCE}\n"
            f"{FENCE}conf\n"
            "server {\n"
            "  listen 80;\n"
            "}\n"
            f"{FENCE}\n"
            f"{FENCE}conf\n"
            "include other.conf\n"
            "host all all 0.0.0.0/0 trust\n"
            f"{FENCE}\n"
            f"{FENCE}ini\n"
            "host all all 0.0.0.0/0 trust\n"
            f"{FENCE}\n")
    found = md_findings(text)
    assert found == [("auth/hba-open-address", 3, 1, "info", "docs"), ("auth/hba-trust", 3, 1, "info", "docs"),
                     ("ssl/hba-host-without-ssl", 3, 1, "info", "docs")], found
