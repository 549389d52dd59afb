/* Shared by the issue-10 stress programs (a_*.c): the user runtime, C11 atomics (which
 * GCC turns into calls to user/atomic/atomic.c for -mcpu=em4 -mno-atomic), and the
 * run-until-evidence loop bounds of counter.c. */
#include <stdatomic.h>
#include <stdint.h>
#include "../rt/rt.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef MIN_ITERS
#define MIN_ITERS 1500
#endif
#ifndef MIN_SWITCHES
#define MIN_SWITCHES 50
#endif
#ifndef MAX_ITERS
#define MAX_ITERS 60000
#endif

/* Interleavings seen (another thread ran between two of mine). */
static _Atomic uint32_t switches;

static inline int keep_going(int i)
{
    return i < MIN_ITERS || (atomic_load(&switches) < MIN_SWITCHES && i < MAX_ITERS);
}

/* Counts an interleaving when the ticket `old` a thread just drew does not follow the
 * one it drew before (`*last`; ~0 before the first). */
static inline void note_ticket(uint32_t old, uint32_t *last)
{
    if (*last != ~0u && old != *last + 1)
        atomic_fetch_add(&switches, 1);
    *last = old;
}
