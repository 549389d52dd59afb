/* Kernel test (issue 4): kill(2) against other processes. The program forks three
 * children (clone without CLONE_VM): one sleeps in nanosleep, one spins in user mode
 * without system calls, one has two threads blocked in sched_yield loops. The parent
 * kills them with SIGKILL, SIGTERM and SIGUSR1 and waits until kill(pid, 0) says
 * ESRCH. The host checks each child's TASK line (signal=...); the parent must go on. */
#include "k_common.h"

static unsigned char tstack[4096] __attribute__((aligned(8)));
static volatile int tctid;

static void yielder(void *arg)
{
    (void)arg;
    for (;;)
        sys_sched_yield();
}

static long fork_child(int kind)
{
    long pid = __syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
    if (pid != 0)
        return pid;
    if (kind == 0) {
        static const struct k_timespec long_nap = {3600, 0};
        for (;;)
            k_sys(K_SYS_nanosleep, (long)&long_nap, 0, 0);
    } else if (kind == 1) {
        for (volatile u32 i = 0;; i++) {
        }
    } else {
        tctid = -1;
        thread_spawn(yielder, 0, tstack + sizeof tstack, &tctid, 0);
        yielder(0);
    }
    return 0;
}

static int wait_gone(long pid)
{
    for (int i = 0; i < 100000; i++) {
        if (k_sys(SYS_kill, pid, 0, 0) == -K_ESRCH)
            return 1;
        static const struct k_timespec nap = {0, 100000};
        k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
    }
    return 0;
}

int main(void)
{
    static const int sigs[3] = {9, SIGTERM, 10};
    static const char *const names[3] = {"SIGKILL", "SIGTERM", "SIGUSR1"};
    long pids[3];
    for (int k = 0; k < 3; k++)
        pids[k] = fork_child(k);
    /* Let every child get going (the sleeper into its sleep, the spinner spinning). */
    static const struct k_timespec nap = {0, 2000000};
    k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
    for (int k = 0; k < 3; k++) {
        long alive = k_sys(SYS_kill, pids[k], 0, 0);
        long r = k_sys(SYS_kill, pids[k], sigs[k], 0);
        int gone = wait_gone(pids[k]);
        KCHECK(k == 0 ? "p.kill_sleeper" : k == 1 ? "p.kill_spinner" : "p.kill_threads",
               pids[k] > 0 && alive == 0 && r == 0 && gone, "child=%d signal=%s alive_before=%d kill=%d gone=%d",
               (int)pids[k], names[k], (int)alive, (int)r, gone);
    }
    return k_failed;
}
