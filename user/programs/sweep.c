/* Cases 9c and 9d, and the host's preemption sweeps. Each makes ONE marked
 * arc_usr_cmpxchg (its `trap_s` is the symbol `sweep_trap`, r3 = the marker)
 * while a competitor thread is runnable; the host snapshots the machine at
 * that trap and re-runs it once per instruction offset of the syscall path
 * with the timer interrupt injected there (xtask/src/validate.rs).
 *
 * 9c (marker 0x5EE9C0DE), the warm path: a competitor increments a counter
 * through cmpxchg in a loop; once it runs, main makes one increment through
 * the marked call. Afterwards the counter must equal the sum of both threads'
 * successful increments. A kernel that can be preempted between its user load
 * and store loses the competitor's increments.
 *
 * 9d (marker 0x5EE9C0DF), the fault path the 2018 fix is about: the word is
 * on a page an earlier read wired to the zero page, so the kernel's store
 * faults, it must fault the page in with preemption ON (the competitor can run
 * then) and retry. Main swaps 0 -> 1, the competitor (spinning until main is
 * about to call) swaps 0 -> 2 once. Exactly one may win; the word must hold
 * the winner's value; the loser must get the winner's value back with Z
 * clear, the winner 0 with Z set. */
#include "../rt/cases.h"

static volatile int counter;
static volatile int stop;
static volatile int b_ok;

static void competitor(void *arg)
{
    (void)arg;
    while (!stop) {
        int c = counter;
        if (arc_cmpxchg(&counter, c, c + 1) == c)
            b_ok++;
    }
}

static volatile int *cow_word;
static volatile int go;
static volatile int b_ret = -1, b_z = -1;

static void cow_competitor(void *arg)
{
    (void)arg;
    while (!go) {
    }
    int z = -1;
    b_ret = arc_cmpxchg_z(cow_word, 0, 2, &z, 1);
    b_z = z;
}

static int warm(void)
{
    struct thread t;
    if (thread_start(&t, competitor, 0) <= 0) {
        pr("CASE 9c FAIL setup=clone err=%d\n", t.tid);
        return 0;
    }
    while (b_ok == 0)
        sys_sched_yield();
    int c = counter;
    int z = -1;
    int ret = arc_cmpxchg_marked(&counter, c, c + 1, SWEEP_MARK_WARM, &z);
    int a_ok = ret == c && z == 1;
    stop = 1;
    thread_join(&t);
    int ok = counter == a_ok + b_ok;
    pr("CASE 9c %s final=%d expected=%d main=%d competitor=%d\n", ok ? "PASS" : "FAIL", counter, a_ok + b_ok, a_ok,
       b_ok);
    return ok;
}

static int cow(void)
{
    volatile int *page = map_anon("9d", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!page)
        return 0;
    cow_word = page + 7;
    if (*cow_word != 0) { /* wires the zero page */
        pr("CASE 9d FAIL setup=zero-read\n");
        return 0;
    }
    struct thread t;
    if (thread_start(&t, cow_competitor, 0) <= 0) {
        pr("CASE 9d FAIL setup=clone err=%d\n", t.tid);
        return 0;
    }
    go = 1;
    int a_z = -1;
    int a_ret = arc_cmpxchg_marked(cow_word, 0, 1, SWEEP_MARK_COW, &a_z);
    thread_join(&t);
    int w = *cow_word;
    int a_won = a_z == 1, b_won = b_z == 1;
    int ok = a_won + b_won == 1 && w == (a_won ? 1 : 2) && (a_won ? a_ret == 0 && b_ret == 1 && b_z == 0
                                                                    : b_ret == 0 && a_ret == 2 && a_z == 0);
    pr("CASE 9d %s word=%d main_ret=%d main_z=%d competitor_ret=%d competitor_z=%d winner=%s\n", ok ? "PASS" : "FAIL",
       w, a_ret, a_z, b_ret, b_z, a_won && !b_won ? "main" : b_won && !a_won ? "competitor" : "none-or-both");
    return ok;
}

int main(void)
{
    int ok = warm();
    ok &= cow();
    return !ok;
}
