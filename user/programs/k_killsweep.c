/* Kernel test (issue 13): a kill lands while a thread is inside a system call, and the
 * host (tests/kernel.rs, kills_at_every_offset_of_a_clone_give_everything_back) moves
 * that moment over every instruction of the call.
 *
 * The main thread arms a flag and makes the marked call: a thread clone (r3 =
 * KILLSWEEP_MARK at `killsweep_trap`), which takes a share of the address space, a pid,
 * two stacks and a task slot, with preemptible steps in between. The killer thread spins
 * in user mode until the flag is set and then kills its own group with SIGKILL; it runs
 * at the first tick after the flag is set, which the host injects at each offset of the
 * clone in turn. Whatever the clone held at that moment must come back: the kernel
 * prints `LEAK` after the program otherwise. The child of the clone, if it was made,
 * exits at once. VARIANT=2 makes the marked call a zero-page copy-on-write
 * arc_usr_cmpxchg (fault with preemption off, fault-in, retry). */
#include "k_common.h"

#define KILLSWEEP_MARK 0x5EE9C0E0

static volatile int armed;
static unsigned char killer_stack[4096] __attribute__((aligned(8)));
static unsigned char child_stack[1024] __attribute__((aligned(8)));
static volatile int killer_tid;

static void killer(void *arg)
{
    (void)arg;
    while (!armed) {
    }
    k_sys(SYS_kill, sys_getpid(), 9, 0);
    for (;;) {
    }
}


int main(void)
{
    pr("CASE k.killsweep EXPECT signal=SIGKILL addr=any word=any\n");
#if VARIANT == 2
    /* Read first, so the page maps the shared zero page: the store must break it. */
    volatile int *cow_word = (volatile int *)sys_mmap2(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err((long)cow_word) || cow_word[0] != 0)
        return 2;
#endif
    thread_spawn(killer, 0, killer_stack + sizeof killer_stack, &killer_tid, 0);
    /* The killer spins out the rest of this slice: the call below starts right after a
     * tick, with a whole slice before the next one. */
    sys_sched_yield();
    armed = 1;
#if VARIANT == 2
    register long r0 __asm__("r0") = (long)cow_word;
    register long r1 __asm__("r1") = 0;
    register long r2 __asm__("r2") = 1;
    register long r3 __asm__("r3") = KILLSWEEP_MARK;
    register long r8 __asm__("r8") = 248;
    __asm__ volatile(".global killsweep_trap\n"
                     "killsweep_trap: trap_s 0\n"
                     : "+r"(r0)
                     : "r"(r1), "r"(r2), "r"(r3), "r"(r8)
                     : "memory", "cc");
#else
    register long r0 __asm__("r0") = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM;
    register long r1 __asm__("r1") = (long)(child_stack + sizeof child_stack);
    register long r2 __asm__("r2") = 0;
    register long r3 __asm__("r3") = KILLSWEEP_MARK;
    register long r4 __asm__("r4") = 0;
    register long r8 __asm__("r8") = SYS_clone;
    /* The child comes back here on its own stack with r0 = 0 and leaves at once. */
    __asm__ volatile(".global killsweep_trap\n"
                     "killsweep_trap: trap_s 0\n"
                     "brne r0, 0, 1f\n"
                     "mov r8, 93\n"
                     "mov r0, 0\n"
                     "trap_s 0\n"
                     "1:\n"
                     : "+r"(r0)
                     : "r"(r1), "r"(r2), "r"(r3), "r"(r4), "r"(r8)
                     : "memory", "cc");
#endif
    /* The killer runs at the next tick at the latest. */
    for (;;) {
    }
    return 1;
}
