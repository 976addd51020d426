/*
 * yamltpl.h — YAML that is a template until it is rendered: Helm and other
 * Go templates ({{ ... }} actions in a chart's templates/ YAML files) and ERB
 * (<%= ... %> in Rails' YAML fixtures and config).  Such a file is not YAML
 * as written, and it is not wrong: the YAML front-end blanks the template's
 * actions and parses what is left, or, when even that is not YAML (an
 * {{- if }} that opens a mapping in one branch and a list in the other),
 * reads it line by line.
 */
#ifndef PGR_YAMLTPL_H
#define PGR_YAMLTPL_H

#include <stdbool.h>
#include <stddef.h>

#include "frontends/values.h"

/*
 * A copy of text (len bytes) with its template actions blanked, for libyaml:
 * an action alone on its lines (a control action: {{- if .x }}, {{ end }},
 * {{- include "l" . | nindent 4 }}, <% if x %>) becomes spaces, or with
 * comments a comment ('#' where the action starts, then spaces); an action
 * among other text (name: {{ .Values.name }}) becomes as many '_', one word,
 * except after a key at the end of its line when it renders the key's block
 * ("labels: {{- include "l" . | nindent 4 }}"): spaces.  Neither blanking
 * suits every file: a line of spaces at the head of a block scalar ("- |"
 * then "{{- if }}") longer than its first text line's indentation is an
 * error, and a comment at column 0 ends a block scalar.
 * Newlines are kept, so every byte keeps its offset.  *mask (len bytes,
 * caller frees) is nonzero at each byte that was part of an action.  GitHub
 * Actions' ${{ }} is not a template action (the runner substitutes it; it
 * is a plain scalar already).  Returns NULL (and *mask NULL) when text holds
 * no action; else a string the caller frees (NUL after len bytes).
 */
char *yamltpl_blank(const char *text, size_t len, bool comments, unsigned char **mask);

/*
 * Read a template line by line into vf: each "key: value" line (also as a
 * list item, "- key: value") gives the setting key with value, quotes
 * removed, a trailing comment dropped; a "value:" line after a "name:" line
 * of the same item gives the setting of that name (Kubernetes env lists).
 * blanked is yamltpl_blank's copy (it shows the structure); values are
 * taken from text at the same offsets, actions included (they read as
 * references).  Nothing is reported.
 */
void yamltpl_read_lines(values_file *vf, const char *text, const char *blanked, size_t len);

#endif
