/* Kernel benchmark program (user/manifest-bench.txt; xtask/src/bench.rs,
 * `kernel_numbers`). It sets everything up, prints `BENCH go`, spins a little so the
 * host can switch the simulator's instruction trace on, then runs the measured part:
 *   - one load from each of BPAGES present data pages (more than the TLB holds, so
 *     each is a TLBMissD refilled by the fast path),
 *   - one call into each of BPAGES present code pages (TLBMissI refills),
 *   - REPS getpid round trips (`bench_getpid_trap`),
 *   - REPS arc_usr_cmpxchg round trips on a present, writable word (`bench_cas_trap`),
 *   - REPS arc_usr_cmpxchg whose store hits a zero-page copy-on-write mapping: the
 *     kernel's store faults, it faults the page in and retries (`bench_cas_cow_trap`);
 *     a nap before `BENCH go` gives the idle loop time to clear the allocator's reserve
 *     of frames (src/mm/frame.rs), so these take a cleared frame,
 *   - the same after DRAIN fresh pages have emptied that reserve, so each fault clears
 *     its frame itself (`bench_cas_cow_cold_trap`),
 * and prints `BENCH done`. The host finds the labels in this ELF and counts the traced
 * instructions from each `trap_s` to the next user-mode instruction.
 * Last, one kill(2) of itself with SIGUSR1 (`bench_kill_self_trap`; counted to the
 * handler's first instruction): the lean syscall returns with a signal pending, so its
 * way back to user mode is the work path (`.Lsyscall_more` in entry.S: the callee-saved
 * registers saved late, the signal frame, `bench_usr1_handler`, rt_sigreturn).
 * tests/kernel.rs sweeps a tick over all of it. */
#include "k_common.h"

#define BPAGES 1536
#define REPS 32
#define DRAIN 64 /* more than the kernel's reserve of cleared frames */

__asm__(".text\n"
        ".global bench_getpid\n.balign 4\nbench_getpid:\n    mov r8, 172\n"
        ".global bench_getpid_trap\nbench_getpid_trap:\n    trap_s 0\n    j_s [blink]\n"
        ".global bench_cas\n.balign 4\nbench_cas:\n    mov r8, 248\n"
        ".global bench_cas_trap\nbench_cas_trap:\n    trap_s 0\n    j_s [blink]\n"
        ".global bench_cas_cow\n.balign 4\nbench_cas_cow:\n    mov r8, 248\n"
        ".global bench_cas_cow_trap\nbench_cas_cow_trap:\n    trap_s 0\n    j_s [blink]\n"
        ".global bench_cas_cow_cold\n.balign 4\nbench_cas_cow_cold:\n    mov r8, 248\n"
        ".global bench_cas_cow_cold_trap\nbench_cas_cow_cold_trap:\n    trap_s 0\n    j_s [blink]\n"
        ".global bench_kill_self\n.balign 4\nbench_kill_self:\n    mov r8, 129\n"
        ".global bench_kill_self_trap\nbench_kill_self_trap:\n    trap_s 0\n    j_s [blink]\n");
long bench_getpid(void);
int bench_cas(volatile u32 *p, u32 exp, u32 nv);
int bench_cas_cow(volatile u32 *p, u32 exp, u32 nv);
int bench_cas_cow_cold(volatile u32 *p, u32 exp, u32 nv);
long bench_kill_self(long pid, int sig);

#define SIGUSR1 10
static volatile int usr1_seen;

void bench_usr1_handler(int sig)
{
    usr1_seen += sig == SIGUSR1;
}

int main(void)
{
    u32 data = (u32)sys_mmap2(0, BPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    u32 code = (u32)sys_mmap2(0, BPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                              MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    volatile u32 *cas = map_anon("bench", PAGE_SIZE, PROT_READ | PROT_WRITE);
    u32 cow = (u32)sys_mmap2(0, 2 * REPS * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    u32 drain = (u32)sys_mmap2(0, DRAIN * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err((long)data) || is_err((long)code) || !cas || is_err((long)cow) || is_err((long)drain)) {
        pr("CASE bench FAIL setup=mmap2\n");
        return 1;
    }
    u32 n = (u32)(k_stub_end - k_stub);
    for (u32 i = 0; i < BPAGES; i++) {
        *(volatile u32 *)(data + i * PAGE_SIZE) = i;
        memcpy((void *)(code + i * PAGE_SIZE), k_stub, n);
    }
    k_sys(K_SYS_cacheflush, code, BPAGES * PAGE_SIZE, 3);
    cas[0] = 0;
    u32 zsum = 0;
    for (u32 i = 0; i < 2 * REPS; i++)
        zsum += *(volatile u32 *)(cow + i * PAGE_SIZE); /* wire the zero page, read-only */
    static const struct k_timespec nap = {0, 2000000}; /* 10 ticks; the reserve fills in ~4 */
    k_sys(K_SYS_nanosleep, (long)&nap, 0, 0);
    pr("BENCH go\n");
    spin_delay(20000);

    u32 sum = 0;
    for (u32 i = 0; i < BPAGES; i++)
        sum += *(volatile u32 *)(data + i * PAGE_SIZE);
    int acc = 0;
    for (u32 i = 0; i < BPAGES; i++)
        acc = ((int (*)(int))(code + i * PAGE_SIZE))(acc);
    long pid = 0;
    for (int i = 0; i < REPS; i++)
        pid = bench_getpid();
    int bad = 0;
    for (u32 i = 0; i < REPS; i++)
        bad += bench_cas(cas, i, i + 1) != (int)i;
    for (u32 i = 0; i < REPS; i++)
        bad += bench_cas_cow((volatile u32 *)(cow + i * PAGE_SIZE), 0, i + 1) != 0;
    for (u32 i = 0; i < DRAIN; i++)
        *(volatile u32 *)(drain + i * PAGE_SIZE) = i;
    for (u32 i = REPS; i < 2 * REPS; i++)
        bad += bench_cas_cow_cold((volatile u32 *)(cow + i * PAGE_SIZE), 0, i + 1) != 0;
    for (u32 i = 0; i < 2 * REPS; i++)
        bad += *(volatile u32 *)(cow + i * PAGE_SIZE) != i + 1;

    struct k_sigaction usr1 = {(void *)bench_usr1_handler, SA_RESTORER, (void *)k_restorer, {0, 0}};
    long act = __syscall(K_SYS_rt_sigaction, SIGUSR1, (long)&usr1, 0, 8, 0, 0);
    long killed = bench_kill_self(pid, SIGUSR1);

    pr("BENCH done\n");
    int ok = sum == BPAGES * (BPAGES - 1) / 2 && acc == BPAGES && pid > 0 && bad == 0 && cas[0] == REPS && zsum == 0 &&
             act == 0 && killed == 0 && usr1_seen == 1;
    KCHECK("bench", ok, "sum=%u calls=%d pid=%d wrong=%d sigaction=%d kill=%d usr1=%d", sum, acc, (int)pid, bad,
           (int)act, (int)killed, usr1_seen);
    return k_failed;
}
