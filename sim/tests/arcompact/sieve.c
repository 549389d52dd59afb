/* Primes below N by the sieve of Eratosthenes: count and a weighted sum. */
#define N 3000
static unsigned char composite[N];

int main(void)
{
	unsigned count = 0, sum = 0;
	for (unsigned i = 2; i < N; i++) {
		if (composite[i])
			continue;
		count++;
		sum = sum * 31 + i;
		for (unsigned j = i * i; j < N; j += i)
			composite[j] = 1;
	}
	return (int)(sum ^ (count << 20));
}
