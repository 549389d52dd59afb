/* Vectorisable loops: at -O2/-O3 GCC emits vadd2, vadd4h, macd, dmach, vmac2h and dmpywh
   for hs38. The result was computed by the same program compiled for the host (4). */
short A[64], B[64], C[64]; int I[64], J[64], K[64];
long long acc(int *a, int *b, int n) { long long s = 0; for (int i = 0; i < n; i++) s += (long long)a[i] * b[i]; return s; }
int dot(short *b, short *c, int n) { int s = 0; for (int i = 0; i < n; i++) s += b[i] * c[i]; return s; }
int main(void) {
  for (int i = 0; i < 64; i++) { B[i] = i * 37 - 1000; C[i] = 500 - i * 13; I[i] = i * 123457 - 99; J[i] = 77 - i * 1001; }
  for (int i = 0; i < 64; i++) A[i] = B[i] + C[i];
  for (int i = 0; i < 64; i++) K[i] = I[i] + J[i];
  long long s = acc(I, J, 64);
  int d = dot(B, C, 64);
  unsigned h = (unsigned)s ^ (unsigned)(s >> 32) ^ d;
  for (int i = 0; i < 64; i++) h = h * 31 + A[i] + K[i];
  return h % 100;
}
