/* Kernel test (issue 4): memory calls and the fault policy behind them.
 * mmap2 (anonymous private, fixed and non-fixed), munmap, mprotect, demand-zero pages,
 * copy-on-write of the shared zero page, and copy-on-write after a fork. Mapping state
 * is probed through the kernel where a user access would kill us: clock_gettime
 * writes 8 bytes (EFAULT if not writable), nanosleep reads 8 (EFAULT if not readable). */
#include "k_common.h"

#define ANON (MAP_PRIVATE | MAP_ANONYMOUS)
#define RW (PROT_READ | PROT_WRITE)

static long probe_w(const volatile void *p) { return k_sys(K_SYS_clock_gettime, 1, (long)p, 0); }
static long probe_r(const volatile void *p) { return k_sys(K_SYS_nanosleep, (long)p, 0, 0); }

static volatile u32 shared_word = 0xF0F00001;

static void t_mmap(void)
{
    long a = sys_mmap2(0, 3 * PAGE_SIZE, RW, ANON, -1, 0);
    long b = sys_mmap2(0, 1, PROT_READ, ANON, -1, 0);
    int ok = !is_err(a) && !is_err(b) && a % PAGE_SIZE == 0 && b % PAGE_SIZE == 0 && (u32)a < TASK_SIZE &&
             (u32)b < TASK_SIZE && (b >= a + 3 * (long)PAGE_SIZE || b + (long)PAGE_SIZE <= a);
    KCHECK("m.mmap_anon", ok, "a=0x%08x b=0x%08x", (u32)a, (u32)b);
    if (!ok)
        return;
    volatile u32 *p = (volatile u32 *)a;
    int zeros = 1;
    for (u32 i = 0; i < 3 * PAGE_SIZE / 4; i += 61)
        zeros &= p[i] == 0;
    for (u32 i = 0; i < 3 * PAGE_SIZE / 4; i += 61)
        p[i] = 0xA0000000 + i;
    int kept = 1;
    for (u32 i = 0; i < 3 * PAGE_SIZE / 4; i += 61)
        kept &= p[i] == 0xA0000000 + i;
    long ro_w = probe_w((void *)b);
    long ro_r = probe_r((void *)b);
    KCHECK("m.demand_zero", zeros && kept && ro_w == -K_EFAULT && ro_r == 0,
           "zeros=%d kept=%d readonly_write=%d readonly_read=%d", zeros, kept, (int)ro_w, (int)ro_r);

    /* Fixed: exactly there; a second MAP_FIXED replaces the pages (contents gone). */
    u32 fx = 0x30000000;
    long f1 = sys_mmap2((void *)fx, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0);
    volatile u32 *q = (volatile u32 *)fx;
    u32 seen = 0;
    if (f1 == (long)fx) {
        q[5] = 0x0F1Eu;
        q[PAGE_SIZE / 4 + 5] = 0x0F2Eu;
        seen = q[5];
    }
    long f2 = sys_mmap2((void *)(fx + PAGE_SIZE), PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0);
    u32 first = f1 == (long)fx ? q[5] : 0xDEAD;
    u32 second = f2 == (long)(fx + PAGE_SIZE) ? q[PAGE_SIZE / 4 + 5] : 0xDEAD;
    KCHECK("m.mmap_fixed", f1 == (long)fx && f2 == (long)(fx + PAGE_SIZE) && seen == 0x0F1E && first == 0x0F1E &&
                               second == 0,
           "fixed=0x%08x refixed=0x%08x seen=0x%x kept_first=0x%x replaced_second=0x%x", (u32)f1, (u32)f2, seen,
           first, second);

    /* A free hint is honoured; a taken one is not (non-fixed never replaces). */
    long h1 = sys_mmap2((void *)0x31000000, PAGE_SIZE, RW, ANON, -1, 0);
    long h2 = sys_mmap2((void *)fx, PAGE_SIZE, RW, ANON, -1, 0);
    u32 still = q[5];
    KCHECK("m.mmap_hint", h1 == 0x31000000 && !is_err(h2) && h2 != (long)fx && still == 0x0F1E,
           "free_hint=0x%08x taken_hint=0x%08x old=0x%x", (u32)h1, (u32)h2, still);

    long e[12];
    e[0] = sys_mmap2(0, 0, RW, ANON, -1, 0);                                  /* len 0 */
    e[1] = sys_mmap2(0, PAGE_SIZE, RW, MAP_SHARED_K | MAP_ANONYMOUS, -1, 0);  /* shared */
    e[2] = sys_mmap2(0, PAGE_SIZE, RW, MAP_PRIVATE, 3, 0);                    /* a file */
    e[3] = sys_mmap2((void *)(fx + 4), PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0); /* unaligned */
    e[4] = sys_mmap2((void *)0x80000000, PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0);
    e[5] = sys_mmap2((void *)0x5FFFE000, 2 * PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0);
    e[6] = sys_mmap2(0, 0xFFFFF000, RW, ANON, -1, 0);                          /* huge */
    e[7] = sys_mmap2(0, 0xFFFFFFFF, RW, ANON, -1, 0);                          /* wraps */
    e[8] = sys_mmap2(0, PAGE_SIZE, 0x80, ANON, -1, 0);                         /* bad prot */
    e[9] = sys_mmap2((void *)0xFFFFE000, 4 * PAGE_SIZE, RW, ANON | MAP_FIXED, -1, 0); /* wraps */
    e[10] = sys_mmap2(0, PAGE_SIZE, RW, ANON, -1, 1);                          /* offset */
    e[11] = sys_mmap2(0, 0x70000000, RW, ANON, -1, 0);                         /* > user space */
    int all = 1;
    for (int i = 0; i < 12; i++)
        all &= is_err(e[i]);
    KCHECK("m.mmap_hostile", all && e[0] == -K_EINVAL && e[1] == -K_EINVAL && e[3] == -K_EINVAL,
           "len0=%d shared=%d file=%d unaligned=%d kernel=%d past_task_size=%d huge=%d wrap=%d prot=%d "
           "wrapfixed=%d offset=%d toobig=%d",
           (int)e[0], (int)e[1], (int)e[2], (int)e[3], (int)e[4], (int)e[5], (int)e[6], (int)e[7], (int)e[8],
           (int)e[9], (int)e[10], (int)e[11]);
    /* And the kernel's own memory is still not readable through any of this. */
    KCHECK("m.kernel_unmapped", probe_r((void *)0x80000000) == -K_EFAULT && probe_w((void *)entry_r1) == -K_EFAULT,
           "kernel_read=%d canary_write=%d", (int)probe_r((void *)0x80000000), (int)probe_w((void *)entry_r1));
}

static void t_munmap_mprotect(void)
{
    volatile u32 *p = map_anon("m.munmap", 3 * PAGE_SIZE, RW);
    if (!p) {
        k_failed++;
        return;
    }
    const u32 W = PAGE_SIZE / 4;
    p[1] = 1;
    p[W + 1] = 2;
    p[2 * W + 1] = 3;
    long u = sys_munmap((void *)(p + W), PAGE_SIZE);
    long hole_w = probe_w(p + W);
    long hole_r = probe_r(p + W);
    long left = probe_r(p + 2);
    u32 a = p[1], c = p[2 * W + 1];
    long bad1 = sys_munmap((void *)(p + 1), PAGE_SIZE);
    long bad2 = sys_munmap((void *)p, 0);
    long bad3 = sys_munmap((void *)0xFFFFE000, 4 * PAGE_SIZE);
    long none = sys_munmap((void *)0x40000000, PAGE_SIZE); /* nothing there: fine */
    KCHECK("m.munmap", u == 0 && hole_w == -K_EFAULT && hole_r == -K_EFAULT && left == 0 && a == 1 && c == 3 &&
                           bad1 == -K_EINVAL && bad2 == -K_EINVAL && is_err(bad3) && none == 0,
           "ret=%d hole_write=%d hole_read=%d neighbour_read=%d kept=%u,%u unaligned=%d len0=%d wrap=%d empty=%d",
           (int)u, (int)hole_w, (int)hole_r, (int)left, a, c, (int)bad1, (int)bad2, (int)bad3, (int)none);

    /* mprotect: read-only keeps the data and refuses writes; PROT_NONE refuses reads;
     * back to RW works again. */
    volatile u32 *m = p + 2 * W;
    long r1 = sys_mprotect((void *)m, PAGE_SIZE, PROT_READ);
    long ro_w = probe_w(m);
    u32 ro_v = m[1];
    long r2 = sys_mprotect((void *)m, PAGE_SIZE, PROT_NONE);
    long none_r = probe_r(m);
    long r3 = sys_mprotect((void *)m, PAGE_SIZE, RW);
    long rw_w = probe_w(m + 4);
    m[1] = 4;
    u32 rw_v = m[1];
    long e1 = sys_mprotect((void *)(m + 1), PAGE_SIZE, PROT_READ);
    long e2 = sys_mprotect((void *)p, 3 * PAGE_SIZE, PROT_READ); /* has a hole */
    long e3 = sys_mprotect((void *)0x80000000, PAGE_SIZE, PROT_READ);
    long e4 = sys_mprotect((void *)m, PAGE_SIZE, 0x40);
    long e5 = sys_mprotect((void *)m, 0xFFFFFFFF, PROT_READ);
    KCHECK("m.mprotect", r1 == 0 && ro_w == -K_EFAULT && ro_v == 3 && r2 == 0 && none_r == -K_EFAULT && r3 == 0 &&
                             rw_w == 0 && rw_v == 4 && e1 == -K_EINVAL && is_err(e2) && is_err(e3) &&
                             e4 == -K_EINVAL && is_err(e5),
           "ro=%d ro_write=%d ro_value=%u none=%d none_read=%d rw=%d rw_write=%d rw_value=%u unaligned=%d hole=%d "
           "kernel=%d badprot=%d wrap=%d",
           (int)r1, (int)ro_w, ro_v, (int)r2, (int)none_r, (int)r3, (int)rw_w, rw_v, (int)e1, (int)e2, (int)e3,
           (int)e4, (int)e5);
}

static void t_cow_zero(void)
{
    volatile u32 *p = map_anon("m.cow_zero", 4 * PAGE_SIZE, RW);
    if (!p) {
        k_failed++;
        return;
    }
    const u32 W = PAGE_SIZE / 4;
    /* Read every page first: all four map the shared zero page, read-only. */
    u32 sum = p[0] + p[W + 3] + p[2 * W + 7] + p[3 * W + 11];
    p[W + 3] = 0xC0C0C0C1; /* write fault on a zero-page mapping: a private copy */
    long kw = probe_w(p + 2 * W + 8); /* the kernel's write breaks it the same way */
    u32 v1 = p[W + 3], other0 = p[0], other3 = p[3 * W + 11], in_copy = p[W + 4];
    volatile u32 *fresh = map_anon("m.cow_zero", PAGE_SIZE, RW);
    u32 f = fresh ? fresh[3] : 0xDEAD;
    KCHECK("m.cow_zero", sum == 0 && v1 == 0xC0C0C0C1 && kw == 0 && other0 == 0 && other3 == 0 && in_copy == 0 &&
                             f == 0,
           "first_reads=%u written=0x%08x kernel_write=%d page0=%u page3=%u rest_of_copy=%u fresh=%u", sum, v1,
           (int)kw, other0, other3, in_copy, f);
}

static void t_cmpxchg_faults(void)
{
    /* arc_usr_cmpxchg where the kernel's own store faults: on a never-touched page
     * (demand-zero) and on a page wired to the zero page by a read (copy-on-write). The
     * kernel must fault the page in and retry (Linux since 2018). */
    volatile u32 *p = map_anon("m.cmpxchg_demand", 2 * PAGE_SIZE, RW);
    if (!p) {
        k_failed++;
        return;
    }
    if (!cas_case("m.cmpxchg_demand", (volatile int *)(p + 3), 0, 0, 0x0DE0A4D, 0, "page=untouched"))
        k_failed++;
    volatile u32 *q = p + PAGE_SIZE / 4;
    u32 first = q[5];
    if (!cas_case("m.cmpxchg_cow", (volatile int *)(q + 5), (int)first, 0, 0x0C0FFEE, 0, "page=zero-cow"))
        k_failed++;
}

static void t_fork_cow(void)
{
    /* clone without CLONE_VM: a copy-on-write process. The child writes; the parent
     * must keep its values. The parent waits for the child with kill(pid, 0). */
    volatile u32 *zp = map_anon("m.fork_cow", PAGE_SIZE, RW);
    if (!zp) {
        k_failed++;
        return;
    }
    u32 z0 = zp[2]; /* zero page, shared by both after the fork */
    shared_word = 0xF0F00002;
    long pid = __syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
    if (pid == 0) {
        u32 before = shared_word;
        shared_word = 0xC1C1C1C1;
        zp[2] = 0xC2C2C2C2;
        int ok = before == 0xF0F00002 && shared_word == 0xC1C1C1C1 && zp[2] == 0xC2C2C2C2 &&
                 sys_getpid() != 0;
        KCHECK("m.fork_child", ok, "before=0x%08x after=0x%08x zero_page_write=0x%08x pid=%d", before, shared_word,
               zp[2], (int)sys_getpid());
        sys_exit_group(ok ? 0 : 1);
    }
    int waited = 0;
    while (pid > 0 && k_sys(SYS_kill, pid, 0, 0) == 0 && waited < 100000) {
        sys_sched_yield();
        waited++;
    }
    long gone = pid > 0 ? k_sys(SYS_kill, pid, 0, 0) : 0;
    KCHECK("m.fork_cow", pid > 0 && gone == -K_ESRCH && shared_word == 0xF0F00002 && zp[2] == 0 && z0 == 0,
           "child=%d child_gone=%d parent_word=0x%08x parent_zero_page=0x%08x yields=%d", (int)pid, (int)gone,
           shared_word, zp[2], waited);
}

static volatile int cas_shared = 1;

static void t_fork_cmpxchg(void)
{
    /* Parent and child both count on a word that the fork left copy-on-write shared,
     * through arc_usr_cmpxchg (whose first store in each breaks the sharing), while the
     * timer switches between them: each must end with its own 1 + 3000. */
    long pid = __syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
    for (int i = 0; i < 3000; i++)
        atomic_add(&cas_shared, 1);
    if (pid == 0) {
        KCHECK("m.fork_cmpxchg_child", cas_shared == 3001, "count=%d want=3001", cas_shared);
        sys_exit_group(cas_shared == 3001 ? 0 : 1);
    }
    while (pid > 0 && k_sys(SYS_kill, pid, 0, 0) == 0)
        sys_sched_yield();
    KCHECK("m.fork_cmpxchg", pid > 0 && cas_shared == 3001, "child=%d count=%d want=3001", (int)pid, cas_shared);
}

int main(void)
{
    t_mmap();
    t_munmap_mprotect();
    t_cow_zero();
    t_cmpxchg_faults();
    t_fork_cow();
    t_fork_cmpxchg();
    return k_failed;
}
