//! ARCompact (ARC700) programs on an `isa: ArcCompact` core: assembly exercising the
//! instructions whose encoding or name differs from ARCv2, and small C programs built with
//! `arc-linux-gnu-gcc -mcpu=arc700` (no libgcc: Debian's is ARCv2-only) whose results are
//! compared with the same C compiled for the host. The core follows the ELF's e_machine:
//! an ARCompact image on an ARCv2 core (and the reverse) is refused.

mod common;

use arcsim::config::Isa;
use arcsim::Config;
use common::sim::{self, End};
use std::path::{Path, PathBuf};
use std::process::Command;

const LIMIT: u64 = 50_000_000;

fn arc700() -> Config {
    Config {
        isa: Isa::ArcCompact,
        ..Config::default()
    }
}

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("arcompact");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/arcompact")
}

fn tool(cmd: &mut Command) {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Assembles `body` for ARC700 and links it at 0x8000_0000 (entry `_start`).
fn build_asm(name: &str, body: &str) -> Vec<u8> {
    let d = dir();
    let (s, o, elf) = (
        d.join(format!("{name}.s")),
        d.join(format!("{name}.o")),
        d.join(format!("{name}.elf")),
    );
    std::fs::write(&s, body).unwrap();
    tool(
        Command::new(common::AS)
            .arg("-mcpu=arc700")
            .arg(&s)
            .arg("-o")
            .arg(&o),
    );
    tool(
        Command::new(common::LD)
            .args(["-N", "--no-warn-rwx-segments", "-e", "_start"])
            .args(["-Ttext", "0x80000000"])
            .arg(&o)
            .arg("-o")
            .arg(&elf),
    );
    std::fs::read(&elf).unwrap()
}

fn build_c(name: &str, opt: &str) -> Vec<u8> {
    let elf = dir().join(format!("{name}{opt}.elf"));
    tool(
        Command::new(common::GCC)
            .args(toolchain::include_flags(toolchain::Headers::Freestanding).unwrap())
            // There is no libgcc or C library: -mno-millicode keeps -Os from calling libgcc's
            // register save/restore routines, and GCC must not turn loops into strlen/memset.
            .args([
                "-mcpu=arc700",
                "-mno-millicode",
                "-fno-tree-loop-distribute-patterns",
            ])
            .args([opt, "-nostdlib", "-static"])
            .args(["-Wl,--no-warn-rwx-segments", "-T"])
            .arg(sources().join("link.ld"))
            .arg(sources().join("crt0.S"))
            .arg(sources().join("mem.c"))
            .arg(sources().join(format!("{name}.c")))
            .arg("-o")
            .arg(&elf),
    );
    std::fs::read(&elf).unwrap()
}

/// What `main` of `name.c` returns when built and run on the host.
fn host_result(name: &str) -> u32 {
    let d = dir();
    let driver = d.join("driver.c");
    std::fs::write(
        &driver,
        "int printf(const char *, ...);\nint arc_main(void);\n\
         int main(void) { printf(\"%u\\n\", (unsigned)arc_main()); return 0; }\n",
    )
    .unwrap();
    let (obj, exe) = (
        d.join(format!("{name}.host.o")),
        d.join(format!("{name}.host")),
    );
    tool(
        Command::new("gcc")
            .args(["-O1", "-c", "-Dmain=arc_main"])
            .arg(sources().join(format!("{name}.c")))
            .arg("-o")
            .arg(&obj),
    );
    tool(
        Command::new("gcc")
            .arg(&obj)
            .arg(&driver)
            .arg("-o")
            .arg(&exe),
    );
    let out = Command::new(&exe).output().expect("run host program");
    String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
}

#[test]
fn c_programs_match_the_host() {
    common::require_toolchain();
    for name in ["sieve", "sort", "strings", "mul64"] {
        let want = host_result(name);
        for opt in ["-O0", "-O2", "-Os"] {
            let run = sim::run_elf(&build_c(name, opt), arc700(), LIMIT).unwrap();
            assert_eq!(run.end, End::Exit(want), "{name}{opt}");
        }
    }
}

/// Instructions whose encoding or spelling is ARCompact's own, each result left in a
/// register and compared with the same operation in Rust.
#[test]
fn arcompact_specific_instructions() {
    common::require_toolchain();
    let (x, y) = (0x8765_4321u32, 0x1234_5678u32);
    let src = format!(
        "\t.text\n\t.global _start\n_start:\n\
         \tmov sp, 0x80100000\n\
         \tmov r1, {x:#x}\n\tmov r2, {y:#x}\n\
         \tswap r3, r1\n\
         \tnorm r4, r2\n\
         \tnormw r5, r1\n\
         \tsexw r6, r1\n\
         \textw r7, r1\n\
         \tmpyh r9, r1, r2\n\
         \tmpyhu r10, r1, r2\n\
         \tmov_s r40, r2\n\
         \tmov r0, 0\n\tadd_s r0, r0, r40\n\tmov r11, r0\n\
         \tmov_s r12, r40\n\
         \tpush_s r1\n\
         \tpop_s r13\n\
         \tmov r14, 0\n\tmov lp_count, 10\n\tmov r15, 0\n\
         \tlp 1f\n\tadd r15, r15, 1\n\tmpy r16, r15, r15\n\tadd r14, r14, r16\n1:\n\
         \tmov r20, buf\n\tmov r21, {y:#x}\n\tex r21, [r20]\n\tld r22, [r20]\n\
         \tmov r18, 0\n\tbbit1 r1, 31, 2f\n\tmov r18, 1\n2:\n\
         \tmov r19, 0\n\tbrlo r1, r2, 3f\n\tmov r19, 1\n3:\n\
         \tmov r1, buf+8\n\tldw_s.x r0, [r1, 0]\n\tmov r17, r0\n\
         \tmov r1, {x:#x}\n\tmov r23, 0\n\tabs.f r0, r1\n\tmov.cs r23, 1\n\
         \tmov r25, 1\n\tabs.f r0, r2\n\tmov.cc r25, 0\n\
         \tmov r42, -5\n\tasrs r32, r1, 40\n\tasrs r33, r1, r42\n\tasrs r34, r2, 4\n\
         \tasls r35, r2, 4\n\tasls r36, r2, 2\n\tasls r37, r1, -4\n\
         \tmov r38, 0\n\tmov r43, 0x80000000\n\tabss.f r39, r43\n\tmov.v r38, 1\n\
         \tabss r41, r1\n\
         \tlr r24, [identity]\n\
         \tmov r0, 0\n\tmov r8, 1\n\ttrap0\n\
         \t.data\n\t.align 4\nbuf:\t.word {x:#x}, 0, 0x8001\n"
    );
    let run = sim::run_elf(&build_asm("specific", &src), arc700(), LIMIT).unwrap();
    assert_eq!(run.end, End::Exit(0));
    let r = &run.regs;
    let norm16 = |v: u16| -> u32 {
        let s = v as i16;
        let t = if s < 0 { !s } else { s };
        if t == 0 {
            15
        } else {
            t.leading_zeros() - 1
        }
    };
    let norm32 = |v: u32| -> u32 {
        let s = v as i32;
        let t = if s < 0 { !s } else { s };
        if t == 0 {
            31
        } else {
            t.leading_zeros() - 1
        }
    };
    assert_eq!(r[3], x.rotate_left(16), "swap");
    assert_eq!(r[4], norm32(y), "norm");
    assert_eq!(r[5], norm16(x as u16), "normw");
    assert_eq!(r[6], x as u16 as i16 as i32 as u32, "sexw");
    assert_eq!(r[7], x & 0xFFFF, "extw");
    assert_eq!(
        r[9],
        ((x as i32 as i64 * y as i32 as i64) >> 32) as u32,
        "mpyh"
    );
    assert_eq!(r[10], ((x as u64 * y as u64) >> 32) as u32, "mpyhu");
    assert_eq!(r[40], y, "mov_s to r40 (6-bit h field)");
    assert_eq!(r[11], y, "add_s with an h register");
    assert_eq!(r[12], y, "mov_s from r40");
    assert_eq!(r[13], x, "push_s / pop_s");
    assert_eq!(
        r[14],
        (1..=10u32).map(|i| i * i).sum::<u32>(),
        "lp loop with mpy"
    );
    assert_eq!((r[21], r[22]), (x, y), "ex swaps register and memory");
    assert_eq!(
        r[17], 0x8001u16 as i16 as i32 as u32,
        "ldw_s.x sign-extends"
    );
    assert_eq!(r[18], u32::from(x >> 31 == 0), "bbit1 taken iff bit 31 set");
    assert_eq!(r[19], u32::from(x >= y), "brlo taken iff unsigned less");
    assert_eq!(r[24] & 0xFF, 0x34, "IDENTITY.ARCVER: an ARC700 (4.10)");
    // libgcc's ARC700 __floatsidf takes the sign of its argument from this carry.
    assert_eq!(r[23], 1, "abs.f of a negative number sets C");
    assert_eq!(r[25], 0, "abs.f of a positive number clears C");
    // The saturating ops libgcc's ARC700 __divdf3 uses for denormal results.
    let sx = x as i32;
    assert_eq!(r[32], (sx >> 31) as u32, "asrs by more than 31: sign fill");
    assert_eq!(
        r[33], 0x8000_0000,
        "asrs by -5 of a negative: saturated left shift"
    );
    assert_eq!(r[34], y >> 4, "asrs");
    assert_eq!(r[35], 0x7FFF_FFFF, "asls saturates a positive");
    assert_eq!(r[36], y << 2, "asls without overflow");
    assert_eq!(
        r[37],
        (sx >> 4) as u32,
        "asls by -4: arithmetic right shift"
    );
    assert_eq!(
        (r[39], r[38]),
        (0x7FFF_FFFF, 1),
        "abss.f of INT_MIN saturates, sets V"
    );
    assert_eq!(r[41], sx.unsigned_abs(), "abss");
}

/// LLOCK/SCOND are absent unless the core is configured with them: Instruction Error.
#[test]
fn llsc_only_with_the_option() {
    common::require_toolchain();
    let src = "\t.text\n\t.global _start\n_start:\n\
               \tmov r1, cell\n\tmov r2, 5\n\
               \tllock r3, [r1]\n\tadd r3, r3, r2\n\tscond r3, [r1]\n\
               \tmov.eq r0, 0\n\tmov.ne r0, 1\n\tld r4, [r1]\n\
               \tmov r8, 1\n\ttrap0\n\
               \t.data\n\t.align 4\ncell:\t.word 37\n";
    let elf = build_asm("llsc", src);
    let with = sim::run_elf(
        &elf,
        Config {
            llsc: true,
            ..arc700()
        },
        LIMIT,
    )
    .unwrap();
    assert_eq!(with.end, End::Exit(0), "scond succeeds (Z set)");
    assert_eq!(with.regs[4], 37 + 5);
    let without = sim::run_elf(&elf, arc700(), LIMIT).unwrap();
    assert_ne!(without.end, End::Exit(0), "llock must not execute");
    let mut m = arcsim::Machine::new(arc700());
    m.load_elf(&elf).unwrap();
    m.run(LIMIT);
    // ECR: vector 2 (Instruction Error) in bits 23:16.
    assert_eq!(m.aux(0x403).map(|ecr| ecr >> 16 & 0xFF), Some(2));
}

/// The core decodes the instruction set it is configured for; the ELF must match it.
#[test]
fn elf_machine_must_match_the_core() {
    common::require_toolchain();
    let elf = build_asm(
        "exit7",
        "\t.global _start\n_start:\n\tmov r0,7\n\tmov r8,1\n\ttrap0\n",
    );
    assert_eq!(arcsim::elf::machine_isa(&elf), Some(Isa::ArcCompact));
    let e = sim::run_elf(&elf, Config::default(), LIMIT).err().unwrap();
    assert!(
        e.contains("EM_ARC_COMPACT") && e.contains("--core arc700"),
        "{e}"
    );
    let run = sim::run_elf(&elf, arc700(), LIMIT).unwrap();
    assert_eq!(run.end, End::Exit(7));
    // `arcsim run` picks the core from e_machine; `--core hs` insists on ARCv2.
    let path = dir().join("exit7.elf");
    let out = Command::new(env!("CARGO_BIN_EXE_arcsim"))
        .arg("run")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let out = Command::new(env!("CARGO_BIN_EXE_arcsim"))
        .args(["run", "--core", "hs"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(126));
    assert!(String::from_utf8_lossy(&out.stderr).contains("EM_ARC_COMPACT"));
    let run_with = |core: &str| {
        Command::new(env!("CARGO_BIN_EXE_arcsim"))
            .args(["run", "--core", core])
            .arg(&path)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run_with("arc700"), Some(7));
    assert_eq!(
        run_with("arc600"),
        Some(127),
        "an unknown core is a usage error"
    );
    // The trace lists what the core decoded: ARCompact's trap0, not the ARCv2 swi of the
    // same word.
    let trace = dir().join("exit7.trace");
    let out = Command::new(env!("CARGO_BIN_EXE_arcsim"))
        .arg("run")
        .arg(format!("--trace={}", trace.display()))
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(7));
    let t = std::fs::read_to_string(&trace).unwrap();
    assert!(t.contains("trap0") && !t.contains("swi"), "{t}");
}

/// ARC700 exceptions: the core jumps into the 8-byte slot INT_VECTOR_BASE + 8 × vector
/// (a `j handler` there), ECR uses ARC700's vector numbers (Trap 0x25, Instruction Error 2,
/// Machine Check 0x20), STATUS32 gets AE, and RTIE returns through ERET/ERSTATUS.
#[test]
fn arcompact_exception_entry_and_return() {
    common::require_toolchain();
    let mut src = String::from("\t.text\n\t.global _start\n\t.align 1024\nvectors:\n");
    for v in 0..0x27 {
        let target = match v {
            0x02 => "insn_err",
            0x20 => "mach_chk",
            0x25 => "trap",
            _ => "unexpected",
        };
        src.push_str(&format!("\tj {target}\n"));
    }
    src.push_str(
        "_start:\n\
         \tmov sp, 0x80100000\n\tmov r0, vectors\n\tsr r0, [0x25]\n\
         \tmov r20, 0\n\
         \ttrap_s 5\n\
         after_trap:\n\
         \tadd r20, r20, 1\n\
         bad:\n\t.short 0x201e, 0x0000\n\
         after_bad:\n\
         \tmov r0, 0xBAD\n\tmov r8, 1\n\ttrap0\n\
         trap:\n\
         \tlr r21, [0x403]\n\tlr r22, [0x400]\n\tlr r23, [0xa]\n\tlr r24, [0x402]\n\
         \trtie\n\
         insn_err:\n\
         \tlr r10, [0x403]\n\tlr r11, [0x400]\n\tlr r12, [0x404]\n\
         \ttrap_s 3\n\
         mach_chk:\n\
         \tlr r13, [0x403]\n\tlr r14, [0x400]\n\
         \tmov r0, 0\n\tmov r8, 1\n\ttrap0\n\
         unexpected:\n\
         \tlr r0, [0x403]\n\tmov r8, 1\n\ttrap0\n",
    );
    let elf = build_asm("exc700", &src);
    let sym = common::symbols(&dir().join("exc700.elf")).unwrap();
    let run = sim::run_elf(&elf, arc700(), LIMIT).unwrap();
    assert_eq!(run.end, End::Exit(0), "regs {:x?}", &run.regs[..32]);
    let r = &run.regs;
    let ecr = |vector: u32, cause: u32, param: u32| vector << 16 | cause << 8 | param;
    assert_eq!(r[21], ecr(0x25, 0, 5), "trap_s 5: ECR");
    assert_eq!(
        r[22], sym["after_trap"],
        "trap: ERET is the next instruction"
    );
    assert_eq!(r[23] & (1 << 5), 1 << 5, "STATUS32.AE set in the handler");
    assert_eq!(r[24] & (1 << 5), 0, "ERSTATUS: AE was clear");
    assert_eq!(r[20], 1, "RTIE resumed after the trap");
    assert_eq!(
        r[10],
        ecr(0x02, 0, 0),
        "undecodable word: Instruction Error"
    );
    assert_eq!(
        (r[11], r[12]),
        (sym["bad"], sym["bad"]),
        "ERET/EFA at the word"
    );
    assert_eq!(
        r[13],
        ecr(0x20, 0, 0),
        "trap inside a handler: Machine Check"
    );
    assert_eq!(
        r[14],
        sym["insn_err"] + 3 * 4 + 2,
        "ERET after the nested trap_s"
    );
}
