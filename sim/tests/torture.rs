//! GCC's C torture execute tests (gcc/testsuite/gcc.c-torture/execute/*.c from Debian's
//! gcc-12-source tarball) compiled at -O2 for ARC HS38 with the bare-metal runtime in
//! tests/c/rt and run on arcsim; and again for ARC700 (`gcc_torture_execute_arc700`:
//! `-mcpu=arc700`, crt0_arc700.S, the libgcc archive of `cargo xtask libgcc-arc700`, on an
//! ARCompact core), with the same skip rules and pass-rate floor.
//!
//! `cargo test -p arcsim --release --test torture -- --nocapture`
//!
//! Environment:
//! - ARC700_LIBGCC=<path>: the ARC700 libgcc archive to link instead of running
//!   `cargo xtask libgcc-arc700` (which rebuilds target/libgcc/arc700/libgcc-arc700.a only
//!   when its inputs changed).
//! - ARC_REQUIRE_TORTURE=1: a missing tarball is a failure instead of a loud skip.
//! - ARC_GCC_TARBALL=<path>: another gcc source tarball.
//! - TORTURE_FILTER=<substring>: run only matching tests (the pass-rate floor still applies).
//! - TORTURE_LIMIT=<n>: instruction limit per test (default 300 million).
//! - TORTURE_JOBS=<n>: worker threads (default: available parallelism).
//! - TORTURE_UNALIGNED=1: build with -munaligned-access and run on a core with the
//!   unaligned-access option (crt0 sets STATUS32.AD) instead of -mno-unaligned-access.
//!   HS only (ARC700 has no unaligned-access option).
//! - TORTURE_IRQ=<mean>: inject interrupts at random gaps of that mean into every test.
//!   HS only (arcsim does not model ARC700 interrupts yet).
//! - TORTURE_SAMPLE=<n>: run every n-th test only.
//! - TORTURE_OPT=<flag>: optimisation level instead of -O2 (for exploring; the floor
//!   applies all the same).

mod common;

use arcsim::config::Isa;
use common::sim::{self, End, Opts};
use common::Core;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

const DEFAULT_TARBALL: &str = "/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz";
const EXECUTE_DIR: &str = "gcc/testsuite/gcc.c-torture/execute";
const DEFAULT_LIMIT: u64 = 300_000_000;
/// At least this fraction of the compiled and linked tests must pass.
const PASS_FLOOR: f64 = 0.95;

/// Extracts `*/<subdir>/*` from the tarball, once, into `<target tmp>/<root_name>`.
fn extract_dir(tarball: &Path, root_name: &str, subdir: &str) -> Result<PathBuf, String> {
    let root = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(root_name);
    let stamp = root.join(".extracted");
    let find = |root: &Path| -> Option<PathBuf> {
        let rd = std::fs::read_dir(root).ok()?;
        for e in rd.flatten() {
            let p = e.path().join(subdir);
            if p.is_dir() {
                return Some(p);
            }
        }
        None
    };
    let want = format!("{}\n", tarball.display());
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        if let Some(p) = find(&root) {
            return Ok(p);
        }
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).map_err(|e| format!("mkdir {}: {e}", root.display()))?;
    let t = Instant::now();
    let o = Command::new("tar")
        .arg("-xJf")
        .arg(tarball)
        .arg("-C")
        .arg(&root)
        .arg("--wildcards")
        .arg(format!(
            "*/{}/*",
            subdir.trim_start_matches("gcc/testsuite/")
        ))
        .output()
        .map_err(|e| format!("cannot run tar: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "tar failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    std::fs::write(&stamp, want).map_err(|e| format!("write stamp: {e}"))?;
    println!(
        "torture: extracted {} in {:.1}s",
        subdir,
        t.elapsed().as_secs_f64()
    );
    find(&root).ok_or_else(|| format!("{subdir} not found in {}", tarball.display()))
}

/// The `{ ... }` group starting at `s[0] == '{'`, without the outer braces.
fn brace_group(s: &str) -> Option<(&str, &str)> {
    let mut depth = 0;
    for (i, ch) in s.char_indices() {
        match ch {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return Some((&s[1..i], &s[i + 1..]));
                }
            }
            _ => {}
        }
    }
    None
}

/// Skips a leading quoted string or brace group; returns (item, rest).
fn dg_item(s: &str) -> Option<(String, &str)> {
    let s = s.trim_start();
    if let Some(r) = s.strip_prefix('"') {
        let end = r.find('"')?;
        return Some((r[..end].to_string(), &r[end + 1..]));
    }
    if s.starts_with('{') {
        let (inner, rest) = brace_group(s)?;
        return Some((inner.trim().to_string(), rest));
    }
    let end = s
        .find(|c: char| c.is_whitespace() || c == '}')
        .unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((s[..end].to_string(), &s[end..]))
}

/// Effective-target keywords that hold for this target (ARC HS38, ILP32, bare metal with
/// our runtime). Any other keyword (`signal`, `freestanding`, `lp64`, ...) is false.
const TRUE_EFFECTIVE_TARGETS: &[&str] = &[
    "alloca",
    "int32plus",
    "int32",
    "size32plus",
    "ptr32plus",
    "ilp32",
    "longlong64",
    "double64",
    "double64plus",
    "label_values",
    "indirect_jumps",
    "nonlocal_goto",
    "return_address",
    "stdint_types",
    "untyped_assembly",
    "unwrapped",
];

/// Does a DejaGnu selector (`target` list, effective-target keywords, `!` negation) hold
/// for this target (arc-*-*)?
fn selector_matches(sel: &str) -> bool {
    let sel = sel.trim();
    let sel = sel.strip_prefix("target").map(str::trim).unwrap_or(sel);
    let sel = sel.trim_matches(|c| c == '{' || c == '}' || c == ' ');
    if let Some(inner) = sel.strip_prefix('!') {
        return !selector_matches(inner);
    }
    sel.split_whitespace().any(|w| {
        let w = w.trim_matches(|c| c == '"' || c == '{' || c == '}');
        if w.contains('-') {
            w == "*-*-*" || w.starts_with("arc")
        } else {
            TRUE_EFFECTIVE_TARGETS.contains(&w)
        }
    })
}

fn opt_level() -> String {
    std::env::var("TORTURE_OPT").unwrap_or_else(|_| "-O2".to_string())
}

/// TORTURE_IRQ=<mean>: inject interrupts (line 20 or 21, see crt0.S) at pseudo-random
/// gaps of that mean into every test; the results must not change.
fn irq_mean(core: Core) -> Option<u64> {
    if core != Core::Hs {
        return None;
    }
    std::env::var("TORTURE_IRQ")
        .ok()
        .and_then(|v| v.parse().ok())
}

fn unaligned(core: Core) -> bool {
    core == Core::Hs
        && std::env::var("TORTURE_UNALIGNED")
            .map(|v| v == "1")
            .unwrap_or(false)
}

fn base_flags(core: Core) -> Vec<String> {
    let mut f = vec![opt_level(), "-w".to_string()];
    if unaligned(core) {
        f.push("-munaligned-access".to_string());
    }
    f
}

struct Plan {
    name: String,
    path: PathBuf,
    extra: Vec<String>,
    /// The test has `{ dg-do run }` (gcc.dg tests only run with it).
    dg_run: bool,
}

/// Decides from the test's source and DejaGnu directives whether it can run here, and
/// with which extra options.
fn plan(path: &Path, core: Core) -> Result<Plan, String> {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let src = std::fs::read(path).map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&src);
    let mut extra = Vec::new();
    let mut dg_run = false;
    for (needle, reason) in [
        ("__int128", "needs int128"),
        ("_Decimal", "needs decimal float"),
        ("__float128", "needs float128"),
        ("_Float128", "needs float128"),
        ("_Float64x", "needs float64x"),
        ("fenv.h", "needs fenv"),
        ("mmap", "needs mmap"),
        ("fopen", "needs file I/O"),
    ] {
        if text.contains(needle) {
            return Err(reason.to_string());
        }
    }
    for line in text.lines() {
        let Some(p) = line.find("{ dg-") else {
            continue;
        };
        let d = &line[p + 2..];
        let (kw, rest) = d.split_at(d.find(char::is_whitespace).unwrap_or(d.len()));
        match kw {
            "dg-do" => {
                let (what, rest) = dg_item(rest).unwrap_or_default();
                if what == "run" {
                    dg_run = match dg_item(rest) {
                        Some((sel, _)) if !sel.is_empty() => selector_matches(&sel),
                        _ => true,
                    };
                }
            }
            "dg-require-effective-target" => {
                let (what, _) = dg_item(rest).unwrap_or_default();
                match what.as_str() {
                    "trampolines" => return Err("needs trampolines (nested functions)".into()),
                    "int128" => return Err("needs int128".into()),
                    "dfp" => return Err("needs decimal float".into()),
                    "fileio" => return Err("needs file I/O".into()),
                    "mmap" => return Err("needs mmap".into()),
                    "c99_runtime" => return Err("needs the C99 runtime (libm)".into()),
                    "lp64" | "int16" | "ptr16" => return Err(format!("needs {what}")),
                    _ => {}
                }
            }
            "dg-skip-if" => {
                let (desc, rest) = dg_item(rest).unwrap_or_default();
                let Some((sel, rest)) = dg_item(rest) else {
                    continue;
                };
                if sel.contains("freestanding") {
                    continue; // we do have a console and the few stdio calls tests make
                }
                if selector_matches(&sel) {
                    // `{ *-*-* } { "-O1" } { "" }` style: skipped only with those options.
                    if let Some((incl, _)) = dg_item(rest) {
                        let opts: Vec<&str> = incl
                            .split_whitespace()
                            .map(|o| o.trim_matches('"'))
                            .collect();
                        let flags = base_flags(core);
                        if !opts
                            .iter()
                            .any(|o| *o == "*" || flags.iter().any(|f| f == o))
                        {
                            continue;
                        }
                    }
                    return Err(if desc.is_empty() {
                        format!("dg-skip-if for target {{{sel}}}")
                    } else {
                        format!("dg-skip-if: {desc}")
                    });
                }
            }
            "dg-options" | "dg-additional-options" => {
                let Some((opts, rest)) = dg_item(rest) else {
                    continue;
                };
                if let Some((sel, _)) = dg_item(rest) {
                    if !sel.is_empty() && !selector_matches(&sel) {
                        continue;
                    }
                }
                extra.extend(
                    opts.split_whitespace()
                        .map(|o| o.trim_matches('"').to_string()),
                );
            }
            _ => {}
        }
    }
    extra.push(format!("-I{}", path.parent().unwrap().display()));
    Ok(Plan {
        name,
        path: path.to_path_buf(),
        extra,
        dg_run,
    })
}

enum Outcome {
    /// gcc.dg tests without `{ dg-do run }`: compile-only tests, not counted.
    NotRun,
    Skipped(String),
    Passed,
    Failed(String),
}

fn first_error(msg: &str) -> String {
    let line = msg
        .lines()
        .find(|l| l.contains("undefined reference"))
        .or_else(|| msg.lines().find(|l| l.contains("error")))
        .unwrap_or_else(|| msg.lines().next().unwrap_or(""));
    let line = line.trim();
    if let Some(p) = line.find("undefined reference to") {
        return format!("link: {}", &line[p..]);
    }
    // Strip the long path prefix of compiler diagnostics.
    match line.find(": error: ") {
        Some(p) => format!("compile: {}", &line[p + 9..]),
        None => format!("build: {line}"),
    }
}

fn run_one(plan: &Plan, limit: u64, core: Core) -> Outcome {
    let mut flags = base_flags(core);
    flags.extend(plan.extra.iter().cloned());
    let cache = match core {
        Core::Hs => "torture",
        Core::Arc700 => "torture-arc700",
    };
    let path = match common::build_c_cached_path_for(
        core,
        cache,
        &plan.name,
        &[plan.path.clone()],
        &flags,
    ) {
        Ok(p) => p,
        Err(msg) => return Outcome::Skipped(first_error(&msg)),
    };
    let elf = match std::fs::read(&path) {
        Ok(e) => e,
        Err(e) => return Outcome::Failed(format!("read {}: {e}", path.display())),
    };
    let opts = Opts {
        llsc: true,
        unaligned: unaligned(core),
        ..Opts::default()
    };
    let mut cfg = sim::config(opts);
    if core == Core::Arc700 {
        cfg.isa = Isa::ArcCompact;
    }
    let r = std::panic::catch_unwind(|| match irq_mean(core) {
        None => sim::run_elf(&elf, cfg.clone(), limit),
        Some(mean) => {
            let irqs = sim::Irqs::Random {
                seed: 0x5eed ^ elf.len() as u64,
                mean,
                irq: if elf.len() % 2 == 0 { 20 } else { 21 },
            };
            sim::run_elf_irqs(&elf, cfg.clone(), limit, irqs, &[]).map(|(r, _)| r)
        }
    });
    match r {
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            Outcome::Failed(format!("simulator panicked: {msg}"))
        }
        Ok(Err(e)) => Outcome::Failed(format!("load_elf: {e}")),
        Ok(Ok(run)) => match run.end {
            End::Exit(0) => Outcome::Passed,
            end => {
                let tail: String = run
                    .console
                    .lines()
                    .rev()
                    .take(3)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect::<Vec<_>>()
                    .join(" | ");
                Outcome::Failed(format!(
                    "{end} after {} insns, pc={:#010x}; console: {tail} [{}]",
                    run.insns,
                    run.pc,
                    path.display()
                ))
            }
        },
    }
}

/// A setup problem (no toolchain, no ARC700 libgcc archive): the test fails with this
/// text, printed as is (no escaping, no backtrace).
struct Setup(String);

impl std::fmt::Debug for Setup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<String> for Setup {
    fn from(s: String) -> Setup {
        Setup(s)
    }
}

#[test]
fn gcc_torture_execute() -> Result<(), Setup> {
    run_suite("torture", "gcc-torture", EXECUTE_DIR, false, Core::Hs)
}

/// The same tests, skip rules and floor for ARC700 (issue 12: the ARCompact simulator
/// and the libgcc routines `cargo xtask libgcc-arc700` builds, whose ARC700-only
/// assembly these tests are the first to run).
#[test]
fn gcc_torture_execute_arc700() -> Result<(), Setup> {
    run_suite(
        "torture-arc700",
        "gcc-torture",
        EXECUTE_DIR,
        false,
        Core::Arc700,
    )
}

/// Exploratory, not part of the brief's corpus: GCC's gcc.dg/torture tests with
/// `{ dg-do run }` (facts.md: 529 of them ran on QEMU). Extracted separately into
/// `<target tmp>/gcc-dg-torture`.
/// `cargo test -p arcsim --release --test torture -- --ignored --nocapture`
#[test]
#[ignore = "exploratory: run with -- --ignored"]
fn gcc_dg_torture_run() -> Result<(), Setup> {
    run_suite(
        "dg-torture",
        "gcc-dg-torture",
        "gcc/testsuite/gcc.dg/torture",
        true,
        Core::Hs,
    )
}

/// Exploratory: gcc.c-torture/execute/ieee (IEEE floating point through libgcc's soft-fp
/// and the runtime's FPU-free conversion helpers). Same extraction as the main suite.
#[test]
#[ignore = "exploratory: run with -- --ignored"]
fn gcc_torture_execute_ieee() -> Result<(), Setup> {
    run_suite("ieee", "gcc-torture", EXECUTE_DIR, false, Core::Hs)
}

/// Exploratory: the ieee tests for ARC700, where they run libgcc's hand-written
/// ieee-754 assembly (`cargo xtask libgcc-arc700`).
#[test]
#[ignore = "exploratory: run with -- --ignored"]
fn gcc_torture_execute_ieee_arc700() -> Result<(), Setup> {
    run_suite(
        "ieee-arc700",
        "gcc-torture",
        EXECUTE_DIR,
        false,
        Core::Arc700,
    )
}

/// One suite at a time: each already keeps every core busy, and the two default ones
/// share the extracted tests.
static SUITE: Mutex<()> = Mutex::new(());

fn run_suite(
    label: &str,
    root_name: &str,
    subdir: &str,
    dg_run_only: bool,
    core: Core,
) -> Result<(), Setup> {
    let _one_at_a_time = SUITE.lock().unwrap_or_else(|e| e.into_inner());
    let started = Instant::now();
    let tarball = PathBuf::from(
        std::env::var("ARC_GCC_TARBALL").unwrap_or_else(|_| DEFAULT_TARBALL.to_string()),
    );
    let required = std::env::var("ARC_REQUIRE_TORTURE")
        .map(|v| v == "1")
        .unwrap_or(false);
    if !tarball.exists() {
        let msg = format!(
            "SKIPPED: GCC torture tests: {} is missing (Debian package gcc-12-source; run `cargo xtask setup`)",
            tarball.display()
        );
        println!(
            "\n{}\n{msg}\n{}\n",
            "!".repeat(msg.len()),
            "!".repeat(msg.len())
        );
        eprintln!("{msg}");
        assert!(!required, "{msg} and ARC_REQUIRE_TORTURE=1");
        return Ok(());
    }
    common::check_toolchain()?;
    if core == Core::Arc700 {
        common::libgcc_arc700()?;
    }
    let mut dir = extract_dir(&tarball, root_name, subdir)
        .unwrap_or_else(|e| panic!("extracting the torture tests: {e}"));
    if label.starts_with("ieee") {
        dir = dir.join("ieee");
    }
    let filter = std::env::var("TORTURE_FILTER").unwrap_or_default();
    let limit: u64 = std::env::var("TORTURE_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_LIMIT);
    let jobs: usize = std::env::var("TORTURE_JOBS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::thread::available_parallelism()
                .map(|n| n.get())
                .unwrap_or(2)
        });

    let mut tests: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("read execute dir")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().map(|e| e == "c").unwrap_or(false))
        .filter(|p| p.file_name().unwrap().to_string_lossy().contains(&filter))
        .collect();
    tests.sort();
    // TORTURE_SAMPLE=n: every n-th test only (quick looks; the workspace builds arcsim at
    // opt-level 3 even in the dev profile, so debug runs are fast enough for all).
    let sample = std::env::var("TORTURE_SAMPLE")
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    if sample > 1 {
        let msg = format!(
            "NOTE: running 1 in {sample} torture tests (TORTURE_SAMPLE); \
             `cargo test -p arcsim --release --test torture` runs them all"
        );
        println!("{msg}");
        eprintln!("{msg}");
        tests = tests.into_iter().step_by(sample).collect();
    }
    assert!(
        !tests.is_empty(),
        "no torture tests found in {} (filter {filter:?})",
        dir.display()
    );
    common::runtime_for(core); // build once before the workers start

    // Negative controls: programs that fail in the ways torture tests fail must be
    // reported as failures by this harness.
    let ctl_dir = common::cache_dir("torture-controls");
    for (name, src) in [
        (
            "control-abort",
            "#include <stdlib.h>\nint main(void) { abort(); }\n",
        ),
        ("control-exit1", "int main(void) { return 1; }\n"),
        (
            "control-spin",
            "int main(void) { for (;;) { __asm__ volatile(\"\"); } }\n",
        ),
        (
            "control-trap",
            "int main(void) { __asm__ volatile(\".short 0x3800, 0x0000\"); return 0; }\n",
        ),
    ] {
        let path = ctl_dir.join(format!("{name}.c"));
        common::write_atomic(&path, src.as_bytes());
        let p = plan(&path, core).expect("control plan");
        match run_one(&p, 1_000_000, core) {
            Outcome::Failed(why) => {
                println!("torture: negative control {name} fails as it must: {why}")
            }
            Outcome::Passed => {
                panic!("negative control {name} passed: the harness cannot see failures")
            }
            Outcome::Skipped(why) => panic!("negative control {name} was skipped: {why}"),
            Outcome::NotRun => unreachable!(),
        }
    }

    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Outcome, f64)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = tests.get(i) else { break };
                let t = Instant::now();
                let name = path.file_stem().unwrap().to_string_lossy().into_owned();
                let outcome = match plan(path, core) {
                    Err(reason) => Outcome::Skipped(reason),
                    Ok(p) if dg_run_only && !p.dg_run => Outcome::NotRun,
                    Ok(p) => run_one(&p, limit, core),
                };
                results
                    .lock()
                    .unwrap()
                    .push((name, outcome, t.elapsed().as_secs_f64()));
            });
        }
    });
    let mut results = results.into_inner().unwrap();
    results.sort_by(|a, b| a.0.cmp(&b.0));

    let mut passed = 0;
    let mut not_run = 0;
    let mut failed = Vec::new();
    let mut skipped: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (name, o, _) in &results {
        match o {
            Outcome::Passed => passed += 1,
            Outcome::Failed(why) => failed.push(format!("{name}: {why}")),
            Outcome::Skipped(why) => skipped.entry(why.clone()).or_default().push(name.clone()),
            Outcome::NotRun => not_run += 1,
        }
    }
    let nskipped: usize = skipped.values().map(Vec::len).sum();
    let compiled = passed + failed.len();
    let mut report = String::new();
    report.push_str(&format!(
        "{label}: {} tests, compiled {compiled}, passed {passed}, failed {}, skipped-with-reason {nskipped} \
         ({} {}, limit {limit} insns{}, {jobs} jobs, {:.1}s)\n",
        results.len() - not_run,
        failed.len(),
        opt_level(),
        if unaligned(core) {
            "-mcpu=hs38 -munaligned-access, unaligned core".to_string()
        } else {
            core.cflags().join(" ")
        },
        irq_mean(core)
            .map(|m| format!(", random IRQs mean gap {m}"))
            .unwrap_or_default(),
        started.elapsed().as_secs_f64()
    ));
    report.push_str("skipped, by reason:\n");
    let mut by_count: Vec<_> = skipped.iter().collect();
    by_count.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(b.0)));
    for (why, names) in by_count {
        report.push_str(&format!(
            "  {:4}  {why}: {}\n",
            names.len(),
            names.join(" ")
        ));
    }
    report.push_str("failed:\n");
    for f in &failed {
        report.push_str(&format!("  {f}\n"));
    }
    let mut slow: Vec<_> = results.iter().map(|(n, _, t)| (t, n)).collect();
    slow.sort_by(|a, b| b.0.partial_cmp(a.0).unwrap());
    report.push_str("slowest:");
    for (t, n) in slow.iter().take(8) {
        report.push_str(&format!(" {n} {t:.1}s"));
    }
    report.push('\n');
    if not_run > 0 {
        report.push_str(&format!(
            "({not_run} compile-only tests without dg-do run not counted)\n"
        ));
    }
    let report_path = common::cache_dir(".").join(format!("{label}-report.txt"));
    let _ = std::fs::write(&report_path, &report);
    println!("{report}(report also in {})", report_path.display());

    assert!(compiled > 0, "no torture test compiled");
    let rate = passed as f64 / compiled as f64;
    assert!(
        rate >= PASS_FLOOR,
        "only {passed} of {compiled} compiled torture tests passed ({:.1}% < {:.0}%); failures:\n{}",
        rate * 100.0,
        PASS_FLOOR * 100.0,
        failed.join("\n")
    );
    Ok(())
}
