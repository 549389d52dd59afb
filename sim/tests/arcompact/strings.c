/* String handling without a C library: length, reverse, compare, a tiny hash. */
static unsigned len(const char *s)
{
	unsigned n = 0;
	while (s[n])
		n++;
	return n;
}

static void reverse(char *s)
{
	for (unsigned i = 0, j = len(s) - 1; i < j; i++, j--) {
		char t = s[i];
		s[i] = s[j];
		s[j] = t;
	}
}

static int cmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int main(void)
{
	char buf[] = "The quick brown fox jumps over the lazy dog";
	unsigned hash = 5381;
	reverse(buf);
	for (const char *p = buf; *p; p++)
		hash = hash * 33 + (unsigned char)*p;
	int c = cmp(buf, "god yzal") + 3 * cmp("abc", "abd");
	return (int)(hash + (unsigned)c * 0x10001u + len(buf));
}
