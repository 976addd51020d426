/*
 * sorted.h — binary search over a sorted array, for plugins that index a
 * model once and look up each of its objects (sorted.c is compiled into
 * each plugin that lists it; plugins link nothing of the host's).
 */
#ifndef PGR_SORTED_H
#define PGR_SORTED_H

#include <stddef.h>

/* The index of the first of n elements of size bytes at base, sorted by
 * cmp (qsort's comparator), that is not below key; n when none is. */
size_t lower_bound(const void *base, size_t n, size_t size, const void *key,
                   int (*cmp)(const void *, const void *));

#endif
