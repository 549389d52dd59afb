/* Kernel test (issue 4): clone racing clone. Four threads of one process each make
 * thread after thread (the child leaves at once with exit), so the timer preempts one
 * clone in the middle while another clone runs. Every clone must give a distinct tid
 * or an error; the kernel must not panic and the group must end normally. */
#include "k_common.h"

#define NT 4
#define CLONES 300

static struct thread th[NT];
static volatile u32 made[NT], failed[NT], dup_tid[NT];
static volatile u32 tids[NT][CLONES];

static void cloner(void *arg)
{
    int me = (int)(long)arg;
    static u32 child_stack[64] __attribute__((aligned(8)));
    u32 fl = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    for (int i = 0; i < CLONES; i++) {
        long t = k_clone_exit(fl, (u32)(child_stack + 64), 0, 0, 0);
        if (t > 0) {
            tids[me][made[me]++] = (u32)t;
        } else {
            failed[me]++;
            /* Out of task slots: exited threads are reaped only when the CPU idles
             * (docs/kernel-findings.md, F5), so sleep a little. */
            static const struct k_timespec nap = {0, 200000};
            k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
        }
    }
}

int main(void)
{
    int started = 0;
    for (int i = 1; i < NT; i++)
        started += thread_start(&th[i], cloner, (void *)(long)i) > 0;
    cloner((void *)0);
    for (int i = 1; i < NT; i++)
        thread_join(&th[i]);
    u32 total = 0, fails = 0, dups = 0;
    for (int a = 0; a < NT; a++) {
        total += made[a];
        fails += failed[a];
        for (u32 i = 0; i < made[a]; i++)
            for (int b = 0; b <= a; b++)
                for (u32 j = 0; j < (b == a ? i : made[b]); j++)
                    dups += tids[a][i] == tids[b][j];
    }
    KCHECK("t.clone_race", started == NT - 1 && total > 0 && dups == 0,
           "threads=%d made=%u failed=%u duplicate_tids=%u", started + 1, total, fails, dups);
    return k_failed;
}
