/* Insertion sort of a pseudo-random array of shorts and bytes, then a checksum that
   depends on the order (exercises halfword/byte loads with sign extension). */
#define N 200
static short h[N];
static signed char b[N];

static unsigned lcg(unsigned *s)
{
	*s = *s * 1103515245u + 12345u;
	return *s >> 8;
}

int main(void)
{
	unsigned s = 7, sum = 0;
	for (int i = 0; i < N; i++) {
		h[i] = (short)lcg(&s);
		b[i] = (signed char)lcg(&s);
	}
	for (int i = 1; i < N; i++) {
		short x = h[i];
		signed char y = b[i];
		int j = i - 1;
		while (j >= 0 && h[j] > x) {
			h[j + 1] = h[j];
			j--;
		}
		h[j + 1] = x;
		j = i - 1;
		while (j >= 0 && b[j] > y) {
			b[j + 1] = b[j];
			j--;
		}
		b[j + 1] = y;
	}
	for (int i = 0; i < N; i++)
		sum = (sum << 3 | sum >> 29) ^ (unsigned)(h[i] * (i + 1)) ^ (unsigned)b[i];
	return (int)sum;
}
