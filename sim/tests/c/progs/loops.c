/* Counted loops that GCC turns into zero-overhead loops (lp / lp_count) at -O2/-Os,
 * nested loops, loops with early exits and loops of 0 and 1 iterations. */
#include "check.h"

static int arr[1000];

__attribute__((noinline)) static unsigned sum_n(const int *a, unsigned n)
{
    unsigned s = 0;
    for (unsigned i = 0; i < n; i++)
        s += a[i];
    return s;
}

__attribute__((noinline)) static void scale(int *a, unsigned n, int k)
{
    for (unsigned i = 0; i < n; i++)
        a[i] *= k;
}

__attribute__((noinline)) static int find(const int *a, unsigned n, int x)
{
    for (unsigned i = 0; i < n; i++)
        if (a[i] == x)
            return (int)i;
    return -1;
}

__attribute__((noinline)) static unsigned matmul_trace(unsigned n)
{
    static unsigned m[16][16], r[16][16];
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++)
            m[i][j] = i * 3 + j;
    for (unsigned i = 0; i < n; i++)
        for (unsigned j = 0; j < n; j++) {
            unsigned s = 0;
            for (unsigned k = 0; k < n; k++)
                s += m[i][k] * m[k][j];
            r[i][j] = s;
        }
    unsigned t = 0;
    for (unsigned i = 0; i < n; i++)
        t += r[i][i];
    return t;
}

__attribute__((noinline)) static unsigned count_bits_loop(uint32_t x)
{
    unsigned c = 0;
    for (int i = 0; i < 32; i++)
        c += (x >> i) & 1;
    return c;
}

static unsigned ref_trace(unsigned n)
{
    unsigned t = 0;
    for (unsigned i = 0; i < n; i++)
        for (unsigned k = 0; k < n; k++)
            t += (i * 3 + k) * (k * 3 + i);
    return t;
}

int main(void)
{
    for (unsigned i = 0; i < 1000; i++)
        arr[i] = (int)i;
    CHECK_EQ(sum_n(arr, V(0u)), 0u);
    CHECK_EQ(sum_n(arr, V(1u)), 0u);
    CHECK_EQ(sum_n(arr, V(2u)), 1u);
    CHECK_EQ(sum_n(arr, V(1000u)), 499500u);
    scale(arr, V(1000u), V(-3));
    CHECK_EQ(arr[999], -2997);
    CHECK_EQ(sum_n(arr, V(1000u)), (unsigned)-1498500);
    CHECK_EQ(find(arr, V(1000u), V(-300)), 100);
    CHECK_EQ(find(arr, V(1000u), V(1)), -1);
    CHECK_EQ(find(arr, V(0u), V(0)), -1);
    for (unsigned n = 0; n <= 16; n++)
        CHECK_EQ(matmul_trace(V(n)), ref_trace(n));
    CHECK_EQ(count_bits_loop(V(0xf0f0f0f1u)), 17u);
    /* do-while with a single iteration, and a loop inside a loop body with a call */
    unsigned c = 0, k = V(1u);
    do { c++; } while (--k);
    CHECK_EQ(c, 1u);
    unsigned total = 0;
    for (unsigned i = 0; i < V(10u); i++)
        total += sum_n(arr, i) + count_bits_loop(i);
    CHECK_EQ(total, (unsigned)(-3 * 120) + 15u);
    DONE("loops");
}
