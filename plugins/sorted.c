/*
 * sorted.c — see sorted.h.
 */
#include "sorted.h"

size_t
lower_bound(const void *base, size_t n, size_t size, const void *key,
            int (*cmp)(const void *, const void *))
{
    size_t lo = 0, hi = n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;

        if (cmp((const char *) base + mid * size, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}
