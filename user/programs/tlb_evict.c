/* Case 3: the word's page is mapped and present, but its TLB entry has been
 * evicted: we touch twice as many pages as the TLB holds (256 sets x 4 ways of
 * 8 KiB pages = 1024 entries), so the kernel's user load takes a TLB miss. */
#include "../rt/cases.h"

#ifndef EVICT_PAGES
#define EVICT_PAGES 2048
#endif
#define STR2(x) #x
#define STR(x) STR2(x)
#define EVICT_STR "pages:" STR(EVICT_PAGES)

int main(void)
{
    volatile int *w = map_anon("3", PAGE_SIZE, PROT_READ | PROT_WRITE);
    volatile int *evict = map_anon("3", EVICT_PAGES * PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!w || !evict)
        return 1;
    w[5] = 0x33330003; /* present and dirty */
    int sum = 0;
    for (u32 i = 0; i < EVICT_PAGES; i++)
        sum += evict[i * (PAGE_SIZE / 4)]; /* a read maps the zero page: one TLB entry each */
    if (sum != 0) {
        pr("CASE 3 FAIL setup=evict anonymous pages did not read as zero sum=0x%08x\n", sum);
        return 1;
    }
    return !cas_case("3", &w[5], 0x33330003, 0x33330003, 0x33330004, 0, "evicted_by=" EVICT_STR);
}
