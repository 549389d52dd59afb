//! Compiled programs on arcsim: the self-checking C programs in tests/c/progs built at
//! -O0, -O2 and -Os, plus robustness tests of the ELF loader, the instruction limit and
//! the `arcsim` binary's exit statuses (documented in sim/src/main.rs / sim/README.md).
//!
//! Each program checks itself (non-zero exit on any mismatch) and its console output must
//! equal `<name>.expected`, which was produced by compiling the same source for the host
//! with the host's gcc and running it natively: an oracle independent of arcsim.

mod common;

use common::sim::{self, End, Opts};
use std::path::PathBuf;
use std::process::Command;

const PROGRAMS: &[&str] = &[
    "arith", "int64", "control", "structs", "strings", "loops", "floats", "heap",
];
const OPT_LEVELS: &[&str] = &["-O0", "-O2", "-Os"];
const LIMIT: u64 = 200_000_000;

fn progs_dir() -> PathBuf {
    common::c_dir().join("progs")
}

fn build(name: &str, opt: &str) -> Vec<u8> {
    build_with(name, opt, &[])
}

fn build_with(name: &str, opt: &str, more: &[&str]) -> Vec<u8> {
    let src = progs_dir().join(format!("{name}.c"));
    let mut flags = vec![
        opt.to_string(),
        "-Wall".to_string(),
        format!("-I{}", progs_dir().display()),
    ];
    // check.h is an input too: hash it in through a second "source" would link it, so
    // key the cache on its contents via a define instead.
    flags.extend(more.iter().map(|s| s.to_string()));
    let hdr = std::fs::read(progs_dir().join("check.h")).unwrap();
    flags.push(format!("-DCHECK_H_HASH={}", common::hash_hex(&[&hdr])));
    common::build_c_cached("progs", &format!("{name}{opt}"), &[src], &flags)
        .unwrap_or_else(|e| panic!("building {name}.c at {opt} failed:\n{e}"))
}

fn run_program(name: &str, opt: &str) -> Result<(), String> {
    run_program_with(name, opt, &[], Opts::default())
}

fn run_program_with(name: &str, opt: &str, more: &[&str], opts: Opts) -> Result<(), String> {
    let elf = build_with(name, opt, more);
    let expected = std::fs::read_to_string(progs_dir().join(format!("{name}.expected")))
        .map_err(|e| format!("{name}.expected: {e}"))?;
    let run = sim::run_elf(&elf, sim::config(opts), LIMIT).map_err(|e| format!("load_elf: {e}"))?;
    let mut problems = Vec::new();
    if run.end != End::Exit(0) {
        problems.push(format!(
            "ended with {} after {} insns at pc {:#010x}, expected exit(0)",
            run.end, run.insns, run.pc
        ));
    }
    if run.console != expected {
        problems.push(format!(
            "console output differs\n--- expected\n{expected}--- got\n{}",
            run.console
        ));
    }
    if problems.is_empty() {
        println!("ok   {name} {opt}: {} insns", run.insns);
        Ok(())
    } else {
        Err(format!("{name} {opt}: {}", problems.join("\n")))
    }
}

#[test]
fn c_programs_at_all_optimisation_levels() {
    let mut failures = Vec::new();
    let mut n = 0;
    for name in PROGRAMS {
        for opt in OPT_LEVELS {
            n += 1;
            if let Err(e) = run_program(name, opt) {
                println!("FAIL {e}");
                failures.push(format!("{name} {opt}"));
            }
        }
    }
    println!(
        "programs: {n} builds, {} passed, {} failed",
        n - failures.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "failed: {}", failures.join(", "));
}

/// The other choice for `-mcpu=hs38`: let GCC emit unaligned accesses (`-munaligned-access`,
/// overriding the default `-mno-unaligned-access`) and run on a core with the
/// unaligned-access option; crt0 sets STATUS32.AD. structs.c's packed struct and the
/// string functions make GCC use them.
#[test]
fn c_programs_with_unaligned_access_option() {
    let mut failures = Vec::new();
    for name in PROGRAMS {
        let opts = Opts {
            unaligned: true,
            ..Opts::default()
        };
        if let Err(e) = run_program_with(name, "-O2", &["-munaligned-access"], opts) {
            println!("FAIL {e}");
            failures.push(name.to_string());
        }
    }
    assert!(
        failures.is_empty(),
        "failed with -munaligned-access: {}",
        failures.join(", ")
    );
}

/// The programs again at -O2 and -Os, now with interrupts injected at pseudo-random points
/// (mean gap 97 instructions, fixed seeds): on line 20 (priority 1, the regular entry that
/// pushes STATUS32 and PC) and line 21 (priority 0, the fast path). crt0's handler counts
/// them and runs a zero-overhead loop of its own (saving and restoring LP_START, LP_END
/// and LP_COUNT). Results and output must not change, and the handler must have run.
#[test]
fn c_programs_under_random_interrupts() {
    let mut failures = Vec::new();
    for name in PROGRAMS {
        for opt in ["-O2", "-Os"] {
            for (seed, irq) in [(0x5eed_u64, 20u32), (0xfeed_u64, 21u32)] {
                let what = format!("{name} {opt} irq {irq}");
                let path = common::cache_dir("progs").join(format!("{name}{opt}-irq.elf"));
                let elf = build(name, opt);
                common::write_atomic(&path, &elf);
                let syms = common::symbols(&path).expect("nm");
                let counter = syms["__rt_irq_count"];
                let expected =
                    std::fs::read_to_string(progs_dir().join(format!("{name}.expected"))).unwrap();
                let irqs = sim::Irqs::Random {
                    seed,
                    mean: 97,
                    irq,
                };
                let (run, words) =
                    sim::run_elf_irqs(&elf, sim::config(Opts::default()), LIMIT, irqs, &[counter])
                        .expect("load");
                let taken = words[0].unwrap_or(0);
                let mut problems = Vec::new();
                if run.end != End::Exit(0) {
                    problems.push(format!("ended with {} at pc {:#010x}", run.end, run.pc));
                }
                if run.console != expected {
                    problems.push(format!("console:\n{}", run.console));
                }
                // One interrupt per ~97 instructions, less the stretches with them masked.
                if (taken as u64) < run.insns / 97 / 4 {
                    problems.push(format!(
                        "only {taken} interrupts taken in {} instructions",
                        run.insns
                    ));
                }
                if problems.is_empty() {
                    println!("ok   {what}: {taken} interrupts in {} insns", run.insns);
                } else {
                    println!("FAIL {what}: {}", problems.join("; "));
                    failures.push(what);
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "changed by interrupts: {}",
        failures.join(", ")
    );
}

/// GCC really emits zero-overhead loops for loops.c at -O2/-Os, so that the program
/// exercises LP (otherwise the loop tests would silently test nothing).
#[test]
fn loops_program_uses_zero_overhead_loops() {
    for opt in ["-O2", "-Os"] {
        let bytes = build("loops", opt);
        let elf = common::cache_dir("progs").join(format!("loops{opt}-lpcheck.elf"));
        common::write_atomic(&elf, &bytes);
        let dis = common::objdump(&elf);
        let lps = dis
            .lines()
            .filter(|l| {
                l.split_whitespace()
                    .any(|w| w.starts_with("lp") && !w.contains('_'))
            })
            .count();
        assert!(
            lps >= 2,
            "loops.c at {opt}: expected zero-overhead loops, found {lps} `lp` instructions"
        );
    }
}

// ---------------------------------------------------------------- robustness

/// A minimal ELF32 little-endian executable with the given (paddr, bytes, memsz) segments.
fn mk_elf(machine: u16, entry: u32, segs: &[(u32, &[u8], u32)]) -> Vec<u8> {
    let phoff = 52u32;
    let data_off = phoff + 32 * segs.len() as u32;
    let mut out = Vec::new();
    out.extend_from_slice(&[0x7f, b'E', b'L', b'F', 1, 1, 1, 0]);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    out.extend_from_slice(&machine.to_le_bytes());
    out.extend_from_slice(&1u32.to_le_bytes());
    out.extend_from_slice(&entry.to_le_bytes());
    out.extend_from_slice(&phoff.to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes()); // shoff
    out.extend_from_slice(&0u32.to_le_bytes()); // flags
    out.extend_from_slice(&52u16.to_le_bytes());
    out.extend_from_slice(&32u16.to_le_bytes());
    out.extend_from_slice(&(segs.len() as u16).to_le_bytes());
    out.extend_from_slice(&40u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    let mut off = data_off;
    for (paddr, bytes, memsz) in segs {
        out.extend_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        out.extend_from_slice(&off.to_le_bytes());
        out.extend_from_slice(&paddr.to_le_bytes()); // vaddr
        out.extend_from_slice(&paddr.to_le_bytes()); // paddr
        out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        out.extend_from_slice(&memsz.to_le_bytes());
        out.extend_from_slice(&7u32.to_le_bytes());
        out.extend_from_slice(&4u32.to_le_bytes());
        off += bytes.len() as u32;
    }
    for (_, bytes, _) in segs {
        out.extend_from_slice(bytes);
    }
    out
}

const EM_ARCV2: u16 = 195;
/// `mov r0,5` `mov r8,1` `swi`: semihosting exit(5).
const EXIT5: &[u8] = &[
    0x4a, 0x20, 0x40, 0x01, 0x4a, 0x20, 0x40, 0x10, 0x6f, 0x22, 0x3f, 0x00,
];
/// `mov r0,200` `mov r8,1` `swi`: semihosting exit(200).
const EXIT200: &[u8] = &[
    0x8a, 0x20, 0x03, 0x02, 0x4a, 0x20, 0x40, 0x10, 0x6f, 0x22, 0x3f, 0x00,
];
/// `flag 1`: halt.
const HALT: &[u8] = &[0x69, 0x20, 0x40, 0x00];
/// `b .`: spin forever.
const SPIN: &[u8] = &[0x01, 0x00, 0x00, 0x00];

fn expect_load_error(what: &str, image: &[u8], needles: &[&str]) {
    match sim::load_only(image, sim::config(Opts::default())) {
        Ok(()) => panic!("{what}: load_elf accepted it"),
        Err(msg) => {
            let lower = msg.to_lowercase();
            assert!(
                needles.iter().any(|n| lower.contains(&n.to_lowercase())),
                "{what}: error message {msg:?} does not say what is wrong (expected one of {needles:?})"
            );
            println!("ok   {what}: {msg}");
        }
    }
}

#[test]
fn loader_accepts_handmade_elf() {
    // Positive controls: the hand-made images below are valid apart from the one defect
    // each negative test introduces.
    let img = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, EXIT5, 0x1000)]);
    let run = sim::run_elf(&img, sim::config(Opts::default()), 1000).expect("valid hand-made ELF");
    assert_eq!(run.end, End::Exit(5));
    let img = mk_elf(
        EM_ARCV2,
        0x8000_1000,
        &[(0x8000_0000, SPIN, 0x1000), (0x8000_1000, HALT, 4)],
    );
    let run =
        sim::run_elf(&img, sim::config(Opts::default()), 1000).expect("valid two-segment ELF");
    assert_eq!(run.end, End::Halt);
}

#[test]
fn loader_rejects_bad_images() {
    let good = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, EXIT5, 0x1000)]);
    expect_load_error("empty file", &[], &["elf", "truncated"]);
    expect_load_error(
        "not an ELF",
        b"#!/bin/sh\necho hello\n",
        &["not an elf", "magic"],
    );
    let mut x86 = good.clone();
    x86[18..20].copy_from_slice(&3u16.to_le_bytes());
    expect_load_error("EM_386 ELF", &x86, &["machine", "EM_ARCV2"]);
    let mut arc700 = good.clone();
    arc700[18..20].copy_from_slice(&93u16.to_le_bytes());
    expect_load_error(
        "ARCompact ELF",
        &arc700,
        &["ARCompact", "ARC700", "machine"],
    );
    let mut be = good.clone();
    be[5] = 2;
    expect_load_error("big-endian ELF", &be, &["endian"]);
    let mut elf64 = good.clone();
    elf64[4] = 2;
    expect_load_error("ELF64", &elf64, &["32-bit", "elf64", "class"]);
    let mut rel = good.clone();
    rel[16..18].copy_from_slice(&1u16.to_le_bytes());
    expect_load_error(
        "relocatable object",
        &rel,
        &["executable", "ET_EXEC", "type"],
    );
    // The host's own executable: an x86-64 ELF64.
    let host = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    expect_load_error("host executable", &host, &["32-bit", "machine", "class"]);
    // Truncations: inside the header, inside the program headers, inside segment data.
    expect_load_error("truncated header", &good[..30], &["truncated"]);
    expect_load_error("truncated program headers", &good[..60], &["truncated"]);
    expect_load_error(
        "truncated segment data",
        &good[..good.len() - 4],
        &["truncated"],
    );
    // Segments.
    let overlap = mk_elf(
        EM_ARCV2,
        0x8000_0000,
        &[(0x8000_0000, EXIT5, 0x2000), (0x8000_1000, HALT, 4)],
    );
    expect_load_error("overlapping segments", &overlap, &["overlap"]);
    let low = mk_elf(EM_ARCV2, 0x0000_1000, &[(0x0000_1000, EXIT5, 0x1000)]);
    expect_load_error("segment below RAM", &low, &["outside ram", "ram"]);
    let cfg = sim::config(Opts::default());
    let end = cfg.ram_base as u64 + cfg.ram_size as u64;
    let straddle = mk_elf(
        EM_ARCV2,
        (end - 0x10) as u32,
        &[((end - 0x10) as u32, EXIT5, 0x100)],
    );
    expect_load_error(
        "segment crossing the end of RAM",
        &straddle,
        &["outside ram", "ram"],
    );
    let uart = mk_elf(EM_ARCV2, 0xF000_0000, &[(0xF000_0000, EXIT5, 0x100)]);
    expect_load_error("segment on the UART", &uart, &["outside ram", "ram"]);
    let bad_entry = mk_elf(EM_ARCV2, 0x9000_0000, &[(0x8000_0000, EXIT5, 0x1000)]);
    expect_load_error("entry outside every segment", &bad_entry, &["entry"]);
    let filesz_gt_memsz = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, EXIT5, 4)]);
    expect_load_error(
        "filesz > memsz",
        &filesz_gt_memsz,
        &["size", "program header"],
    );
}

#[test]
fn runaway_program_is_stopped_by_the_instruction_limit() {
    let img = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, SPIN, 4)]);
    let run = sim::run_elf(&img, sim::config(Opts::default()), 123_456).unwrap();
    assert_eq!(run.end, End::Limit);
    assert_eq!(run.insns, 123_456, "the limit must be exact");
    assert_eq!(run.pc, 0x8000_0000);
}

fn arcsim(args: &[&str], image: &[u8]) -> (i32, String, String) {
    let dir = common::cache_dir("cli");
    let path = dir.join(format!("img-{}.elf", common::hash_hex(&[image])));
    common::write_atomic(&path, image);
    let o = Command::new(sim::arcsim_bin())
        .arg("run")
        .args(if args.is_empty() {
            &["--max-insns", "200000000"][..]
        } else {
            args
        })
        .arg(&path)
        .output()
        .expect("run the arcsim binary");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn arcsim_binary_exit_statuses() {
    // Documented in sim/README.md ("exit status"): the guest's status (values above 123
    // reported as 123), 0 after a halt, 124 at the instruction limit, 126 when the ELF
    // cannot be loaded, 127 for usage errors and unreadable files.
    let exit5 = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, EXIT5, 0x1000)]);
    assert_eq!(arcsim(&[], &exit5).0, 5, "guest exit status");
    let exit200 = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, EXIT200, 0x1000)]);
    assert_eq!(
        arcsim(&[], &exit200).0,
        123,
        "guest status above 123 is reported as 123"
    );
    let run = sim::run_elf(&exit200, sim::config(Opts::default()), 1000).unwrap();
    assert_eq!(
        run.end,
        End::Exit(200),
        "the library API reports the full status"
    );
    let halt = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, HALT, 4)]);
    assert_eq!(arcsim(&[], &halt).0, 0, "halt");
    let spin = mk_elf(EM_ARCV2, 0x8000_0000, &[(0x8000_0000, SPIN, 4)]);
    let (code, _, err) = arcsim(&["--max-insns", "10000"], &spin);
    assert_eq!(code, 124, "instruction limit (stderr: {err})");
    let mut x86 = exit5.clone();
    x86[18..20].copy_from_slice(&3u16.to_le_bytes());
    let (code, _, err) = arcsim(&[], &x86);
    assert_eq!(code, 126, "load error (stderr: {err})");
    assert!(
        err.contains("EM_ARCV2") || err.to_lowercase().contains("machine"),
        "load error message: {err}"
    );
    let (code, _, err) = arcsim(&[], &exit5[..40]);
    assert_eq!(code, 126, "truncated ELF (stderr: {err})");
    let o = Command::new(sim::arcsim_bin())
        .args(["run", "/nonexistent/file.elf"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(127),
        "unreadable file is a usage error"
    );
    let o = Command::new(sim::arcsim_bin())
        .args(["frobnicate"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(127),
        "unknown subcommand is a usage error"
    );
    // A compiled program's console output reaches stdout.
    let elf = build("strings", "-O2");
    let (code, out, err) = arcsim(&[], &elf);
    assert_eq!(code, 0, "strings -O2 via the binary (stderr: {err})");
    assert_eq!(
        out,
        std::fs::read_to_string(progs_dir().join("strings.expected")).unwrap()
    );
}
