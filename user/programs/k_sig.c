/* Kernel test (issue 4): user actions the kernel must end with a signal. One variant per
 * program (-DVARIANT=n, user/manifest-kernel.txt). Each prints
 *   CASE <id> EXPECT signal=<SIG> addr=<a> word=<w|none|any> [pc=<p>]
 * before the act; the host checks the kernel's TASK line against it (signal, addr,
 * word = the word at addr as the kernel reads it, pc). If the act returns, the
 * program prints `CASE <id> FAIL nosignal` and exits 1. */
#include "k_common.h"

#ifndef VARIANT
#error "build with -DVARIANT=n"
#endif

/* The instruction under test sits at the global label k_fault_pc (word aligned, so
 * the kernel can report the word there). */
#define AT_FAULT_PC(insns) __asm__ volatile(".balign 4\n.global k_fault_pc\nk_fault_pc:\n" insns ::: "memory")
extern char k_fault_pc[];

static void expect(const char *id, const char *sig, u32 addr, const char *word_fmt, u32 word)
{
    /* word_fmt: "none", "any", or "hex" (print `word`). */
    if (word_fmt[0] == 'h') {
        pr("CASE %s EXPECT signal=%s addr=0x%08x word=0x%08x\n", id, sig, addr, word);
    } else {
        pr("CASE %s EXPECT signal=%s addr=0x%08x word=%s\n", id, sig, addr, word_fmt);
    }
}

static void expect_pc(const char *id, const char *sig, u32 addr, u32 word, u32 pc)
{
    pr("CASE %s EXPECT signal=%s addr=0x%08x word=0x%08x pc=0x%08x\n", id, sig, addr, word, pc);
}

static int nosignal(const char *id)
{
    pr("CASE %s FAIL nosignal\n", id);
    return 1;
}

#define SIGILL_AT(id, insns)                                                              \
    do {                                                                                  \
        expect_pc(id, "SIGILL", (u32)k_fault_pc, k_peek(k_fault_pc), (u32)k_fault_pc);    \
        AT_FAULT_PC(insns);                                                               \
        return nosignal(id);                                                              \
    } while (0)

/* LLOCK/SCOND live in a data-flagged section: xtask's check rejects them anywhere in
 * `objdump -d` (executable sections), which is the point of that check for real code.
 * The segment holding .rodata is executable, so they can still be called. */
__asm__(".section .rodata.k_llsc, \"a\"\n"
        ".balign 4\n.global k_llock_fn\nk_llock_fn:\n    llock r0, [r0]\n    j_s [blink]\n"
        ".balign 4\n.global k_scond_fn\nk_scond_fn:\n    scond r1, [r0]\n    j_s [blink]\n"
        ".previous\n");
extern char k_llock_fn[], k_scond_fn[];

static volatile u32 data_word = 0xDA7A0001;

int main(void)
{
#if VARIANT == 1
    long pid = sys_getpid();
    expect("g.kill_self", "SIGTERM", 0, "none", 0);
    k_sys(SYS_kill, pid, SIGTERM, 0);
    return nosignal("g.kill_self");
#elif VARIANT == 2
    /* Store to the program's own read-only text (ProtV, store). */
    volatile u32 *t = (volatile u32 *)((u32)main & ~3u);
    u32 w = *t;
    expect("g.text_write", "SIGSEGV", (u32)t, "hex", w);
    *t = 0;
    return nosignal("g.text_write");
#elif VARIANT == 3
    expect("g.kernel_read", "SIGSEGV", 0x80000000, "none", 0);
    u32 v = k_peek((void *)0x80000000);
    pr("read 0x%08x\n", v);
    return nosignal("g.kernel_read");
#elif VARIANT == 4
    /* A plain user store aimed at the kernel's canary (its address arrives in r1). */
    if (entry_r1 < TASK_SIZE) {
        pr("CASE g.canary_write FAIL setup=no-canary-address r1=0x%08x\n", entry_r1);
        return 1;
    }
    expect("g.canary_write", "SIGSEGV", entry_r1, "none", 0);
    *(volatile u32 *)entry_r1 = 0xBADBAD;
    return nosignal("g.canary_write");
#elif VARIANT == 5
    expect("g.unmapped_read", "SIGSEGV", 0x50000000, "none", 0);
    k_peek((void *)0x50000000);
    return nosignal("g.unmapped_read");
#elif VARIANT == 6
    volatile u32 *p = map_anon("g.munmapped_read", 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    p[PAGE_SIZE / 4 + 1] = 0x66;
    sys_munmap((void *)(p + PAGE_SIZE / 4), PAGE_SIZE);
    expect("g.munmapped_read", "SIGSEGV", (u32)(p + PAGE_SIZE / 4 + 1), "none", 0);
    k_peek(p + PAGE_SIZE / 4 + 1);
    return nosignal("g.munmapped_read");
#elif VARIANT == 7
    volatile u32 *p = map_anon("g.prot_none_read", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    p[7] = 0x77770007;
    sys_mprotect((void *)p, PAGE_SIZE, PROT_NONE);
    expect("g.prot_none_read", "SIGSEGV", (u32)(p + 7), "hex", 0x77770007);
    k_peek(p + 7);
    return nosignal("g.prot_none_read");
#elif VARIANT == 8
    /* Execute from a page mapped without PROT_EXEC (present: written first). */
    unsigned char *p = map_anon("g.exec_nx", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    memcpy(p, k_stub, (u32)(k_stub_end - k_stub));
    k_sys(K_SYS_cacheflush, (long)p, PAGE_SIZE, 3);
    expect("g.exec_nx", "SIGSEGV", (u32)p, "hex", k_peek(p));
    ((int (*)(int))p)(1);
    return nosignal("g.exec_nx");
#elif VARIANT == 9
    /* Below the 256 KiB stack: nothing is mapped there (no stack growth). */
    u32 a = 0x5FFFE000u - 256 * 1024 - 4;
    expect("g.stack_guard", "SIGSEGV", a, "none", 0);
    k_peek((void *)a);
    return nosignal("g.stack_guard");
#elif VARIANT == 10
    /* Jump into the kernel: an instruction fetch at 0x8000_0000 in user mode. */
    expect("g.kernel_exec", "SIGSEGV", 0x80000000, "none", 0);
    ((void (*)(void))0x80000000)();
    return nosignal("g.kernel_exec");
#elif VARIANT == 11
    expect("g.null_write", "SIGSEGV", 0, "none", 0);
    *(volatile u32 *)0 = 1;
    return nosignal("g.null_write");
#elif VARIANT == 20
    SIGILL_AT("i.seti", "seti 0\n");
#elif VARIANT == 21
    SIGILL_AT("i.clri", "clri r0\n");
#elif VARIANT == 22
    SIGILL_AT("i.rtie", "rtie\n");
#elif VARIANT == 23
    SIGILL_AT("i.kflag", "kflag 0\n");
#elif VARIANT == 24
    SIGILL_AT("i.sleep", "sleep 0\n");
#elif VARIANT == 25
    SIGILL_AT("i.lr_eret", "lr r0, [0x400]\n"); /* ERET: kernel-only */
#elif VARIANT == 26
    SIGILL_AT("i.sr_vector_base", "sr r0, [0x25]\n"); /* INT_VECTOR_BASE */
#elif VARIANT == 27
    SIGILL_AT("i.brk", "brk_s\n");
#elif VARIANT == 28
    SIGILL_AT("i.flag_halt", "flag 1\n"); /* H in user mode */
#elif VARIANT == 29
    SIGILL_AT("i.unimp_s", "unimp_s\n");
#elif VARIANT == 30
    /* Major opcode 7 (32-bit extension space): nothing is configured there. */
    SIGILL_AT("i.reserved_opcode", ".short 0x3f00, 0x0000\n");
#elif VARIANT == 31
    expect_pc("i.llock", "SIGILL", (u32)k_llock_fn, k_peek(k_llock_fn), (u32)k_llock_fn);
    ((u32(*)(volatile u32 *))k_llock_fn)(&data_word);
    return nosignal("i.llock");
#elif VARIANT == 32
    expect_pc("i.scond", "SIGILL", (u32)k_scond_fn, k_peek(k_scond_fn), (u32)k_scond_fn);
    ((u32(*)(volatile u32 *))k_scond_fn)(&data_word);
    return nosignal("i.scond");
#elif VARIANT == 33
    SIGILL_AT("i.lr_no_such_aux", "lr r0, [0xFFF]\n");
#elif VARIANT == 40
    /* A misaligned word load (the sim core has no unaligned access). */
    static volatile unsigned char bytes[8] __attribute__((aligned(4))) = {1, 2, 3, 4, 5, 6, 7, 8};
    u32 a = (u32)bytes + 1;
    expect("b.misaligned_load", "SIGBUS", a, "hex", 0x05040302);
    u32 v;
    __asm__ volatile("ld %0, [%1]" : "=r"(v) : "r"(a) : "memory");
    return nosignal("b.misaligned_load");
#elif VARIANT == 41
    /* trap_s with a non-zero parameter is a breakpoint, not a system call. ERET (the
     * reported pc and addr) is past the trap. */
    extern char k_after_trap[];
    pr("CASE t.trap_s1 EXPECT signal=SIGTRAP addr=0x%08x word=any pc=0x%08x\n", (u32)k_after_trap,
       (u32)k_after_trap);
    __asm__ volatile("mov r8, 172\ntrap_s 1\n.global k_after_trap\nk_after_trap:\nnop_s\n" ::: "r8", "r0", "memory");
    return nosignal("t.trap_s1");
#elif VARIANT == 42
    /* swi with r8 = 1, r0 = 0: the semihosting "exit 0" request. From user mode it is
     * only a SWI exception (SIGTRAP); it must not end the whole run. */
    pr("CASE t.swi_semihost EXPECT signal=SIGTRAP addr=any word=any\n");
    __asm__ volatile("mov r8, 1\nmov r0, 0\nswi\n" ::: "r8", "r0", "memory");
    return nosignal("t.swi_semihost");
#else
#error "unknown VARIANT"
#endif
    return 1;
}
