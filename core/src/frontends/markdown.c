/*
 * markdown.c — the Markdown/MDX front-end: the fenced code blocks of a
 * README or a docs page (```sh, ~~~yaml, ```sql, ...) handed to the
 * front-end that reads their language, at the file's own offsets, so that
 * a copy-paste deployment guide's connection string, compose service or
 * GRANT is reported at the Markdown file's line and column (with the docs
 * path role: pathrole.c caps its findings at info by default).
 *
 * The blocks are found by md4c (Debian's libmd4c, CommonMark 0.30): it
 * hands each line of a code block as a pointer into the text we gave it,
 * after the container markers (list items, block quotes) and the fence's
 * indentation, so a line's byte offset is that pointer less the text's
 * start.  What it makes up (indentation spaces for tabs, the newline at a
 * line's end) points elsewhere and is not copied: those bytes stay blank.
 * CommonMark decides what a block is: ``` and ~~~ fences indented up to
 * three columns, the info string's first word as the language, a ``` line
 * inside ~~~ being content, a fence inside an HTML comment or other HTML
 * block not being a block at all (a renderer shows none of it), indented
 * code having no language and not being read.
 *
 * A shell, YAML or JavaScript block is a text of its own: a snippet's
 * unclosed quote or brace, or a "..." where a YAML mapping goes, must not
 * hide the blocks after it (the YAML parser gives up on the whole stream).
 * A text is as long as the file, so that costs blocks x file size: past
 * MD_BLOCK_BUDGET bytes of such texts in one file, the rest of its blocks
 * share one text per language, as env and SQL blocks always do (a line of
 * either stands on its own).  Blocks sharing a text are separated where that
 * matters: a YAML block starts a document of its own ("---" written on a
 * line between it and the previous block, the fence line at the latest,
 * which is blank in the YAML text), and an SQL block starts a statement of
 * its own (";" written there); the blank lines between shell blocks end any
 * command.
 *
 * A shell block in which a line starts with a "$ " prompt is a terminal
 * session (```console, or a ```bash block written that way): the prompted
 * lines, with the prompt blanked, and the lines they continue with a
 * trailing backslash are commands; the other lines are the commands' output
 * and are not read.  A block without a prompt is a script, read whole.
 */
#include "frontends/frontend.h"

#include <md4c.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Bytes of per-block texts (shell, YAML, JavaScript) one file may make:
 * 32 MiB, a hundred blocks in a 300 KiB page. */
#define MD_BLOCK_BUDGET (32u << 20)

/* The languages a block's text is handed on in. */
typedef enum md_lang {
    MD_LANG_NONE = -1,
    MD_LANG_SHELL,
    MD_LANG_YAML,
    MD_LANG_DOTENV,
    MD_LANG_SQL,
    MD_LANG_JS,
    MD_LANG_TS,
    MD_LANG_TSX,
    MD_LANG_HBA,
    MD_LANG_COUNT
} md_lang;

/* Each language: the front-end that reads it and, for JavaScript, the
 * dialect (frontend_input.dialect picks the tree-sitter grammar). */
static const struct {
    const char *frontend;
    const char *dialect;
} lang_reader[MD_LANG_COUNT] = {
    [MD_LANG_SHELL] = { "shell", NULL },
    [MD_LANG_YAML] = { "yaml", NULL },
    [MD_LANG_DOTENV] = { "dotenv", NULL },
    [MD_LANG_SQL] = { "sql", NULL },
    [MD_LANG_JS] = { "javascript", "block.js" },
    [MD_LANG_TS] = { "javascript", "block.ts" },
    [MD_LANG_TSX] = { "javascript", "block.tsx" },
    [MD_LANG_HBA] = { "pgconf", "pg_hba.conf" },
};

/* The info string's first words each language is written with (GitHub's
 * linguist names and aliases). */
static const struct {
    const char *word;
    md_lang lang;
} lang_words[] = {
    { "sh", MD_LANG_SHELL }, { "bash", MD_LANG_SHELL }, { "shell", MD_LANG_SHELL },
    { "zsh", MD_LANG_SHELL }, { "console", MD_LANG_SHELL }, { "shell-session", MD_LANG_SHELL },
    { "shellsession", MD_LANG_SHELL }, { "yaml", MD_LANG_YAML }, { "yml", MD_LANG_YAML },
    { "env", MD_LANG_DOTENV }, { "dotenv", MD_LANG_DOTENV }, { ".env", MD_LANG_DOTENV },
    { "sql", MD_LANG_SQL }, { "psql", MD_LANG_SQL }, { "pgsql", MD_LANG_SQL },
    { "postgres", MD_LANG_SQL }, { "postgresql", MD_LANG_SQL }, { "plpgsql", MD_LANG_SQL },
    { "js", MD_LANG_JS }, { "javascript", MD_LANG_JS }, { "jsx", MD_LANG_JS },
    { "mjs", MD_LANG_JS }, { "cjs", MD_LANG_JS }, { "node", MD_LANG_JS },
    { "ts", MD_LANG_TS }, { "typescript", MD_LANG_TS }, { "mts", MD_LANG_TS },
    { "cts", MD_LANG_TS }, { "tsx", MD_LANG_TSX },
    /* Only when every line is a pg_hba.conf record (hba_block). */
    { "conf", MD_LANG_HBA }, { "hba", MD_LANG_HBA }, { "pg_hba", MD_LANG_HBA },
    { "pg_hba.conf", MD_LANG_HBA }, { "apacheconf", MD_LANG_HBA },
};

/* One line of the block being read: a piece of the text md4c pointed into. */
typedef struct md_line {
    size_t off;        /* byte offset of its first non-blank byte */
    size_t len;        /* bytes, without the line end */
} md_line;

typedef struct md_ctx {
    const char *text;
    size_t len;
    char *out[MD_LANG_COUNT];      /* NULL until a block of the language */
    size_t end[MD_LANG_COUNT];     /* where the language's last block ended */
    values_file *vf;               /* for the unclosed-fence findings */
    util_vec *embedded;            /* of frontend_embedded: the per-block texts */
    size_t block_bytes;            /* their bytes so far (MD_BLOCK_BUDGET) */
    /* The fenced block being read. */
    md_lang lang;                  /* MD_LANG_NONE: none, or not read */
    char fence;                    /* '`' or '~' */
    util_vec lines;                /* of md_line */
    size_t n_newlines;             /* line ends md4c gave in the block */
    size_t last_newlines;          /* n_newlines when the last piece came */
} md_ctx;

/* The language of info string word (len bytes), or MD_LANG_NONE. */
static md_lang
lang_of(const char *word, size_t len)
{
    char buf[32];
    size_t i, n = 0;

    /* Pandoc's and kramdown's "{.bash}": the class is the language. */
    if (len > 0 && *word == '{') {
        word++;
        len--;
        if (len > 0 && *word == '.') {
            word++;
            len--;
        }
    }
    /* md4c gives the first word; docs generators glue options to it:
     * "js{1-3}", "bash,title=x", "js:no-line-numbers". */
    while (n < len && n < sizeof buf - 1 && word[n] != '{' && word[n] != ',' && word[n] != '}' &&
           word[n] != ':')
        n++;
    if (n == sizeof buf - 1)
        return MD_LANG_NONE;
    for (i = 0; i < n; i++)
        buf[i] = (char) (word[i] >= 'A' && word[i] <= 'Z' ? word[i] - 'A' + 'a' : word[i]);
    buf[n] = '\0';
    for (i = 0; i < sizeof lang_words / sizeof lang_words[0]; i++)
        if (strcmp(lang_words[i].word, buf) == 0)
            return lang_words[i].lang;
    return MD_LANG_NONE;
}

static int
on_enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
    md_ctx *c = arg;
    const MD_BLOCK_CODE_DETAIL *d = detail;

    if (type != MD_BLOCK_CODE)
        return 0;
    /* Indented code has no language: it is not read. */
    c->lang = d->fence_char != 0 ? lang_of(d->lang.text, d->lang.size) : MD_LANG_NONE;
    c->fence = d->fence_char;
    c->lines.len = 0;
    c->n_newlines = 0;
    c->last_newlines = 0;
    return 0;
}

static int
on_text(MD_TEXTTYPE type, const MD_CHAR *text, MD_SIZE size, void *arg)
{
    md_ctx *c = arg;

    if (c->lang == MD_LANG_NONE || type != MD_TEXT_CODE)
        return 0;
    /* Not a piece of our text: what md4c made up (a newline, spaces). */
    if ((uintptr_t) text < (uintptr_t) c->text || (uintptr_t) text >= (uintptr_t) (c->text + c->len)) {
        if (size == 1 && text[0] == '\n')
            c->n_newlines++;
        return 0;
    }
    {
        size_t off = (size_t) (text - c->text);
        md_line *l = c->lines.len > 0 ? util_vec_at(&c->lines, c->lines.len - 1) : NULL;

        /* A line md4c gives in pieces continues the last one. */
        if (l != NULL && c->last_newlines == c->n_newlines && l->off + l->len == off) {
            l->len += size;
            return 0;
        }
        l = util_vec_push(&c->lines);
        l->off = off;
        l->len = size;
        c->last_newlines = c->n_newlines;
    }
    return 0;
}

/* Offset of the start of a line in [from, before) at least need bytes long
 * (without its line end), the last such line; SIZE_MAX if none.  from and
 * before are line starts. */
static size_t
line_between(const char *t, size_t from, size_t before, size_t need)
{
    size_t e = before;   /* start of the line after the one looked at */

    while (e > from) {
        size_t s = e - 1, n;

        /* t[e - 1] is the newline ending the line before e. */
        while (s > from && t[s - 1] != '\n')
            s--;
        n = e - 1 - s;
        if (n > 0 && t[e - 2] == '\r')
            n--;
        if (n >= need && (s > from || from == 0 || t[from - 1] == '\n'))
            return s;
        e = s;
    }
    return SIZE_MAX;
}

/* Whether a session's line (a "$ " prompt) starts at t[0..len). */
static bool
prompted(const char *t, size_t len)
{
    return len >= 2 && t[0] == '$' && (t[1] == ' ' || t[1] == '\t');
}

/*
 * Blank the Hugo shortcodes of out[off, off + len) ({{< sitevar name="x" >}},
 * {{% param %}}: what the site generator writes in when it renders the page)
 * into a word of '_', as the shell front-end blanks an expansion, so that
 * the code around them parses.  A shortcode ends on its own line.
 */
static void
blank_shortcodes(char *out, size_t off, size_t len)
{
    size_t i = off, end = off + len;

    while (i + 3 <= end) {
        const char *close;
        size_t j;

        if (out[i] != '{' || out[i + 1] != '{' || (out[i + 2] != '<' && out[i + 2] != '%')) {
            i++;
            continue;
        }
        close = out[i + 2] == '<' ? ">}}" : "%}}";
        for (j = i + 3; j + 3 <= end && memcmp(out + j, close, 3) != 0; j++)
            ;
        if (j + 3 > end)
            return;
        memset(out + i, '_', j + 3 - i);
        i = j + 3;
    }
}

/* Copy the block's lines into its language's text; a session's output
 * lines are left out and its prompts blanked. */
static void
copy_lines(md_ctx *c, char *out)
{
    bool session = false, cont = false;
    size_t k;

    for (k = 0; c->lang == MD_LANG_SHELL && k < c->lines.len && !session; k++) {
        const md_line *l = util_vec_at(&c->lines, k);

        session = prompted(c->text + l->off, l->len);
    }
    for (k = 0; k < c->lines.len; k++) {
        const md_line *l = util_vec_at(&c->lines, k);
        size_t skip = 0;

        if (session) {
            if (prompted(c->text + l->off, l->len))
                skip = 2;
            else if (!cont)
                continue;
            cont = l->len > 0 && c->text[l->off + l->len - 1] == '\\';
        }
        memcpy(out + l->off + skip, c->text + l->off + skip, l->len - skip);
        blank_shortcodes(out, l->off + skip, l->len - skip);
    }
}

/* A text as long as the file, blank (frontend_embedded). */
static char *
blank_text(const md_ctx *c)
{
    char *t = util_xmalloc(c->len + 1);
    size_t i;

    for (i = 0; i < c->len; i++)
        t[i] = c->text[i] == '\n' ? '\n' : ' ';
    t[c->len] = '\0';
    return t;
}

/* Push text, language lang's, onto the embedded texts. */
static void
push_text(md_ctx *c, md_lang lang, char *text)
{
    frontend_embedded *e = util_vec_push(c->embedded);

    e->frontend = lang_reader[lang].frontend;
    e->dialect = lang_reader[lang].dialect;
    e->text = text;
    e->own_file = true;
}

/* The text the block is copied into: a new one of its own (pushed at
 * once) for a shell, YAML or JavaScript block within the budget, else its
 * language's shared text, created blank at its first block. */
static char *
lang_text(md_ctx *c, bool *shared)
{
    bool own = c->lang == MD_LANG_SHELL || c->lang == MD_LANG_YAML || c->lang == MD_LANG_JS ||
        c->lang == MD_LANG_TS || c->lang == MD_LANG_TSX;

    *shared = !own || c->block_bytes + c->len > MD_BLOCK_BUDGET;
    if (!*shared) {
        char *t = blank_text(c);

        c->block_bytes += c->len;
        push_text(c, c->lang, t);
        return t;
    }
    if (c->out[c->lang] == NULL)
        c->out[c->lang] = blank_text(c);
    return c->out[c->lang];
}

/*
 * Whether the line at off (after the block's last line and the blank lines
 * md4c counted after it) closes the block: container markers, up to three
 * spaces, then three or more fence characters.
 */
static bool
closed_at(const md_ctx *c, size_t off)
{
    const char *t = c->text;
    size_t n = 0;

    while (off < c->len && (t[off] == ' ' || t[off] == '\t' || t[off] == '>'))
        off++;
    while (off < c->len && t[off] == c->fence) {
        off++;
        n++;
    }
    return n >= 3;
}

/* The offset of the line after the block (its closing fence, if any). */
static size_t
after_block(const md_ctx *c)
{
    const md_line *last = util_vec_at(&c->lines, c->lines.len - 1);
    size_t off = last->off + last->len, skip = c->n_newlines - c->last_newlines;

    /* skip line ends: the last line's and the blank lines' after it. */
    while (off < c->len && skip > 0) {
        if (c->text[off] == '\n')
            skip--;
        off++;
    }
    return off;
}

/*
 * Whether the block is clearly pg_hba.conf: every line that is not a
 * comment a record (local, host, hostssl, hostnossl, hostgssenc,
 * hostnogssenc; PostgreSQL docs 21.1 The pg_hba.conf File).  A "conf" block
 * is as often nginx's or Apache's.  An include line makes it not one: a
 * docs page's includes are not followed.  Only pg_hba.conf is read from
 * docs: its rules judge each record, where postgresql.conf's and
 * pgbouncer.ini's also judge what a file leaves unset, which a snippet
 * always does.
 */
static bool
hba_block(const md_ctx *c)
{
    static const char *const types[] = { "local", "host", "hostssl", "hostnossl", "hostgssenc",
                                         "hostnogssenc", NULL };
    bool any = false;
    size_t k, i;

    for (k = 0; k < c->lines.len; k++) {
        const md_line *l = util_vec_at(&c->lines, k);
        const char *t = c->text + l->off;
        size_t n = 0;
        bool record = false;

        if (l->len == 0 || t[0] == '#' || t[0] == '\r')
            continue;
        while (n < l->len && t[n] != ' ' && t[n] != '\t')
            n++;
        for (i = 0; types[i] != NULL && !record; i++)
            record = strlen(types[i]) == n && memcmp(t, types[i], n) == 0;
        if (!record)
            return false;
        any = true;
    }
    return any;
}

static int
on_leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
    md_ctx *c = arg;
    const md_line *first;
    bool had = false, shared;
    char *out;

    (void) detail;
    if (type != MD_BLOCK_CODE || c->lang == MD_LANG_NONE || c->lines.len == 0 ||
        (c->lang == MD_LANG_HBA && !hba_block(c))) {
        c->lang = MD_LANG_NONE;
        return 0;
    }
    first = util_vec_at(&c->lines, 0);
    had = c->out[c->lang] != NULL;
    out = lang_text(c, &shared);
    /* A YAML block is a document of its own, an SQL block starts a
     * statement of its own: a separator on a line before it that is blank
     * in this language's text (its fence line at the latest). */
    if (shared && had && (c->lang == MD_LANG_YAML || c->lang == MD_LANG_SQL)) {
        size_t need = c->lang == MD_LANG_YAML ? 3 : 1, start = first->off, at;

        while (start > 0 && c->text[start - 1] != '\n')
            start--;
        at = line_between(c->text, c->end[c->lang], start, need);

        if (at != SIZE_MAX)
            memcpy(out + at, c->lang == MD_LANG_YAML ? "---" : ";", need);
    }
    copy_lines(c, out);
    c->end[c->lang] = after_block(c);
    if (!closed_at(c, c->end[c->lang]))
        values_add_error(c->vf, "markdown/syntax-error", first->off,
                         "this fenced code block is never closed: CommonMark runs it to the end "
                         "of its list item, quote or file");
    c->lang = MD_LANG_NONE;
    return 0;
}

static int
on_span(MD_SPANTYPE type, void *detail, void *arg)
{
    (void) type;
    (void) detail;
    (void) arg;
    return 0;
}

/*
 * Read text (len bytes) as Markdown and push onto embedded (of
 * frontend_embedded; caller frees each text) the texts of its fenced
 * blocks (one per shell, YAML or JavaScript block, one per other language),
 * each a value file of its own.  A block never
 * closed is a markdown/syntax-error in vf (offset of its first line).
 */
static void
markdown_parse(values_file *vf, util_vec *embedded, const char *text, size_t len)
{
    MD_PARSER parser;
    md_ctx c;
    int i;

    memset(&c, 0, sizeof c);
    c.text = text;
    c.len = len;
    c.vf = vf;
    c.embedded = embedded;
    c.lang = MD_LANG_NONE;
    util_vec_init(&c.lines, sizeof(md_line));
    memset(&parser, 0, sizeof parser);
    parser.abi_version = 0;
    parser.flags = 0;    /* CommonMark */
    parser.enter_block = on_enter_block;
    parser.leave_block = on_leave_block;
    parser.enter_span = on_span;
    parser.leave_span = on_span;
    parser.text = on_text;
    /* md4c's sizes are unsigned: the check reads no file of 4 GiB or more
     * (CHECK_MAX_FILE_BYTES), nothing to read beyond that here either. */
    if (len < UINT32_MAX)
        md_parse(text, (MD_SIZE) len, &parser, &c);
    util_vec_free(&c.lines);
    for (i = 0; i < MD_LANG_COUNT; i++)
        if (c.out[i] != NULL)
            push_text(&c, (md_lang) i, c.out[i]);
}

/* Markdown and MDX files, by name. */
static bool
markdown_match(const char *path)
{
    const char *base = util_basename(path);

    return util_ends_with(base, ".md") || util_ends_with(base, ".mdx") ||
        util_ends_with(base, ".markdown");
}

static void
markdown_parse_values(const frontend_input *in, values_file *out, util_vec *embedded)
{
    values_init(out);
    markdown_parse(out, embedded, in->text, in->len);
}

const frontend markdown_frontend = {
    .name = "markdown",
    .match = markdown_match,
    .output = FRONTEND_VALUES,
    .parse_values = markdown_parse_values,
    /* Its own settings are none: each block language's are a value file
     * in that language's format. */
    .format = 0,
    /* Suppressions in sh, yaml and env blocks, in sql ones, in JavaScript
     * ones: each block language's own line comment. */
    .comment = "#",
    .more_comments = { "--", "//", NULL },
    .syntax_rule = {
        .id = "markdown/syntax-error",
        /* Not a fault of the document (CommonMark reads on to the end), but
         * what follows the fence is read as code in that language. */
        .default_severity = PGR_SEVERITY_INFO,
        .summary = "A fenced code block of a Markdown file is never closed: the rest of its list item, quote "
            "or file is read as its code.",
        .hint = "Close the block with a fence of the same character, at least as long as the opening one.",
        .source = "CommonMark 0.30, 4.5 Fenced code blocks",
        .why = "A renderer shows the rest of the document as code, and the checks read it as code too.",
        .bad = "```sh\npsql \"$DATABASE_URL\"\n",
        .good = "```sh\npsql \"$DATABASE_URL\"\n```\n",
    },
};
