/* Helpers of the kernel test programs (user/manifest-kernel.txt, issue 4). They reuse
 * the validation runtime (user/rt) and add what it lacks: wrappers for the other system
 * calls, a check macro that prints one CASE line, and a seeded PRNG.
 *
 * CASE lines: `CASE <id> PASS|FAIL key=value ...` (user/README.md). A program counts
 * its failures and returns that count, so `exit:0` in the manifest means all passed. */
#ifndef K_COMMON_H
#define K_COMMON_H
#include "../rt/cases.h"

enum {
    K_SYS_nanosleep = 101,
    K_SYS_clock_gettime = 113,
    K_SYS_rt_sigaction = 134,
    K_SYS_rt_sigprocmask = 135,
    K_SYS_rt_sigreturn = 139,
    K_SYS_cacheflush = 244,
    K_SYS_arc_settls = 245,
};

#define K_ENOSYS 38
#define K_EINVAL 22
#define K_EFAULT 14
#define K_EBADF 9
#define K_ENOMEM 12
#define K_ESRCH 3
#define K_EPERM 1
#define K_EEXIST 17

#define MAP_SHARED_K 0x01
#define SIGTERM 15
#define SIGCHLD 17

#define CLONE_VM 0x100u
#define CLONE_FS 0x200u
#define CLONE_FILES 0x400u
#define CLONE_SIGHAND 0x800u
#define CLONE_THREAD 0x10000u
#define CLONE_SYSVSEM 0x40000u
#define CLONE_SETTLS 0x80000u
#define CLONE_PARENT_SETTID 0x100000u
#define CLONE_CHILD_CLEARTID 0x200000u
#define CLONE_CHILD_SETTID 0x1000000u

static inline long k_sys(long nr, long a, long b, long c) { return __syscall(nr, a, b, c, 0, 0, 0); }

#define SA_RESTORER 0x04000000u

/* Linux's struct sigaction as ARC's rt_sigaction takes it. */
struct k_sigaction {
    void *handler;
    u32 flags;
    void *restorer;
    u32 mask[2];
};

struct k_timespec {
    int sec;
    int nsec;
};

/* The number of failed checks so far; main returns it. */
static int k_failed;

/* One check: prints `CASE <id> PASS|FAIL <fmt...>` and counts a failure. */
#define KCHECK(id, cond, fmt, ...)                                                              \
    do {                                                                                        \
        int k_ok_ = (cond) ? 1 : 0;                                                             \
        if (!k_ok_)                                                                             \
            k_failed++;                                                                         \
        pr("CASE %s %s " fmt "\n", id, k_ok_ ? "PASS" : "FAIL", ##__VA_ARGS__);                 \
    } while (0)

/* xorshift32: deterministic, seeded. */
static inline u32 k_rand(u32 *s)
{
    u32 x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Reads a word through a volatile pointer (the compiler may not drop or merge it). */
static inline u32 k_peek(const volatile void *p) { return *(const volatile u32 *)p; }

/* Program layout symbols (user/link.ld). */
extern char _start[], _end[], __bss_start[];

/* Assembly helpers (a program is one C file, so they live here as top-level asm).
 *
 * u32 k_settls_r25(u32 tls): arc_settls(tls), returns r25 as the kernel left it
 *   (r25 is callee-saved for GCC, so it is kept around the call).
 * k_stub .. k_stub_end: `add r0, r0, 1; j_s [blink]`, copied into pages and run.
 * long k_clone_exit(flags, newsp, ptid, tls, ctid): clone; a child leaves at once with
 *   exit(0) (93) without touching memory, the parent gets the result.
 * k_restorer: the SA_RESTORER stub, rt_sigreturn (139). */
__asm__(".text\n"
        ".global k_settls_r25\n.type k_settls_r25, @function\n.balign 4\n"
        "k_settls_r25:\n"
        "    st.a   r25, [sp, -4]\n"
        "    mov    r8, 245\n"
        "    trap_s 0\n"
        "    mov    r0, r25\n"
        "    ld.ab  r25, [sp, 4]\n"
        "    j_s    [blink]\n"
        ".global k_stub\n.global k_stub_end\n.balign 4\n"
        "k_stub:\n"
        "    add    r0, r0, 1\n"
        "    j_s    [blink]\n"
        "    nop_s\n"
        "k_stub_end:\n"
        ".global k_clone_exit\n.type k_clone_exit, @function\n.balign 4\n"
        "k_clone_exit:\n"
        "    mov    r8, 220\n"
        "    trap_s 0\n"
        "    breq   r0, 0, 1f\n"
        "    j_s    [blink]\n"
        "1:  mov    r8, 93\n"
        "    trap_s 0\n"
        "2:  b      2b\n"
        ".global k_restorer\n.type k_restorer, @function\n.balign 4\n"
        "k_restorer:\n"
        "    mov    r8, 139\n"
        "    trap_s 0\n"
        "    .balign 4\n");
u32 k_settls_r25(u32 tls);
extern char k_stub[], k_stub_end[];
long k_clone_exit(u32 flags, u32 newsp, u32 ptid, u32 tls, u32 ctid);
void k_restorer(void);

#endif
