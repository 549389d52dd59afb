/* Cases 1 and 2: a present, writable word.
 * 1: expected matches: returns the old value, Z set, memory holds the new value.
 *    Z is forced clear before the trap, so the kernel must set it.
 * 2: expected differs: returns the current value, Z clear, memory unchanged.
 *    Z is forced set before the trap, so the kernel must clear it. */
#include "../rt/cases.h"

static volatile int word1 = 0x11110005;
static volatile int word2 = 0x22220009;

int main(void)
{
    int fails = 0;
    fails += !cas_case("1", &word1, 0x11110005, 0x11110005, 0x11110007, 0, "where=data");
    fails += !cas_case("2", &word2, 0x22220009, 0x22220005, 0x22220007, 1, "where=data");
    return fails;
}
