/* Control flow: dense and sparse switches, function pointer tables, recursion,
 * mutual recursion, computed goto, tail calls. */
#include "check.h"

static int dense(int x)
{
    switch (x) {
    case 0: return 10;
    case 1: return 11;
    case 2: return 12;
    case 3: return 13;
    case 4: return 14;
    case 5: return 15;
    case 6: return 16;
    case 7: return 17;
    case 8: return 18;
    case 9: return 19;
    case 10: return 110;
    case 11: return 111;
    default: return -1;
    }
}

static int sparse(unsigned x)
{
    switch (x) {
    case 1: return 1;
    case 100: return 2;
    case 1000: return 3;
    case 65536: return 4;
    case 0x80000000u: return 5;
    case 0xffffffffu: return 6;
    default: return 0;
    }
}

static int chars(signed char c)
{
    switch (c) {
    case 'a': case 'e': case 'i': case 'o': case 'u': return 1;
    case '0' ... '9': return 2;
    case -128 ... -1: return 3;
    default: return 0;
    }
}

static int add(int a, int b) { return a + b; }
static int sub(int a, int b) { return a - b; }
static int mul(int a, int b) { return a * b; }
static int shl(int a, int b) { return a << b; }
static int (*const ops[])(int, int) = { add, sub, mul, shl };

static unsigned fib(unsigned n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static unsigned ackermann(unsigned m, unsigned n)
{
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

static int is_odd(unsigned n);
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }

static unsigned long long sum_tail(unsigned n, unsigned long long acc)
{
    if (n == 0)
        return acc;
    return sum_tail(n - 1, acc + n);
}

static int interp(const unsigned char *code)
{
    static void *const labels[] = { &&op_push1, &&op_add, &&op_dup, &&op_halt };
    int stack[16], sp = 0;
    goto *labels[*code++];
op_push1:
    stack[sp++] = 1;
    goto *labels[*code++];
op_add:
    sp--;
    stack[sp - 1] += stack[sp];
    goto *labels[*code++];
op_dup:
    stack[sp] = stack[sp - 1];
    sp++;
    goto *labels[*code++];
op_halt:
    return stack[sp - 1];
}

struct node { int value; struct node *left, *right; };

static int tree_sum(const struct node *n) { return n ? n->value + tree_sum(n->left) + tree_sum(n->right) : 0; }

int main(void)
{
    int sum = 0;
    for (int i = -2; i < 14; i++)
        sum += dense(V(i));
    CHECK_EQ(sum, 10 + 11 + 12 + 13 + 14 + 15 + 16 + 17 + 18 + 19 + 110 + 111 - 4);
    CHECK_EQ(sparse(V(1u)), 1);
    CHECK_EQ(sparse(V(100u)), 2);
    CHECK_EQ(sparse(V(1000u)), 3);
    CHECK_EQ(sparse(V(65536u)), 4);
    CHECK_EQ(sparse(V(0x80000000u)), 5);
    CHECK_EQ(sparse(V(0xffffffffu)), 6);
    CHECK_EQ(sparse(V(99u)), 0);
    CHECK_EQ(chars(V('e')), 1);
    CHECK_EQ(chars(V('7')), 2);
    CHECK_EQ(chars(V((signed char)-5)), 3);
    CHECK_EQ(chars(V('z')), 0);

    int expect[] = { 9, 5, 14, 28 };
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(ops[V(i)](V(7), V(2)), expect[i]);

    CHECK_EQ(fib(V(20u)), 6765u);
    CHECK_EQ(ackermann(V(2u), V(3u)), 9u);
    CHECK_EQ(ackermann(V(3u), V(3u)), 61u);
    CHECK(is_even(V(1000u)));
    CHECK(is_odd(V(777u)));
    CHECK_EQ(sum_tail(V(100000u), 0), 5000050000ull);

    static const unsigned char prog[] = { 0, 2, 1, 2, 1, 0, 1, 3 }; /* 1 dup + dup + 1 + => 5 */
    CHECK_EQ(interp(prog), 5);

    struct node l = { 2, 0, 0 }, r = { 3, 0, 0 }, root = { 1, &l, &r };
    CHECK_EQ(tree_sum(V(&root)), 6);
    DONE("control");
}
