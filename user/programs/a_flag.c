/* atomic_flag spinlocks: NTHREADS threads × critical sections that do a slow plain
 * read-modify-write of a shared counter. The flag is taken with the runtime's
 * atomic_flag_test_and_set (called as a function: `(atomic_flag_test_and_set)(&f)`);
 * must be exact, never two threads inside, and contended at least once.
 * With INLINE_TAS it is GCC's inline expansion of the macro instead, which GCC 12 emits
 * for em4 -mno-atomic as a plain ldb/stb: a control that must show exclusion failing
 * (PASS = a violation seen). */
#include "a_common.h"

static atomic_flag lock = ATOMIC_FLAG_INIT;
static volatile int inside, violations, contended;
static volatile uint32_t counter;
static volatile int done[NTHREADS];

#ifdef INLINE_TAS
#define CASE_ID "a.flag_inline"
#define TAS(f) atomic_flag_test_and_set(f)
#else
#define CASE_ID "a.flag"
#define TAS(f) (atomic_flag_test_and_set)(f)
#endif

static void worker(void *arg)
{
    int me = (int)arg;
    int i;
    for (i = 0;; i++) {
#ifdef INLINE_TAS
        if (i >= MIN_ITERS && (violations || i >= MAX_ITERS))
            break;
#else
        if (i >= MIN_ITERS && ((contended >= MIN_SWITCHES) || i >= MAX_ITERS))
            break;
#endif
        while (TAS(&lock)) {
            contended++;
            sys_sched_yield();
        }
        if (inside++)
            violations++;
        uint32_t v = counter;
        spin_delay(5);
        counter = v + 1;
        inside--;
        atomic_flag_clear(&lock);
        done[me] = i + 1;
    }
}

int main(void)
{
    struct thread t[NTHREADS];
    if (!threads_start(t, NTHREADS, worker, CASE_ID))
        return 1;
    threads_join(t, NTHREADS);
    uint32_t total = 0;
    for (int i = 0; i < NTHREADS; i++)
        total += done[i];
#ifdef INLINE_TAS
    int ok = violations > 0;
#else
    int ok = counter == total && !violations && contended > 0;
#endif
    pr("CASE " CASE_ID " %s counter=%u total=%u violations=%d contended=%d\n", ok ? "PASS" : "FAIL",
       counter, total, violations, contended);
    return !ok;
}
