/* Kernel test (issue 4): a TLB refill storm. The TLB holds 256 sets x 4 ways = 1024
 * entries of 8 KiB; this program touches more distinct pages than that, for data
 * (1500 pages: write a page-specific word, then re-read every one, forwards and
 * backwards) and for instructions (2100 pages, each holding a copy of a tiny function,
 * all called in turn, twice). Every page is first demand-faulted, later refilled from
 * the page table after eviction. */
#include "k_common.h"

#define DPAGES 1500
#define IPAGES 2100

static u32 val(u32 i) { return 0x9E3779B9u * (i + 1); }

int main(void)
{
    u32 base = (u32)sys_mmap2(0, DPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (is_err((long)base)) {
        KCHECK("k.tlb_data", 0, "setup=mmap2 err=%d", (int)base);
        return k_failed;
    }
    /* Word offset varies per page so that no two pages share a cache/TLB pattern. */
    for (u32 i = 0; i < DPAGES; i++)
        *(volatile u32 *)(base + i * PAGE_SIZE + (i * 52) % PAGE_SIZE) = val(i);
    u32 bad = 0, first_bad = 0xFFFFFFFF;
    for (u32 i = 0; i < DPAGES; i++)
        if (*(volatile u32 *)(base + i * PAGE_SIZE + (i * 52) % PAGE_SIZE) != val(i)) {
            if (!bad)
                first_bad = i;
            bad++;
        }
    for (u32 i = DPAGES; i-- > 0;)
        if (*(volatile u32 *)(base + i * PAGE_SIZE + (i * 52) % PAGE_SIZE) != val(i)) {
            if (!bad)
                first_bad = i;
            bad++;
        }
    /* And the rest of each page is still zero (one other word per page). */
    u32 nonzero = 0;
    for (u32 i = 0; i < DPAGES; i++)
        nonzero += *(volatile u32 *)(base + i * PAGE_SIZE + ((i * 52 + 4096) % PAGE_SIZE)) != 0;
    KCHECK("k.tlb_data", bad == 0 && nonzero == 0, "pages=%u tlb_entries=1024 mismatches=%u first_bad=%d nonzero=%u",
           DPAGES, bad, (int)first_bad, nonzero);

    u32 n = (u32)(k_stub_end - k_stub);
    u32 code = (u32)sys_mmap2(0, IPAGES * PAGE_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
                              -1, 0);
    if (is_err((long)code)) {
        KCHECK("k.tlb_insn", 0, "setup=mmap2 err=%d", (int)code);
        return k_failed;
    }
    for (u32 i = 0; i < IPAGES; i++)
        memcpy((void *)(code + i * PAGE_SIZE + (i * 64) % PAGE_SIZE), k_stub, n);
    long fl = k_sys(K_SYS_cacheflush, code, IPAGES * PAGE_SIZE, 3);
    int acc = 0;
    for (int pass = 0; pass < 2; pass++)
        for (u32 i = 0; i < IPAGES; i++)
            acc = ((int (*)(int))(code + i * PAGE_SIZE + (i * 64) % PAGE_SIZE))(acc);
    KCHECK("k.tlb_insn", fl == 0 && acc == 2 * IPAGES, "pages=%u calls=%d want=%d flush=%d", IPAGES, acc,
           2 * IPAGES, (int)fl);
    /* The data survived the instruction storm too. */
    u32 bad2 = 0;
    for (u32 i = 0; i < DPAGES; i++)
        bad2 += *(volatile u32 *)(base + i * PAGE_SIZE + (i * 52) % PAGE_SIZE) != val(i);
    KCHECK("k.tlb_after", bad2 == 0, "mismatches=%u", bad2);
    return k_failed;
}
