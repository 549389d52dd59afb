//! The results of the libgcc routines built by `xtask::libgcc_arc700`, checked on the
//! simulator. The simulator runs ARCv2 only (ARCompact support is being added), so the
//! same sources are built for `-mcpu=archs` and a program calls each routine directly
//! on inputs whose results Rust computes on the host. This covers libgcc2.c, fp-bit and
//! the generic paths of lib1funcs.S; the ARC700-only paths (the `config/arc/ieee-754`
//! assembly, the ARC700 divide loops) wait for the simulator.

use std::fmt::Write as _;
use std::process::Command;
use xtask::libgcc_arc700::{self as l, Cpu, Options};

/// Each case: operation, two operands and the wanted result, all as 64-bit patterns
/// (doubles and floats by their bits).
const PROGRAM_HEAD: &str = r#"
typedef unsigned long long u64; typedef long long i64; typedef unsigned u32; typedef int i32;
extern u64 __udivdi3(u64, u64), __umoddi3(u64, u64), __muldi3(u64, u64);
extern i64 __divdi3(i64, i64), __moddi3(i64, i64), __ashrdi3(i64, int);
extern u64 __ashldi3(u64, int), __lshrdi3(u64, int), __bswapdi2(u64);
extern u32 __udivsi3(u32, u32), __umodsi3(u32, u32), __mulsi3(u32, u32), __bswapsi2(u32);
extern i32 __divsi3(i32, i32), __modsi3(i32, i32);
extern int __clzdi2(u64), __ctzdi2(u64), __popcountdi2(u64), __paritydi2(u64), __ffsdi2(u64);
extern double __adddf3(double, double), __subdf3(double, double);
extern double __muldf3(double, double), __divdf3(double, double);
extern float __addsf3(float, float), __subsf3(float, float);
extern float __mulsf3(float, float), __divsf3(float, float);
extern double __floatdidf(i64), __floatundidf(u64), __floatsidf(i32), __floatunsidf(u32);
extern float __floatdisf(i64), __floatundisf(u64), __floatsisf(i32), __floatunsisf(u32);
extern i64 __fixdfdi(double); extern u64 __fixunsdfdi(double);
extern i32 __fixdfsi(double); extern u32 __fixunsdfsi(double);
extern i64 __fixsfdi(float); extern i32 __fixsfsi(float); extern u32 __fixunssfsi(float);
extern double __extendsfdf2(float); extern float __truncdfsf2(double);

asm(".section .text.start,\"ax\"\n.global __start\n__start:\n\tmov sp, 0x80f00000\n"
    "\tbl main\n\tmov r8, 1\n\tswi\n\tflag 1\n\t.previous\n");

static void put(const char *s, u32 n) {
  register u32 r0 asm("r0") = 1; register const char *r1 asm("r1") = s;
  register u32 r2 asm("r2") = n; register u32 r8 asm("r8") = 4;
  asm volatile("swi" : "+r"(r0) : "r"(r1), "r"(r2), "r"(r8) : "memory");
}
static void hex(u64 v) {
  char b[19]; b[0] = ' '; b[1] = 'x';
  for (int i = 0; i < 16; i++) b[2 + i] = "0123456789abcdef"[(v >> (60 - 4 * i)) & 15];
  b[18] = 0; put(b, 18);
}
static double D(u64 x) { union { u64 u; double d; } v = { .u = x }; return v.d; }
static float F(u64 x) { union { u32 u; float f; } v = { .u = (u32)x }; return v.f; }
static u64 BD(double d) { union { u64 u; double d; } v = { .d = d }; return v.u; }
static u64 BF(float f) { union { u32 u; float f; } v = { .f = f }; return v.u; }
static int isnan_d(u64 x) { return ((x >> 52) & 0x7ff) == 0x7ff && (x << 12) != 0; }
static int isnan_f(u64 x) { return ((x >> 23) & 0xff) == 0xff && (x & 0x7fffff) != 0; }
static u64 cmp_d(volatile double a, volatile double b) {
  return (a < b) | (a <= b) << 1 | (a == b) << 2 | (a != b) << 3 | (a > b) << 4
       | (a >= b) << 5 | __builtin_isunordered(a, b) << 6;
}
static u64 cmp_f(volatile float a, volatile float b) {
  return (a < b) | (a <= b) << 1 | (a == b) << 2 | (a != b) << 3 | (a > b) << 4
       | (a >= b) << 5 | __builtin_isunordered(a, b) << 6;
}
struct c { u32 op; u64 a, b, want; };
"#;

const PROGRAM_TAIL: &str = r#"
static u64 eval(u32 op, u64 a, u64 b, int *nan) {
  *nan = 0;
  switch (op) {
  case 0: return __udivdi3(a, b);
  case 1: return __umoddi3(a, b);
  case 2: return __divdi3(a, b);
  case 3: return __moddi3(a, b);
  case 4: return __udivsi3(a, b);
  case 5: return __umodsi3(a, b);
  case 6: return (u32)__divsi3(a, b);
  case 7: return (u32)__modsi3(a, b);
  case 8: return __mulsi3(a, b);
  case 9: return __muldi3(a, b);
  case 10: return __ashldi3(a, b);
  case 11: return __lshrdi3(a, b);
  case 12: return __ashrdi3(a, b);
  case 13: return __clzdi2(a);
  case 14: return __ctzdi2(a);
  case 15: return __popcountdi2(a);
  case 16: return __paritydi2(a);
  case 17: return __ffsdi2(a);
  case 18: return __bswapdi2(a);
  case 19: return __bswapsi2(a);
  case 20: *nan = 1; return BD(__adddf3(D(a), D(b)));
  case 21: *nan = 1; return BD(__subdf3(D(a), D(b)));
  case 22: *nan = 1; return BD(__muldf3(D(a), D(b)));
  case 23: *nan = 1; return BD(__divdf3(D(a), D(b)));
  case 24: *nan = 2; return BF(__addsf3(F(a), F(b)));
  case 25: *nan = 2; return BF(__subsf3(F(a), F(b)));
  case 26: *nan = 2; return BF(__mulsf3(F(a), F(b)));
  case 27: *nan = 2; return BF(__divsf3(F(a), F(b)));
  case 28: return BD(__floatdidf(a));
  case 29: return BD(__floatundidf(a));
  case 30: return BD(__floatsidf(a));
  case 31: return BD(__floatunsidf(a));
  case 32: return BF(__floatdisf(a));
  case 33: return BF(__floatundisf(a));
  case 34: return BF(__floatsisf(a));
  case 35: return BF(__floatunsisf(a));
  case 36: return __fixdfdi(D(a));
  case 37: return __fixunsdfdi(D(a));
  case 38: return (u32)__fixdfsi(D(a));
  case 39: return __fixunsdfsi(D(a));
  case 40: return __fixsfdi(F(a));
  case 41: return (u32)__fixsfsi(F(a));
  case 42: return __fixunssfsi(F(a));
  case 43: *nan = 1; return BD(__extendsfdf2(F(a)));
  case 44: *nan = 2; return BF(__truncdfsf2(D(a)));
  case 45: return cmp_d(D(a), D(b));
  case 46: return cmp_f(F(a), F(b));
  }
  return 0xdeadbeef;
}

int main(void) {
  u32 bad = 0, n = sizeof cases / sizeof cases[0];
  for (u32 i = 0; i < n; i++) {
    const struct c *k = &cases[i];
    int nan;
    u64 got = eval(k->op, k->a, k->b, &nan);
    int same = got == k->want
      || (nan == 1 && isnan_d(got) && isnan_d(k->want))
      || (nan == 2 && isnan_f(got) && isnan_f(k->want));
    if (!same) {
      if (bad++ < 20) {
        put("MISMATCH", 8); hex(i); hex(k->op); hex(k->a); hex(k->b); hex(got); hex(k->want);
        put("\n", 1);
      }
    }
  }
  hex(n); put(bad ? " cases FAILED\n" : " cases OK\n", bad ? 14 : 10);
  return bad > 100 ? 100 : bad;
}
"#;

/// Deterministic operands: edge values, then a linear congruential sequence.
struct Gen(u64);
impl Gen {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let x = self.0 ^ (self.0 >> 29);
        // Mix in small magnitudes: the interesting paths of division are short operands.
        match x % 4 {
            0 => x >> (x % 61),
            _ => x,
        }
    }
}

const U64_EDGES: &[u64] = &[
    0,
    1,
    2,
    3,
    7,
    10,
    0xFF,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0x1_0000_0000,
    0x1_0000_0001,
    0x7FFF_FFFF_FFFF_FFFF,
    0x8000_0000_0000_0000,
    u64::MAX,
    u64::MAX - 1,
    0x0123_4567_89AB_CDEF,
    0xFEDC_BA98_7654_3210,
];

const F64_EDGES: &[f64] = &[
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    1.5,
    2.5,
    -2.5,
    3.0,
    0.1,
    1e300,
    -1e300,
    1e-300,
    4.9e-324,
    2.2250738585072014e-308,
    f64::MAX,
    f64::MIN_POSITIVE,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::NAN,
    123456789.125,
    -7.75e10,
    9007199254740993.0,
];

fn f64_operands(g: &mut Gen, n: usize) -> Vec<f64> {
    let mut v: Vec<f64> = F64_EDGES.to_vec();
    while v.len() < n {
        let bits = g.next();
        let x = f64::from_bits(bits);
        // Random bit patterns, and values of everyday magnitudes.
        v.push(if bits.is_multiple_of(3) {
            x
        } else {
            (bits >> 11) as f64 / (1u64 << (bits % 60)) as f64
                * if bits & 1 == 0 { 1.0 } else { -1.0 }
        });
    }
    v
}

fn cmp_bits<T: PartialOrd>(a: T, b: T) -> u64 {
    let un = a.partial_cmp(&b).is_none();
    u64::from(a < b)
        | u64::from(a <= b) << 1
        | u64::from(a == b) << 2
        | u64::from(a != b) << 3
        | u64::from(a > b) << 4
        | u64::from(a >= b) << 5
        | u64::from(un) << 6
}

/// The cases and their host-computed results.
fn cases() -> Vec<(u32, u64, u64, u64)> {
    let mut g = Gen(0x1234_5678_9ABC_DEF0);
    let mut ints: Vec<u64> = U64_EDGES.to_vec();
    while ints.len() < 120 {
        ints.push(g.next());
    }
    let mut c = Vec::new();
    let pairs: Vec<(u64, u64)> = ints
        .iter()
        .flat_map(|&a| ints.iter().step_by(7).map(move |&b| (a, b)))
        .collect();
    for &(a, b) in &pairs {
        let (sa, sb) = (a as i64, b as i64);
        let (a32, b32) = (a as u32, b as u32);
        let (s32a, s32b) = (a32 as i32, b32 as i32);
        if b != 0 {
            c.push((0, a, b, a / b));
            c.push((1, a, b, a % b));
            if !(sa == i64::MIN && sb == -1) {
                c.push((2, a, b, (sa / sb) as u64));
                c.push((3, a, b, (sa % sb) as u64));
            }
        }
        if b32 != 0 {
            c.push((4, u64::from(a32), u64::from(b32), u64::from(a32 / b32)));
            c.push((5, u64::from(a32), u64::from(b32), u64::from(a32 % b32)));
            if !(s32a == i32::MIN && s32b == -1) {
                c.push((
                    6,
                    u64::from(a32),
                    u64::from(b32),
                    u64::from((s32a / s32b) as u32),
                ));
                c.push((
                    7,
                    u64::from(a32),
                    u64::from(b32),
                    u64::from((s32a % s32b) as u32),
                ));
            }
        }
        c.push((
            8,
            u64::from(a32),
            u64::from(b32),
            u64::from(a32.wrapping_mul(b32)),
        ));
        c.push((9, a, b, a.wrapping_mul(b)));
    }
    for &a in &ints {
        let s = (a % 64) as u32;
        let sh = u64::from(s);
        c.push((10, a, sh, a << s));
        c.push((11, a, sh, a >> s));
        c.push((12, a, sh, ((a as i64) >> s) as u64));
        if a != 0 {
            c.push((13, a, 0, u64::from(a.leading_zeros())));
            c.push((14, a, 0, u64::from(a.trailing_zeros())));
        }
        c.push((15, a, 0, u64::from(a.count_ones())));
        c.push((16, a, 0, u64::from(a.count_ones() & 1)));
        c.push((
            17,
            a,
            0,
            if a == 0 {
                0
            } else {
                u64::from(a.trailing_zeros() + 1)
            },
        ));
        c.push((18, a, 0, a.swap_bytes()));
        c.push((19, a & 0xFFFF_FFFF, 0, u64::from((a as u32).swap_bytes())));
        let (sa, ua) = (a as i64, a as u32);
        c.push((28, a, 0, (sa as f64).to_bits()));
        c.push((29, a, 0, (a as f64).to_bits()));
        c.push((30, u64::from(ua), 0, ((ua as i32) as f64).to_bits()));
        c.push((31, u64::from(ua), 0, (ua as f64).to_bits()));
        c.push((32, a, 0, u64::from((sa as f32).to_bits())));
        c.push((33, a, 0, u64::from((a as f32).to_bits())));
        c.push((
            34,
            u64::from(ua),
            0,
            u64::from(((ua as i32) as f32).to_bits()),
        ));
        c.push((35, u64::from(ua), 0, u64::from((ua as f32).to_bits())));
    }
    let ds = f64_operands(&mut g, 90);
    for &a in &ds {
        for &b in ds.iter().step_by(3) {
            let (ab, bb) = (a.to_bits(), b.to_bits());
            c.push((20, ab, bb, (a + b).to_bits()));
            c.push((21, ab, bb, (a - b).to_bits()));
            c.push((22, ab, bb, (a * b).to_bits()));
            c.push((23, ab, bb, (a / b).to_bits()));
            c.push((45, ab, bb, cmp_bits(a, b)));
            let (fa, fb) = (a as f32, b as f32);
            let (fab, fbb) = (u64::from(fa.to_bits()), u64::from(fb.to_bits()));
            c.push((24, fab, fbb, u64::from((fa + fb).to_bits())));
            c.push((25, fab, fbb, u64::from((fa - fb).to_bits())));
            c.push((26, fab, fbb, u64::from((fa * fb).to_bits())));
            c.push((27, fab, fbb, u64::from((fa / fb).to_bits())));
            c.push((46, fab, fbb, cmp_bits(fa, fb)));
        }
        let (ab, fa) = (a.to_bits(), a as f32);
        let fab = u64::from(fa.to_bits());
        let t = a.trunc();
        // Conversions to integers only inside their range (C leaves the rest undefined).
        if t.abs() < 9.2e18 {
            c.push((36, ab, 0, (t as i64) as u64));
        }
        if (0.0..1.8e19).contains(&t) {
            c.push((37, ab, 0, t as u64));
        }
        if t.abs() < 2.1e9 {
            c.push((38, ab, 0, u64::from((t as i32) as u32)));
        }
        if (0.0..4.2e9).contains(&t) {
            c.push((39, ab, 0, u64::from(t as u32)));
        }
        let tf = fa.trunc();
        if tf.abs() < 9.2e18 {
            c.push((40, fab, 0, (tf as i64) as u64));
        }
        if tf.abs() < 2.1e9 {
            c.push((41, fab, 0, u64::from((tf as i32) as u32)));
        }
        if (0.0..4.2e9).contains(&tf) {
            c.push((42, fab, 0, u64::from(tf as u32)));
        }
        c.push((43, fab, 0, f64::from(fa).to_bits()));
        c.push((44, ab, 0, u64::from(fa.to_bits())));
    }
    c
}

#[test]
fn archs_build_of_the_routines_computes_what_the_host_computes() {
    let built = l::build(&Options::new(Cpu::Archs)).unwrap_or_else(|e| panic!("{e}"));
    let dir = l::work_dir().join("test-semantics");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let cases = cases();
    let mut src = String::from(PROGRAM_HEAD);
    src.push_str("static const struct c cases[] = {\n");
    for (op, a, b, w) in &cases {
        writeln!(src, "{{{op}, {a:#x}ULL, {b:#x}ULL, {w:#x}ULL}},").unwrap();
    }
    src.push_str("};\n");
    src.push_str(PROGRAM_TAIL);
    let c = dir.join("semantics.c");
    std::fs::write(&c, src).unwrap();
    let elf = dir.join("semantics.elf");
    let dep = dir.join("semantics.d");
    // Only our archive: a routine it lacked would fail the link, and Debian's libgcc
    // cannot slip in.
    let out = toolchain::gcc(toolchain::Headers::Freestanding, &dep)
        .unwrap()
        .args([
            "-mcpu=archs",
            "-O2",
            "-mno-sdata",
            "-fno-builtin",
            "-nostdlib",
            "-static",
        ])
        .args(["-Wl,-Ttext-segment=0x80000000", "-e", "__start"])
        .arg(&c)
        .arg(&built.archive)
        .arg("-o")
        .arg(&elf)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    toolchain::check_depfile(&dep, "semantics.c").unwrap();
    let nm = Command::new("arc-linux-gnu-nm").arg(&elf).output().unwrap();
    let nm = String::from_utf8_lossy(&nm.stdout);
    assert!(
        nm.contains(" __udivdi3\n") && nm.contains(" __divdf3\n"),
        "{nm}"
    );

    let image = std::fs::read(&elf).unwrap();
    let mut m = arcsim::Machine::new(arcsim::Config::default());
    m.load_elf(&image).unwrap_or_else(|e| panic!("{e}"));
    let stop = m.run(500_000_000);
    let console = String::from_utf8_lossy(&m.take_console()).into_owned();
    println!(
        "{} cases, {} instructions\n{console}",
        cases.len(),
        m.insns()
    );
    assert!(
        matches!(stop, arcsim::Stop::Exit(0)) && console.contains(" cases OK"),
        "{stop:?}\n{console}"
    );
}
