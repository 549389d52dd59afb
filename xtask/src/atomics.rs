//! Issue 10: C11 atomics for LL/SC-less user space.
//!
//! `arc-linux-gnu-gcc -mcpu=em4 -mno-atomic` compiles atomics it cannot inline into calls
//! to libatomic's entry points (`__atomic_fetch_add_4`, `__sync_val_compare_and_swap_4`,
//! `__atomic_exchange_8`, ...). `user/atomic/` implements them over syscall 248 (plus a
//! little libc and pthreads). This module
//!
//! - finds GCC 12's own atomic run tests in the `gcc-12-source` tarball
//!   (`gcc.dg/atomic/*.c`, `gcc.dg/atomic-*.c`, `gcc.dg/sync-*.c`), extracting them into
//!   the cargo target directory (GCC's sources are never committed), and reads their
//!   dg directives ([`parse_directives`], [`discover`]);
//! - compiles each test at -O0 and -O2 for em4 without atomics, links it with the
//!   runtime into one relocatable object, and lets the kernel build link and embed
//!   those as user programs ([`build_gcc_images`]), in images of bounded size;
//! - builds the stress programs of `user/manifest-atomics.txt` the same way
//!   ([`build_stress_image`]);
//! - runs an image on the simulator with random timer preemption and judges every
//!   program by the kernel's VERDICT line ([`run_image`], [`judge`]), and tabulates
//!   pass/fail/skip per group and optimisation level ([`render_table`]);
//! - measures the instructions one `atomic_fetch_add` costs through the runtime
//!   ([`measure_fetch_add`]).
//!
//! Entry point for the validation run: [`validate_atomics`].

use crate::build::{build_kernel, BuildOptions, BuildOutput};
use crate::user::{self, Expect};
use crate::{repo_root, Error, Result};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Debian's `gcc-12-source` package.
pub const GCC_TARBALL: &str = "/usr/src/gcc-12/gcc-12.2.0-dfsg.tar.xz";
/// The directory of the tests inside the tarball.
pub const GCC_DG: &str = "gcc-12.2.0/gcc/testsuite/gcc.dg";
/// What is extracted from the tarball.
const GCC_PATTERNS: &[&str] = &[
    "gcc-12.2.0/gcc/testsuite/gcc.dg/atomic/*",
    "gcc-12.2.0/gcc/testsuite/gcc.dg/atomic-*",
    "gcc-12.2.0/gcc/testsuite/gcc.dg/sync-*",
];

/// The flags of every compile of this issue: em4 without atomics (GCC then calls the
/// runtime), no gp-relative data (crt0 does not set gp), no unaligned access (the `sim`
/// core has none), static non-PIC code.
pub const EM4_FLAGS: &[&str] = &[
    "-mcpu=em4",
    "-mno-atomic",
    "-mno-sdata",
    "-mno-unaligned-access",
    "-fno-pic",
    "-fno-stack-protector",
];

/// The mean gap, in instructions, of the random timer interrupts the stress runs inject
/// (the kernel's own tick comes every 10,000). Each injected interrupt is a kernel tick
/// too, so it also shortens the kernel's 10 s per-program limit (50,000 ticks).
pub const IRQ_MEAN: u64 = 4000;
/// The same for GCC's tests: rarer, as their long single-threaded runs only need the
/// threaded ones preempted at random points and must stay inside the time limit.
pub const GCC_IRQ_MEAN: u64 = 50_000;
/// The timer0 line.
pub const TIMER_IRQ: u32 = 16;
/// Upper bound on the ELF bytes one kernel image embeds (the image must stay below
/// the Rust statics window at RAM_BASE + 4 MiB, xtask/src/build.rs).
pub const IMAGE_BUDGET: u64 = 3 << 20;

/// Where this module builds: `target/atomics`.
pub fn work_dir() -> PathBuf {
    repo_root().join("target").join("atomics")
}

/// The board the section runs on, with its core's compile flags and where that core's
/// objects go (ARC700 objects beside, not over, the em4 ones).
#[derive(Debug, Clone)]
pub struct Target {
    pub board: String,
    pub cpu: &'static [&'static str],
    arcompact: bool,
    dir: PathBuf,
}

impl Target {
    pub fn for_board(board: &str) -> Result<Target> {
        let b = boards::Board::load(board).map_err(|e| Error::new("board", e.to_string()))?;
        let arcompact = b.cpu.isa == boards::Isa::Arcompact;
        Ok(Target {
            board: board.to_string(),
            cpu: if arcompact { ARC700_FLAGS } else { EM4_FLAGS },
            arcompact,
            dir: if arcompact {
                work_dir().join("arc700")
            } else {
                work_dir()
            },
        })
    }

    /// The `sim` board (ARCv2, em4 objects).
    pub fn sim() -> Result<Target> {
        Target::for_board("sim")
    }
}

fn io(stage: &str, p: &Path, e: std::io::Error) -> Error {
    Error::new(stage, format!("{}: {e}", p.display()))
}

// ---------------------------------------------------------------- GCC's tests

/// Extracts GCC's atomic tests from the tarball into `work_dir()/gcc` (once; a stamp
/// file records it) and returns the `gcc.dg` directory.
pub fn gcc_testsuite() -> Result<PathBuf> {
    let dir = work_dir().join("gcc");
    let dg = dir.join(GCC_DG);
    let stamp = dir.join(".extracted");
    if stamp.is_file() && dg.join("atomic").is_dir() {
        return Ok(dg);
    }
    if !Path::new(GCC_TARBALL).is_file() {
        return Err(Error::new(
            "atomics",
            format!(
                "{GCC_TARBALL} is missing: install Debian's gcc-12-source (`cargo xtask setup`)"
            ),
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| io("atomics", &dir, e))?;
    let mut tar = Command::new("tar");
    tar.arg("-xJf")
        .arg(GCC_TARBALL)
        .arg("-C")
        .arg(&dir)
        .arg("--wildcards")
        .args(GCC_PATTERNS);
    crate::build::run("extract GCC's atomic tests", &mut tar)?;
    std::fs::write(&stamp, GCC_TARBALL).map_err(|e| io("atomics", &stamp, e))?;
    Ok(dg)
}

/// The three groups the issue reports on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Group {
    /// `gcc.dg/atomic/*.c` (C11 `_Atomic` and `<stdatomic.h>`)
    Atomic,
    /// `gcc.dg/atomic-*.c` (the `__atomic` builtins)
    AtomicBuiltins,
    /// `gcc.dg/sync-*.c` (the `__sync` builtins)
    Sync,
}

impl Group {
    pub fn label(self) -> &'static str {
        match self {
            Group::Atomic => "atomic/",
            Group::AtomicBuiltins => "atomic-*",
            Group::Sync => "sync-*",
        }
    }

    pub const ALL: [Group; 3] = [Group::Atomic, Group::AtomicBuiltins, Group::Sync];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Opt {
    O0,
    O2,
}

impl Opt {
    pub fn flag(self) -> &'static str {
        match self {
            Opt::O0 => "-O0",
            Opt::O2 => "-O2",
        }
    }
    pub const ALL: [Opt; 2] = [Opt::O0, Opt::O2];
}

/// The dg directives of one test file that matter for building and running it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Directives {
    /// `dg-do` (`run`, `compile`, `link`...); `None` = the .exp default (compile).
    pub dg_do: Option<String>,
    /// The options of the last `dg-options` that applies to ARC.
    pub options: Vec<String>,
    /// `dg-additional-options` that apply to ARC.
    pub additional_options: Vec<String>,
    /// `dg-additional-sources`, relative to the test's directory.
    pub additional_sources: Vec<String>,
    /// `dg-require-effective-target` names (applying to ARC).
    pub requires: Vec<String>,
    /// `dg-add-options` names.
    pub add_options: Vec<String>,
}

/// The target triplet the selectors are matched against.
pub const TARGET_TRIPLET: &str = "arc-unknown-linux-gnu";

/// The `{ ... }` groups of a directive's argument list, as raw strings (nesting kept).
fn brace_args(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut cur = String::new();
    let mut quoted = false;
    let mut word = String::new();
    let flush_word = |w: &mut String, out: &mut Vec<String>| {
        if !w.is_empty() {
            out.push(std::mem::take(w));
        }
    };
    for c in s.chars() {
        if depth == 0 {
            match c {
                '"' if !quoted => {
                    quoted = true;
                    word.clear();
                }
                '"' if quoted => {
                    quoted = false;
                    out.push(std::mem::take(&mut word));
                }
                _ if quoted => word.push(c),
                '{' => {
                    flush_word(&mut word, &mut out);
                    depth = 1;
                    cur.clear();
                }
                c if c.is_whitespace() => flush_word(&mut word, &mut out),
                c => word.push(c),
            }
        } else {
            match c {
                '{' => {
                    depth += 1;
                    cur.push(c);
                }
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push(format!("{{{}}}", cur.trim()));
                    } else {
                        cur.push(c);
                    }
                }
                c => cur.push(c),
            }
        }
    }
    flush_word(&mut word, &mut out);
    out
}

/// Shell-style glob with `*` and `?`.
fn glob(pat: &str, s: &str) -> bool {
    let (p, s): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    fn m(p: &[char], s: &[char]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some('*') => (0..=s.len()).any(|i| m(&p[1..], &s[i..])),
            Some('?') => !s.is_empty() && m(&p[1..], &s[1..]),
            Some(c) => s.first() == Some(c) && m(&p[1..], &s[1..]),
        }
    }
    m(&p, &s)
}

/// Whether a `{ target SELECTOR }` applies to ARC. Simplification: the selector applies
/// when one of its triplet patterns (words with a `-`) matches [`TARGET_TRIPLET`];
/// effective-target terms (`ia32`, `lp64`...) combined with them are not evaluated (no
/// test of these groups combines one with an ARC triplet).
pub fn selector_applies(sel: &str) -> bool {
    let inner = sel.trim().trim_start_matches('{').trim_end_matches('}');
    let mut words = inner.split_whitespace();
    match words.next() {
        Some("target") => {}
        _ => return true,
    }
    inner
        .split(|c: char| c.is_whitespace() || c == '{' || c == '}')
        .filter(|w| w.contains('-'))
        .any(|w| glob(w, TARGET_TRIPLET))
}

/// Reads the dg directives of a test source.
pub fn parse_directives(text: &str) -> Directives {
    let mut d = Directives::default();
    let mut rest = text;
    while let Some(i) = rest.find("{ dg-") {
        let start = &rest[i + 2..];
        // The directive runs to its matching closing brace.
        let mut depth = 1;
        let mut end = start.len();
        for (k, c) in start.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = k;
                        break;
                    }
                }
                _ => {}
            }
        }
        let body = &start[..end];
        rest = &start[end.min(start.len())..];
        let (name, args) = body.split_once(char::is_whitespace).unwrap_or((body, ""));
        let args = brace_args(args);
        let applies = |k: usize| args.get(k).is_none_or(|s| selector_applies(s));
        let words = |s: &String| -> Vec<String> {
            let s = s.trim_start_matches('{').trim_end_matches('}');
            s.split_whitespace().map(str::to_string).collect()
        };
        match name {
            "dg-do" => {
                if let Some(what) = args.first() {
                    if applies(1) {
                        d.dg_do = Some(what.clone());
                    }
                }
            }
            "dg-options" => {
                if let Some(o) = args.first() {
                    if applies(1) {
                        d.options = words(o);
                    }
                }
            }
            "dg-additional-options" => {
                if let Some(o) = args.first() {
                    if applies(1) {
                        d.additional_options.extend(words(o));
                    }
                }
            }
            "dg-additional-sources" => {
                if let Some(o) = args.first() {
                    if applies(1) {
                        d.additional_sources.extend(words(o));
                    }
                }
            }
            "dg-require-effective-target" => {
                if let Some(o) = args.first() {
                    if applies(1) {
                        d.requires.extend(words(o));
                    }
                }
            }
            "dg-add-options" => {
                if let Some(o) = args.first() {
                    d.add_options.extend(words(o));
                }
            }
            _ => {}
        }
    }
    d
}

/// Whether this core and runtime provide an effective target: `Ok` or the skip reason.
pub fn effective_target(name: &str) -> std::result::Result<(), String> {
    match name {
        "pthread" => Ok(()), // user/atomic/libc.c over CLONE_VM threads
        "sync_char_short" | "sync_int_long" => Ok(()), // word CAS on syscall 248
        "sync_long_long" | "sync_long_long_runtime" => Ok(()), // the striped lock
        "alloca" => Ok(()),
        "sync_int_128" | "sync_int_128_runtime" => Err(
            "sync_int_128_runtime: no __int128 on 32-bit ARC (GCC has no 16-byte integer type for ILP32 targets)"
                .to_string(),
        ),
        "fenv_exceptions" => Err(
            "fenv_exceptions: -mcpu=em4 is soft-float; libgcc's ARC float routines raise no floating-point exception flags and the runtime has no <fenv.h>"
                .to_string(),
        ),
        other => Err(format!("{other}: unknown effective target")),
    }
}

/// Extra options of `dg-add-options NAME` on ARC.
fn add_options(name: &str) -> std::result::Result<Vec<String>, String> {
    match name {
        // target-supports.exp adds nothing for ARC.
        "ieee" => Ok(Vec::new()),
        other => Err(format!("dg-add-options {other}: unknown")),
    }
}

/// One `dg-do run` test.
#[derive(Debug, Clone)]
pub struct GccTest {
    /// Program name: the file stem, `atomic.` in front for `gcc.dg/atomic/`.
    pub name: String,
    pub group: Group,
    pub source: PathBuf,
    pub extra_sources: Vec<PathBuf>,
    /// dg-options, dg-additional-options, dg-add-options (dump options dropped).
    pub flags: Vec<String>,
    /// Why it cannot be built here, if it cannot.
    pub skip: Option<String>,
}

/// Every `dg-do run` test of the three groups under `gcc_dg`, sorted by group and name.
pub fn discover(gcc_dg: &Path) -> Result<Vec<GccTest>> {
    let mut files: Vec<(Group, PathBuf)> = Vec::new();
    let list = |dir: &Path| -> Result<Vec<PathBuf>> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| io("atomics", dir, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "c"))
            .collect();
        v.sort();
        Ok(v)
    };
    for p in list(&gcc_dg.join("atomic"))? {
        files.push((Group::Atomic, p));
    }
    for p in list(gcc_dg)? {
        let stem = p
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        if stem.starts_with("atomic-") {
            files.push((Group::AtomicBuiltins, p));
        } else if stem.starts_with("sync-") {
            files.push((Group::Sync, p));
        }
    }
    let mut out = Vec::new();
    for (group, path) in files {
        let text = std::fs::read_to_string(&path).map_err(|e| io("atomics", &path, e))?;
        let d = parse_directives(&text);
        if d.dg_do.as_deref() != Some("run") {
            continue;
        }
        let stem = path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_string();
        let name = match group {
            Group::Atomic => format!("atomic.{stem}"),
            _ => stem,
        };
        let mut skip = None;
        for r in &d.requires {
            if let Err(why) = effective_target(r) {
                skip.get_or_insert(why);
            }
        }
        let mut flags: Vec<String> = d
            .options
            .iter()
            .chain(&d.additional_options)
            .filter(|o| !o.starts_with("-fdump-"))
            .cloned()
            .collect();
        for a in &d.add_options {
            match add_options(a) {
                Ok(f) => flags.extend(f),
                Err(why) => {
                    skip.get_or_insert(why);
                }
            }
        }
        let dir = path.parent().unwrap_or(gcc_dg).to_path_buf();
        out.push(GccTest {
            name,
            group,
            extra_sources: d.additional_sources.iter().map(|s| dir.join(s)).collect(),
            source: path,
            flags,
            skip,
        });
    }
    Ok(out)
}

// ---------------------------------------------------------------- building

/// [`EM4_FLAGS`] for the ARC700 board (`sim-arc700`), whose runtime is the same source.
pub const ARC700_FLAGS: &[&str] = &[
    "-mcpu=arc700",
    "-mno-atomic",
    "-mno-sdata",
    "-mno-unaligned-access",
    "-fno-pic",
    "-fno-stack-protector",
];

/// GCC for a compile with `flags` (the core's): GCC's own headers, then the runtime's
/// libc headers.
fn cpu_gcc(flags: &[&str], depfile: &Path) -> Result<Command> {
    let mut c = toolchain::gcc(toolchain::Headers::Freestanding, depfile)
        .map_err(|e| Error::new("atomics", e))?;
    c.args(flags)
        .arg("-isystem")
        .arg(user::user_dir().join("atomic").join("include"));
    Ok(c)
}

/// `ARC_OBJCOPY` overrides it.
fn objcopy() -> String {
    std::env::var("ARC_OBJCOPY").unwrap_or_else(|_| "arc-linux-gnu-objcopy".to_string())
}

/// Compiles `src` into `obj` unless `obj` is newer than `src`, the extra inputs and
/// the dependency list, with the same command line (kept in `obj.cmd`).
fn compile_cached_for(
    cpu: &[&str],
    src: &Path,
    obj: &Path,
    args: &[String],
    inputs: &[&Path],
) -> Result<()> {
    let depfile = obj.with_extension("d");
    let cmdfile = obj.with_extension("cmd");
    let line = format!("{} {} {}", src.display(), cpu.join(" "), args.join(" "));
    let fresh = std::fs::read_to_string(&cmdfile).ok().as_deref() == Some(line.as_str())
        && !crate::build::stale(obj, &[&[src], inputs].concat())
        && {
            let deps = toolchain::depfile_paths(&depfile);
            !deps.is_empty()
                && !crate::build::stale(obj, &deps.iter().map(PathBuf::as_path).collect::<Vec<_>>())
        };
    if fresh {
        return Ok(());
    }
    let unit = src.display().to_string();
    let mut c = cpu_gcc(cpu, &depfile)?;
    c.args(args).arg("-c").arg(src).arg("-o").arg(obj);
    crate::build::run(&format!("arc-linux-gnu-gcc {} ({unit})", cpu[0]), &mut c)?;
    toolchain::check_depfile(&depfile, &unit).map_err(|e| Error::new("atomics", e))?;
    std::fs::write(&cmdfile, line).map_err(|e| io("atomics", &cmdfile, e))
}

/// The runtime (`user/atomic/atomic.c`, `libc.c`, `softfp.c`), compiled for em4 at -O2
/// into `out`.
pub fn build_runtime(out: &Path) -> Result<Vec<PathBuf>> {
    build_units_for(EM4_FLAGS, out, &["atomic.c", "libc.c", "softfp.c"])
}

/// The runtime and `user/atomic/testmain.c` (the `main` that runs a GCC test's renamed
/// main on a large stack) for `t`'s core, in its object directory.
fn build_runtime_for(t: &Target) -> Result<(Vec<PathBuf>, PathBuf)> {
    let out = t.dir.join("runtime");
    let runtime = if t.arcompact {
        build_runtime_arc700(&out)?
    } else {
        build_runtime(&out)?
    };
    let testmain = build_units_for(t.cpu, &out, &["testmain.c"])?.remove(0);
    Ok((runtime, testmain))
}

/// The runtime compiled for ARC700 (`-mcpu=arc700 -mno-atomic`) into `out`, each object
/// checked for LLOCK/SCOND like every user program.
pub fn build_runtime_arc700(out: &Path) -> Result<Vec<PathBuf>> {
    let objs = build_units_for(ARC700_FLAGS, out, &["atomic.c", "libc.c", "softfp.c"])?;
    for o in &objs {
        let dis = crate::build::capture("objdump", Command::new(user::objdump()).arg("-d").arg(o))?;
        let bad = user::llsc_lines(&dis);
        if !bad.is_empty() {
            return Err(Error::new(
                "atomics",
                format!("{} contains LLOCK/SCOND:\n{}", o.display(), bad.join("\n")),
            ));
        }
        std::fs::write(o.with_extension("dis"), dis)
            .map_err(|e| io("atomics", &o.with_extension("dis"), e))?;
    }
    Ok(objs)
}

fn build_units_for(cpu: &[&str], out: &Path, units: &[&str]) -> Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out).map_err(|e| io("atomics", out, e))?;
    let dir = user::user_dir().join("atomic");
    let mut objs = Vec::new();
    for unit in units {
        let obj = out.join(unit.replace(".c", ".o"));
        let args: Vec<String> = ["-O2", "-ffreestanding", "-fno-builtin", "-Wall", "-Wextra"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        compile_cached_for(cpu, &dir.join(unit), &obj, &args, &[])?;
        objs.push(obj);
    }
    Ok(objs)
}

/// Links `objs` and the runtime into one relocatable object `out` (what the kernel
/// build links with user/rt into the program), and checks it holds no LLOCK/SCOND.
fn prelink(cpu: &[&str], objs: &[PathBuf], runtime: &[PathBuf], out: &Path) -> Result<()> {
    let inputs: Vec<&Path> = objs.iter().chain(runtime).map(PathBuf::as_path).collect();
    if !crate::build::stale(out, &inputs) {
        return Ok(());
    }
    let mut c = Command::new(toolchain::gcc_name());
    c.args([cpu[0], "-nostdlib", "-r", "-o"])
        .arg(out)
        .args(objs)
        .args(runtime);
    crate::build::run("arc-linux-gnu-gcc -r (prelink)", &mut c)?;
    user::check_no_llsc(out, &out.with_extension("dis"))
}

/// A test as built for one optimisation level: the object to embed, or why not.
#[derive(Debug, Clone)]
pub struct BuiltTest {
    pub name: String,
    pub group: Group,
    pub opt: Opt,
    pub object: Option<PathBuf>,
    pub skip: Option<String>,
}

/// Compiles one test at one level (`out` = its directory) into a prelinked object
/// (`runtime` ends with the testmain object). The test's `main` becomes
/// `gcc_test_main`, which `user/atomic/testmain.c` calls on a large stack.
pub fn build_test(
    cpu: &[&str],
    t: &GccTest,
    opt: Opt,
    runtime: &[PathBuf],
    out: &Path,
) -> Result<PathBuf> {
    std::fs::create_dir_all(out).map_err(|e| io("atomics", out, e))?;
    let mut args: Vec<String> = vec![opt.flag().to_string()];
    args.extend(t.flags.iter().cloned());
    let mut objs = Vec::new();
    for (i, src) in std::iter::once(&t.source)
        .chain(&t.extra_sources)
        .enumerate()
    {
        let obj = out.join(format!("{}.{i}.o", t.name));
        compile_cached_for(cpu, src, &obj, &args, &[])?;
        let renamed = out.join(format!("{}.{i}.main.o", t.name));
        if crate::build::stale(&renamed, &[&obj]) {
            let mut c = Command::new(objcopy());
            c.arg("--redefine-sym")
                .arg("main=gcc_test_main")
                .arg(&obj)
                .arg(&renamed);
            crate::build::run("arc-linux-gnu-objcopy", &mut c)?;
        }
        objs.push(renamed);
    }
    let prog = out.join(format!("{}.prog.o", t.name));
    prelink(cpu, &objs, runtime, &prog)?;
    Ok(prog)
}

/// Runs `f` over `items` on two threads (the machine has two cores), keeping order.
fn parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let n = items.len().div_ceil(2).max(1);
    std::thread::scope(|s| {
        let hs: Vec<_> = items
            .chunks(n)
            .map(|c| {
                let f = &f;
                s.spawn(move || c.iter().map(f).collect::<Vec<_>>())
            })
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().expect("build thread"))
            .collect()
    })
}

/// Builds every discovered test at every level; a test that does not compile is an
/// error (a runtime entry point or header is missing), a skipped one carries its reason.
pub fn build_gcc_tests(target: &Target, tests: &[GccTest]) -> Result<Vec<BuiltTest>> {
    let (mut runtime, testmain) = build_runtime_for(target)?;
    runtime.push(testmain);
    let jobs: Vec<(&GccTest, Opt)> = Opt::ALL
        .iter()
        .flat_map(|&o| tests.iter().map(move |t| (t, o)))
        .collect();
    let built = parallel(&jobs, |&(t, opt)| -> Result<BuiltTest> {
        let object = match &t.skip {
            Some(_) => None,
            None => Some(build_test(
                target.cpu,
                t,
                opt,
                &runtime,
                &target.dir.join(format!("{opt:?}")),
            )?),
        };
        Ok(BuiltTest {
            name: t.name.clone(),
            group: t.group,
            opt,
            object,
            skip: t.skip.clone(),
        })
    });
    built.into_iter().collect()
}

/// One kernel image's worth of programs.
#[derive(Debug, Clone)]
pub struct Image {
    /// The manifest's stem, e.g. `atomics-gcc-O0-1`.
    pub name: String,
    /// (program name, prelinked object, expected end).
    pub programs: Vec<(String, PathBuf, Expect)>,
    /// Kernel cargo features.
    pub features: Vec<String>,
}

/// Splits programs into images whose objects sum to at most `budget` bytes (the linked
/// ELFs are a little smaller than the objects: section headers and relocations go).
pub fn batch(prefix: &str, programs: Vec<(String, PathBuf, Expect)>, budget: u64) -> Vec<Image> {
    let mut images: Vec<Image> = Vec::new();
    let mut size = u64::MAX;
    for p in programs {
        let s = std::fs::metadata(&p.1).map(|m| m.len()).unwrap_or(0);
        if size.saturating_add(s) > budget {
            images.push(Image {
                name: format!("{prefix}-{}", images.len() + 1),
                programs: Vec::new(),
                features: Vec::new(),
            });
            size = 0;
        }
        size += s;
        images.last_mut().expect("an image").programs.push(p);
    }
    images
}

/// Writes the image's manifest into `work_dir()/images` and builds `board`'s kernel with it.
/// The manifest's sources are the prelinked objects; the kernel build links each with
/// user/rt, checks it for LLOCK/SCOND and embeds it.
pub fn build_image(img: &Image, board: &str) -> Result<BuildOutput> {
    let dir = work_dir().join("images");
    std::fs::create_dir_all(&dir).map_err(|e| io("atomics", &dir, e))?;
    let mut text = String::from("# Generated by xtask::atomics (issue 10); not a source file.\n");
    for (name, obj, expect) in &img.programs {
        let _ = writeln!(
            text,
            "{name} {} - {} {name}",
            obj.display(),
            expect.to_report()
        );
    }
    let file = dir.join(format!("{}.txt", img.name));
    if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
        std::fs::write(&file, &text).map_err(|e| io("atomics", &file, e))?;
    }
    // build_kernel reads the manifest from user/<manifest>: a path relative to user/.
    let rel = pathdiff(&file, &user::user_dir());
    let out = build_kernel(&BuildOptions {
        manifest: rel,
        features: img.features.clone(),
        ..BuildOptions::new(board)
    })?;
    for p in &out.programs {
        let dis = p.elf.with_extension("dis");
        let text = std::fs::read_to_string(&dis).map_err(|e| io("atomics", &dis, e))?;
        let bad = fpu_lines(&text);
        if !bad.is_empty() {
            return Err(Error::new(
                "atomics",
                format!(
                    "{} uses FPU instructions, which the `sim` core lacks (a libgcc helper \
                     user/atomic/softfp.c does not replace yet?):\n{}",
                    p.name,
                    bad.join("\n")
                ),
            ));
        }
    }
    Ok(out)
}

/// Lines of an objdump listing with an ARC FPU instruction (`fs*`, `fd*`, `fcvt*`), with
/// the function they are in.
pub fn fpu_lines(disasm: &str) -> Vec<String> {
    let mut func = "";
    let mut out = Vec::new();
    for l in disasm.lines() {
        if l.ends_with(">:") {
            func = l;
            continue;
        }
        let mut f = l.split('\t');
        let (_, _, m) = (f.next(), f.next(), f.next());
        let m = m.unwrap_or("").trim();
        if m.starts_with("fcvt") || m.starts_with("fs") || m.starts_with("fd") {
            out.push(format!("{func} {l}"));
        }
    }
    out
}

/// `target` relative to `base` (both absolute, under the repository).
fn pathdiff(target: &Path, base: &Path) -> String {
    let t: Vec<_> = target.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = t.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &t[common..] {
        out.push(c);
    }
    out.display().to_string()
}

/// GCC's tests at both levels, in images of at most [`IMAGE_BUDGET`] bytes each.
pub fn gcc_images(built: &[BuiltTest]) -> Vec<Image> {
    let mut images = Vec::new();
    for opt in Opt::ALL {
        let progs: Vec<(String, PathBuf, Expect)> = built
            .iter()
            .filter(|b| b.opt == opt)
            .filter_map(|b| Some((b.name.clone(), b.object.clone()?, Expect::Exit(0))))
            .collect();
        images.extend(batch(&format!("atomics-gcc-{opt:?}"), progs, IMAGE_BUDGET));
    }
    // GCC's c11-atomic-exec-4 at -O0 needs more than the default 10 s of simulated time.
    for img in &mut images {
        img.features = vec!["long-time-limit".to_string()];
    }
    images
}

/// The stress programs: `user/manifest-atomics.txt`, sources in `user/programs/`,
/// compiled for the target's core at -O2 with the runtime.
pub const STRESS_MANIFEST: &str = "manifest-atomics.txt";

/// Builds the stress programs' objects and returns the image (kernel `features`).
pub fn stress_image(target: &Target, features: &[&str]) -> Result<Image> {
    let (runtime, _) = build_runtime_for(target)?;
    let out = target.dir.join("stress");
    std::fs::create_dir_all(&out).map_err(|e| io("atomics", &out, e))?;
    let entries = user::manifest_named(STRESS_MANIFEST)?;
    let mut programs = Vec::new();
    for e in &entries {
        let mut args: Vec<String> = [
            "-O2",
            "-std=gnu11",
            "-ffreestanding",
            "-fno-builtin",
            "-Wall",
            "-Wextra",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        args.extend(e.defines.iter().map(|d| format!("-D{d}")));
        let obj = out.join(format!("{}.0.o", e.name));
        compile_cached_for(
            target.cpu,
            &user::user_dir().join("programs").join(&e.source),
            &obj,
            &args,
            &[],
        )?;
        let prog = out.join(format!("{}.prog.o", e.name));
        prelink(target.cpu, &[obj], &runtime, &prog)?;
        programs.push((e.name.clone(), prog, e.expect));
    }
    Ok(Image {
        // The kernel's output directory adds the features to the manifest's stem.
        name: "atomics-stress".to_string(),
        programs,
        features: features.iter().map(|s| s.to_string()).collect(),
    })
}

// ---------------------------------------------------------------- running

/// How a run went.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ImageRun {
    pub console: String,
    pub stop: String,
    pub insns: u64,
    pub wall: std::time::Duration,
    /// Taken from the validation run's cache (`runcache`): the same image, injections
    /// and simulator ran before.
    #[serde(default)]
    pub cached: bool,
}

/// Boots `elf` on `board`'s simulated core with timer0 raised at random gaps (mean
/// `irq_mean` instructions, xorshift seeded with `seed`; 0 = no injection).
pub fn run_image(
    board: &str,
    elf: &Path,
    seed: u64,
    irq_mean: u64,
    max_insns: u64,
) -> Result<ImageRun> {
    let image = std::fs::read(elf).map_err(|e| io("run", elf, e))?;
    let params = [seed, irq_mean, max_insns].map(u64::to_le_bytes);
    let key: [&[u8]; 5] = [&image, &params[0], &params[1], &params[2], board.as_bytes()];
    let (mut run, cached) = crate::runcache::cached(&key, || {
        run_image_uncached(board, elf, &image, seed, irq_mean, max_insns)
    })?;
    run.cached = cached;
    Ok(run)
}

fn run_image_uncached(
    board: &str,
    elf: &Path,
    image: &[u8],
    seed: u64,
    irq_mean: u64,
    max_insns: u64,
) -> Result<ImageRun> {
    let t0 = std::time::Instant::now();
    let board = boards::Board::load(board).map_err(|e| Error::new("board", e.to_string()))?;
    let mut m = arcsim::Machine::try_new(crate::run::sim_config(&board))
        .map_err(|e| Error::new("sim", e.to_string()))?;
    m.load_elf(image)
        .map_err(|e| Error::new("sim", format!("{}: {e}", elf.display())))?;
    if seed != 0 {
        m.schedule_irq_random(seed, irq_mean, TIMER_IRQ);
    }
    let stop = m.run(max_insns);
    Ok(ImageRun {
        console: String::from_utf8_lossy(&m.take_console()).into_owned(),
        stop: format!("{stop:?}"),
        insns: m.insns(),
        wall: t0.elapsed(),
        cached: false,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Fail,
    Skip,
    /// Failed, as [`KNOWN_FAILURES`] says it must.
    XFail,
    /// In [`KNOWN_FAILURES`] but passed: counts as a failure (the list is stale).
    XPass,
}

/// Tests that fail here for a reason outside the runtime: (program, level or `None` for
/// both, reason).
pub const KNOWN_FAILURES: &[(&str, Option<Opt>, &str)] = &[(
    "atomic-lockfree",
    Some(Opt::O2),
    "invalid at -O2 where __atomic_always_lock_free is false: its aux file returns 2 \
         from __atomic_is_lock_free, whose builtin type is bool, and GCC folds `r2 != 2` \
         to true, so main is compiled to abort()",
)];

/// The reason a test is a known failure at `opt`, if it is one.
pub fn known_failure(name: &str, opt: Opt) -> Option<&'static str> {
    KNOWN_FAILURES
        .iter()
        .find(|(n, o, _)| *n == name && o.is_none_or(|o| o == opt))
        .map(|(_, _, why)| *why)
}

/// One program's result.
#[derive(Debug, Clone)]
pub struct TestResult {
    pub name: String,
    pub verdict: Verdict,
    /// What the kernel said (`got=`), the abort line, or the skip reason.
    pub detail: String,
}

/// Judges every program of `names` from a console: PASS only with the kernel's
/// `VERDICT <name> PASS`; a missing record (the run ended early) is a FAIL.
pub fn judge(console: &str, names: &[String]) -> Vec<TestResult> {
    let rep = crate::report::parse(console);
    names
        .iter()
        .map(|n| match rep.program(n).and_then(|p| p.verdict.as_ref()) {
            Some(v) if v.pass => TestResult {
                name: n.clone(),
                verdict: Verdict::Pass,
                detail: v.got.clone(),
            },
            Some(v) => TestResult {
                name: n.clone(),
                verdict: Verdict::Fail,
                detail: format!("got={}", v.got),
            },
            None => TestResult {
                name: n.clone(),
                verdict: Verdict::Fail,
                detail: "no VERDICT line (run ended before it)".to_string(),
            },
        })
        .collect()
}

/// Pass/fail/skip per (group, level).
/// Pass/fail/skip/xfail per (group, level); XPASS counts as a failure.
pub type Counts = BTreeMap<(Group, Opt), [u32; 4]>;

pub fn count(results: &[(Group, Opt, TestResult)]) -> Counts {
    let mut c = Counts::new();
    for g in Group::ALL {
        for o in Opt::ALL {
            c.insert((g, o), [0; 4]);
        }
    }
    for (g, o, r) in results {
        let e = c.entry((*g, *o)).or_default();
        match r.verdict {
            Verdict::Pass => e[0] += 1,
            Verdict::Fail | Verdict::XPass => e[1] += 1,
            Verdict::Skip => e[2] += 1,
            Verdict::XFail => e[3] += 1,
        }
    }
    c
}

pub fn render_table(c: &Counts) -> String {
    let mut s = String::from("group      level  pass  fail  skip xfail\n");
    let mut tot = [0u32; 4];
    for ((g, o), v) in c {
        let _ = writeln!(
            s,
            "{:<10} {:<5} {:>5} {:>5} {:>5} {:>5}",
            g.label(),
            o.flag(),
            v[0],
            v[1],
            v[2],
            v[3]
        );
        for i in 0..4 {
            tot[i] += v[i];
        }
    }
    let _ = writeln!(
        s,
        "{:<10} {:<5} {:>5} {:>5} {:>5} {:>5}",
        "total", "", tot[0], tot[1], tot[2], tot[3]
    );
    s
}

/// The whole GCC part: discover, build, run every image (timer preemption with `seed`),
/// judge. Returns (group, level, result) for every test, skips included.
pub fn run_gcc_tests(board: &str, seed: u64) -> Result<Vec<(Group, Opt, TestResult)>> {
    run_gcc_tests_with(board, &|elf, img| {
        let max = max_insns_for(img.programs.len());
        Ok(run_image(board, elf, seed, GCC_IRQ_MEAN, max)?.console)
    })
}

/// [`run_gcc_tests`] with images built for `board` and booted by `run` (image ELF, image)
/// -> console.
pub fn run_gcc_tests_with(
    board: &str,
    run: &dyn Fn(&Path, &Image) -> Result<String>,
) -> Result<Vec<(Group, Opt, TestResult)>> {
    let dg = gcc_testsuite()?;
    let tests = discover(&dg)?;
    let built = build_gcc_tests(&Target::for_board(board)?, &tests)?;
    let mut results: Vec<(Group, Opt, TestResult)> = built
        .iter()
        .filter_map(|b| {
            Some((
                b.group,
                b.opt,
                TestResult {
                    name: b.name.clone(),
                    verdict: Verdict::Skip,
                    detail: b.skip.clone()?,
                },
            ))
        })
        .collect();
    for img in gcc_images(&built) {
        let out = build_image(&img, board)?;
        let console = run(&out.elf, &img)?;
        let log = work_dir()
            .join("images")
            .join(format!("{}-{board}.log", img.name));
        std::fs::write(&log, &console).map_err(|e| io("atomics", &log, e))?;
        let names: Vec<String> = img.programs.iter().map(|p| p.0.clone()).collect();
        for mut r in judge(&console, &names) {
            let b = built
                .iter()
                .find(|b| b.name == r.name && img.name.contains(&format!("{:?}", b.opt)))
                .expect("a built test");
            if let Some(why) = known_failure(&r.name, b.opt) {
                r.verdict = match r.verdict {
                    Verdict::Fail => Verdict::XFail,
                    _ => Verdict::XPass,
                };
                r.detail = format!("{} ({why})", r.detail);
            }
            results.push((b.group, b.opt, r));
        }
    }
    Ok(results)
}

/// Instruction budget: each program may use up to the kernel's 10 s limit (500 M);
/// the GCC images' one long test (60 s limit, `long-time-limit`) fits in the margin.
pub fn max_insns_for(programs: usize) -> u64 {
    (programs as u64 + 6) * 600_000_000
}

// ---------------------------------------------------------------- measuring

/// The cost of one `atomic_fetch_add` (on an `_Atomic int`, through
/// `__atomic_fetch_add_4` and syscall 248), from the `a_bench` stress program: the
/// instructions between consecutive passes of its loop label `fa_loop`, user and
/// kernel together, one uncontended call per iteration plus the loop's own 3 or so.
#[derive(Debug, Clone, Copy, serde::Serialize, serde::Deserialize)]
pub struct FetchAddCost {
    /// Fewest instructions of one iteration (no timer tick inside).
    pub min: u64,
    /// Median over the iterations.
    pub median: u64,
    pub iterations: usize,
}

/// Single-steps the `a_bench` program (first in `kernel_elf`'s table, its user ELF
/// `bench_elf`) and measures [`FetchAddCost`].
pub fn measure_fetch_add(board: &str, kernel_elf: &Path, bench_elf: &Path) -> Result<FetchAddCost> {
    let kernel = std::fs::read(kernel_elf).map_err(|e| io("measure", kernel_elf, e))?;
    let bench = std::fs::read(bench_elf).map_err(|e| io("measure", bench_elf, e))?;
    let key: [&[u8]; 4] = [b"fetch_add", &kernel, &bench, board.as_bytes()];
    crate::runcache::cached(&key, || {
        measure_fetch_add_uncached(board, kernel_elf, bench_elf, &bench)
    })
    .map(|(cost, _)| cost)
}

fn measure_fetch_add_uncached(
    board: &str,
    kernel_elf: &Path,
    bench_elf: &Path,
    bytes: &[u8],
) -> Result<FetchAddCost> {
    let sym = |name: &str| -> Result<u32> {
        use object::{Object, ObjectSymbol};
        object::File::parse(&*bytes)
            .ok()
            .and_then(|f| {
                f.symbols()
                    .find(|s| s.name() == Ok(name))
                    .map(|s| s.address() as u32)
            })
            .ok_or_else(|| Error::new("measure", format!("{} has no {name}", bench_elf.display())))
    };
    let head = sym("fa_loop")?;
    let end = sym("fa_loop_end")?;
    let image = std::fs::read(kernel_elf).map_err(|e| io("measure", kernel_elf, e))?;
    let board = boards::Board::load(board).map_err(|e| Error::new("board", e.to_string()))?;
    let mut m = arcsim::Machine::try_new(crate::run::sim_config(&board))
        .map_err(|e| Error::new("sim", e.to_string()))?;
    m.load_elf(&image)
        .map_err(|e| Error::new("sim", e.to_string()))?;
    let mut console = Vec::new();
    while !String::from_utf8_lossy(&console).contains("PROGRAM a_bench") {
        if !matches!(m.run(2000), arcsim::Stop::InsnLimit) || m.insns() > 1_000_000_000 {
            return Err(Error::new("measure", "a_bench never started"));
        }
        console.extend(m.take_console());
    }
    let user = |m: &arcsim::Machine| m.status32() & (1 << 7) != 0;
    let mut passes = Vec::new();
    let limit = m.insns() + 200_000_000;
    // An interrupt taken at fa_loop returns to it: that is the same pass, not a new one.
    let mut last_user_pc = 0;
    loop {
        if !matches!(m.run(1), arcsim::Stop::InsnLimit) || m.insns() > limit {
            return Err(Error::new("measure", "a_bench ended before fa_loop_end"));
        }
        if user(&m) && m.pc() == head && last_user_pc != head {
            passes.push(m.insns());
        }
        if user(&m) {
            last_user_pc = m.pc();
        }
        if user(&m) && m.pc() == end && !passes.is_empty() {
            break;
        }
    }
    let mut d: Vec<u64> = passes.windows(2).map(|w| w[1] - w[0]).collect();
    if d.is_empty() {
        return Err(Error::new(
            "measure",
            "fa_loop ran fewer than two iterations",
        ));
    }
    d.sort_unstable();
    Ok(FetchAddCost {
        min: d[0],
        median: d[d.len() / 2],
        iterations: d.len(),
    })
}

// ---------------------------------------------------------------- for `validate`

/// What [`validate_atomics`] found.
#[derive(Debug, Clone)]
pub struct AtomicsSummary {
    /// Every GCC test at every level, with its group and verdict (skips included).
    pub gcc: Vec<(Group, Opt, TestResult)>,
    /// Pass/fail/skip per group and level.
    pub counts: Counts,
    /// The stress programs on the correct kernel (per seed).
    pub stress: Vec<(u64, Vec<TestResult>)>,
    /// The stress programs on the `bug-no-preempt` kernel (must fail).
    pub stress_bug: Vec<TestResult>,
    /// One `atomic_fetch_add` through the runtime.
    pub fetch_add: Option<FetchAddCost>,
}

impl AtomicsSummary {
    /// Failures: a GCC test that failed, a stress program that failed on the correct
    /// kernel, or one that passed on the buggy kernel (the control did not bite).
    pub fn failures(&self) -> Vec<String> {
        let mut f: Vec<String> = self
            .gcc
            .iter()
            .filter(|(_, _, r)| matches!(r.verdict, Verdict::Fail | Verdict::XPass))
            .map(|(_, o, r)| format!("{} {}: {:?} {}", r.name, o.flag(), r.verdict, r.detail))
            .collect();
        f.extend(stress_failures(&self.stress));
        for r in self
            .stress_bug
            .iter()
            .filter(|r| STRESS_MUST_FAIL_ON_BUG.contains(&r.name.as_str()))
        {
            if r.verdict == Verdict::Pass {
                f.push(format!("{} passed on the bug-no-preempt kernel", r.name));
            }
        }
        f
    }
}

/// Stress programs that are controls on the correct kernel: they pass when they catch
/// a defect outside the kernel (a_flag_inline: GCC's non-atomic inline test-and-set),
/// which takes a tick inside a one-instruction window. Like the bug-kernel controls,
/// each must catch it under at least one seed, not under every one: a seed whose ticks
/// never land there (0x9E3779B9 once the idle loop began clearing frames) is a coin.
pub const STRESS_CONTROLS: &[&str] = &["a_flag_inline"];

/// The failures among stress runs on the correct kernel: an ordinary program that
/// failed under any seed, or a control that failed under every seed.
pub fn stress_failures(stress: &[(u64, Vec<TestResult>)]) -> Vec<String> {
    let mut f = Vec::new();
    for (seed, rs) in stress {
        for r in rs.iter().filter(|r| r.verdict != Verdict::Pass) {
            if !STRESS_CONTROLS.contains(&r.name.as_str()) {
                f.push(format!("{} (seed {seed:#x}): {}", r.name, r.detail));
            }
        }
    }
    for c in STRESS_CONTROLS {
        let runs: Vec<&TestResult> = stress
            .iter()
            .filter_map(|(_, rs)| rs.iter().find(|r| r.name == *c))
            .collect();
        if runs.iter().all(|r| r.verdict != Verdict::Pass) {
            let why: Vec<String> = stress
                .iter()
                .zip(&runs)
                .map(|((seed, _), r)| format!("seed {seed:#x}: {}", r.detail))
                .collect();
            f.push(format!(
                "{c} caught nothing under any seed ({})",
                why.join("; ")
            ));
        }
    }
    f
}

/// The stress programs that must fail on the `bug-no-preempt` kernel.
pub const STRESS_MUST_FAIL_ON_BUG: &[&str] =
    &["a_counters", "a_subword", "a_stack", "a_stack64", "a_flag"];

/// The seeds of the random timer preemption.
pub const SEEDS: &[u64] = &[0x9E37_79B9, 0x2545_F491, 0xC0FF_EE11];

/// Runs the stress image with `features` under every seed in `seeds`.
pub fn run_stress(
    target: &Target,
    features: &[&str],
    seeds: &[u64],
) -> Result<Vec<(u64, Vec<TestResult>)>> {
    let img = stress_image(target, features)?;
    let out = build_image(&img, &target.board)?;
    let names: Vec<String> = img.programs.iter().map(|p| p.0.clone()).collect();
    let mut res = Vec::new();
    for &seed in seeds {
        let max = max_insns_for(names.len());
        let run = run_image(&target.board, &out.elf, seed, IRQ_MEAN, max)?;
        res.push((seed, judge(&run.console, &names)));
    }
    Ok(res)
}

/// The stress programs on the `bug-no-preempt` kernel under every seed of [`SEEDS`]; a
/// program's result is its first failure, or a pass if no seed caught it. A control
/// bites when some seed catches the program: whether a random tick lands in the few
/// instructions of the unprotected window moves with every change to the syscall path's
/// length, so one seed alone is a coin the kernel's speed can flip.
pub fn run_stress_on_bug_kernel(target: &Target) -> Result<Vec<TestResult>> {
    let mut merged: Vec<TestResult> = Vec::new();
    for (_, results) in run_stress(target, &["bug-no-preempt"], SEEDS)? {
        for r in results {
            match merged.iter_mut().find(|b| b.name == r.name) {
                Some(b) if b.verdict == Verdict::Pass => *b = r,
                Some(_) => {}
                None => merged.push(r),
            }
        }
    }
    Ok(merged)
}

/// The validation run's atomics section: GCC's tests at -O0 and -O2, the stress
/// programs on the correct kernel under [`SEEDS`] and on `bug-no-preempt`, and the
/// cost of one fetch_add. `failures()` empty = the section passed.
pub fn validate_atomics(board: &str) -> Result<AtomicsSummary> {
    let target = Target::for_board(board)?;
    let gcc = run_gcc_tests(board, SEEDS[0])?;
    let counts = count(&gcc);
    let stress = run_stress(&target, &[], SEEDS)?;
    let stress_bug = run_stress_on_bug_kernel(&target)?;
    let img = stress_image(&target, &[])?;
    let out = build_image(&img, board)?;
    let bench = out
        .programs
        .iter()
        .find(|p| p.name == "a_bench")
        .map(|p| p.elf.clone());
    let fetch_add = match bench {
        Some(b) => Some(measure_fetch_add(board, &out.elf, &b)?),
        None => None,
    };
    Ok(AtomicsSummary {
        gcc,
        counts,
        stress,
        stress_bug,
        fetch_add,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directives_are_read_with_target_selectors() {
        let t = r#"
/* { dg-do run } */
/* { dg-require-effective-target sync_long_long_runtime } */
/* { dg-options "" } */
/* { dg-options "-march=pentium" { target { { i?86-*-* x86_64-*-* } && ia32 } } } */
/* { dg-additional-options "-D_XOPEN_SOURCE=600" { target *-*-solaris2* } } */
/* { dg-additional-options "-DARC" { target arc*-*-* } } */
/* { dg-additional-sources "aux.c" } */
/* { dg-add-options ieee } */
"#;
        let d = parse_directives(t);
        assert_eq!(d.dg_do.as_deref(), Some("run"));
        assert_eq!(d.requires, vec!["sync_long_long_runtime"]);
        assert!(d.options.is_empty(), "{:?}", d.options);
        assert_eq!(d.additional_options, vec!["-DARC"]);
        assert_eq!(d.additional_sources, vec!["aux.c"]);
        assert_eq!(d.add_options, vec!["ieee"]);
        let d = parse_directives(
            "/* { dg-do run } */\n/* { dg-options \"-std=c11 -pedantic-errors -pthread\" } */",
        );
        assert_eq!(d.options, vec!["-std=c11", "-pedantic-errors", "-pthread"]);
        assert_eq!(
            parse_directives("/* { dg-do compile } */").dg_do.as_deref(),
            Some("compile")
        );
        assert_eq!(parse_directives("int x;").dg_do, None);
    }

    #[test]
    fn selectors_and_effective_targets() {
        assert!(selector_applies("{ target arc*-*-* }"));
        assert!(selector_applies("{ target *-*-* }"));
        assert!(!selector_applies("{ target alpha*-*-* }"));
        assert!(!selector_applies(
            "{ target { { i?86-*-* x86_64-*-* } && ia32 } }"
        ));
        assert!(effective_target("sync_char_short").is_ok());
        assert!(effective_target("sync_int_128_runtime").is_err());
        assert!(effective_target("fenv_exceptions").is_err());
        assert!(effective_target("no_such_thing").is_err());
    }

    #[test]
    fn a_control_needs_one_seed_an_ordinary_program_every_seed() {
        let r = |name: &str, pass: bool| TestResult {
            name: name.into(),
            verdict: if pass { Verdict::Pass } else { Verdict::Fail },
            detail: String::new(),
        };
        let runs = |a: [bool; 2], c: [bool; 2]| {
            vec![
                (1, vec![r("a_flag", a[0]), r("a_flag_inline", c[0])]),
                (2, vec![r("a_flag", a[1]), r("a_flag_inline", c[1])]),
            ]
        };
        assert!(stress_failures(&runs([true, true], [false, true])).is_empty());
        let f = stress_failures(&runs([true, false], [true, true]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("a_flag (seed 0x2)"), "{f:?}");
        let f = stress_failures(&runs([true, true], [false, false]));
        assert_eq!(f.len(), 1, "{f:?}");
        assert!(f[0].starts_with("a_flag_inline caught nothing"), "{f:?}");
    }

    #[test]
    fn judge_needs_a_verdict() {
        let console = "PROGRAM a pid=1 expect=exit:0\nTASK 1 a exit=0\nVERDICT a PASS expect=exit:0 got=exit:0\n\
                       PROGRAM b pid=2 expect=exit:0\nABORT\nTASK 2 b signal=SIGABRT addr=0x00000000 pc=0x00010000 word=none\nVERDICT b FAIL expect=exit:0 got=signal:SIGABRT\n";
        let names = ["a", "b", "c"].map(String::from);
        let r = judge(console, &names);
        assert_eq!(
            r.iter().map(|r| r.verdict).collect::<Vec<_>>(),
            vec![Verdict::Pass, Verdict::Fail, Verdict::Fail]
        );
    }

    #[test]
    fn paths_relative_to_user() {
        assert_eq!(
            pathdiff(
                Path::new("/r/target/atomics/images/x.txt"),
                Path::new("/r/user")
            ),
            "../target/atomics/images/x.txt"
        );
    }
}
