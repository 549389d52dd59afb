/* Cases 6, 7 and 8: calls the kernel must refuse with a signal. Built once per
 * variant (-DVARIANT=...). Each prints `CASE <id> EXPECT signal=... addr=...
 * word=...` before the call; the host matches it with the kernel's
 * `TASK ... signal=... addr=... word=...` line. If the call returns, the
 * program prints `CASE <id> FAIL nosignal ...` and exits 1. */
#include "../rt/cases.h"

#ifndef VARIANT
#error "build with -DVARIANT=n"
#endif

/* The signal a misaligned arc_usr_cmpxchg gets on a core without unaligned
 * access (the manifest sets it to what the kernel implements). */
#ifndef MISALIGNED_SIG
#define MISALIGNED_SIG "SIGSEGV"
#endif

/* Case 8: what the core's configuration dictates. Without unaligned access
 * (the `sim` board) the kernel's user load raises Misaligned and the call must
 * end in MISALIGNED_SIG with memory unchanged (`or=none`: the kernel may be
 * unable to read a misaligned word for its TASK line). With unaligned access
 * the call returns: we print RETURNED with the result and exit 0 only if it
 * swapped correctly; the host judges which outcome the board requires. */
static void misaligned_case(const char *id, volatile int *w, int before)
{
    pr("CASE %s EXPECT signal=%s addr=%p word=0x%08x or=none pc=%p unaligned=returns\n", id, MISALIGNED_SIG,
       (void *)w, before, (void *)arc_cmpxchg_z_ret);
    int z = -1;
    int nv = before ^ 0x01010101;
    int ret = arc_cmpxchg_z(w, before, nv, &z, 0);
    /* Bytewise: a word load here would itself fault on a core without unaligned access. */
    volatile unsigned char *b = (volatile unsigned char *)w;
    int mem = (int)((u32)b[0] | (u32)b[1] << 8 | (u32)b[2] << 16 | (u32)b[3] << 24);
    int ok = ret == before && z == 1 && mem == nv;
    pr("CASE %s RETURNED %s addr=%p before=0x%08x exp=0x%08x new=0x%08x ret=0x%08x z=%d mem=0x%08x zin=0\n", id,
       ok ? "PASS" : "FAIL", (void *)w, before, before, nv, ret, z, mem);
    sys_exit_group(!ok);
}
#define MISALIGNED_CASE(id, w, before) misaligned_case(id, w, (int)(before))

int main(void)
{
#if VARIANT == 6
    /* Case 6: a page made read-only with mprotect. Memory must stay 0x66660006. */
    volatile int *p = map_anon("6", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    p[3] = 0x66660006;
    long r = sys_mprotect((void *)p, PAGE_SIZE, PROT_READ);
    if (r != 0) {
        pr("CASE 6 FAIL setup=mprotect err=%d\n", (int)r);
        return 1;
    }
    expect_signal("6", "SIGSEGV", &p[3], "0x66660006", 0x66660006, 0x66660007);
#elif VARIANT == 71
    /* Case 7a: an address nothing maps (this program maps no memory there). */
    expect_signal("7a", "SIGSEGV", (volatile int *)0x50000000, "none", 0, 1);
#elif VARIANT == 72
    /* Case 7b: NULL. */
    expect_signal("7b", "SIGSEGV", (volatile int *)0, "none", 0, 1);
#elif VARIANT == 73
    /* Case 7c: a kernel address (the vector table at RAM_BASE). The kernel can
     * read the word there; the host checks it is unchanged. */
    volatile int *k = (volatile int *)0x80000000;
    pr("CASE 7c EXPECT signal=SIGSEGV addr=%p word=any pc=%p\n", (void *)k, (void *)arc_cmpxchg_z_ret);
    int z = -1;
    int ret = arc_cmpxchg_z(k, 0, 0x7c7c7c7c, &z, 1);
    /* No signal: a kernel without access_ok. Show that it would also have
     * written: ask again with the value it just returned as `expected` and the
     * same value as `new` (so the kernel word stays as it was). Z set = the
     * store to kernel memory went through. */
    int z2 = -1;
    int ret2 = arc_cmpxchg_z(k, ret, ret, &z2, 0);
    pr("CASE 7c FAIL nosignal addr=%p ret=0x%08x z=%d second_ret=0x%08x second_z=%d\n", (void *)k, ret, z, ret2,
       z2);
    return 1;
#elif VARIANT == 75
    /* Case 7e: the kernel's canary word (KERNEL_CANARY, value 0xC0DECAFE in
     * src/run.rs; its address arrives in r1 at entry). `expected` is the real
     * value, so a kernel without access_ok would overwrite it, and the
     * SUMMARY line would report canary=BROKEN. */
    volatile int *k = (volatile int *)entry_r1;
    if (entry_r1 < TASK_SIZE) {
        pr("CASE 7e FAIL setup=no-canary-address r1=0x%08x\n", entry_r1);
        return 1;
    }
    expect_signal("7e", "SIGSEGV", k, "any", (int)0xC0DECAFE, 0x7e7e7e7e);
#elif VARIANT == 74
    /* Case 7d: a word whose last byte passes TASK_SIZE (0x6000_0000). */
    expect_signal("7d", "SIGSEGV", (volatile int *)(TASK_SIZE - 2), "none", 0, 1);
#elif VARIANT == 81
    /* Case 8a: a word straddling two mapped, writable pages. */
    volatile unsigned char *p = map_anon("8a", 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    for (int i = -4; i < 4; i++)
        p[PAGE_SIZE + i] = (unsigned char)(0xa0 + i + 4);
    volatile int *w = (volatile int *)(p + PAGE_SIZE - 2);
    /* bytes a2 a3 | a4 a5: little-endian word 0xa5a4a3a2 */
    MISALIGNED_CASE("8a", w, 0xa5a4a3a2);
#elif VARIANT == 82
    /* Case 8b: a misaligned word inside one page. */
    volatile unsigned char *p = map_anon("8b", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    for (int i = 0; i < 8; i++)
        p[64 + i] = (unsigned char)(0xb0 + i);
    volatile int *w = (volatile int *)(p + 65);
    MISALIGNED_CASE("8b", w, 0xb4b3b2b1);
#else
#error "unknown VARIANT"
#endif
    return 1;
}
