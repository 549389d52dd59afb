/* Kernel test (issue 4): mprotect that splits and re-joins an area. 40 times, one page
 * in the middle of a 48-page read-write area is made read-only and then read-write
 * again. Afterwards the area is what it was (one read-write range), so every call must
 * succeed, as on Linux (which merges the pieces again); a kernel that only ever splits
 * runs out of area slots. */
#include "k_common.h"

#define PAGES 48
#define ROUNDS 40

int main(void)
{
    u32 base = (u32)sys_mmap2(0, PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int ok = 0, first_fail = -1;
    long err = 0;
    for (int i = 0; i < ROUNDS && !is_err((long)base); i++) {
        u32 page = base + (u32)(4 + i) * PAGE_SIZE;
        long a = sys_mprotect((void *)page, PAGE_SIZE, PROT_READ);
        long b = sys_mprotect((void *)page, PAGE_SIZE, PROT_READ | PROT_WRITE);
        if (a == 0 && b == 0) {
            ok++;
        } else if (first_fail < 0) {
            first_fail = i;
            err = a ? a : b;
        }
    }
    long extra = sys_mmap2(0, PAGE_SIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    KCHECK("v.mprotect_toggle", ok == ROUNDS && !is_err(extra),
           "rounds=%d ok=%d first_failure=%d err=%d mmap_after=%d", ROUNDS, ok, first_fail, (int)err,
           is_err(extra) ? (int)extra : 0);
    return k_failed;
}
