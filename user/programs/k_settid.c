/* Kernel test (issue 4): CLONE_PARENT_SETTID and CLONE_CHILD_CLEARTID on one word (what
 * pthread_create and the runtime's thread_spawn do). The kernel must write the tid
 * before the child can run (Linux: in copy_process, before wake_up_new_task), so that
 * the child's exit always clears it last. Here every child exits at once; after it is
 * gone (kill(tid, 0) = -ESRCH) the word must be 0, or a join on it waits forever. */
#include "k_common.h"

#define ROUNDS 200

static unsigned char stack[4096] __attribute__((aligned(8)));

static void quick(void *arg) { (void)arg; }

int main(void)
{
    int made = 0, stale = 0, first_stale = -1, stale_value = 0;
    for (int i = 0; i < ROUNDS; i++) {
        volatile int ctid = -1;
        int tid = thread_spawn(quick, 0, stack + sizeof stack, &ctid, 0);
        if (tid <= 0) {
            static const struct k_timespec nap = {0, 200000};
            k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
            continue;
        }
        made++;
        for (int w = 0; w < 100000 && k_sys(SYS_kill, tid, 0, 0) == 0; w++)
            sys_sched_yield();
        if (ctid != 0) {
            if (first_stale < 0) {
                first_stale = i;
                stale_value = ctid;
            }
            stale++;
        }
        spin_delay(i * 37 % 500); /* move the next clone against the timer */
    }
    KCHECK("t.settid_order", made > ROUNDS / 2 && stale == 0, "rounds=%d made=%d stale=%d first_stale=%d value=%d",
           ROUNDS, made, stale, first_stale, stale_value);
    return k_failed;
}
