/*
 * textenc.h — text files that are not UTF-8 as stored but say what they are:
 * UTF-16 with a byte-order mark (what Windows editors and PowerShell's
 * Out-File write).  Such a file is text, not binary; every front-end reads
 * UTF-8, so it is decoded once when it is read.
 */
#ifndef PGR_TEXTENC_H
#define PGR_TEXTENC_H

#include <stddef.h>

/*
 * When *text (*len bytes, malloc'd) starts with a UTF-16 byte-order mark
 * (FF FE little-endian, FE FF big-endian), replace it with its UTF-8
 * decoding (malloc'd, NUL after *len bytes; the old buffer is freed), the
 * mark dropped; positions then count bytes and lines of the UTF-8 text.
 * A unit that is not valid UTF-16 (a lone surrogate) becomes U+FFFD; an odd
 * last byte is dropped.  Returns 1 when decoded, 0 when the text has no
 * such mark (left alone), -1 when iconv cannot convert (left alone).
 */
int textenc_decode_bom(char **text, size_t *len);

#endif
