/* Case 10a: the positive control for the race detector. The same threads and
 * preemption as case 9a, but a plain load / add / store counter: updates must
 * get lost. PASS means the suite can see a race (lost > 0); if nothing is
 * lost, the atomicity cases prove nothing either, and this case fails.
 * Each thread makes at least MIN_ITERS increments; the main thread watches
 * and stops them once an update is certainly lost (counter below the sum of
 * completed increments), or they stop at MAX_ITERS: a board with a slow tick
 * runs longer rather than failing for lack of preemption. */
#include "../rt/cases.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef MIN_ITERS
#define MIN_ITERS 2000
#endif
#ifndef MAX_ITERS
#define MAX_ITERS 400000
#endif

static volatile int counter;
static volatile int stop;
static volatile int done[NTHREADS];

static void worker(void *arg)
{
    int me = (int)arg;
    for (int i = 0;; i++) {
        if (i >= MIN_ITERS && (stop || i >= MAX_ITERS))
            break;
        int v = counter;
        spin_delay(8); /* widen the window a timer tick can fall into */
        counter = v + 1;
        done[me] = i + 1; /* after the store: done never runs ahead of counter */
    }
}

static int sum_done(void)
{
    int s = 0;
    for (int i = 0; i < NTHREADS; i++)
        s += done[i];
    return s;
}

int main(void)
{
    struct thread t[NTHREADS];
    if (!threads_start(t, NTHREADS, worker, "10a"))
        return 1;
    /* Only a lost update can put the counter below the completed increments. */
    while (!stop) {
        int s = sum_done();
        if (s - counter > 0)
            stop = 1;
        int all = 1;
        for (int i = 0; i < NTHREADS; i++)
            all &= t[i].ctid == 0;
        if (all)
            break;
        sys_sched_yield();
    }
    threads_join(t, NTHREADS);
    int expected = sum_done();
    int lost = expected - counter;
    int ok = lost > 0 && expected >= NTHREADS * MIN_ITERS;
    pr("CASE 10a %s final=%d expected=%d lost=%d threads=%d min_iters=%d\n", ok ? "PASS" : "FAIL", counter, expected,
       lost, NTHREADS, MIN_ITERS);
    return !ok;
}
