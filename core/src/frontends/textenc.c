/*
 * textenc.c — see textenc.h.  glibc's iconv does the decoding.
 */
#include "frontends/textenc.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int
textenc_decode_bom(char **text, size_t *len)
{
    const unsigned char *t = (const unsigned char *) *text;
    const char *from;
    char *in, *out, *buf;
    size_t in_left, out_left, cap;
    iconv_t cd;

    if (*len < 2 || !((t[0] == 0xFF && t[1] == 0xFE) || (t[0] == 0xFE && t[1] == 0xFF)))
        return 0;
    from = t[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
    cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t) -1)
        return -1;
    /* A 2-byte unit gives at most 3 UTF-8 bytes (a surrogate pair's 4 give
     * 4), U+FFFD for a bad unit 3. */
    cap = (*len / 2) * 3 + 4;
    buf = util_xcalloc(cap + 1, 1);
    in = *text + 2;
    in_left = *len - 2;
    out = buf;
    out_left = cap;
    for (;;) {
        if (iconv(cd, &in, &in_left, &out, &out_left) != (size_t) -1 || in_left < 2 || errno == E2BIG)
            break;
        /* EILSEQ: a lone low surrogate; EINVAL: a high surrogate cut by
         * the end.  The unit stands as U+FFFD, so lines still count. */
        in += 2;
        in_left -= 2;
        memcpy(out, "\xEF\xBF\xBD", 3);
        out += 3;
        out_left -= 3;
    }
    iconv_close(cd);
    free(*text);
    *len = (size_t) (out - buf);
    buf[*len] = '\0';
    *text = buf;
    return 1;
}
