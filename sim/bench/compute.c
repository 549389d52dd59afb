/* Compute-bound loop: multiply, shifts, xor and loads/stores in a zero-overhead loop. */
static unsigned data[1024];

int main(void)
{
    unsigned h = 1;
    for (int it = 0; it < 20000; it++) {
        for (int i = 0; i < 1024; i++) {
            data[i] = data[i] * 31 + h;
            h ^= data[i] >> 3;
            h += i;
        }
    }
    return h & 0x7f;
}
