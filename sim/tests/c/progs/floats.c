/* Soft-float through libgcc (the core has no FPU): arithmetic, comparisons,
 * conversions, and the integer helpers that replace libgcc's FPU versions. */
#include "check.h"
#include <float.h>

static double horner(const double *c, int n, double x)
{
    double r = 0;
    for (int i = n - 1; i >= 0; i--)
        r = r * x + c[i];
    return r;
}

static double sqrt_newton(double x)
{
    double g = x > 1 ? x / 2 : 1;
    for (int i = 0; i < 60; i++)
        g = 0.5 * (g + x / g);
    return g;
}

int main(void)
{
    double a = V(1.5), b = V(-2.25);
    CHECK(a + b == -0.75);
    CHECK(a * b == -3.375);
    CHECK(b / a == -1.5);
    CHECK(a - b == 3.75);
    CHECK(a > b && b < a && a != b && !(a == b));
    CHECK(V(0.1) + V(0.2) != 0.3);             /* IEEE double, not decimal */
    CHECK(V(0.1) + V(0.2) == 0.30000000000000004);
    float f = V(1.0f) / V(3.0f);
    CHECK(f == 0.3333333432674408f);
    CHECK((double)f == 0.3333333432674408);
    CHECK(V(1e308) * 10 == __builtin_inf());
    CHECK(V(-0.0) == 0.0);
    double nan = V(0.0) / V(0.0);
    CHECK(nan != nan);
    CHECK(!(nan < 1) && !(nan > 1));
    CHECK_EQ((int)V(-3.99), -3);
    CHECK_EQ((unsigned)V(3000000000.0), 3000000000u);
    CHECK((double)V(-7) == -7.0);
    CHECK((double)V(4000000000u) == 4000000000.0);
    CHECK((float)V(16777217) == 16777216.0f);
    static const double c[] = { 1, -2, 0.5, 0.25 };
    CHECK(horner(c, 4, V(2.0)) == 1 - 4 + 2 + 2);
    double s = sqrt_newton(V(2.0));
    CHECK(s * s > 1.9999999999999 && s * s < 2.0000000000001);
    CHECK(__builtin_powi(V(2.0), V(10)) == 1024.0);
    CHECK(__builtin_powi(V(2.0), V(-2)) == 0.25);
    CHECK(__builtin_powif(V(3.0f), V(3)) == 27.0f);
    _Complex double z = (_Complex double)V(1.0) + V(2.0) * 1.0i;
    _Complex double w = (_Complex double)V(3.0) - V(1.0) * 1.0i;
    _Complex double p = z * w, q = p / w;
    CHECK(__real__ p == 5.0 && __imag__ p == 5.0);
    CHECK(__builtin_fabs(__real__ q - 1.0) < 1e-15 && __builtin_fabs(__imag__ q - 2.0) < 1e-15);
#ifdef __arc__
    CHECK(DBL_MANT_DIG == 53 && sizeof(long double) == 8);
#endif
    printf("floats: %d.%06d\n", (int)s, (int)((s - (int)s) * 1000000));
    printf("%%g: %g %g %g %g %g\n", V(0.0), V(2.5), V(100.0), V(1e-5), V(-0.125));
    DONE("floats");
}
