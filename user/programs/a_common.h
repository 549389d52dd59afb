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
