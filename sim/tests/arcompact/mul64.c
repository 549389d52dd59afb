/* Multiplication: 32x32 products (mpy, mpyu, and the high words mpyh/mpyhu), 64-bit
   additions with carries, and recursion. */
static unsigned long long acc;

static unsigned fib(unsigned n)
{
	return n < 2 ? n : fib(n - 1) + fib(n - 2);
}

int main(void)
{
	unsigned x = 0x9E3779B9u, sum = 0;
	for (int i = 0; i < 100; i++) {
		unsigned long long u = (unsigned long long)x * (x ^ 0x5bd1e995u);
		long long s = (long long)(int)x * (int)(x + 12345);
		acc += u + (unsigned long long)s;
		sum ^= (unsigned)(u >> 32) + (unsigned)((unsigned long long)s >> 32) + (unsigned)u;
		x = x * 2654435761u + (unsigned)i;
	}
	return (int)(sum ^ (unsigned)acc ^ (unsigned)(acc >> 32) ^ fib(15));
}
