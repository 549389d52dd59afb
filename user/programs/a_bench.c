/* The cost of one atomic_fetch_add through the runtime (__atomic_fetch_add_4, one
 * syscall 248): the host single-steps this loop and counts the instructions between
 * passes of `fa_loop` (xtask::atomics::measure_fetch_add). */
#include "a_common.h"

#define N 200
static _Atomic int x;

int main(void)
{
    for (int i = 0; i < N; i++) {
        __asm__ volatile(".global fa_loop\nfa_loop:" ::: "memory");
        atomic_fetch_add(&x, 1);
    }
    __asm__ volatile(".global fa_loop_end\nfa_loop_end:" ::: "memory");
    int v = atomic_load(&x);
    pr("CASE a.bench %s x=%d n=%d\n", v == N ? "PASS" : "FAIL", v, N);
    return v != N;
}
