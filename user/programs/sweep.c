/* Case 9c and the host's preemption sweep. A competitor thread increments a
 * counter through cmpxchg in a loop; once it is running, the main thread makes
 * ONE increment through arc_cmpxchg_marked (its `trap_s` is the symbol
 * `sweep_trap`, with r3 = 0x5EE9C0DE). Afterwards the counter must equal the
 * sum of both threads' successful increments.
 * On the simulator the host snapshots the machine at that trap and re-runs it
 * once per instruction offset of the syscall path with the timer interrupt
 * injected there (xtask/src/validate.rs). A kernel that can be preempted
 * between its user load and store loses the competitor's increments. */
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

int main(void)
{
    struct thread t;
    if (thread_start(&t, competitor, 0) <= 0) {
        pr("CASE 9c FAIL setup=clone err=%d\n", t.tid);
        return 1;
    }
    while (b_ok == 0)
        sys_sched_yield();
    int c = counter;
    int ret = arc_cmpxchg_marked(&counter, c, c + 1);
    int a_ok = ret == c;
    stop = 1;
    thread_join(&t);
    int ok = counter == a_ok + b_ok;
    pr("CASE 9c %s final=%d expected=%d main=%d competitor=%d\n", ok ? "PASS" : "FAIL", counter, a_ok + b_ok, a_ok,
       b_ok);
    return !ok;
}
