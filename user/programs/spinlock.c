/* Case 9b: a user-space spinlock built on arc_usr_cmpxchg guards a critical
 * section that checks it is alone (`inside`), and does a deliberately slow
 * plain read-modify-write of a shared total inside it. Under timer preemption:
 * no overlap may ever be seen, the total must equal the sections entered, and
 * some lock attempts must have found the lock held (`contended`: a thread was
 * preempted inside the section; otherwise the run proves nothing: FAIL).
 * Each thread runs at least MIN_ITERS sections, then goes on until
 * MIN_CONTENDED contended attempts were seen (or MAX_ITERS). */
#include "../rt/cases.h"

#ifndef NTHREADS
#define NTHREADS 4
#endif
#ifndef MIN_ITERS
#define MIN_ITERS 400
#endif
#ifndef MIN_CONTENDED
#define MIN_CONTENDED 50
#endif
#ifndef MAX_ITERS
#define MAX_ITERS 100000
#endif

static volatile int lock;
static volatile int inside;
static volatile int overlaps;
static volatile int total;
static volatile int done[NTHREADS];

static void worker(void *arg)
{
    int me = (int)arg;
    for (int i = 0;; i++) {
        if (i >= MIN_ITERS && (spin_contended >= MIN_CONTENDED || i >= MAX_ITERS))
            break;
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
        done[me] = i + 1;
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    if (!threads_start(t, NTHREADS, worker, "9b"))
        return 1;
    threads_join(t, NTHREADS);
    int expected = 0;
    for (int i = 0; i < NTHREADS; i++)
        expected += done[i];
    int ok = overlaps == 0 && total == expected && spin_contended > 0 && expected >= NTHREADS * MIN_ITERS;
    pr("CASE 9b %s total=%d expected=%d overlaps=%d contended=%d threads=%d min_iters=%d\n", ok ? "PASS" : "FAIL",
       total, expected, overlaps, spin_contended, NTHREADS, MIN_ITERS);
    return !ok;
}
