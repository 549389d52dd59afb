/* Case 9a: atomicity. NTHREADS threads each add 1 to one shared counter ITERS
 * times through a cmpxchg loop (atomic_add), under timer preemption. The final
 * count must be exact. `switches` counts the increments after which a thread
 * saw that another thread had run in between (proof that the threads really
 * interleaved); `retries` counts cmpxchg calls that lost a race and looped.
 * A run that never interleaved proves nothing and reports FAIL. */
#include "../rt/cases.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef ITERS
#define ITERS 2000
#endif

static volatile int counter;
static volatile int switches;
static volatile int retries;

static void worker(void *arg)
{
    (void)arg;
    int last = -1;
    for (int i = 0; i < ITERS; i++) {
        for (;;) {
            int old = counter;
            if (last >= 0 && old != last)
                atomic_add(&switches, 1);
            if (arc_cmpxchg(&counter, old, old + 1) == old) {
                last = old + 1;
                break;
            }
            atomic_add(&retries, 1);
            last = -1;
        }
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (thread_start(&t[i], worker, 0) <= 0) {
            pr("CASE 9a FAIL setup=clone thread=%d err=%d\n", i, t[i].tid);
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        thread_join(&t[i]);
    int expected = NTHREADS * ITERS;
    int ok = counter == expected && switches > 0;
    pr("CASE 9a %s final=%d expected=%d threads=%d iters=%d switches=%d retries=%d\n", ok ? "PASS" : "FAIL",
       counter, expected, NTHREADS, ITERS, switches, retries);
    return !ok;
}
