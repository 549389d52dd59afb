/* Case 4: a never-touched anonymous page. The kernel's user load faults with
 * preemption off, so it must fault the page in by hand (fixup_user_fault) and
 * retry: the call succeeds and returns 0. */
#include "../rt/cases.h"

int main(void)
{
    volatile int *p = map_anon("4", 4 * PAGE_SIZE, PROT_READ | PROT_WRITE);
    if (!p)
        return 1;
    /* The third page, never read or written before the call. */
    volatile int *w = p + 2 * PAGE_SIZE / 4 + 17;
    return !cas_case("4", w, 0, 0, 0x44440004, 0, "page=untouched");
}
