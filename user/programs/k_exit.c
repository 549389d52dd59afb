/* Kernel test (issue 4): how a process ends with a code. One variant per program.
 * 1: exit (93) from the only thread, code 42.
 * 2: exit_group (94) with 0x10203: only the low byte (3) is the status.
 * 3: a second thread calls exit_group(9) while the main thread yields forever: the
 *    whole group ends with 9 (the main thread never returns from its loop).
 * 4: a runaway program that never makes a system call: the kernel's per-program time
 *    limit (src/run.rs, PROGRAM_TIME_LIMIT_TICKS, 10 s) must end it with SIGKILL. */
#include "k_common.h"

#ifndef VARIANT
#error "build with -DVARIANT=n"
#endif

static struct thread th;

static void killer(void *arg)
{
    (void)arg;
    pr("CASE e.exit_group_thread PASS thread=running\n");
    __syscall(SYS_exit_group, 9, 0, 0, 0, 0, 0);
    pr("CASE e.exit_group_thread FAIL exit_group_returned\n");
}

int main(void)
{
#if VARIANT == 1
    pr("CASE e.exit PASS code=42 (the TASK line must say exit=42)\n");
    __syscall(SYS_exit, 42, 0, 0, 0, 0, 0);
    pr("CASE e.exit FAIL exit_returned\n");
    return 1;
#elif VARIANT == 2
    pr("CASE e.exit_group PASS code=0x10203 (the TASK line must say exit=3)\n");
    __syscall(SYS_exit_group, 0x10203, 0, 0, 0, 0, 0);
    pr("CASE e.exit_group FAIL exit_group_returned\n");
    return 1;
#elif VARIANT == 3
    if (thread_start(&th, killer, 0) <= 0) {
        pr("CASE e.exit_group_thread FAIL setup=clone\n");
        return 1;
    }
    for (int i = 0; i < 1000000; i++)
        sys_sched_yield();
    pr("CASE e.exit_group_thread FAIL main_survived\n");
    return 1;
#elif VARIANT == 4
    pr("CASE e.runaway EXPECT signal=SIGKILL addr=any word=any\n");
    for (volatile u32 i = 0;; i++) {
    }
#else
#error "unknown VARIANT"
#endif
}
