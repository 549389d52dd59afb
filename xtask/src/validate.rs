//! `cargo xtask validate`: build the kernel with the validation programs, boot
//! it on a runner, judge every case (report.rs), and on the simulator also
//! - sweep the timer interrupt over every instruction of one cmpxchg syscall
//!   path (snapshot or deterministic replay, one run per offset),
//! - run the negative controls: kernels built with `bug-pre2018` and
//!   `bug-no-preempt` must fail the cases their bug breaks,
//! - measure instructions per successful cmpxchg syscall against an
//!   LLOCK/SCOND loop on a core that has them (the hardware lower bound).
//!
//! The verdict is the host's: a case passes only if the program's CASE line,
//! the values it carries and the kernel's TASK/VERDICT/SUMMARY records agree.

use crate::build::{build_kernel, BuildOptions};
use crate::report::{self, Context, Evaluation, Outcome};
use crate::run::{run_image, sim_config, RunOptions, Runner};
use crate::{Error, Result};
use arcsim::{Machine, Stop};
use boards::Board;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct ValidateOptions {
    pub board: String,
    /// None: the board's default runner.
    pub runner: Option<Runner>,
    /// Also write the summary as JSON here.
    pub json: Option<PathBuf>,
    /// Run the preemption sweep (simulator only).
    pub sweep: bool,
    /// Build and run the bug-pre2018 / bug-no-preempt kernels (simulator only).
    pub controls: bool,
    /// The C11 atomics section (GCC's atomic tests, stress programs; simulator only).
    pub atomics: bool,
    /// Reuse simulator runs of identical images (xtask::runcache).
    pub cache: bool,
    /// Progress bars on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// Kernel features of the main run (e.g. run the whole suite against a buggy kernel).
    pub features: Vec<String>,
    /// Simulator budget for the main run (0 = 2 000 000 000 cycles).
    pub max_insns: u64,
}

impl Default for ValidateOptions {
    fn default() -> Self {
        ValidateOptions {
            board: "sim".into(),
            runner: None,
            json: None,
            sweep: true,
            controls: true,
            atomics: true,
            cache: true,
            progress: true,
            features: Vec::new(),
            max_insns: 0,
        }
    }
}

/// The numbers the issue asks for (None where this runner cannot tell).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Numbers {
    /// Wall time of the main run: boot plus every program (seconds).
    pub suite_wall_s: f64,
    /// Simulated cycles of the main run (retired instructions + exception entries + idle).
    pub sim_insns: Option<u64>,
    pub offsets_swept: Option<u64>,
    pub violations: Option<u64>,
    pub sweep_wall_s: Option<f64>,
    /// How the sweep re-ran the machine: "snapshot" (clone) or "replay" (boot again).
    pub sweep_mode: Option<String>,
    /// Clone / replay / tail costs the sweep measured.
    pub sweep_costs: Option<String>,
    /// Cycles from the `trap_s` of one successful arc_usr_cmpxchg to the first user
    /// instruction after it (TLB warm, no interrupt).
    pub syscall_path_insns: Option<u64>,
    /// Cycles of the marked cmpxchg on a zero-page (COW) word: fault, fault-in, retry.
    pub cow_path_insns: Option<u64>,
    /// Instructions of one successful LLOCK/SCOND compare-and-swap (llock..bnz).
    pub llsc_cas_insns: Option<u64>,
    /// Instructions per counter increment with LL/SC (load, add, CAS, loop).
    pub llsc_insns_per_increment: Option<f64>,
    /// Controls' sweeps: violations found on the bug-no-preempt kernel.
    pub no_preempt_violations: Option<u64>,
    pub controls_wall_s: Option<f64>,
    /// Instructions of one `atomic_fetch_add` through the C11 runtime (syscall included).
    pub fetch_add_insns: Option<u64>,
    pub atomics_wall_s: Option<f64>,
    pub total_wall_s: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    pub board: String,
    pub runner: String,
    /// The core the suite ran on, as far as the host knows it (simulator: its
    /// configuration; LL/SC must be absent on the `sim` board).
    pub core: String,
    pub kernel: PathBuf,
    pub run_ended: String,
    pub evaluation: Evaluation,
    pub numbers: Numbers,
    /// Tables of sections beside the main one: (heading, text).
    pub sections: Vec<(String, String)>,
    /// Things the reader should know (skipped parts, fallbacks).
    pub notes: Vec<String>,
    /// The main run's console.
    pub console: String,
}

impl Summary {
    pub fn passed(&self) -> usize {
        self.evaluation.passed()
    }
    pub fn failed(&self) -> usize {
        self.evaluation.failed()
    }
    /// True when nothing failed (the exit status of `cargo xtask validate`).
    pub fn ok(&self) -> bool {
        self.failed() == 0 && self.passed() > 0
    }
}

fn runner_name(r: Runner) -> &'static str {
    match r {
        Runner::Sim => "sim",
        Runner::Qemu => "qemu",
        Runner::Nsim => "nsim",
    }
}

fn board_err(e: impl std::fmt::Display) -> Error {
    Error::new("board", e.to_string())
}

/// The word at virtual address `addr` in the loadable image of `elf`, if any.
pub fn elf_word(elf: &[u8], addr: u32) -> Option<u32> {
    use object::{Object, ObjectSegment};
    let f = object::File::parse(elf).ok()?;
    for seg in f.segments() {
        let (a, size) = (seg.address(), seg.size());
        if (addr as u64) >= a && (addr as u64) + 4 <= a + size {
            let data = seg.data().ok()?;
            let off = (addr as u64 - a) as usize;
            let b = data.get(off..off + 4)?;
            return Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]));
        }
    }
    None
}

/// A symbol's address in an ELF file.
pub fn elf_symbol(elf: &[u8], name: &str) -> Option<u32> {
    use object::{Object, ObjectSymbol};
    let f = object::File::parse(elf).ok()?;
    f.symbols()
        .find(|s| s.name() == Ok(name))
        .map(|s| s.address() as u32)
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| Error::new("validate", format!("cannot read {}: {e}", path.display())))
}

fn bar(opts: &ValidateOptions, len: u64, msg: &str) -> ProgressBar {
    let pb = if opts.progress {
        ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr())
    } else {
        ProgressBar::hidden()
    };
    pb.set_style(
        ProgressStyle::with_template("{msg:<28} [{bar:30}] {pos}/{len} {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(msg.to_string());
    pb
}

/// Builds, boots and judges; see the module comment. Errors only when the
/// suite could not be run at all (no toolchain, no runner, build failure).
pub fn validate(opts: &ValidateOptions) -> Result<Summary> {
    let t_total = Instant::now();
    let board = Board::load(&opts.board).map_err(board_err)?;
    let runner = match opts.runner {
        Some(r) => r,
        None => Runner::for_board(&board)?,
    };
    let mut notes = Vec::new();
    let steps = 2 + u64::from(runner == Runner::Sim)
        * (u64::from(opts.sweep) + 2 * u64::from(opts.controls) + u64::from(opts.atomics) + 1);
    let main_bar = bar(opts, steps, "validate");

    main_bar.set_message("build kernel");
    let bopts = BuildOptions {
        board: opts.board.clone(),
        release: true,
        features: opts.features.clone(),
        ..BuildOptions::new(&opts.board)
    };
    let built = build_kernel(&bopts)?;
    main_bar.inc(1);

    main_bar.set_message(format!("boot on {}", runner_name(runner)));
    let t_suite = Instant::now();
    let outcome = run_image(
        &opts.board,
        runner,
        &built.elf,
        &RunOptions {
            max_insns: if opts.max_insns == 0 {
                2_000_000_000
            } else {
                opts.max_insns
            },
            ..RunOptions::default()
        },
    )?;
    let suite_wall_s = t_suite.elapsed().as_secs_f64();
    main_bar.inc(1);

    let kernel_bytes = read(&built.elf)?;
    let mut ctx = Context::for_repo(false)?;
    // The kernel raises SIGBUS for every misaligned uaddr, whatever the core can do
    // (src/cmpxchg.rs), so case 8 expects the signal on every board.
    ctx.unaligned = false;
    if let Some(w) = elf_word(&kernel_bytes, 0x8000_0000) {
        ctx.kernel_words.insert(0x8000_0000, w);
    }
    ctx.canary_addr = elf_symbol(&kernel_bytes, "KERNEL_CANARY");
    if let Some(a) = ctx.canary_addr {
        if let Some(w) = elf_word(&kernel_bytes, a) {
            ctx.kernel_words.insert(a, w);
        }
    }
    let parsed = report::parse(&outcome.console);
    let mut ev = report::evaluate(&parsed, &ctx);
    if parsed.programs.is_empty() {
        notes.push(format!(
            "the run ended ({}) before any program started",
            outcome.ended
        ));
    }

    let mut numbers = Numbers {
        suite_wall_s,
        sim_insns: outcome.insns,
        ..Numbers::default()
    };

    let mut sections = Vec::new();
    let user_dir = crate::build::output_dir(&bopts).join("user");
    // Sweeps, controls and the atomics runs of images already run by this simulator come
    // from target/run-cache; the main run above always runs.
    crate::runcache::enable(opts.cache);
    let cache_before = crate::runcache::counts();
    if runner == Runner::Sim {
        if opts.sweep {
            main_bar.set_message("preemption sweeps");
            let t = Instant::now();
            let (mut offsets, mut violations) = (0, 0);
            for which in [SweepPath::Warm, SweepPath::Cow] {
                match sweep(
                    &board,
                    &kernel_bytes,
                    &user_dir.join("sweep.elf"),
                    opts,
                    which,
                ) {
                    Ok(s) => {
                        offsets += s.offsets;
                        violations += s.violations.len() as u64;
                        match which {
                            SweepPath::Warm => {
                                numbers.syscall_path_insns = Some(s.path_insns);
                                numbers.sweep_mode = Some(s.mode.clone());
                                numbers.sweep_costs = Some(s.costs.clone());
                            }
                            SweepPath::Cow => numbers.cow_path_insns = Some(s.path_insns),
                        }
                        let o = if s.violations.is_empty() && s.offsets > 0 {
                            Outcome::Pass
                        } else {
                            Outcome::Fail
                        };
                        ev.push(which.row(), "sweep", o, s.describe());
                    }
                    Err(e) => ev.push(
                        which.row(),
                        "sweep",
                        Outcome::Fail,
                        format!("could not sweep: {e}"),
                    ),
                }
            }
            numbers.offsets_swept = Some(offsets);
            numbers.violations = Some(violations);
            numbers.sweep_wall_s = Some(t.elapsed().as_secs_f64());
            main_bar.inc(1);
        } else {
            for which in [SweepPath::Warm, SweepPath::Cow] {
                ev.push(which.row(), "sweep", Outcome::Skip, "disabled (--no-sweep)");
            }
        }
        main_bar.set_message("LL/SC lower bound");
        match llsc_baseline(&board, &user_dir) {
            Ok((cas, per_inc)) => {
                numbers.llsc_cas_insns = Some(cas);
                numbers.llsc_insns_per_increment = Some(per_inc);
            }
            Err(e) => notes.push(format!("LL/SC baseline not measured: {e}")),
        }
        main_bar.inc(1);
        if opts.controls {
            let t = Instant::now();
            controls(opts, &board, &ctx, &mut ev, &mut numbers, &main_bar);
            numbers.controls_wall_s = Some(t.elapsed().as_secs_f64());
        } else {
            ev.push(
                "10b",
                "kernel+bug-pre2018",
                Outcome::Skip,
                "disabled (--no-controls)",
            );
            ev.push(
                "10c",
                "kernel+bug-no-preempt",
                Outcome::Skip,
                "disabled (--no-controls)",
            );
        }
        if opts.atomics {
            main_bar.set_message("C11 atomics (GCC testsuite)");
            let t = Instant::now();
            atomics_section(&board.name, &mut ev, &mut numbers, &mut sections);
            numbers.atomics_wall_s = Some(t.elapsed().as_secs_f64());
            main_bar.inc(1);
        } else {
            for (id, _) in ATOMICS_ROWS {
                ev.push(id, "c11 atomics", Outcome::Skip, "disabled (--no-atomics)");
            }
        }
    } else {
        for (id, _) in ATOMICS_ROWS {
            ev.push(
                id,
                "c11 atomics",
                Outcome::Skip,
                "simulator only: random preemption by interrupt injection",
            );
        }
        for which in [SweepPath::Warm, SweepPath::Cow] {
            ev.push(
                which.row(),
                "sweep",
                Outcome::Skip,
                "simulator only: needs exact interrupt injection",
            );
        }
        ev.push(
            "10b",
            "kernel+bug-pre2018",
            Outcome::Skip,
            "negative controls run on the simulator",
        );
        ev.push(
            "10c",
            "kernel+bug-no-preempt",
            Outcome::Skip,
            "negative controls run on the simulator",
        );
        if runner == Runner::Qemu {
            notes.push(
                "QEMU's archs always has LLOCK/SCOND; the syscall path is exercised all the same"
                    .into(),
            );
        }
    }
    crate::runcache::enable(false);
    let cache_after = crate::runcache::counts();
    let hits = cache_after.0 - cache_before.0;
    if hits > 0 {
        notes.push(format!(
            "{hits} of {} simulator runs (sweeps, controls, atomics) came from target/run-cache: \
             the same images, injections and simulator sources ran before (--no-cache runs them)",
            hits + cache_after.1 - cache_before.1
        ));
    }
    main_bar.finish_and_clear();
    numbers.total_wall_s = t_total.elapsed().as_secs_f64();

    let summary = Summary {
        board: opts.board.clone(),
        runner: runner_name(runner).into(),
        core: match runner {
            Runner::Sim => {
                let c = sim_config(&board);
                format!(
                    "arcsim llsc={} unaligned={} tlb={}x{}",
                    if c.llsc {
                        "present"
                    } else {
                        "absent (LLOCK/SCOND raise Instruction Error)"
                    },
                    if c.unaligned { "on" } else { "off" },
                    c.tlb_sets,
                    c.tlb_ways
                )
            }
            Runner::Qemu => "qemu-system-arc -cpu archs (LLOCK/SCOND present)".into(),
            Runner::Nsim => "nsimdrv with the board's props file".into(),
        },
        kernel: built.elf.clone(),
        run_ended: outcome.ended.clone(),
        evaluation: ev,
        numbers,
        sections,
        notes,
        console: outcome.console,
    };
    if let Some(path) = &opts.json {
        let text = serde_json::to_string_pretty(&summary)
            .map_err(|e| Error::new("validate", format!("JSON: {e}")))?;
        std::fs::write(path, text)
            .map_err(|e| Error::new("validate", format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(summary)
}

/// The rows of the C11 atomics section: GCC's tests per group and level, then the stress
/// programs and their control (`xtask::atomics`).
pub const ATOMICS_ROWS: &[(&str, &str)] = &[
    ("11a", "atomic/ -O0"),
    ("11b", "atomic/ -O2"),
    ("11c", "atomic-* -O0"),
    ("11d", "atomic-* -O2"),
    ("11e", "sync-* -O0"),
    ("11f", "sync-* -O2"),
    ("11g", "stress"),
    ("11h", "stress on bug-no-preempt"),
];

/// GCC's own atomic tests through the runtime on syscall 248, and the stress programs,
/// under random timer preemption: one row per group and level, one for the stress
/// programs on every seed, one for their negative control.
fn atomics_section(
    board: &str,
    ev: &mut Evaluation,
    numbers: &mut Numbers,
    sections: &mut Vec<(String, String)>,
) {
    use crate::atomics::{self, Verdict};
    let s = match atomics::validate_atomics(board) {
        Ok(s) => s,
        Err(e) => {
            for (id, _) in ATOMICS_ROWS {
                ev.push(
                    id,
                    "c11 atomics",
                    Outcome::Fail,
                    format!("could not run: {e}"),
                );
            }
            return;
        }
    };
    let mut rows = ATOMICS_ROWS.iter();
    for (&(g, o), v) in &s.counts {
        let (id, _) = rows.next().expect("a row per group and level");
        let failed: Vec<&str> = s
            .gcc
            .iter()
            .filter(|(tg, to, r)| {
                (*tg, *to) == (g, o) && matches!(r.verdict, Verdict::Fail | Verdict::XPass)
            })
            .map(|(_, _, r)| r.name.as_str())
            .collect();
        let outcome = if failed.is_empty() && v[0] > 0 {
            Outcome::Pass
        } else {
            Outcome::Fail
        };
        let mut detail = format!("pass={} fail={} skip={} xfail={}", v[0], v[1], v[2], v[3]);
        if !failed.is_empty() {
            detail.push_str(&format!(" failed: {}", failed.join(",")));
        }
        ev.push(id, &format!("gcc.dg {}", g.label()), outcome, detail);
    }
    let bad: Vec<String> = s
        .stress
        .iter()
        .flat_map(|(seed, rs)| {
            rs.iter()
                .filter(|r| r.verdict == Verdict::Fail)
                .map(move |r| format!("{} (seed {seed:#x})", r.name))
        })
        .collect();
    let programs = s.stress.first().map_or(0, |(_, rs)| rs.len());
    ev.push(
        "11g",
        "a_*",
        if bad.is_empty() && programs > 0 {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if bad.is_empty() {
            format!("{programs} programs exact under {} seeds", s.stress.len())
        } else {
            format!("failed: {}", bad.join(", "))
        },
    );
    let held: Vec<&str> = s
        .stress_bug
        .iter()
        .filter(|r| {
            atomics::STRESS_MUST_FAIL_ON_BUG.contains(&r.name.as_str())
                && r.verdict == Verdict::Pass
        })
        .map(|r| r.name.as_str())
        .collect();
    let caught = s
        .stress_bug
        .iter()
        .filter(|r| atomics::STRESS_MUST_FAIL_ON_BUG.contains(&r.name.as_str()))
        .count();
    ev.push(
        "11h",
        "a_*+bug-no-preempt",
        if held.is_empty() && caught > 0 {
            Outcome::Pass
        } else {
            Outcome::Fail
        },
        if held.is_empty() {
            format!("all {caught} stress programs fail on the bug-no-preempt kernel")
        } else {
            format!("passed on the buggy kernel: {}", held.join(", "))
        },
    );
    numbers.fetch_add_insns = s.fetch_add.as_ref().map(|f| f.min);
    let skips: Vec<String> = s
        .gcc
        .iter()
        .filter(|(_, _, r)| matches!(r.verdict, Verdict::Skip | Verdict::XFail))
        .map(|(_, o, r)| format!("  {:?} {} {}: {}", r.verdict, r.name, o.flag(), r.detail))
        .collect();
    sections.push((
        "C11 atomics (GCC testsuite)".to_string(),
        format!(
            "{}{}
",
            atomics::render_table(&s.counts),
            skips.join(
                "
"
            )
        ),
    ));
}

/// Which cases each historical bug must break.
const CONTROLS: &[(&str, &str, &[&str])] = &[
    (
        "10b",
        "bug-pre2018",
        &["5", "5b", "6", "7a", "7b", "7c", "7d", "7e"],
    ),
    ("10c", "bug-no-preempt", &["9a", "9b", "9c"]),
];

fn controls(
    opts: &ValidateOptions,
    board: &Board,
    ctx: &Context,
    ev: &mut Evaluation,
    numbers: &mut Numbers,
    main_bar: &ProgressBar,
) {
    for (id, feature, must_fail) in CONTROLS {
        main_bar.set_message(format!("control: {feature}"));
        let program = format!("kernel+{feature}");
        let res = control_run(opts, board, ctx, feature);
        main_bar.inc(1);
        match res {
            Err(e) => ev.push(id, &program, Outcome::Fail, format!("could not run: {e}")),
            Ok((cev, sweep)) => {
                let failed: Vec<&str> = cev
                    .cases
                    .iter()
                    .filter(|c| {
                        c.outcome == Outcome::Fail
                            && !["canary", "verdicts"].contains(&c.id.as_str())
                    })
                    .map(|c| c.id.as_str())
                    .collect();
                let hit: Vec<&str> = failed
                    .iter()
                    .copied()
                    .filter(|c| must_fail.contains(c))
                    .collect();
                let other: Vec<&str> = failed
                    .iter()
                    .copied()
                    .filter(|c| !must_fail.contains(c))
                    .collect();
                let mut d = format!(
                    "fails {} (must fail one of {})",
                    if hit.is_empty() {
                        "none".to_string()
                    } else {
                        hit.join(",")
                    },
                    must_fail.join(",")
                );
                if !other.is_empty() {
                    d.push_str(&format!("; also fails {}", other.join(",")));
                }
                let mut caught = !hit.is_empty();
                if let Some(s) = sweep {
                    d.push_str(&format!(
                        "; sweep: {} violations in {} offsets",
                        s.violations.len(),
                        s.offsets
                    ));
                    numbers.no_preempt_violations = Some(s.violations.len() as u64);
                    caught |= !s.violations.is_empty();
                }
                let o = if caught { Outcome::Pass } else { Outcome::Fail };
                ev.push(id, &program, o, d);
            }
        }
    }
}

fn control_run(
    opts: &ValidateOptions,
    board: &Board,
    ctx: &Context,
    feature: &str,
) -> Result<(Evaluation, Option<SweepResult>)> {
    let bopts = BuildOptions {
        board: opts.board.clone(),
        release: true,
        features: vec![feature.to_string()],
        ..BuildOptions::new(&opts.board)
    };
    let built = build_kernel(&bopts)?;
    let kernel = read(&built.elf)?;
    let (console, _) = crate::runcache::cached(&[b"control", &kernel], || {
        run_image(
            &opts.board,
            Runner::Sim,
            &built.elf,
            &RunOptions {
                max_insns: 2_000_000_000,
                ..RunOptions::default()
            },
        )
        .map(|o| o.console)
    })?;
    let cev = report::evaluate(&report::parse(&console), ctx);
    let sweep = if feature == "bug-no-preempt" && opts.sweep {
        let user = crate::build::output_dir(&bopts)
            .join("user")
            .join("sweep.elf");
        match sweep(board, &kernel, &user, opts, SweepPath::Warm) {
            Ok(s) => Some(s),
            // The kernel's own tick already hit the window: no passing run to sweep
            // from, and the case itself has failed, which is what the control is for.
            Err(e) if e.msg.contains("undisturbed run already fails") => None,
            Err(e) => return Err(e),
        }
    } else {
        None
    };
    Ok((cev, sweep))
}

// ---------------------------------------------------------------- the sweep

/// Which marked call of the sweep program (user/programs/sweep.c) to sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
pub enum SweepPath {
    /// Case 9c: a present, writable word (the common, short path).
    Warm,
    /// Case 9d: a word on a zero-page (COW) mapping: the store faults, the kernel
    /// faults the page in with preemption on and retries (the 2018 fix's path).
    Cow,
}

impl SweepPath {
    /// r3 at `sweep_trap` (user/rt/rt.h SWEEP_MARK_*).
    pub fn marker(self) -> u32 {
        match self {
            SweepPath::Warm => 0x5EE9_C0DE,
            SweepPath::Cow => 0x5EE9_C0DF,
        }
    }
    pub fn case(self) -> &'static str {
        match self {
            SweepPath::Warm => "9c",
            SweepPath::Cow => "9d",
        }
    }
    /// The console text after which the host single-steps to the marked trap.
    fn coarse_until(self) -> &'static str {
        match self {
            SweepPath::Warm => "PROGRAM sweep ",
            SweepPath::Cow => "CASE 9c ",
        }
    }
    pub fn row(self) -> &'static str {
        match self {
            SweepPath::Warm => "sweep",
            SweepPath::Cow => "sweep-cow",
        }
    }
}
const STATUS32_U: u32 = 1 << 7;
/// The timer0 interrupt line.
pub const TIMER_IRQ: u32 = 16;

#[derive(Debug, Clone, Serialize, serde::Deserialize)]
pub struct SweepResult {
    pub path: SweepPath,
    /// For 9d: how many offsets each thread won the race (the competitor only
    /// wins when the injected tick preempted main inside its syscall).
    pub winners: std::collections::BTreeMap<String, u64>,
    /// Offsets swept: 0..=path_insns, each one run.
    pub offsets: u64,
    /// (offset, what went wrong).
    pub violations: Vec<(u64, String)>,
    /// Cycles from the marked `trap_s` to the first user instruction after it.
    pub path_insns: u64,
    /// Cycle count at the marked `trap_s`.
    pub trap_at: u64,
    /// Interrupts the undisturbed run took inside the path (0 = a clean measurement).
    pub natural_irqs_in_path: u64,
    pub mode: String,
    /// What one re-run costs here (for the numbers).
    pub costs: String,
}

impl SweepResult {
    pub fn describe(&self) -> String {
        let mut s = format!(
            "offsets swept {}, violations {} (path {} cycles from trap_s at cycle {}, {})",
            self.offsets,
            self.violations.len(),
            self.path_insns,
            self.trap_at,
            self.mode
        );
        if self.natural_irqs_in_path > 0 {
            s.push_str(&format!(
                "; {} timer tick(s) fell inside the measured path",
                self.natural_irqs_in_path
            ));
        }
        if !self.winners.is_empty() {
            let w: Vec<String> = self
                .winners
                .iter()
                .map(|(k, n)| format!("{k} {n}"))
                .collect();
            s.push_str(&format!("; winner: {}", w.join(", ")));
        }
        if let Some((k, why)) = self.violations.first() {
            s.push_str(&format!(
                "; at offsets {}; first at {k}: {why}",
                ranges(self.violations.iter().map(|v| v.0))
            ));
        }
        s
    }
}

/// `1-3,7,9-10` from sorted numbers.
fn ranges(v: impl Iterator<Item = u64>) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut cur: Option<(u64, u64)> = None;
    for k in v {
        cur = match cur {
            Some((a, b)) if k == b + 1 => Some((a, k)),
            Some((a, b)) => {
                out.push(if a == b {
                    format!("{a}")
                } else {
                    format!("{a}-{b}")
                });
                Some((k, k))
            }
            None => Some((k, k)),
        };
    }
    if let Some((a, b)) = cur {
        out.push(if a == b {
            format!("{a}")
        } else {
            format!("{a}-{b}")
        });
    }
    out.join(",")
}

fn is_marker(m: &Machine, trap_pc: u32, marker: u32) -> bool {
    m.pc() == trap_pc && m.reg(3) == marker && m.reg(8) == 248 && m.status32() & STATUS32_U != 0
}

fn fresh_machine(board: &Board, kernel: &[u8]) -> Result<Machine> {
    let mut m = Machine::new(sim_config(board));
    m.load_elf(kernel)
        .map_err(|e| Error::new("sweep", format!("cannot load the kernel: {e:?}")))?;
    Ok(m)
}

/// Runs `m` until `pred` holds before an instruction, one cycle at a time
/// once `coarse_until` (on the console so far) has appeared.
fn run_to(
    m: &mut Machine,
    console: &mut String,
    coarse_until: &str,
    overshoot: &str,
    budget: u64,
    pred: impl Fn(&Machine) -> bool,
) -> Result<()> {
    let start = m.insns();
    let mut fine = false;
    while m.insns() - start < budget {
        if fine {
            if pred(m) {
                return Ok(());
            }
            if let Some(stop) = stopped(m.run(1)) {
                return Err(Error::new(
                    "sweep",
                    format!("the run ended ({stop}) before the marked syscall"),
                ));
            }
        } else {
            if let Some(stop) = stopped(m.run(1000)) {
                return Err(Error::new(
                    "sweep",
                    format!("the run ended ({stop}) before the sweep program"),
                ));
            }
        }
        console.push_str(&String::from_utf8_lossy(&m.take_console()));
        if !fine && console.contains(coarse_until) {
            fine = true;
        }
        if fine && console.contains(overshoot) {
            return Err(Error::new(
                "sweep",
                "the sweep program finished before its marked syscall was seen (chunk overshoot?)",
            ));
        }
    }
    Err(Error::new(
        "sweep",
        format!("marked syscall not reached within {budget} cycles"),
    ))
}

fn stopped(s: Stop) -> Option<String> {
    match s {
        Stop::InsnLimit => None,
        other => Some(format!("{other:?}")),
    }
}

/// Runs until the sweep program prints its `CASE <case>` line (or `budget`
/// cycles) and judges atomicity from it: PASS, or the reason it is not.
/// Stops at the line (in 5000-cycle slices), so a re-run costs little more
/// than the program's remaining work.
fn finish_offset(m: &mut Machine, budget: u64, case: &str) -> std::result::Result<String, String> {
    let tag = format!("CASE {case} ");
    let pass = format!("CASE {case} PASS");
    let start = m.insns();
    let mut out = String::new();
    while m.insns() - start < budget {
        let stop = m.run(5_000);
        out.push_str(&String::from_utf8_lossy(&m.take_console()));
        // Only whole lines: the text up to the last newline.
        let complete = &out[..out.rfind('\n').map_or(0, |i| i + 1)];
        if let Some(line) = complete.lines().find(|l| l.contains(&tag)) {
            return if line.contains(&pass) {
                Ok(line.trim().to_string())
            } else {
                Err(line.trim().to_string())
            };
        }
        if let Some(v) = complete.lines().find(|l| l.contains("VERDICT sweep ")) {
            return Err(format!("no CASE {case} line; {}", v.trim()));
        }
        if let Some(s) = stopped(stop) {
            return Err(format!("run ended ({s}) before the CASE {case} line"));
        }
    }
    Err(format!(
        "no CASE {case} line within {budget} cycles (hang?)"
    ))
}

/// The preemption sweep. Finds the marked `trap_s` of the sweep program,
/// measures the syscall path (cycles until user mode resumes after it), then
/// for every offset k in 0..=path re-runs from that point with timer0 raised
/// at trap + k and checks the program's atomicity verdict.
pub fn sweep(
    board: &Board,
    kernel: &[u8],
    sweep_elf: &Path,
    opts: &ValidateOptions,
    which: SweepPath,
) -> Result<SweepResult> {
    let user = read(sweep_elf)?;
    let marker = which.marker().to_le_bytes();
    let key: [&[u8]; 4] = [b"sweep", kernel, &user, &marker];
    let (mut s, cached) = crate::runcache::cached(&key, || {
        sweep_uncached(board, kernel, sweep_elf, &user, opts, which)
    })?;
    if cached {
        s.mode = format!("{}, from target/run-cache", s.mode);
    }
    Ok(s)
}

fn sweep_uncached(
    board: &Board,
    kernel: &[u8],
    sweep_elf: &Path,
    user: &[u8],
    opts: &ValidateOptions,
    which: SweepPath,
) -> Result<SweepResult> {
    let (marker, case) = (which.marker(), which.case());
    let trap_pc = elf_symbol(&user, "sweep_trap").ok_or_else(|| {
        Error::new(
            "sweep",
            format!("{} has no sweep_trap symbol", sweep_elf.display()),
        )
    })?;
    let mut m = fresh_machine(board, kernel)?;
    let mut console = String::new();
    let t_reach = Instant::now();
    run_to(
        &mut m,
        &mut console,
        which.coarse_until(),
        &format!("CASE {case} "),
        500_000_000,
        |m| is_marker(m, trap_pc, marker),
    )?;
    let step_wall = t_reach.elapsed();
    let trap_at = m.insns();

    // Snapshot (clone: copies all of RAM) or replay (boot again to the same
    // cycle: the simulator is deterministic)? Take whichever is cheaper here.
    let t = Instant::now();
    let snapshot = m.clone();
    let clone_cost = t.elapsed();
    let t = Instant::now();
    let mut r = fresh_machine(board, kernel)?;
    let _ = r.run(trap_at);
    let replay_cost = t.elapsed();
    if r.insns() != trap_at || !is_marker(&r, trap_pc, marker) {
        return Err(Error::new(
            "sweep",
            format!(
                "replay is not deterministic: at cycle {} pc={:#x} r3={:#x} (stepping took {step_wall:?})",
                r.insns(),
                r.pc(),
                r.reg(3)
            ),
        ));
    }
    let use_snapshot = clone_cost <= replay_cost;

    // Measure the path on the undisturbed machine.
    let irqs_before = m.stats().interrupts;
    let path = loop {
        if let Some(s) = stopped(m.run(1)) {
            return Err(Error::new(
                "sweep",
                format!("the run ended ({s}) inside the syscall"),
            ));
        }
        let path = m.insns() - trap_at;
        if m.pc() == trap_pc + 2 && m.status32() & STATUS32_U != 0 {
            break path;
        }
        if path > 200_000 {
            return Err(Error::new(
                "sweep",
                "the marked syscall did not return within 200000 cycles",
            ));
        }
    };
    let natural = m.stats().interrupts - irqs_before;
    // The undisturbed run must itself pass.
    let t = Instant::now();
    let tail_start = m.insns();
    let tail = finish_offset(&mut m, 50_000_000, case);
    let tail_cost = t.elapsed();
    let tail_cycles = m.insns() - tail_start;
    if let Err(why) = tail {
        return Err(Error::new(
            "sweep",
            format!("the undisturbed run already fails: {why}"),
        ));
    }

    let offsets: Vec<u64> = (0..=path).collect();
    let pb = bar(
        opts,
        offsets.len() as u64,
        &format!("{} offsets", which.row()),
    );
    // Each replay faults in fresh host memory; on this 2-core machine two
    // threads contend on that and are slower than one (measured). XTASK_SWEEP_THREADS overrides.
    let threads = std::env::var("XTASK_SWEEP_THREADS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if use_snapshot { 2 } else { 1 })
        .max(1);
    let (violations, winners) = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                let offsets = &offsets;
                let snapshot = &snapshot;
                let pb = &pb;
                s.spawn(move || {
                    let mut bad = Vec::new();
                    let mut winners = std::collections::BTreeMap::<String, u64>::new();
                    for &k in offsets.iter().skip(i).step_by(threads) {
                        let mut m = if use_snapshot {
                            snapshot.clone()
                        } else {
                            match fresh_machine(board, kernel) {
                                Ok(mut m) => {
                                    let _ = m.run(trap_at);
                                    let _ = m.take_console();
                                    m
                                }
                                Err(e) => {
                                    bad.push((k, e.to_string()));
                                    continue;
                                }
                            }
                        };
                        let _ = m.take_console();
                        m.schedule_irq(trap_at + k, TIMER_IRQ);
                        match finish_offset(&mut m, 50_000_000, case) {
                            Ok(line) => {
                                if let Some(w) = line
                                    .split_whitespace()
                                    .find_map(|t| t.strip_prefix("winner="))
                                {
                                    *winners.entry(w.to_string()).or_default() += 1;
                                }
                            }
                            Err(why) => bad.push((k, why)),
                        }
                        pb.inc(1);
                    }
                    (bad, winners)
                })
            })
            .collect();
        let mut v: Vec<(u64, String)> = Vec::new();
        let mut w = std::collections::BTreeMap::<String, u64>::new();
        for h in handles {
            let (bad, winners) = h.join().unwrap_or_default();
            v.extend(bad);
            for (k, n) in winners {
                *w.entry(k).or_default() += n;
            }
        }
        v.sort();
        (v, w)
    });
    pb.finish_and_clear();
    Ok(SweepResult {
        path: which,
        winners,
        offsets: offsets.len() as u64,
        violations,
        path_insns: path,
        trap_at,
        natural_irqs_in_path: natural,
        mode: if use_snapshot { "snapshot" } else { "replay" }.to_string(),
        costs: format!(
            "clone {:.1} ms, replay to T {:.1} ms, tail {} cycles {:.1} ms, {threads} threads",
            clone_cost.as_secs_f64() * 1e3,
            replay_cost.as_secs_f64() * 1e3,
            tail_cycles,
            tail_cost.as_secs_f64() * 1e3
        ),
    })
}

// ---------------------------------------------------------------- LL/SC bound

/// Runs `user/baseline/llsc_loop.S` on the board's core with LL/SC enabled.
/// Returns (instructions of one successful CAS, instructions per increment).
pub fn llsc_baseline(board: &Board, out_dir: &Path) -> Result<(u64, f64)> {
    let elf_path = crate::user::build_llsc_baseline(out_dir, board.memory.ram_base)?;
    let elf = read(&elf_path)?;
    let sym = |n: &str| {
        elf_symbol(&elf, n)
            .ok_or_else(|| Error::new("baseline", format!("llsc_loop.elf has no {n}")))
    };
    let (start, cas, cas_end, end) = (
        sym("llsc_loop_start")?,
        sym("llsc_cas")?,
        sym("llsc_cas_end")?,
        sym("llsc_loop_end")?,
    );
    let mut cfg = sim_config(board);
    cfg.llsc = true;
    let mut m = Machine::new(cfg);
    m.load_elf(&elf)
        .map_err(|e| Error::new("baseline", format!("cannot load: {e:?}")))?;
    let step_to = |m: &mut Machine, pc: u32| -> Result<u64> {
        for _ in 0..100_000_000u64 {
            if m.pc() == pc {
                return Ok(m.insns());
            }
            if let Some(s) = stopped(m.run(1)) {
                return Err(Error::new(
                    "baseline",
                    format!("ended ({s}) before pc {pc:#x}"),
                ));
            }
        }
        Err(Error::new("baseline", format!("pc {pc:#x} never reached")))
    };
    let t0 = step_to(&mut m, start)?;
    let c0 = step_to(&mut m, cas)?;
    let c1 = step_to(&mut m, cas_end)?;
    let t1 = step_to(&mut m, end)?;
    match m.run(1000) {
        Stop::Exit(0) => {}
        other => {
            return Err(Error::new(
                "baseline",
                format!("the LL/SC loop ended with {other:?}, not exit 0"),
            ));
        }
    }
    let iters = 1000.0;
    Ok((c1 - c0, (t1 - t0) as f64 / iters))
}

// ---------------------------------------------------------------- output

/// The table, the numbers, and the closing `N passed, M failed` line.
pub fn render_summary(s: &Summary) -> String {
    let mut out = format!(
        "validate: board={} runner={} kernel={} (run ended: {})\ncore: {}\n\n",
        s.board,
        s.runner,
        s.kernel.display(),
        s.run_ended,
        s.core
    );
    // The table without its closing line; that comes last.
    let table = report::render(&s.evaluation);
    let mut lines: Vec<&str> = table.lines().collect();
    lines.pop();
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    for (heading, text) in &s.sections {
        out.push_str(&format!("\n{heading}\n{text}"));
    }
    let n = &s.numbers;
    out.push_str("\nnumbers\n");
    out.push_str(&format!(
        "  suite wall time        {:.2} s (boot + all programs)\n",
        n.suite_wall_s
    ));
    if let Some(i) = n.sim_insns {
        out.push_str(&format!("  simulated cycles       {i}\n"));
    }
    if let (Some(o), Some(v)) = (n.offsets_swept, n.violations) {
        out.push_str(&format!(
            "  offsets swept          {o}, violations {v} ({:.2} s, {})\n",
            n.sweep_wall_s.unwrap_or(0.0),
            n.sweep_mode.as_deref().unwrap_or("?")
        ));
    }
    if let Some(c) = &n.sweep_costs {
        out.push_str(&format!("  sweep re-run costs     {c}\n"));
    }
    if let Some(v) = n.no_preempt_violations {
        out.push_str(&format!("  bug-no-preempt sweep   {v} violations\n"));
    }
    if let Some(p) = n.syscall_path_insns {
        out.push_str(&format!(
            "  cmpxchg syscall        {p} cycles trap_s -> user (successful swap, warm TLB)\n"
        ));
    }
    if let Some(p) = n.cow_path_insns {
        out.push_str(&format!(
            "  cmpxchg on a COW word  {p} cycles trap_s -> user (store fault, fault-in, retry)\n"
        ));
    }
    if let (Some(c), Some(i)) = (n.llsc_cas_insns, n.llsc_insns_per_increment) {
        out.push_str(&format!(
            "  LL/SC lower bound      {c} instructions per successful CAS ({i:.1} per increment)\n"
        ));
        if let Some(p) = n.syscall_path_insns {
            out.push_str(&format!(
                "  syscall / LL/SC        {:.0}x\n",
                p as f64 / c.max(1) as f64
            ));
        }
    }
    if let Some(f) = n.fetch_add_insns {
        out.push_str(&format!(
            "  atomic_fetch_add       {f} instructions through the C11 runtime (syscall included)\n"
        ));
    }
    if let Some(a) = n.atomics_wall_s {
        out.push_str(&format!(
            "  atomics wall time      {a:.2} s (GCC tests, stress, control)\n"
        ));
    }
    if let Some(c) = n.controls_wall_s {
        out.push_str(&format!(
            "  controls wall time     {c:.2} s (two builds, runs, one sweep)\n"
        ));
    }
    out.push_str(&format!(
        "  total wall time        {:.2} s\n",
        n.total_wall_s
    ));
    for note in &s.notes {
        out.push_str(&format!("note: {note}\n"));
    }
    out.push('\n');
    out.push_str(&s.evaluation.closing_line());
    out.push('\n');
    out
}

/// `cargo xtask report LOGFILE`: a captured UART log → the same table and verdict.
/// Returns the text to print and whether nothing failed.
pub fn report_file(path: &Path) -> Result<(String, bool)> {
    let bytes = read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    let ctx = Context::for_repo(false)?;
    let parsed = report::parse(&text);
    let ev = report::evaluate(&parsed, &ctx);
    let mut out = String::new();
    if let Some(b) = &parsed.banner {
        let f: Vec<String> = b
            .fields
            .iter()
            .filter(|(_, v)| !v.is_empty())
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        out.push_str(&format!("arc-kernel {} {}\n\n", b.version, f.join(" ")));
    } else {
        out.push_str("no arc-kernel banner in the log\n\n");
    }
    out.push_str(&report::render(&ev));
    let ok = ev.failed() == 0 && ev.passed() > 0;
    Ok((out, ok))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sim_board() -> Board {
        Board::load("sim").unwrap()
    }

    #[test]
    fn offset_ranges() {
        assert_eq!(ranges([1, 2, 3, 7, 9, 10].into_iter()), "1-3,7,9-10");
        assert_eq!(ranges([5].into_iter()), "5");
        assert_eq!(ranges(std::iter::empty()), "");
    }

    /// The hardware lower bound runs, and counts 4 instructions per CAS.
    #[test]
    fn llsc_baseline_measures_the_hardware_loop() {
        let out = std::env::temp_dir().join(format!("xtask-llsc-{}", std::process::id()));
        let (cas, per_inc) = llsc_baseline(&sim_board(), &out).unwrap();
        assert_eq!(cas, 4, "llock, brne, scond, bnz");
        assert!((8.0..12.0).contains(&per_inc), "{per_inc}");
    }

    /// On the `sim` board's core (no LL/SC) the same loop must trap: an
    /// accidental hardware atomic in user code cannot go unnoticed.
    #[test]
    fn llsc_traps_on_the_sim_board() {
        let board = sim_board();
        let out = std::env::temp_dir().join(format!("xtask-llsc-trap-{}", std::process::id()));
        let elf =
            std::fs::read(crate::user::build_llsc_baseline(&out, board.memory.ram_base).unwrap())
                .unwrap();
        let cfg = sim_config(&board);
        assert!(!cfg.llsc);
        let mut m = Machine::new(cfg);
        m.load_elf(&elf).unwrap();
        let stop = m.run(100_000);
        assert_ne!(
            stop,
            Stop::Exit(0),
            "LLOCK/SCOND ran on a core without them"
        );
        assert!(
            m.stats().exceptions[2] > 0,
            "no Instruction Error: {:?}",
            m.stats()
        );
    }
}
