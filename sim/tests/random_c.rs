//! Differential test: random C programs of integer arithmetic (all widths, signed and
//! unsigned, conversions, shifts, division, loops) compiled for ARC and run on arcsim must
//! print exactly what the same program prints when compiled for the host with the host's
//! gcc and run natively. The host build is the oracle; no expected value comes from arcsim.
//!
//! Programs are free of undefined behaviour: both sides build with -fwrapv, shift counts
//! are masked and shifts are done on unsigned types, division goes through helpers that
//! avoid x/0 and MIN/-1, and only fixed-width types are used (`long` and `char` differ
//! between the two targets).
//!
//! Built with `-mmpy-option=plus_dmpy` (7) instead of -mcpu=hs38's default plus_qmacw (9):
//! GCC 12.2 at options 8 and 9 compiles a 16x16+32 multiply-accumulate
//! (`acc + (short)x * (short)y`, pattern maddhisi4) to `dmach`, which multiplies *both*
//! halfwords of its operands, without clearing or sign-extending the upper halves first:
//! wrong code whenever those halves are not zero (found here with seed 138; see
//! sim/BUGS.md). The simulator's dual/quad operations are covered by the semantic cases
//! and by the torture suites, which use the default option.
//!
//! RANDOM_C_SEEDS=<n> (default 24) programs; RANDOM_C_KEEP=1 keeps the sources in the
//! cache dir for inspection.

mod common;

use common::sim::{self, End, Opts};
use common::Rng;
use std::fmt::Write as _;
use std::process::Command;

const TYPES: &[(&str, u32, bool)] = &[
    ("uint8_t", 8, false),
    ("int8_t", 8, true),
    ("uint16_t", 16, false),
    ("int16_t", 16, true),
    ("uint32_t", 32, false),
    ("int32_t", 32, true),
    ("uint64_t", 64, false),
    ("int64_t", 64, true),
];
const NVARS: usize = 12;

struct Gen {
    rng: Rng,
    var_types: Vec<usize>,
}

impl Gen {
    fn constant(&mut self) -> String {
        match self.rng.below(6) {
            0 => format!("{}", self.rng.below(8)),
            1 => format!("0x{:x}u", self.rng.next() as u32),
            2 => format!("0x{:x}ull", self.rng.next()),
            3 => "0x80000000u".to_string(),
            4 => "0xffffffffffffffffull".to_string(),
            _ => format!("{}", (self.rng.next() as i16) as i32),
        }
    }

    fn leaf(&mut self) -> String {
        if self.rng.below(3) == 0 {
            self.constant()
        } else {
            format!("v{}", self.rng.below(NVARS as u64))
        }
    }

    /// An expression; every operator result is cast to an explicit fixed-width type.
    fn expr(&mut self, depth: u32) -> String {
        if depth == 0 || self.rng.below(4) == 0 {
            return self.leaf();
        }
        let (t, bits, _signed) = *self.rng.pick(TYPES);
        let a = self.expr(depth - 1);
        let b = self.expr(depth - 1);
        let ut = if bits == 64 { "uint64_t" } else { "uint32_t" };
        let w = if bits == 64 { 63 } else { 31 };
        match self.rng.below(16) {
            0 => format!("(({t})({a}) + ({t})({b}))"),
            1 => format!("(({t})({a}) - ({t})({b}))"),
            2 => format!("(({t})(({t})({a}) * ({t})({b})))"),
            3 => format!("(({t})({a}) & ({t})({b}))"),
            4 => format!("(({t})({a}) | ({t})({b}))"),
            5 => format!("(({t})({a}) ^ ({t})({b}))"),
            6 => format!("(({t})(({ut})({t})({a}) << (({b}) & {w})))"),
            7 => format!("(({t})(({t})({a}) >> (({b}) & {w})))"),
            8 => format!("div_{t}(({t})({a}), ({t})({b}))"),
            9 => format!("mod_{t}(({t})({a}), ({t})({b}))"),
            10 => format!("(({t})~({t})({a}))"),
            11 => format!("(({t})-({t})({a}))"),
            12 => {
                let op = self.rng.pick(&["<", ">", "<=", ">=", "==", "!="]);
                format!("(({t})({a}) {op} ({t})({b}))")
            }
            13 => {
                let c = self.expr(depth - 1);
                format!("(({c}) ? ({t})({a}) : ({t})({b}))")
            }
            14 => format!(
                "(({t})((({ut})({a}) >> (({b}) & {w})) | (({ut})({a}) << ((-({b})) & {w}))))"
            ),
            _ => format!("(({t})({a}))"),
        }
    }

    fn stmt(&mut self, out: &mut String, indent: &str) {
        let v = self.rng.below(NVARS as u64) as usize;
        let e = self.expr(3);
        let op = self.rng.pick(&["=", "+=", "^=", "-="]);
        let t = TYPES[self.var_types[v]].0;
        writeln!(out, "{indent}v{v} {op} ({t})({e});").unwrap();
    }

    fn program(seed: u64) -> String {
        let mut g = Gen {
            rng: Rng(seed),
            var_types: Vec::new(),
        };
        let mut s = String::new();
        s.push_str("#include <stdint.h>\n#include <stdio.h>\n\n");
        for (t, bits, signed) in TYPES {
            let min = if *signed {
                format!("(({t})((uint64_t)1 << {}))", bits - 1)
            } else {
                "0".to_string()
            };
            writeln!(
                s,
                "static __attribute__((noinline)) {t} div_{t}({t} a, {t} b) {{ \
                 if (b == 0) return a; if ({signed} && b == ({t})-1 && a == {min}) return a; return ({t})(a / b); }}",
                signed = *signed as u8
            )
            .unwrap();
            writeln!(
                s,
                "static __attribute__((noinline)) {t} mod_{t}({t} a, {t} b) {{ \
                 if (b == 0) return a; if ({signed} && b == ({t})-1) return 0; return ({t})(a % b); }}",
                signed = *signed as u8
            )
            .unwrap();
        }
        s.push_str("\nint main(void)\n{\n");
        for i in 0..NVARS {
            let ti = g.rng.below(TYPES.len() as u64) as usize;
            g.var_types.push(ti);
            let init = g.constant();
            writeln!(
                s,
                "    volatile {} v{i}_init = ({})({init});",
                TYPES[ti].0, TYPES[ti].0
            )
            .unwrap();
            writeln!(s, "    {} v{i} = v{i}_init;", TYPES[ti].0).unwrap();
        }
        s.push_str("    uint64_t h = 0;\n");
        for block in 0..8 {
            if g.rng.below(2) == 0 {
                let n = 1 + g.rng.below(40);
                writeln!(s, "    {{ volatile int nv = {n}; int n = nv;").unwrap();
                s.push_str("    for (int i = 0; i < n; i++) {\n");
                for _ in 0..(2 + g.rng.below(4)) {
                    g.stmt(&mut s, "        ");
                }
                s.push_str("    } }\n");
            } else {
                for _ in 0..(3 + g.rng.below(6)) {
                    g.stmt(&mut s, "    ");
                }
            }
            for i in 0..NVARS {
                writeln!(s, "    h = h * 1000003u ^ (uint64_t)v{i};").unwrap();
            }
            writeln!(
                s,
                "    printf(\"{block} %016llx\\n\", (unsigned long long)h);"
            )
            .unwrap();
        }
        s.push_str("    return 0;\n}\n");
        s
    }
}

#[test]
fn random_integer_programs_match_the_host() {
    common::require_toolchain();
    let n: u64 = std::env::var("RANDOM_C_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let dir = common::cache_dir("random-c");
    let mut failures = Vec::new();
    for seed in 0..n {
        let src = Gen::program(0xC0FFEE + seed);
        let key = common::hash_hex(&[src.as_bytes()]);
        let c = dir.join(format!("r{seed}-{key}.c"));
        common::write_atomic(&c, src.as_bytes());
        // Oracle: the host.
        let host = dir.join(format!("r{seed}-{key}.host"));
        if !host.exists() {
            let o = Command::new("cc")
                .args(["-O1", "-fwrapv", "-w", "-o"])
                .arg(&host)
                .arg(&c)
                .output()
                .expect("host cc");
            assert!(
                o.status.success(),
                "host compile of {}: {}",
                c.display(),
                String::from_utf8_lossy(&o.stderr)
            );
        }
        let want = Command::new(&host).output().expect("run host binary");
        assert!(want.status.success());
        let want = String::from_utf8_lossy(&want.stdout).into_owned();
        for opt in ["-O0", "-O2", "-Os"] {
            let flags = vec![
                opt.to_string(),
                "-mmpy-option=plus_dmpy".to_string(),
                "-fwrapv".to_string(),
                "-w".to_string(),
            ];
            let elf = match common::build_c_cached(
                "random-c",
                &format!("r{seed}{opt}"),
                &[c.clone()],
                &flags,
            ) {
                Ok(e) => e,
                Err(e) => {
                    failures.push(format!("seed {seed} {opt}: ARC build failed: {e}"));
                    continue;
                }
            };
            let run = sim::run_elf(&elf, sim::config(Opts::default()), 100_000_000).expect("load");
            if run.end != End::Exit(0) || run.console != want {
                failures.push(format!(
                    "seed {seed} {opt} ({}): ended with {}\n--- host\n{want}--- arcsim\n{}",
                    c.display(),
                    run.end,
                    run.console
                ));
            }
        }
        if std::env::var("RANDOM_C_KEEP").is_err() && failures.is_empty() {
            let _ = std::fs::remove_file(&c);
        }
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    println!(
        "random-c: {n} programs x 3 optimisation levels, {} mismatches",
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches between arcsim and the host",
        failures.len()
    );
}
