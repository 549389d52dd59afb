/* Kernel test (issue 4): thread churn. A program makes and joins 40 threads one after
 * another (thread_join polls with sched_yield, as the validation runtime does). Each
 * thread has exited before the next is made, so at most two tasks exist at a time and
 * every clone must succeed, whatever the kernel's task table size (16). */
#include "k_common.h"

#define ROUNDS 40

static volatile int ran;
/* One stack, reused: the threads never overlap (the runtime's thread_start has 8 stacks
 * and never reuses them). */
static unsigned char stack[8192] __attribute__((aligned(8)));

static void body(void *arg)
{
    (void)arg;
    ran++;
}

int main(void)
{
    int ok = 0, first_fail = -1, err = 0;
    for (int i = 0; i < ROUNDS; i++) {
        struct thread t;
        t.ctid = -1;
        int tid = thread_spawn(body, 0, stack + sizeof stack, &t.ctid, &t);
        if (tid <= 0) {
            if (first_fail < 0) {
                first_fail = i;
                err = tid;
            }
            continue;
        }
        thread_join(&t);
        ok++;
    }
    KCHECK("t.thread_churn", ok == ROUNDS && ran == ROUNDS, "rounds=%d made=%d ran=%d first_failure=%d err=%d", ROUNDS,
           ok, ran, first_fail, err);
    return k_failed;
}
