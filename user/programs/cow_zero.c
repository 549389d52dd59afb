/* Case 5: an anonymous page that an earlier read wired to the shared zero page
 * (copy-on-write). The kernel's store faults; it must break COW and retry. The
 * pre-2018 kernel ignored the failed store: it returned 0 with Z set and the
 * write was lost, so a plain load afterwards still saw 0.
 * Also checks that the shared zero page itself was not written: a fresh page
 * read afterwards must still read 0. */
#include "../rt/cases.h"

int main(void)
{
    volatile int *p = map_anon("5", 2 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    volatile int *fresh = map_anon("5", PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p || !fresh)
        return 1;
    volatile int *w = p + 9;
    int first = *w; /* wires the zero page, read-only */
    if (first != 0) {
        pr("CASE 5 FAIL setup=zero-read first=0x%08x\n", first);
        return 1;
    }
    int ok = cas_case("5", w, 0, 0, 0x55550005, 0, "page=zero-cow");
    int again = *w;
    int fresh_v = fresh[9];
    int neighbour = p[10];
    int ok2 = again == 0x55550005 && fresh_v == 0 && neighbour == 0;
    pr("CASE 5b %s reload=0x%08x fresh=0x%08x neighbour=0x%08x\n", ok2 ? "PASS" : "FAIL", again, fresh_v,
       neighbour);
    return !(ok && ok2);
}
