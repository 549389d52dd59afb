/* Kernel test (issue 4): hostile system calls. A seeded PRNG picks FUZZ_CALLS calls,
 * numbers and arguments: kernel addresses (the canary's above all), unmapped, NULL,
 * unaligned, straddling TASK_SIZE, wrapping and huge lengths, random words. The kernel
 * must answer every call with a result or an error code and survive; the host checks
 * the SUMMARY line's canary. Unknown numbers must give exactly -ENOSYS.
 *
 * What the fuzzer keeps away from, because it would only end the test early (each is
 * covered by its own program): exit/exit_group (remapped to an unknown number), kill of
 * its own group with a fatal signal (the signal becomes 0), arc_usr_cmpxchg on a bad
 * pointer (SIGSEGV by design; here it targets a word of its own, with a semantic check),
 * unmapping or re-protecting its own image, noise page or stack (such ranges are moved
 * to the scratch area), nanosleep on arbitrary memory (it could sleep for years), and
 * pointers the kernel would write through into its own state. clone is fuzzed through a
 * wrapper whose child exits at once. rt_sigaction and rt_sigprocmask get hostile
 * pointers, sizes, masks and flags; handlers are installed only for signals the CPU does
 * not raise (a returning handler would re-run a fault for ever), and SIGUSR2 keeps one
 * throughout, so kill(2) of its own group runs it in the middle of the fuzzing. */
#include "k_common.h"

#ifndef FUZZ_CALLS
#define FUZZ_CALLS 4000
#endif
#ifndef FUZZ_SEED
#define FUZZ_SEED 0x4B46555Au
#endif

/* [0, PROTECT_LOW) holds the program image, its bss and the noise page; the stack is
 * [PROTECT_HIGH, TASK_SIZE). */
#define PROTECT_LOW 0x00400000u
#define PROTECT_HIGH 0x5FF00000u
#define NOISE 0x00300000u   /* one page of 'z', a PROT_NONE page after it */
#define SCRATCH 0x28000000u /* 4 pages the fuzzer may do anything to */
#define SCRATCH_LEN (4 * PAGE_SIZE)

#ifndef FUZZ_THREADS
#define FUZZ_THREADS 1
#endif

/* Per-thread state: with FUZZ_THREADS > 1 the threads fuzz one address space at once,
 * preempted by the timer in the middle of each other's calls (one unmaps or
 * re-protects what another's call is copying to). */
static u32 seeds[FUZZ_THREADS];
static u32 mypid;
static volatile u32 cas_words[FUZZ_THREADS];

static u32 guard_words[16];
static struct k_timespec ts_small = {0, 50000}, ts_bad = {0, -1}, ts_negsec = {-5, 0};

/* The calling thread's index, from its stack: thread i > 0 recorded an address near the
 * top of its stack (rt's 16 KiB thread stacks); everything else is the main thread. */
static volatile u32 stack_mark[FUZZ_THREADS];
static int self_index(void)
{
    u32 sp = (u32)__builtin_frame_address(0);
    for (int i = 1; i < FUZZ_THREADS; i++)
        if (stack_mark[i] && sp <= stack_mark[i] && sp > stack_mark[i] - 16384)
            return i;
    return 0;
}
static u32 rnd(void) { return k_rand(&seeds[self_index()]); }

/* Does [a, a + len) (page-rounded, not wrapping) touch what must survive? */
static int touches_protected(u32 a, u32 len)
{
    u32 end = a + len;
    if (end < a)
        return 0; /* wraps: the kernel must refuse it */
    end = (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (end == 0)
        return 0;
    return a < PROTECT_LOW || end > PROTECT_HIGH;
}

static u32 hostile_ptr(void)
{
    static const u32 fixed[] = {0x00000000, 0x00000001, 0x00000004, 0x00001FFC, 0x5FFFFFFC, 0x5FFFFFFE, 0x5FFFFFFF,
                                0x60000000, 0x7FFFFFFF, 0x80000000, 0x80000004, 0x80001000, 0xC0000000, 0xF0000000,
                                0xFFFFE000, 0xFFFFFFFC, 0xFFFFFFFF, 0x50000000, 0x3FFFFFFE};
    u32 r = rnd();
    switch (r % 6) {
    case 0:
    case 1:
        /* The kernel's canary and its neighbourhood. */
        return entry_r1 + ((rnd() % 9) - 4) * ((r >> 8) % 2 ? 1 : 4);
    case 2:
        return fixed[(r >> 8) % (sizeof fixed / sizeof fixed[0])];
    case 3:
        return 0x80000000u | rnd(); /* anywhere in the kernel */
    default:
        return rnd() | 0x60000000u; /* >= TASK_SIZE or inside it, random */
    }
}

/* A pointer the kernel may write through without harming this program. */
static u32 ptr(void)
{
    u32 r = rnd();
    switch (r % 8) {
    case 0:
    case 1:
    case 2:
        return hostile_ptr();
    case 3:
        return SCRATCH + (rnd() % SCRATCH_LEN); /* often unaligned */
    case 4:
        return SCRATCH + SCRATCH_LEN - 1 - (rnd() % 8); /* straddles the end */
    case 5:
        return (u32)_start + (rnd() % 4096); /* read-only text */
    case 6: {
        u32 v = rnd();
        return touches_protected(v, 16) ? SCRATCH + (v & 0xFF) : v;
    }
    default:
        return SCRATCH + ((rnd() % (SCRATCH_LEN / 8)) * 8);
    }
}

static u32 len(void)
{
    static const u32 fixed[] = {0, 1, 3, 4, 7, 8, 16, 0x1FFF, 0x2000, 0x2001, 0x10000, 0x7FFFFFFF, 0x80000000,
                                0xFFFFFFFF, 0xFFFFE000, 0xFFFFFFF8, 0x60000000, 0x5FFFFFFF};
    u32 r = rnd();
    switch (r % 4) {
    case 0:
    case 1:
        return fixed[(r >> 8) % (sizeof fixed / sizeof fixed[0])];
    case 2:
        return rnd() % 0x20000;
    default:
        return rnd();
    }
}

static u32 any_word(void)
{
    u32 r = rnd();
    switch (r % 4) {
    case 0:
        return r >> 2 & 0xFF;
    case 1:
        return hostile_ptr();
    case 2:
        return 0xFFFFFFFFu - (r >> 3) % 8;
    default:
        return rnd();
    }
}

static const u32 implemented[] = {64, 93, 94, 96, 101, 113, 124, 129, 134, 135, 172, 214, 215, 220, 222, 226, 244, 245, 246, 248};

static int is_implemented(u32 nr)
{
    for (u32 i = 0; i < sizeof implemented / sizeof implemented[0]; i++)
        if (implemented[i] == nr)
            return 1;
    return 0;
}

static u32 counts[FUZZ_THREADS][9];
enum { C_CALLS, C_ERRORS, C_ENOSYS_OK, C_ENOSYS_BAD, C_CAS_BAD, C_CLONES, C_WRITES, C_BAD_RESULT, C_HANDLED };

/* A handler the fuzzer may install for the asynchronous signals; kill(2) of its own
 * group then runs it in the middle of fuzzing (and of arc_usr_cmpxchg's Z checks). */
static void on_signal(int sig)
{
    (void)sig;
    counts[self_index()][C_HANDLED]++;
}

/* Signals the CPU raises (ILL, TRAP, BUS, FPE, SEGV) get only SIG_DFL or SIG_IGN: a
 * handler that returns would re-run the faulting instruction for ever (k_fuzz_die). */
static int synchronous(u32 sig) { return sig == 4 || sig == 5 || sig == 7 || sig == 8 || sig == 11; }

static struct k_sigaction fuzz_acts[FUZZ_THREADS];
#define SIGUSR2_K 12u

static void fuzz_one(void)
{
    int me = self_index();
    u32 *cnt = counts[me];
    volatile u32 *cas_word_p = &cas_words[me];
    u32 nr;
    u32 r = rnd();
    if (r % 16 == 0)
        nr = rnd(); /* anything at all */
    else if (r % 16 == 1)
        nr = 230 + rnd() % 40; /* near the ARC-specific numbers */
    else
        nr = implemented[(r >> 4) % (sizeof implemented / sizeof implemented[0])];
    u32 a0 = any_word(), a1 = any_word(), a2 = any_word(), a3 = any_word(), a4 = any_word(), a5 = any_word();
    long ret;
    switch (nr) {
    case SYS_exit:
    case SYS_exit_group:
        nr = 9999; /* ends the test: covered by k_exit */
        ret = __syscall(nr, a0, a1, a2, a3, a4, a5);
        break;
    case SYS_write: {
        u32 fd = rnd() % 4 == 0 ? any_word() : rnd() % 4; /* 0..3 */
        u32 p = ptr(), n = len();
        if (fd == 1 || fd == 2) {
            /* The console sees only 'z's (or nothing): the noise page, whose end runs
             * into an unmapped page, or a pointer the kernel must refuse. */
            if (rnd() % 2) {
                /* A "hostile" address the fuzzer itself may have mapped (0x5000_0000
                 * by an mmap hint, say) is readable: a huge length there would fill
                 * the console with megabytes of zeros until the time limit. */
                p = hostile_ptr();
                n %= 2 * PAGE_SIZE;
            } else {
                p = NOISE + PAGE_SIZE - 1 - rnd() % 96;
                if (n < 0x10000)
                    n = n % 120;
            }
            cnt[C_WRITES]++;
        }
        ret = __syscall(nr, fd, p, n, a3, a4, a5);
        if ((fd == 1 || fd == 2) && ret > 0)
            sys_write(1, "\n", 1);
        break;
    }
    case SYS_set_tid_address:
        ret = __syscall(nr, ptr(), a1, a2, a3, a4, a5);
        break;
    case K_SYS_nanosleep: {
        u32 choice = rnd() % 5;
        u32 p = choice == 0 ? (u32)&ts_small : choice == 1 ? (u32)&ts_bad : choice == 2 ? (u32)&ts_negsec
                                                                                         : hostile_ptr();
        /* Some "hostile" values (0x5000_0000, 0x3FFF_FFFE) may have been mapped by the
         * fuzzer and filled with a clock value: sleeping on that is a real sleep. */
        if (p >= 0x2000 && p < PROTECT_HIGH && p != (u32)&ts_small && p != (u32)&ts_bad && p != (u32)&ts_negsec)
            p |= 0x80000000u;
        ret = __syscall(nr, p, ptr(), a2, a3, a4, a5);
        break;
    }
    case K_SYS_clock_gettime:
        ret = __syscall(nr, rnd() % 2 ? rnd() % 10 : a0, ptr(), a2, a3, a4, a5);
        break;
    case SYS_kill: {
        int pid = (int)a0;
        u32 sig = rnd() % 3 ? rnd() % 70 : a1;
        if (rnd() % 2)
            pid = (int)(rnd() % (mypid + 64)) - 1;
        /* Not this group (its threads have larger ids) with a fatal signal. */
        if (pid == 0 || pid == -1 || ((u32)pid >= mypid && (u32)pid < mypid + 100000))
            sig = rnd() % 3 == 0 ? 0 : rnd() % 2 ? SIGCHLD : SIGUSR2_K; /* SIGUSR2 is handled */
        ret = __syscall(nr, pid, sig, a2, a3, a4, a5);
        break;
    }
    case SYS_brk:
        ret = __syscall(nr, rnd() % 2 ? a0 : (u32)_end + rnd() % 0x100000, a1, a2, a3, a4, a5);
        break;
    case K_SYS_rt_sigaction: {
        u32 sig = rnd() % 4 ? rnd() % 70 : a0;
        struct k_sigaction *act = &fuzz_acts[me];
        if (sig == SIGUSR2_K)
            sig = 10; /* SIGUSR2 keeps the handler main installed: kill sends it */
        u32 h = rnd() % 3;
        act->handler = h == 0 ? (void *)0 : h == 1 || synchronous(sig) ? (void *)1 : (void *)on_signal;
        act->flags = SA_RESTORER | (rnd() % 2 ? 4u /* SA_SIGINFO */ : 0) | (rnd() % 4 ? 0 : any_word() & ~SA_RESTORER);
        act->restorer = (void *)k_restorer;
        act->mask[0] = rnd() % 2 ? 0 : any_word();
        act->mask[1] = rnd() % 2 ? 0 : any_word();
        u32 choice = rnd() % 4;
        u32 p = choice == 0 ? 0 : choice == 1 ? hostile_ptr() : (u32)act;
        ret = __syscall(nr, sig, p, rnd() % 2 ? 0 : ptr(), rnd() % 4 ? 8 : a3, a4, a5);
        break;
    }
    case K_SYS_rt_sigprocmask: {
        static u32 sets[FUZZ_THREADS][2];
        sets[me][0] = any_word();
        sets[me][1] = any_word();
        u32 how = rnd() % 4 ? rnd() % 4 : a0;
        u32 p = rnd() % 3 ? (u32)sets[me] : rnd() % 2 ? 0 : hostile_ptr();
        ret = __syscall(nr, how, p, rnd() % 2 ? 0 : ptr(), rnd() % 4 ? 8 : a3, a4, a5);
        break;
    }
    case SYS_munmap:
    case SYS_mprotect:
    case SYS_mmap2: {
        u32 a = rnd() % 3 ? ptr() & ~(rnd() % 2 ? PAGE_SIZE - 1 : 0) : a0;
        u32 n = len();
        u32 flags = nr == SYS_mmap2 ? (rnd() % 3 ? (rnd() % 2 ? 0x22 : 0x32) : a3) : 0;
        int fixed = nr != SYS_mmap2 || (flags & (MAP_FIXED | 0x100000)) != 0;
        if (fixed && touches_protected(a, n)) {
            a = SCRATCH;
            n = n % (2 * SCRATCH_LEN);
        }
        u32 prot = rnd() % 2 ? rnd() % 8 : a2;
        if (nr == SYS_mmap2)
            ret = __syscall(nr, a, n, prot, flags, rnd() % 2 ? (u32)-1 : a4, rnd() % 2 ? 0 : a5);
        else
            ret = __syscall(nr, a, n, prot, a3, a4, a5);
        break;
    }
    case SYS_clone: {
        u32 flags = rnd() % 2 ? any_word() : (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                                              CLONE_SYSVSEM) | (rnd() & 0x13B0000u);
        ret = k_clone_exit(flags, any_word(), ptr(), any_word(), ptr());
        cnt[C_CLONES]++;
        break;
    }
    case K_SYS_arc_settls:
        k_settls_r25(any_word());
        ret = 0;
        break;
    case SYS_arc_usr_cmpxchg: {
        u32 old = *cas_word_p;
        u32 exp = rnd() % 2 ? old : any_word();
        u32 nv = any_word();
        int z = -1;
        ret = arc_cmpxchg_z((volatile int *)cas_word_p, (int)exp, (int)nv, &z, rnd() % 2);
        u32 want_mem = exp == old ? nv : old;
        if ((u32)ret != old || z != (exp == old) || *cas_word_p != want_mem) {
            cnt[C_CAS_BAD]++;
            pr("k_fuzz: cmpxchg old=0x%08x exp=0x%08x new=0x%08x ret=0x%08x z=%d mem=0x%08x\n", old, exp, nv,
               (u32)ret, z, *cas_word_p);
        }
        break;
    }
    default:
        ret = __syscall(nr, a0, a1, a2, a3, a4, a5);
        break;
    }
    cnt[C_CALLS]++;
    if (is_err(ret))
        cnt[C_ERRORS]++;
    if (!is_implemented(nr)) {
        if (ret == -K_ENOSYS) {
            cnt[C_ENOSYS_OK]++;
        } else {
            cnt[C_ENOSYS_BAD]++;
            pr("k_fuzz: unknown nr=%u returned %d\n", nr, (int)ret);
        }
    } else if ((long)ret < 0 && !is_err(ret) && nr != SYS_getpid && nr != SYS_brk && nr != SYS_arc_gettls &&
               nr != SYS_arc_usr_cmpxchg && nr != SYS_mmap2 && nr != SYS_set_tid_address) {
        /* A negative result outside -4095..-1 from a call that returns 0/counts. */
        cnt[C_BAD_RESULT]++;
        pr("k_fuzz: nr=%u returned 0x%08x\n", nr, (u32)ret);
    }
}

static void fuzz_loop(void)
{
    for (u32 i = 0; i < FUZZ_CALLS / FUZZ_THREADS; i++) {
#ifdef FUZZ_DIE_AFTER
        /* One thread dies of SIGSEGV while the others are somewhere in the kernel: the
         * group must end with it, and everything it held must come back. */
        if (self_index() == FUZZ_THREADS - 1 && i == FUZZ_DIE_AFTER) {
            /* On a line of its own: a sibling's fuzzed write may have left 'z's without one. */
            pr("\nCASE f.die EXPECT signal=SIGSEGV addr=0x00000000 word=none\n");
            *(volatile u32 *)0 = i;
        }
#endif
        fuzz_one();
        /* Now and then give the scratch area back, as the fuzzer may have taken it. */
        if (i % 256 == 255)
            sys_mmap2((void *)SCRATCH, SCRATCH_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                      -1, 0);
    }
}

#if FUZZ_THREADS > 1
static struct thread th[FUZZ_THREADS];

static void fuzz_thread(void *arg)
{
    int me = (int)(long)arg;
    volatile u32 top = 0;
    stack_mark[me] = (u32)&top + 64;
    fuzz_loop();
    /* The fuzzer's set_tid_address calls moved this thread's clear-on-exit word; put it
     * back so that thread_join sees the thread go. */
    k_sys(SYS_set_tid_address, (long)&th[me].ctid, 0, 0);
}
#endif

int main(void)
{
    mypid = (u32)sys_getpid();
    for (int i = 0; i < 16; i++)
        guard_words[i] = 0x60A2D000u + i;
    volatile u32 stack_guard[8];
    for (int i = 0; i < 8; i++)
        stack_guard[i] = 0x57AC0000u + i;
    long noise = sys_mmap2((void *)NOISE, PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                           -1, 0);
    long scratch = sys_mmap2((void *)SCRATCH, SCRATCH_LEN, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    /* The page after the noise page is a PROT_NONE mapping, so that no non-fixed mmap
     * (a free hint is honoured) can put readable bytes there. */
    long hole = sys_mmap2((void *)(NOISE + PAGE_SIZE), PAGE_SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                          -1, 0);
    if (noise != (long)NOISE || scratch != (long)SCRATCH || hole != (long)(NOISE + PAGE_SIZE)) {
        KCHECK("f.fuzz", 0, "setup=mmap2 noise=%d scratch=%d", (int)noise, (int)scratch);
        return k_failed;
    }
    memset((void *)NOISE, 'z', PAGE_SIZE);
    static const struct k_sigaction usr2 = {(void *)on_signal, SA_RESTORER, (void *)k_restorer, {0, 0}};
    if (__syscall(K_SYS_rt_sigaction, SIGUSR2_K, (long)&usr2, 0, 8, 0, 0) != 0) {
        KCHECK("f.fuzz", 0, "setup=rt_sigaction");
        return k_failed;
    }
    pr("k_fuzz: seed=0x%08x calls=%u threads=%d canary=0x%08x\n", FUZZ_SEED, FUZZ_CALLS, FUZZ_THREADS, entry_r1);
    for (int i = 0; i < FUZZ_THREADS; i++)
        seeds[i] = FUZZ_SEED ^ (0x9E3779B9u * (u32)i);
#if FUZZ_THREADS > 1
    int started = 1;
    for (int i = 1; i < FUZZ_THREADS; i++)
        started += thread_start(&th[i], fuzz_thread, (void *)(long)i) > 0;
#else
    int started = 1;
#endif
    fuzz_loop();
#if FUZZ_THREADS > 1
    for (int i = 1; i < FUZZ_THREADS; i++)
        thread_join(&th[i]);
#endif
    u32 total[9] = {0};
    u32 cas_bad = 0;
    for (int t = 0; t < FUZZ_THREADS; t++) {
        for (int k = 0; k < 9; k++)
            total[k] += counts[t][k];
        cas_bad += counts[t][C_CAS_BAD];
    }
    int guards = 1;
    for (int i = 0; i < 16; i++)
        guards &= guard_words[i] == 0x60A2D000u + i;
    for (int i = 0; i < 8; i++)
        guards &= stack_guard[i] == 0x57AC0000u + i;
    u32 zs = 0;
    for (u32 i = 0; i < PAGE_SIZE; i += 61)
        zs += ((volatile char *)NOISE)[i] == 'z';
    KCHECK("f.fuzz",
           started == FUZZ_THREADS && total[C_CALLS] == FUZZ_CALLS / FUZZ_THREADS * FUZZ_THREADS &&
               total[C_ENOSYS_BAD] == 0 && total[C_BAD_RESULT] == 0 && guards && zs == (PAGE_SIZE + 60) / 61,
           "seed=0x%08x threads=%d/%d calls=%u errors=%u unknown_enosys=%u unknown_wrong=%u bad_results=%u "
           "clones=%u console_writes=%u handled_signals=%u own_memory_intact=%d",
           FUZZ_SEED, started, FUZZ_THREADS, total[C_CALLS], total[C_ERRORS], total[C_ENOSYS_OK],
           total[C_ENOSYS_BAD], total[C_BAD_RESULT], total[C_CLONES], total[C_WRITES], total[C_HANDLED], guards);
    KCHECK("f.cmpxchg", cas_bad == 0, "wrong=%u final=0x%08x", cas_bad, cas_words[0]);
    return k_failed;
}
