/*
 * live_internal.h — what live.c shares with live_conn.c.  Not for other
 * modules.
 */
#ifndef PGR_LIVE_INTERNAL_H
#define PGR_LIVE_INTERNAL_H

/*
 * A copy of s on one line: line breaks (and the tabs that indent libpq's
 * hints) become "; ", every other control character (C0, DEL, and the C1
 * range U+0080..U+009F) is written as \t, \xNN or \uNNNN, and trailing
 * blanks are dropped.  Server messages and catalog names are chosen by
 * whoever owns the database or the conninfo, and must not start lines or
 * move the terminal.  Caller frees.
 */
char *live_escape_controls(const char *s);

#endif
