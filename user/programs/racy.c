/* Case 10a: the positive control for the race detector. The same threads and
 * preemption as case 9a, but a plain load / add / store counter: updates must
 * get lost. PASS means the suite can see a race (lost > 0); if nothing is
 * lost, the atomicity cases prove nothing either, and this case fails. */
#include "../rt/cases.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef ITERS
#define ITERS 2000
#endif

static volatile int counter;

static void worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        int v = counter;
        spin_delay(8); /* widen the window a timer tick can fall into */
        counter = v + 1;
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (thread_start(&t[i], worker, 0) <= 0) {
            pr("CASE 10a FAIL setup=clone thread=%d err=%d\n", i, t[i].tid);
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        thread_join(&t[i]);
    int expected = NTHREADS * ITERS;
    int lost = expected - counter;
    int ok = lost > 0;
    pr("CASE 10a %s final=%d expected=%d lost=%d threads=%d iters=%d\n", ok ? "PASS" : "FAIL", counter, expected,
       lost, NTHREADS, ITERS);
    return !ok;
}
