/* Case 9a: atomicity. NTHREADS threads each add 1 to one shared counter
 * through a cmpxchg loop, under timer preemption. The final count must equal
 * the sum of the increments the threads made. `switches` counts increments
 * after which a thread saw that another thread had run in between (proof that
 * the threads really interleaved); `retries` counts cmpxchg calls that lost a
 * race and looped.
 * Each thread makes at least MIN_ITERS increments and then goes on until
 * MIN_SWITCHES interleavings have been seen (or MAX_ITERS): on a board whose
 * timer ticks rarely compared with the simulator's, the test runs longer
 * instead of proving nothing. A run that never interleaved reports FAIL. */
#include "../rt/cases.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef MIN_ITERS
#define MIN_ITERS 2000
#endif
#ifndef MIN_SWITCHES
#define MIN_SWITCHES 50
#endif
#ifndef MAX_ITERS
#define MAX_ITERS 200000
#endif

static volatile int counter;
static volatile int switches;
static volatile int retries;
static volatile int done[NTHREADS];

static void worker(void *arg)
{
    int me = (int)arg;
    int last = -1;
    for (int i = 0;; i++) {
        if (i >= MIN_ITERS && (switches >= MIN_SWITCHES || i >= MAX_ITERS))
            break;
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
        done[me] = i + 1;
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    if (!threads_start(t, NTHREADS, worker, "9a"))
        return 1;
    threads_join(t, NTHREADS);
    int expected = 0;
    for (int i = 0; i < NTHREADS; i++)
        expected += done[i];
    int ok = counter == expected && switches > 0 && expected >= NTHREADS * MIN_ITERS;
    pr("CASE 9a %s final=%d expected=%d threads=%d min_iters=%d switches=%d retries=%d\n", ok ? "PASS" : "FAIL",
       counter, expected, NTHREADS, MIN_ITERS, switches, retries);
    return !ok;
}
