/* Case 9b: a user-space spinlock built on arc_usr_cmpxchg guards a critical
 * section that checks it is alone (`inside`), and does a deliberately slow
 * plain read-modify-write of a shared total inside it. Under timer preemption:
 * no overlap may ever be seen, the total must be exact, and some lock attempts
 * must have found the lock held (`contended`, proof that a thread was
 * preempted inside the section; otherwise the run proves nothing: FAIL). */
#include "../rt/cases.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef ITERS
#define ITERS 400
#endif

static volatile int lock;
static volatile int inside;
static volatile int overlaps;
static volatile int total;

static void worker(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        spin_lock(&lock);
        if (inside != 0)
            overlaps++;
        inside = 1;
        int v = total;
        spin_delay(12);
        total = v + 1;
        if (inside != 1)
            overlaps++;
        inside = 0;
        spin_unlock(&lock);
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    for (int i = 0; i < NTHREADS; i++) {
        if (thread_start(&t[i], worker, 0) <= 0) {
            pr("CASE 9b FAIL setup=clone thread=%d err=%d\n", i, t[i].tid);
            return 1;
        }
    }
    for (int i = 0; i < NTHREADS; i++)
        thread_join(&t[i]);
    int expected = NTHREADS * ITERS;
    int ok = overlaps == 0 && total == expected && spin_contended > 0;
    pr("CASE 9b %s total=%d expected=%d overlaps=%d contended=%d threads=%d iters=%d\n", ok ? "PASS" : "FAIL",
       total, expected, overlaps, spin_contended, NTHREADS, ITERS);
    return !ok;
}
