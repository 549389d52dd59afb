/* Kernel test (issue 13 part 2): signal handlers as Linux ARC has them.
 *
 * VARIANT=1 (exit:0): rt_sigaction (134) and rt_sigprocmask (135) with good and hostile
 * arguments; a handler for kill(2) sees SI_USER and the sender's pid; a blocked signal
 * waits until unblocked; a SIGSEGV handler for bad arc_usr_cmpxchg pointers sees si_addr
 * and si_code and leaves with siglongjmp; a SIGSEGV raised by a store in the delay slot
 * of a taken branch inside a zero-overhead loop, with Z set, is handled (the handler
 * makes the page writable and clobbers the loop registers and Z) and rt_sigreturn (139)
 * resumes the store in its delay slot with the loop and the flags intact.
 * VARIANT=2/3 (signal:SIGSEGV): a handler forges the saved STATUS32 (kernel mode; IRQs
 * off) and returns: rt_sigreturn refuses the frame. VARIANT=4 (signal:SIGSEGV):
 * rt_sigreturn with the sp at a kernel address. */
#include "k_common.h"

#define SIGUSR1 10
#define SIGSEGV 11
#define SA_SIGINFO 4u
#define SEGV_MAPERR 1
#define SEGV_ACCERR 2

struct k_siginfo {
    int signo, errno_, code;
    u32 w3, w4;
    u32 pad[27];
};

/* ucontext: uc_flags, uc_link, uc_stack (3 words), then the mcontext; its STATUS32 is
 * word 5 of ARC's user_regs_struct. */
#define UC_STATUS32_WORD (5 + 5)

static long rt_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *old, long size)
{
    return __syscall(K_SYS_rt_sigaction, sig, (long)act, (long)old, size, 0, 0);
}

static long rt_sigprocmask(int how, const u32 *set, u32 *old, long size)
{
    return __syscall(K_SYS_rt_sigprocmask, how, (long)set, (long)old, size, 0, 0);
}

/* A setjmp/longjmp pair: the callee-saved registers, fp, sp and blink. */
int k_setjmp(u32 *env);
void k_longjmp(u32 *env, int val) __attribute__((noreturn));
__asm__(".balign 4\n.global k_setjmp\n"
        "k_setjmp:\n"
        "  st r13, [r0, 0]\n  st r14, [r0, 4]\n  st r15, [r0, 8]\n  st r16, [r0, 12]\n"
        "  st r17, [r0, 16]\n  st r18, [r0, 20]\n  st r19, [r0, 24]\n  st r20, [r0, 28]\n"
        "  st r21, [r0, 32]\n  st r22, [r0, 36]\n  st r23, [r0, 40]\n  st r24, [r0, 44]\n"
        "  st r25, [r0, 48]\n  st r26, [r0, 52]\n  st fp, [r0, 56]\n  st sp, [r0, 60]\n"
        "  st blink, [r0, 64]\n"
        "  j_s.d [blink]\n"
        "  mov_s r0, 0\n"
        ".global k_longjmp\n"
        "k_longjmp:\n"
        "  ld r13, [r0, 0]\n  ld r14, [r0, 4]\n  ld r15, [r0, 8]\n  ld r16, [r0, 12]\n"
        "  ld r17, [r0, 16]\n  ld r18, [r0, 20]\n  ld r19, [r0, 24]\n  ld r20, [r0, 28]\n"
        "  ld r21, [r0, 32]\n  ld r22, [r0, 36]\n  ld r23, [r0, 40]\n  ld r24, [r0, 44]\n"
        "  ld r25, [r0, 48]\n  ld r26, [r0, 52]\n  ld fp, [r0, 56]\n  ld sp, [r0, 60]\n"
        "  ld blink, [r0, 64]\n"
        "  j_s.d [blink]\n"
        "  mov_s r0, r1\n");

static void install(int sig, void *handler, u32 flags)
{
    struct k_sigaction a = {handler, flags | SA_RESTORER, (void *)k_restorer, {0, 0}};
    rt_sigaction(sig, &a, 0, 8);
}

#if VARIANT == 1
static volatile int usr1_count, usr1_code, usr1_pid;

static void on_usr1(int sig, struct k_siginfo *si, void *uc)
{
    (void)uc;
    if (sig == SIGUSR1) {
        usr1_count++;
        usr1_code = si->code;
        usr1_pid = (int)si->w3;
    }
}

static void t_sigaction(void)
{
    struct k_sigaction a = {(void *)on_usr1, SA_SIGINFO | SA_RESTORER, (void *)k_restorer, {0x5, 0}};
    struct k_sigaction back;
    long r1 = rt_sigaction(SIGUSR1, &a, 0, 8);
    long r2 = rt_sigaction(SIGUSR1, 0, &back, 8);
    int same = back.handler == a.handler && back.flags == a.flags && back.restorer == a.restorer &&
               back.mask[0] == 0x5 && back.mask[1] == 0;
    long kill9 = rt_sigaction(9, &a, 0, 8);
    long size4 = rt_sigaction(SIGUSR1, &a, 0, 4);
    long sig0 = rt_sigaction(0, &a, 0, 8);
    long sig65 = rt_sigaction(65, &a, 0, 8);
    long kact = rt_sigaction(SIGUSR1, (void *)0x80000000, 0, 8);
    long koact = rt_sigaction(SIGUSR1, 0, (void *)0x80000000, 8);
    KCHECK("x.sigaction",
           r1 == 0 && r2 == 0 && same && kill9 == -K_EINVAL && size4 == -K_EINVAL && sig0 == -K_EINVAL &&
               sig65 == -K_EINVAL && kact == -K_EFAULT && koact == -K_EFAULT,
           "set=%d get=%d same=%d sigkill=%d size4=%d sig0=%d sig65=%d kernel_act=%d kernel_oact=%d", (int)r1,
           (int)r2, same, (int)kill9, (int)size4, (int)sig0, (int)sig65, (int)kact, (int)koact);
}

static void t_handler_and_mask(void)
{
    long pid = sys_getpid();
    usr1_count = 0;
    long k = k_sys(SYS_kill, 0, SIGUSR1, 0);
    int direct = usr1_count;
    int code = usr1_code, from = usr1_pid;
    u32 block[2] = {1u << (SIGUSR1 - 1) | 1u << 8 /* SIGKILL */, 0}, old[2] = {7, 7}, now[2];
    long b = rt_sigprocmask(0, block, old, 8);
    rt_sigprocmask(0, 0, now, 8);
    k_sys(SYS_kill, 0, SIGUSR1, 0);
    int while_blocked = usr1_count;
    long u = rt_sigprocmask(1, block, 0, 8);
    int after_unblock = usr1_count;
    long bad_how = rt_sigprocmask(7, block, 0, 8);
    long bad_set = rt_sigprocmask(0, (void *)0x80000000, 0, 8);
    KCHECK("x.handler",
           k == 0 && direct == 1 && code == 0 && from == (int)pid,
           "kill=%d ran=%d si_code=%d si_pid=%d pid=%d", (int)k, direct, code, from, (int)pid);
    KCHECK("x.sigprocmask",
           b == 0 && old[0] == 0 && old[1] == 0 && now[0] == 1u << (SIGUSR1 - 1) && while_blocked == 1 && u == 0 &&
               after_unblock == 2 && bad_how == -K_EINVAL && bad_set == -K_EFAULT,
           "block=%d old=0x%x mask=0x%x (SIGKILL not blockable) ran_while_blocked=%d unblock=%d ran_after=%d bad_how=%d "
           "bad_set=%d",
           (int)b, old[0], now[0], while_blocked - 1, (int)u, after_unblock - while_blocked, (int)bad_how,
           (int)bad_set);
}

static u32 jump_env[17];
static volatile int segv_signo, segv_code;
static volatile u32 segv_addr;

static void on_segv_jump(int sig, struct k_siginfo *si, void *uc)
{
    (void)uc;
    segv_signo = sig == si->signo ? sig : -1;
    segv_code = si->code;
    segv_addr = si->w3;
    k_longjmp(jump_env, 1);
}

/* One bad-pointer cmpxchg under a handler that siglongjmps back: 1 if the handler ran
 * with the expected fields and the mask came back. */
static int cas_segv(volatile int *p, int want_code, u32 saved_mask[2])
{
    segv_signo = segv_code = 0;
    segv_addr = 0;
    if (k_setjmp(jump_env) == 0) {
        arc_cmpxchg(p, 0, 1);
        return 0;
    }
    /* siglongjmp: put back the mask the handler ran with SIGSEGV blocked in. */
    rt_sigprocmask(2, saved_mask, 0, 8);
    u32 now[2];
    rt_sigprocmask(0, 0, now, 8);
    int ok = segv_signo == SIGSEGV && segv_code == want_code && segv_addr == (u32)p && now[0] == saved_mask[0];
    pr("  cmpxchg 0x%x: signo=%d code=%d addr=0x%x mask_after=0x%x\n", (u32)p, segv_signo, segv_code, segv_addr,
       now[0]);
    return ok;
}

static void t_cmpxchg_segv(void)
{
    install(SIGSEGV, (void *)on_segv_jump, SA_SIGINFO);
    u32 mask[2];
    rt_sigprocmask(0, 0, mask, 8);
    volatile int *ro = (volatile int *)sys_mmap2(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int unmapped = cas_segv((volatile int *)0x30000000, SEGV_MAPERR, mask);
    int kernel = cas_segv((volatile int *)0x80000000, SEGV_MAPERR, mask);
    int readonly = cas_segv(ro + 3, SEGV_ACCERR, mask);
    KCHECK("x.cmpxchg_segv", unmapped && kernel && readonly, "unmapped=%d kernel=%d read_only=%d", unmapped, kernel,
           readonly);
}

static volatile u32 *fix_page;

static void on_segv_fix(int sig, struct k_siginfo *si, void *uc)
{
    (void)uc;
    segv_signo = sig;
    segv_addr = si->w3;
    sys_mprotect((void *)fix_page, PAGE_SIZE, PROT_READ | PROT_WRITE);
    /* Clobber what the interrupted code relies on: a loop of our own, and Z clear. */
    u32 n = 3, acc = 0;
    __asm__ volatile("mov lp_count, %1\n"
                     "lp 1f\n"
                     "add %0, %0, 1\n"
                     "nop\n"
                     "1:\n"
                     "flag 0\n"
                     : "+r"(acc)
                     : "r"(n)
                     : "lp_count", "cc");
}

static void t_regs_intact(void)
{
    install(SIGSEGV, (void *)on_segv_fix, SA_SIGINFO);
    fix_page = (volatile u32 *)sys_mmap2(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    segv_signo = 0;
    u32 count = 0, z = 0, n = 5;
    __asm__ volatile("flag 0x800\n"
                     "mov lp_count, %3\n"
                     "lp 2f\n"
                     "add %0, %0, 1\n"
                     "b.d 1f\n"
                     "st %0, [%2]\n" /* delay slot: faults on the first iteration */
                     "mov %0, 0x999\n" /* skipped whenever the branch is taken */
                     "1: nop\n"
                     "2:\n"
                     "mov.z %1, 1\n"
                     : "+r"(count), "+r"(z)
                     : "r"(fix_page), "r"(n)
                     : "lp_count", "cc", "memory");
    KCHECK("x.regs_intact", segv_signo == SIGSEGV && segv_addr == (u32)fix_page && count == n && *fix_page == n && z == 1,
           "handled=%d si_addr_ok=%d iterations=%u stored=%u z_kept=%u", segv_signo == SIGSEGV,
           segv_addr == (u32)fix_page, count, *fix_page, z);
}

int main(void)
{
    t_sigaction();
    t_handler_and_mask();
    t_cmpxchg_segv();
    t_regs_intact();
    return k_failed;
}

#elif VARIANT == 2 || VARIANT == 3
static void on_usr1_forge(int sig, void *si, u32 *uc)
{
    (void)sig;
    (void)si;
#if VARIANT == 2
    uc[UC_STATUS32_WORD] &= ~0x80u; /* U: return to kernel mode */
#else
    uc[UC_STATUS32_WORD] &= ~0x80000000u; /* IE: interrupts off */
#endif
}

int main(void)
{
    pr("CASE %s EXPECT signal=SIGSEGV addr=any word=any\n", VARIANT == 2 ? "x.forged_kernel_mode" : "x.forged_irq_off");
    install(SIGUSR1, (void *)on_usr1_forge, SA_SIGINFO);
    k_sys(SYS_kill, 0, SIGUSR1, 0);
    pr("CASE %s FAIL the forged frame was honoured\n", VARIANT == 2 ? "x.forged_kernel_mode" : "x.forged_irq_off");
    return 1;
}

#elif VARIANT == 4
int main(void)
{
    pr("CASE x.sigreturn_bad_sp EXPECT signal=SIGSEGV addr=0x80001000 word=none\n");
    __asm__ volatile("mov sp, 0x80001000\n"
                     "mov r8, 139\n"
                     "trap_s 0\n" ::
                         : "memory");
    return 1;
}
#endif
