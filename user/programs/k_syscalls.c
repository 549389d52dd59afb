/* Kernel test (issue 4): every system call that returns, with good and hostile
 * arguments. Signals and exits have their own programs (k_sig.c, k_exit.c);
 * memory calls are in k_mm.c, clone in k_threads.c. */
#include "k_common.h"


static volatile int word = 0x11110001;
static const char hello[] = "k_syscalls: hello from write(1)\n";
static const char hello2[] = "k_syscalls: hello from write(2)\n";

static u32 probe_w(u32 addr) { return (u32)k_sys(K_SYS_clock_gettime, 1, addr, 0); }

static unsigned long long now_ns(void)
{
    struct k_timespec ts = {-1, -1};
    long r = k_sys(K_SYS_clock_gettime, 1, (long)&ts, 0);
    if (r != 0)
        return 0;
    return (unsigned long long)(u32)ts.sec * 1000000000ull + (u32)ts.nsec;
}

static void t_write(void)
{
    u32 n = sizeof hello - 1;
    long r1 = sys_write(1, hello, n);
    long r2 = sys_write(2, hello2, sizeof hello2 - 1);
    KCHECK("s.write", r1 == (long)n && r2 == (long)(sizeof hello2 - 1), "fd1=%d fd2=%d want=%u", (int)r1, (int)r2,
           n);
    long z = sys_write(1, hello, 0);
    long bad_fd = sys_write(3, hello, n);
    long neg_fd = sys_write(-1, hello, n);
    long kern = sys_write(1, (void *)0x80000000, 16);
    long canary = sys_write(1, (void *)entry_r1, 4);
    long unmapped = sys_write(1, (void *)0x50000000, 4);
    long null = sys_write(1, (void *)0, 4);
    long wrap = sys_write(1, hello, 0xFFFFFFFFu);
    long over = sys_write(1, (void *)0x5FFFFFF0, 0x20);
    KCHECK("s.write_hostile",
           z == 0 && bad_fd == -K_EBADF && neg_fd == -K_EBADF && kern == -K_EFAULT && canary == -K_EFAULT &&
               unmapped == -K_EFAULT && null == -K_EFAULT && wrap == -K_EFAULT && over == -K_EFAULT,
           "zero=%d badfd=%d negfd=%d kernel=%d canary=%d unmapped=%d null=%d wrap=%d past_task_size=%d", (int)z,
           (int)bad_fd, (int)neg_fd, (int)kern, (int)canary, (int)unmapped, (int)null, (int)wrap, (int)over);
}

static void t_ids(void)
{
    long pid = sys_getpid();
    long pid2 = sys_getpid();
    static volatile int tid_word = 0x5a5a5a5a;
    long tid = k_sys(SYS_set_tid_address, (long)&tid_word, 0, 0);
    /* A hostile address is only recorded (written at thread exit, where it must fail
     * quietly); then restore a harmless one. */
    long tid_k = k_sys(SYS_set_tid_address, (long)entry_r1, 0, 0);
    long tid0 = k_sys(SYS_set_tid_address, 0, 0, 0);
    KCHECK("s.getpid", pid > 0 && pid == pid2, "pid=%d again=%d", (int)pid, (int)pid2);
    KCHECK("s.set_tid_address", tid == pid && tid_k == pid && tid0 == pid && tid_word == 0x5a5a5a5a,
           "ret=%d hostile=%d zero=%d pid=%d word=0x%08x", (int)tid, (int)tid_k, (int)tid0, (int)pid, tid_word);
}

static void t_time(void)
{
    struct k_timespec a = {-1, -1}, b = {-1, -1};
    long ra = k_sys(K_SYS_clock_gettime, 1, (long)&a, 0);
    spin_delay(20000);
    long rb = k_sys(K_SYS_clock_gettime, 1, (long)&b, 0);
    unsigned long long na = (u32)a.sec * 1000000000ull + (u32)a.nsec;
    unsigned long long nb = (u32)b.sec * 1000000000ull + (u32)b.nsec;
    KCHECK("s.clock_gettime", ra == 0 && rb == 0 && a.nsec >= 0 && a.nsec < 1000000000 && b.nsec >= 0 &&
                                  b.nsec < 1000000000 && nb >= na,
           "r=%d,%d first=%d.%09d second=%d.%09d", (int)ra, (int)rb, a.sec, a.nsec, b.sec, b.nsec);
    struct k_timespec c;
    long realtime = k_sys(K_SYS_clock_gettime, 0, (long)&c, 0);
    long bad_clock = k_sys(K_SYS_clock_gettime, 99, (long)&c, 0);
    long kern = k_sys(K_SYS_clock_gettime, 1, 0x80000000, 0);
    long canary = k_sys(K_SYS_clock_gettime, 1, (long)entry_r1, 0);
    long text = k_sys(K_SYS_clock_gettime, 1, (long)_start, 0);
    long unmapped = k_sys(K_SYS_clock_gettime, 1, 0x50000000, 0);
    long straddle = k_sys(K_SYS_clock_gettime, 1, 0x5FFFFFFC, 0);
    /* A timespec at an odd address is still user memory (the copies are bytewise). */
    static unsigned char odd[16] __attribute__((aligned(4)));
    static unsigned char zeros[16] __attribute__((aligned(4)));
    long unaligned = k_sys(K_SYS_clock_gettime, 1, (long)(odd + 1), 0);
    long unaligned_sleep = k_sys(K_SYS_nanosleep, (long)(zeros + 3), 0, 0); /* {0, 0} */
    KCHECK("s.timespec_unaligned", unaligned == 0 && unaligned_sleep == 0 && odd[0] == 0 && odd[9] == 0,
           "clock_gettime=%d nanosleep=%d", (int)unaligned, (int)unaligned_sleep);
    KCHECK("s.clock_gettime_hostile",
           realtime == 0 && bad_clock == -K_EINVAL && kern == -K_EFAULT && canary == -K_EFAULT &&
               text == -K_EFAULT && unmapped == -K_EFAULT && straddle == -K_EFAULT,
           "realtime=%d badclock=%d kernel=%d canary=%d text=%d unmapped=%d past_task_size=%d", (int)realtime,
           (int)bad_clock, (int)kern, (int)canary, (int)text, (int)unmapped, (int)straddle);

    /* nanosleep: 2 ms must pass on the monotonic clock. */
    struct k_timespec req = {0, 2000000};
    unsigned long long t0 = now_ns();
    long rs = k_sys(K_SYS_nanosleep, (long)&req, 0, 0);
    unsigned long long t1 = now_ns();
    u32 slept_us = (u32)((t1 - t0) / 1000);
    KCHECK("s.nanosleep", rs == 0 && t1 >= t0 + 2000000ull, "ret=%d slept_us=%u want_us>=2000", (int)rs, slept_us);
    struct k_timespec zero = {0, 0}, badn = {0, 1000000000}, negs = {-1, 0}, negn = {0, -1};
    long r0 = k_sys(K_SYS_nanosleep, (long)&zero, 0, 0);
    long r1 = k_sys(K_SYS_nanosleep, (long)&badn, 0, 0);
    long r2 = k_sys(K_SYS_nanosleep, (long)&negs, 0, 0);
    long r3 = k_sys(K_SYS_nanosleep, (long)&negn, 0, 0);
    long r4 = k_sys(K_SYS_nanosleep, 0x80000000, 0, 0);
    long r5 = k_sys(K_SYS_nanosleep, 0, 0, 0);
    long r6 = k_sys(K_SYS_nanosleep, 0x5FFFFFFC, 0, 0);
    KCHECK("s.nanosleep_hostile",
           r0 == 0 && r1 == -K_EINVAL && r2 == -K_EINVAL && r3 == -K_EINVAL && r4 == -K_EFAULT && r5 == -K_EFAULT &&
               r6 == -K_EFAULT,
           "zero=%d nsec1e9=%d negsec=%d negnsec=%d kernel=%d null=%d past_task_size=%d", (int)r0, (int)r1,
           (int)r2, (int)r3, (int)r4, (int)r5, (int)r6);
}

static void t_yield_kill(void)
{
    long y = sys_sched_yield();
    KCHECK("s.sched_yield", y == 0, "ret=%d", (int)y);
    long pid = sys_getpid();
    long k0 = k_sys(SYS_kill, pid, 0, 0);
    long k1 = k_sys(SYS_kill, 0, 0, 0);
    long k2 = k_sys(SYS_kill, pid, SIGCHLD, 0); /* default action: ignore */
    long k3 = k_sys(SYS_kill, 4000, 0, 0);
    long k4 = k_sys(SYS_kill, pid, 65, 0);
    long k5 = k_sys(SYS_kill, pid, -1, 0);
    KCHECK("s.kill", k0 == 0 && k1 == 0 && k2 == 0 && k3 == -K_ESRCH && k4 == -K_EINVAL && k5 == -K_EINVAL,
           "probe_self=%d probe_group=%d sigchld=%d nosuch=%d sig65=%d sigm1=%d", (int)k0, (int)k1, (int)k2,
           (int)k3, (int)k4, (int)k5);
}

static void t_brk(void)
{
    u32 b0 = (u32)k_sys(SYS_brk, 0, 0, 0);
    u32 want = b0 + 3 * PAGE_SIZE + 100;
    u32 b1 = (u32)k_sys(SYS_brk, want, 0, 0);
    int zeros = 1, kept = 1;
    if (b1 == want) {
        volatile u32 *p = (volatile u32 *)((b0 + 3) & ~3u);
        u32 n = (want - (u32)p) / 4;
        for (u32 i = 0; i < n; i += 97)
            zeros &= p[i] == 0;
        for (u32 i = 0; i < n; i += 97)
            p[i] = i * 3 + 1;
        for (u32 i = 0; i < n; i += 97)
            kept &= p[i] == i * 3 + 1;
    }
    u32 huge = (u32)k_sys(SYS_brk, 0x90000000, 0, 0);
    u32 low = (u32)k_sys(SYS_brk, 0x1000, 0, 0);
    u32 b2 = (u32)k_sys(SYS_brk, b0, 0, 0);
    u32 gone = probe_w((b0 + PAGE_SIZE + 7) & ~7u);
    /* The break may not grow over another mapping (Linux: brk fails, the break stays). */
    u32 cur = (u32)k_sys(SYS_brk, 0, 0, 0);
    u32 above = ((cur + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)) + PAGE_SIZE;
    long fx = sys_mmap2((void *)above, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1,
                        0);
    if (fx == (long)above)
        *(volatile u32 *)above = 0xB4B4B4B4;
    u32 over1 = (u32)k_sys(SYS_brk, above + 2 * PAGE_SIZE, 0, 0); /* from an empty heap */
    u32 small = (u32)k_sys(SYS_brk, cur + 16, 0, 0);               /* a heap below it */
    u32 over2 = (u32)k_sys(SYS_brk, above + 2 * PAGE_SIZE, 0, 0); /* grow it over the mapping */
    u32 kept_word = fx == (long)above ? *(volatile u32 *)above : 0;
    long probe_above = probe_w(above + 8);
    KCHECK("s.brk_collision",
           fx == (long)above && over1 == cur && small == cur + 16 && over2 == cur + 16 && kept_word == 0xB4B4B4B4 &&
               probe_above == 0,
           "break=0x%08x mapping=0x%08x over_from_empty=0x%08x small=0x%08x over_from_heap=0x%08x kept=0x%08x", cur,
           above, over1, small, over2, kept_word);
    KCHECK("s.brk",
           b0 >= (u32)_end && b1 == want && zeros && kept && huge == want && low == want && b2 == b0 &&
               gone == (u32)-K_EFAULT,
           "start=0x%08x end_sym=0x%08x grown=0x%08x zeros=%d kept=%d huge=0x%08x low=0x%08x shrunk=0x%08x "
           "probe_after_shrink=%d",
           b0, (u32)_end, b1, zeros, kept, huge, low, b2, (int)gone);
}

static void t_tls(void)
{
    u32 r25 = k_settls_r25(0x12345678);
    long g = k_sys(SYS_arc_gettls, 0, 0, 0);
    sys_sched_yield();
    long g2 = k_sys(SYS_arc_gettls, 0, 0, 0);
    long s = k_sys(K_SYS_arc_settls, 0x80000000, 0, 0); /* any value: TLS is a number */
    long g3 = k_sys(SYS_arc_gettls, 0, 0, 0);
    KCHECK("s.tls", r25 == 0x12345678 && (u32)g == 0x12345678 && (u32)g2 == 0x12345678 && s == 0 &&
                        (u32)g3 == 0x80000000,
           "r25=0x%08x gettls=0x%08x after_yield=0x%08x settls_kernel_value=%d gettls2=0x%08x", r25, (u32)g,
           (u32)g2, (int)s, (u32)g3);
}

static void t_cacheflush(void)
{
    /* Code written at run time into an RWX page, flushed, then executed; then rewritten
     * (another immediate) and flushed again: the new code must run. */
    u32 n = (u32)(k_stub_end - k_stub);
    unsigned char *page = (unsigned char *)sys_mmap2(0, PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                                                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err((long)page)) {
        KCHECK("s.cacheflush", 0, "setup=mmap2 err=%d", (int)(long)page);
        return;
    }
    memcpy(page, k_stub, n);
    long f1 = k_sys(K_SYS_cacheflush, (long)page, n, 3);
    int (*fn)(int) = (int (*)(int))page;
    int v1 = fn(41);
    /* k_stub is `add r0, r0, 1; j_s [blink]`: patch it into a second copy that adds twice. */
    memcpy(page + 64, k_stub, 4);
    memcpy(page + 68, k_stub, n);
    long f2 = k_sys(K_SYS_cacheflush, (long)(page + 64), n + 4, 3);
    int (*fn2)(int) = (int (*)(int))(page + 64);
    int v2 = fn2(41);
    long f3 = k_sys(K_SYS_cacheflush, 0x80000000, 64, 3);
    long f4 = k_sys(K_SYS_cacheflush, 0, 0xFFFFFFFF, 0);
    KCHECK("s.cacheflush", f1 == 0 && f2 == 0 && v1 == 42 && v2 == 43 && (f3 == 0 || is_err(f3)) &&
                               (f4 == 0 || is_err(f4)),
           "flush=%d,%d run1=%d run2=%d kernel_range=%d huge=%d", (int)f1, (int)f2, v1, v2, (int)f3, (int)f4);
}

static void t_cmpxchg(void)
{
    if (!cas_case("s.cmpxchg_swap", &word, 0x11110001, 0x11110001, 0x11110002, 0, ""))
        k_failed++;
    if (!cas_case("s.cmpxchg_mismatch", &word, 0x11110002, 0x0BAD, 0x11110003, 1, ""))
        k_failed++;
}

/* FLAG in user mode may set Z, N, C, V (only H is privileged: see k_sig.c VARIANT 28). */
static void t_user_flag(void)
{
    u32 z1 = 0, z0 = 1;
    __asm__ volatile("flag 0x800\n\tmov %0, 0\n\tmov.z %0, 1" : "=r"(z1) : : "cc");
    __asm__ volatile("flag 0\n\tmov %0, 0\n\tmov.z %0, 1" : "=r"(z0) : : "cc");
    KCHECK("s.user_flag", z1 == 1 && z0 == 0, "z_after_flag_0x800=%u z_after_flag_0=%u", z1, z0);
}

static void t_enosys(void)
{
    static const u32 nrs[] = {0, 1, 63, 92, 243, 247, 249, 250, 400, 1000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF};
    int bad = 0;
    for (u32 i = 0; i < sizeof nrs / sizeof nrs[0]; i++) {
        long r = __syscall((long)nrs[i], 0x80000000, -1, 0, 0, 0, 0);
        if (r != -K_ENOSYS) {
            pr("k_syscalls: nr=%u returned %d, want -38\n", nrs[i], (int)r);
            bad++;
        }
    }
    KCHECK("s.enosys", bad == 0, "numbers=%u wrong=%d", (u32)(sizeof nrs / sizeof nrs[0]), bad);
}

int main(void)
{
    t_write();
    t_ids();
    t_time();
    t_yield_kill();
    t_brk();
    t_tls();
    t_cacheflush();
    t_cmpxchg();
    t_user_flag();
    t_enosys();
    return k_failed;
}
