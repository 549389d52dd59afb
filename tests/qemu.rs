//! The same kernel on QEMU's ARC model (Synopsys' fork: `qemu-system-arc -M virt -cpu
//! archs -icount shift=0`), side by side with the embedded simulator. These tests run when
//! `qemu-system-arc` is on PATH: they are `#[ignore]`d, so a plain `cargo test` counts them as
//! ignored rather than passed, and `cargo xtask test` runs them (`--ignored`) when QEMU is
//! there and prints a SKIPPED line when it is not. Run by hand without QEMU, each prints
//! SKIPPED and checks nothing.
//!
//! - `validation_suite_on_qemu_matches_the_simulator`: every case of `cargo xtask validate`
//!   passes on QEMU, and the single-threaded cases report exactly what they report on the
//!   simulator (return value, Z, memory, signal, address, pc).
//! - `gcc_atomic_tests_on_qemu`: GCC's atomic tests through the C11 runtime (issue 10),
//!   the same images as on the simulator, with QEMU's own timer doing the preemption.
//! - `kernel_tests_on_qemu`: every program of `user/manifest-kernel.txt`. A program that
//!   ends the whole run on QEMU is recorded and the run resumes after it. Each program
//!   either passes as on the simulator or is one of `QEMU_DEVIATIONS`, which says why,
//!   and which must really fail there (so the list cannot go stale).

use std::collections::BTreeMap;
use std::path::PathBuf;
use xtask::build::{build_kernel, BuildOptions};
use xtask::report::{self, CaseKind, Outcome};
use xtask::run::{run_image, RunOptions, Runner};
use xtask::user::{manifest_named, ManifestEntry};
use xtask::validate::{render_summary, validate, ValidateOptions};

const QEMU: &str = "qemu-system-arc";

fn qemu_on_path() -> bool {
    let found = xtask::run::on_path(QEMU);
    if !found {
        // Straight to the terminal: libtest captures eprintln! of a passing test.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "SKIPPED: {QEMU} is not on PATH (Synopsys' QEMU fork for ARC; docs/qemu.md): nothing was checked"
        );
    }
    found
}

/// Programs of the kernel tests that cannot pass on QEMU, and why: each is a way the model
/// differs from silicon (`../shared/arc/isa.md` section 8 numbers them; `docs/qemu.md`),
/// not a kernel bug. The simulator follows the hardware in each.
const QEMU_DEVIATIONS: &[(&str, &str)] = &[
    ("k_syscalls", "user FLAG of Z drops the core to kernel mode (isa.md 8.13): the kernel then oopses on a kernel-mode fetch from user text"),
    ("k_kflag", "user KFLAG raises no PrivilegeV and drops the core to kernel mode (8.13, 8.14)"),
    ("k_lr_eret", "user LR of a kernel aux register (ERET) raises no PrivilegeV (8.14)"),
    ("k_sr_vecbase", "user SR of INT_VECTOR_BASE raises no PrivilegeV (8.14): the vectors move and the machine hangs"),
    ("k_brk_insn", "BRK_S executes as SWI_S 63 (8.21), not a PrivilegeV in user mode"),
    ("k_flag_halt", "user FLAG with H=1 raises no PrivilegeV and drops to kernel mode (8.13, 8.14)"),
    ("k_unimp", "UNIMP_S aborts QEMU (assertion in arc_map_opcode) instead of raising Instruction Error (8.2)"),
    ("k_reserved_op", "a word matching no decode pattern aborts QEMU (assertion in arc_find_format_v2) instead of Instruction Error (8.1)"),
    ("k_llock", "QEMU's archs always has LLOCK/SCOND; the validated core has none"),
    ("k_scond", "QEMU's archs always has LLOCK/SCOND; the validated core has none"),
    ("k_lr_no_aux", "QEMU models aux 0xFFF as an unimplemented-BCR placeholder that reads 0, so LR of it raises nothing; on silicon and arcsim there is no such register"),
    ("k_misaligned_ld", "no misalignment checking for loads and stores (8.18)"),
    ("k_signals", "x.regs_intact sets Z with a user FLAG, which drops the core to kernel mode (8.13): the kernel oopses on the next fetch; x.sigaction, x.handler, x.sigprocmask and x.cmpxchg_segv pass before it"),
];

#[test]
#[ignore = "needs qemu-system-arc on PATH; cargo xtask test runs it when QEMU is there"]
fn validation_suite_on_qemu_matches_the_simulator() {
    if !qemu_on_path() {
        return;
    }
    let opts = |board: &str, runner| ValidateOptions {
        board: board.into(),
        runner: Some(runner),
        sweep: false,
        controls: false,
        atomics: false,
        // A test runs everything; the cache is for the command line.
        cache: false,
        progress: false,
        ..ValidateOptions::default()
    };
    let sim = validate(&opts("sim", Runner::Sim)).unwrap_or_else(|e| panic!("{e}"));
    let qemu = validate(&opts("qemu-virt", Runner::Qemu)).unwrap_or_else(|e| panic!("{e}"));
    let text = render_summary(&qemu);
    assert_eq!(qemu.failed(), 0, "{text}\nconsole:\n{}", qemu.console);

    let on_qemu: BTreeMap<&str, &report::CaseResult> = qemu
        .evaluation
        .cases
        .iter()
        .map(|c| (c.id.as_str(), c))
        .collect();
    println!(
        "{:<10} {:<5} {:<5} detail (simulator | QEMU where it differs)",
        "case", "sim", "qemu"
    );
    let mut differ = Vec::new();
    for s in &sim.evaluation.cases {
        let q = on_qemu
            .get(s.id.as_str())
            .unwrap_or_else(|| panic!("case {} ran on the simulator but not on QEMU", s.id));
        let same = s.detail == q.detail;
        println!(
            "{:<10} {:<5} {:<5} {}{}",
            s.id,
            s.outcome.word(),
            q.outcome.word(),
            s.detail,
            if same {
                String::new()
            } else {
                format!(" | {}", q.detail)
            }
        );
        if s.outcome == Outcome::Pass {
            assert_eq!(q.outcome, Outcome::Pass, "case {}: {}", s.id, q.detail);
        }
        // Threaded cases count preemptions and retries, which depend on the timer, and 7e
        // names the canary of its own image (the boards' images differ); every other
        // case that ran is one deterministic call and must report the same values.
        let varies = ["9a", "9b", "9c", "9d", "10a", "7e"].contains(&s.id.as_str());
        let ran = s.outcome == Outcome::Pass && q.outcome == Outcome::Pass;
        if ran && !same && !varies {
            differ.push(format!("{}: sim `{}` qemu `{}`", s.id, s.detail, q.detail));
        }
    }
    assert!(
        differ.is_empty(),
        "cases that differ:\n{}",
        differ.join("\n")
    );
}

/// One program's result, judged from the console alone.
fn program_result(entry: &ManifestEntry, run: Option<&report::ProgramRun>) -> Result<(), String> {
    let Some(p) = run else {
        return Err("never started".into());
    };
    let failed: Vec<&str> = p
        .cases
        .iter()
        .filter(|c| matches!(c.kind, CaseKind::Fail | CaseKind::Returned { ok: false }))
        .map(|c| c.id.as_str())
        .collect();
    if !failed.is_empty() {
        return Err(format!("CASE FAIL {}", failed.join(",")));
    }
    let missing: Vec<&str> = entry
        .cases
        .iter()
        .filter(|id| !p.cases.iter().any(|c| &c.id == *id))
        .map(String::as_str)
        .collect();
    match &p.verdict {
        None => Err(format!(
            "no VERDICT (the run ended inside it; last case {})",
            p.cases.last().map_or("none", |c| c.id.as_str())
        )),
        Some(v) if !v.pass || v.got != entry.expect.to_report() => {
            Err(format!("VERDICT FAIL got={} expect={}", v.got, v.expect))
        }
        Some(_) if !missing.is_empty() => Err(format!("cases missing: {}", missing.join(","))),
        Some(_) => Ok(()),
    }
}

/// Runs `entries` on `board`/`runner`; a program that ends the run is recorded with how
/// the run ended, and the rest run in a fresh image.
fn run_all(board: &str, runner: Runner, entries: &[ManifestEntry]) -> Vec<Result<(), String>> {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("resume-{board}"));
    std::fs::create_dir_all(&dir).unwrap();
    let mut results: Vec<Result<(), String>> = Vec::new();
    while results.len() < entries.len() {
        let rest = &entries[results.len()..];
        let manifest = dir.join(format!("from-{}.txt", rest[0].name));
        let text: String = rest.iter().map(|e| e.to_line() + "\n").collect();
        std::fs::write(&manifest, text).unwrap();
        let out = build_kernel(&BuildOptions {
            manifest: manifest.display().to_string(),
            ..BuildOptions::new(board)
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let run = run_image(
            board,
            runner,
            &out.elf,
            &RunOptions {
                max_insns: 2_000_000_000,
                timeout_secs: 60,
                ..RunOptions::default()
            },
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let r = report::parse(&run.console);
        let before = results.len();
        for e in rest {
            let p = r.program(&e.name);
            let ended_here = p.is_some_and(|p| p.verdict.is_none());
            if p.is_none() {
                break;
            }
            results.push(program_result(e, p).map_err(|why| {
                if ended_here {
                    format!("{why}; run ended: {}", run.ended)
                } else {
                    why
                }
            }));
            if ended_here {
                break;
            }
        }
        assert!(
            results.len() > before,
            "{board}: no program of {} started; run ended {}:\n{}",
            manifest.display(),
            run.ended,
            run.console
        );
    }
    results
}

#[test]
#[ignore = "needs qemu-system-arc on PATH; cargo xtask test runs it when QEMU is there"]
fn kernel_tests_on_qemu() {
    if !qemu_on_path() {
        return;
    }
    let entries = manifest_named("manifest-kernel.txt").unwrap_or_else(|e| panic!("{e}"));
    let on_sim = run_all("sim", Runner::Sim, &entries);
    let on_qemu = run_all("qemu-virt", Runner::Qemu, &entries);
    let deviation = |name: &str| {
        QEMU_DEVIATIONS
            .iter()
            .find(|(n, _)| *n == name)
            .map(|d| d.1)
    };
    let word = |r: &Result<(), String>| if r.is_ok() { "PASS" } else { "FAIL" };
    println!("{:<18} {:<5} {:<5} why", "program", "sim", "qemu");
    let mut wrong = Vec::new();
    for ((e, s), q) in entries.iter().zip(&on_sim).zip(&on_qemu) {
        let why = match (q, deviation(&e.name)) {
            (Ok(()), None) => String::new(),
            (Err(got), Some(reason)) => format!("{got}. Known deviation: {reason}"),
            (Err(got), None) => {
                wrong.push(format!("{}: fails on QEMU: {got}", e.name));
                got.clone()
            }
            (Ok(()), Some(_)) => {
                wrong.push(format!("{}: listed as a QEMU deviation but passes", e.name));
                "passes".into()
            }
        };
        println!("{:<18} {:<5} {:<5} {why}", e.name, word(s), word(q));
        if let Err(s) = s {
            wrong.push(format!("{}: fails on the simulator: {s}", e.name));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
#[ignore = "needs qemu-system-arc on PATH; cargo xtask test runs it when QEMU is there"]
fn gcc_atomic_tests_on_qemu() {
    use xtask::atomics::{self, Verdict};
    if !qemu_on_path() {
        return;
    }
    let results = atomics::run_gcc_tests_with("qemu-virt", &|elf, img| {
        let run = run_image(
            "qemu-virt",
            Runner::Qemu,
            elf,
            &RunOptions {
                // The kernel's 10 s limit per program, in QEMU's virtual time.
                timeout_secs: 30 * (img.programs.len() as u64 + 1),
                ..RunOptions::default()
            },
        )?;
        Ok(run.console)
    })
    .unwrap_or_else(|e| panic!("{e}"));
    println!("{}", atomics::render_table(&atomics::count(&results)));
    let failed: Vec<String> = results
        .iter()
        .filter(|(_, _, r)| r.verdict == Verdict::Fail)
        .map(|(_, o, r)| format!("{} {}: {}", r.name, o.flag(), r.detail))
        .collect();
    for (_, o, r) in results
        .iter()
        .filter(|(_, _, r)| r.verdict == Verdict::XPass)
    {
        // A known failure of the simulator run may pass here (QEMU runs the time-limited
        // test faster in virtual time); it is reported, not failed.
        println!("passes on QEMU: {} {}", r.name, o.flag());
    }
    assert!(
        results.iter().any(|(_, _, r)| r.verdict == Verdict::Pass),
        "nothing ran"
    );
    assert!(failed.is_empty(), "failed on QEMU:\n{}", failed.join("\n"));
}

#[test]
#[ignore = "needs qemu-system-arc on PATH; cargo xtask test runs it when QEMU is there"]
fn atomics_stress_programs_on_qemu() {
    use xtask::atomics::{self, Verdict};
    if !qemu_on_path() {
        return;
    }
    let img = atomics::stress_image(&atomics::Target::for_board("qemu-virt").unwrap(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    let out = atomics::build_image(&img, "qemu-virt").unwrap_or_else(|e| panic!("{e}"));
    let run = run_image(
        "qemu-virt",
        Runner::Qemu,
        &out.elf,
        &RunOptions {
            timeout_secs: 300,
            ..RunOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = img.programs.iter().map(|p| p.0.clone()).collect();
    let results = atomics::judge(&run.console, &names);
    for r in &results {
        println!("{:<14} {:?} {}", r.name, r.verdict, r.detail);
    }
    // a_flag_inline is a control that passes when it catches GCC's non-atomic inline
    // test-and-set losing a race two instructions wide; with QEMU's tick every million
    // instructions it may never be preempted there, so it is reported, not required.
    let bad: Vec<&str> = results
        .iter()
        .filter(|r| r.verdict != Verdict::Pass && r.name != "a_flag_inline")
        .map(|r| r.name.as_str())
        .collect();
    assert!(bad.is_empty(), "failed on QEMU: {bad:?}\n{}", run.console);
    assert_eq!(results.len(), names.len());
}
