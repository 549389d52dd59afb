//! Issue 12, part 2: libgcc for ARC700 (ARCompact).
//!
//! Debian's cross `libgcc.a` is built for ARCv2 only: `-mcpu=arc700` objects do not link
//! against it ("failed to merge target specific data"), and ARC700 code needs its
//! routines more than ARCv2 code does (no divide instruction). This module builds the
//! routines from GCC 12's own sources in Debian's `gcc-12-source` tarball, the way
//! libgcc's `config/arc/t-arc` does for an ARC700 multilib:
//!
//! - `config/arc/lib1funcs.S` once per `LIB1ASMFUNCS` entry (`-DL<name>`): 32-bit
//!   multiply/divide, and for `__ARC700__` the hand-written IEEE-754 routines of
//!   `config/arc/ieee-754/`;
//! - `libgcc2.c` once per function of libgcc's `Makefile.in` (`-DL<name>`): 64-bit
//!   arithmetic, bit counting, trapping arithmetic, float/integer conversions;
//! - fp-bit (`fp-bit.c` under `config/arc/fp-hack.h` / `dp-hack.h`) for the float
//!   routines the assembly does not cover, and `config/arc/lib2funcs.c`.
//!
//! GCC's sources are extracted into the target directory, never committed. The
//! configuration headers a GCC build would generate (`tconfig.h`, `tm.h`, ...) are
//! written from [`CONFIG_HEADERS`]: they hold only the few arc-linux-gnu facts libgcc2.c
//! reads; everything else comes from the compiler itself (`-fbuilding-libgcc` predefines
//! the `__LIBGCC_*` macros). Every compile goes through [`toolchain::gcc`] (`-nostdinc`)
//! and its dependency list is checked for host headers.
//!
//! The archive is cached: a stamp holds a hash of the tarball's identity, the compiler's
//! version, the flags,
//! the unit list and this file's text; when it matches, nothing is compiled.

use crate::{repo_root, Error, Result};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The sources, inside the tarball.
const TOP: &str = "gcc-12.2.0";
const EXTRACT: &[&str] = &[
    "gcc-12.2.0/libgcc/libgcc2.c",
    "gcc-12.2.0/libgcc/libgcc2.h",
    "gcc-12.2.0/libgcc/gbl-ctors.h",
    "gcc-12.2.0/libgcc/fp-bit.c",
    "gcc-12.2.0/libgcc/fp-bit.h",
    "gcc-12.2.0/libgcc/config/arc/*",
    "gcc-12.2.0/include/longlong.h",
];

/// `LIB1ASMFUNCS` of `libgcc/config/arc/t-arc`.
#[rustfmt::skip]
pub const LIB1_FUNCS: &[&str] = &[
    "_mulsi3", "_umulsidi3", "_umulsi3_highpart", "_muldi3", "_udivsi3", "_divsi3",
    "_umodsi3", "_modsi3", "_divmod_tools", "_clzsi2", "_millicodethunk_st",
    "_millicodethunk_ld", "_millicodethunk_ret", "_adddf3", "_muldf3", "_addsf3",
    "_mulsf3", "_divsf3", "_divdf3", "_truncdfsf2", "_extendsfdf2", "_eqdf2", "_eqsf2",
    "_gedf2", "_gesf2", "_gtdf2", "_gtsf2", "_uneqdf2", "_uneqsf2", "_ordsf2", "_orddf2",
    "_fixdfsi", "_fixsfsi", "_floatsidf", "_floatsisf", "_fixunsdfsi", "_floatunsidf",
];

/// `lib2funcs`, `LIB2_DIVMOD_FUNCS` and the SF/DF float conversions of libgcc's
/// `Makefile.in`, less `_muldi3` and `_fixunsdfsi` (the Makefile filters
/// out what LIB1ASMFUNCS has; both would define the symbol) and the units
/// that compile to nothing on ARC: the XF/TF/HC modes it does not have, `_eprintf`
/// (needs a libc), `_trampoline`, and `__main`/`_ctors` (ELF uses .init_array).
#[rustfmt::skip]
pub const LIB2_FUNCS: &[&str] = &[
    "_negdi2", "_lshrdi3", "_ashldi3", "_ashrdi3", "_cmpdi2", "_ucmpdi2", "_clear_cache",
    "_absvsi2", "_absvdi2", "_addvsi3", "_addvdi3", "_subvsi3", "_subvdi3", "_mulvsi3",
    "_mulvdi3", "_negvsi2", "_negvdi2", "_ffssi2", "_ffsdi2", "_clz", "_clzdi2", "_ctzsi2",
    "_ctzdi2", "_popcount_tab", "_popcountsi2", "_popcountdi2", "_paritysi2",
    "_paritydi2", "_powisf2", "_powidf2", "_mulsc3", "_muldc3", "_divsc3", "_divdc3",
    "_bswapsi2", "_bswapdi2", "_clrsbsi2", "_clrsbdi2", "_fixunssfsi",
    "_fixsfdi", "_fixdfdi", "_fixunssfdi", "_fixunsdfdi", "_floatdisf", "_floatdidf",
    "_floatundisf", "_floatundidf", "__gcc_bcmp", "_divdi3", "_moddi3", "_divmoddi4",
    "_udivdi3", "_umoddi3", "_udivmoddi4", "_udiv_w_sdiv",
];

/// The configuration headers a GCC build generates, reduced to what libgcc2.c and
/// fp-bit.c read for arc-linux-gnu (32-bit little-endian, 4-byte words, ELF). Type
/// sizes, float formats and modes come from `-fbuilding-libgcc`'s predefines.
pub const CONFIG_HEADERS: &[(&str, &str)] = &[
    (
        "tconfig.h",
        "/* Our own text: the assembler supports .hidden (binutils for ARC does). */\n\
         #define HAVE_GAS_HIDDEN 1\n",
    ),
    (
        "tsystem.h",
        "/* Our own text: no C library (inhibit_libc); GCC's freestanding headers only. */\n\
         #include <stddef.h>\n#include <float.h>\n\
         #ifndef inhibit_libc\n#define inhibit_libc 1\n#endif\n\
         extern void abort (void) __attribute__ ((__noreturn__));\n",
    ),
    (
        "coretypes.h",
        "/* Our own text: nothing libgcc2.c needs. */\n",
    ),
    (
        "tm.h",
        "/* Our own text: the arc-linux-gnu facts libgcc2.c reads (gcc/config/arc). */\n\
         #define UNITS_PER_WORD 4\n#define MIN_UNITS_PER_WORD 4\n\
         #define OBJECT_FORMAT_ELF 1\n\
         /* __clear_cache: the cacheflush system call (244), r0 = start, r1 = end. */\n\
         #define CLEAR_INSN_CACHE(beg, end) { \\\n\
         register unsigned long _beg __asm (\"r0\") = (unsigned long) (beg); \\\n\
         register unsigned long _end __asm (\"r1\") = (unsigned long) (end); \\\n\
         register unsigned long _xtr __asm (\"r2\") = 0; \\\n\
         register unsigned long _scno __asm (\"r8\") = 244; \\\n\
         __asm __volatile (\"trap_s 0\" : \"=r\" (_beg) \\\n\
         : \"0\" (_beg), \"r\" (_end), \"r\" (_xtr), \"r\" (_scno)); }\n",
    ),
    (
        "libgcc_tm.h",
        "/* Our own text: ARC has no libgcc_tm_file. */\n",
    ),
    // t-arc's generated fp-bit.c / dp-bit.c, as wrappers instead of copies.
    (
        "fp-bit-arc.c",
        "#define FLOAT\n#include \"config/arc/fp-hack.h\"\n#include \"fp-bit.c\"\n",
    ),
    (
        "dp-bit-arc.c",
        "#include \"fp-bit.h\"\n#include \"config/arc/dp-hack.h\"\n#include \"fp-bit.c\"\n",
    ),
];

/// Flags of every unit, besides `-mcpu`: as libgcc's Makefile compiles them, static
/// non-PIC, no gp-relative data (the project's crt0 does not set gp).
pub const FLAGS: &[&str] = &[
    "-O2",
    "-mno-sdata",
    "-fno-pic",
    "-fno-stack-protector",
    "-fbuilding-libgcc",
    "-DIN_GCC",
    "-DIN_LIBGCC2",
    "-Dinhibit_libc",
];
/// Extra flags of the C units: libgcc.a's symbols are hidden (`vis_hide`).
const C_FLAGS: &[&str] = &["-fvisibility=hidden", "-DHIDE_EXPORTS"];

/// The libgcc symbols `-mcpu=arc700 -O2` code of GCC's `gcc.c-torture/execute` calls
/// ([`survey`] found them; the tests check the archive defines each).
#[rustfmt::skip]
pub const TORTURE_NEEDS: &[&str] = &[
    "__adddf3", "__addsf3", "__bswapdi2", "__bswapsi2", "__clear_cache", "__clrsbdi2",
    "__ctzdi2", "__divdf3", "__divdi3", "__divsc3", "__divsf3", "__divsi3", "__eqdf2",
    "__eqsf2", "__extendsfdf2", "__ffsdi2", "__fixdfdi", "__fixdfsi", "__fixsfdi",
    "__fixsfsi", "__fixunsdfdi", "__fixunsdfsi", "__fixunssfdi", "__fixunssfsi",
    "__floatdidf", "__floatdisf", "__floatsidf", "__floatsisf", "__floatundidf",
    "__floatundisf", "__floatunsidf", "__floatunsisf", "__gedf2", "__gesf2", "__gtdf2",
    "__gtsf2", "__moddi3", "__modsi3", "__muldf3", "__mulsf3", "__paritydi2",
    "__paritysi2", "__popcountdi2", "__popcountsi2", "__subdf3", "__subsf3",
    "__truncdfsf2", "__udivdi3", "__udivsi3", "__umoddi3", "__umodsi3",
];

/// Routines other code generation calls: the archive must define these too. The
/// torture tests at -Os (`--survey --opt -Os`) add the DI shifts and the millicode
/// prologue/epilogue thunks (`__st_r13_to_r*`, `__ld_r13_to_r*[_ret]`); -O0 and -O3
/// add nothing; -ftrapv calls the `v` routines.
#[rustfmt::skip]
pub const ALSO_PROVIDED: &[&str] = &[
    "__st_r13_to_r15", "__st_r13_to_r24", "__ld_r13_to_r15", "__ld_r13_to_r17",
    "__ld_r13_to_r15_ret", "__ld_r13_to_r24_ret",
    "__mulsi3", "__muldi3", "__udivmoddi4", "__ashldi3", "__ashrdi3", "__lshrdi3",
    "__cmpdi2", "__ucmpdi2", "__negdi2", "__clzsi2", "__ctzsi2", "__clzdi2", "__ffssi2",
    "__mulvsi3", "__addvsi3", "__subvsi3", "__negvsi2", "__absvsi2", "__mulvdi3",
    "__addvdi3", "__subvdi3", "__negvdi2", "__absvdi2", "__umulsidi3", "__ordsf2",
    "__orddf2", "__uneqsf2", "__uneqdf2", "__powisf2", "__powidf2", "__mulsc3",
    "__muldc3", "__divdc3",
];

/// Which core the routines are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cpu {
    /// ARC700 (ARCompact): the point of this module.
    Arc700,
    /// ARC HS (ARCv2): the same sources for a core the simulator runs, so their
    /// results can be checked (the ARC700-only IEEE-754 assembly is not in it).
    Archs,
}

impl Cpu {
    pub fn name(self) -> &'static str {
        match self {
            Cpu::Arc700 => "arc700",
            Cpu::Archs => "archs",
        }
    }
    pub fn flag(self) -> String {
        format!("-mcpu={}", self.name())
    }
}

/// What to build and where.
#[derive(Debug, Clone)]
pub struct Options {
    pub cpu: Cpu,
    /// Extra compiler flags (part of the cache key).
    pub extra_flags: Vec<String>,
    /// The build directory; the archive is `<dir>/libgcc-<cpu>.a`.
    pub dir: PathBuf,
}

impl Options {
    /// `target/libgcc/<cpu>`.
    pub fn new(cpu: Cpu) -> Options {
        Options {
            cpu,
            extra_flags: Vec::new(),
            dir: work_dir().join(cpu.name()),
        }
    }
}

/// The result of [`build`].
#[derive(Debug, Clone)]
pub struct Built {
    pub archive: PathBuf,
    pub members: usize,
    /// Units compiled by this call: 0 when the stamp matched.
    pub compiled: usize,
    pub cached: bool,
    pub elapsed: Duration,
}

/// `target/libgcc`.
pub fn work_dir() -> PathBuf {
    repo_root().join("target").join("libgcc")
}

fn err(msg: impl Into<String>) -> Error {
    Error::new("libgcc-arc700", msg)
}

fn io(p: &Path, e: std::io::Error) -> Error {
    err(format!("{}: {e}", p.display()))
}

/// FNV-1a, 64 bits: stable across Rust releases.
fn fnv(h: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *h ^= u64::from(b);
        *h = h.wrapping_mul(0x0000_0100_0000_01B3);
    }
}

/// The tarball's identity: path, size and modification time.
fn tarball_id() -> Result<String> {
    let t = crate::atomics::GCC_TARBALL;
    let m = std::fs::metadata(t).map_err(|e| {
        err(format!(
            "{t}: {e}: install Debian's gcc-12-source (`cargo xtask setup`)"
        ))
    })?;
    let mtime = m
        .modified()
        .ok()
        .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
        .map_or(0, |d| d.as_nanos());
    Ok(format!("{t} {} {mtime}", m.len()))
}

/// The compiler's `--version` line (Debian's package version is in it), so an upgraded
/// cross compiler rebuilds the archive.
fn compiler_version() -> Result<String> {
    let gcc = toolchain::gcc_name();
    let out = crate::build::capture(&gcc, Command::new(&gcc).arg("--version"))?;
    Ok(out.lines().next().unwrap_or_default().to_string())
}

/// The cache key: the tarball (and compiler version) as `inputs`, the compiler's name, the flags and this module's text (which
/// holds the unit lists and the configuration headers).
pub fn cache_key(inputs: &str, cpu: Cpu, extra: &[String]) -> String {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for part in [inputs, &toolchain::gcc_name(), &cpu.flag()] {
        fnv(&mut h, part.as_bytes());
        fnv(&mut h, b"\0");
    }
    for f in FLAGS
        .iter()
        .chain(C_FLAGS)
        .copied()
        .chain(extra.iter().map(String::as_str))
    {
        fnv(&mut h, f.as_bytes());
        fnv(&mut h, b"\0");
    }
    fnv(&mut h, include_str!("libgcc_arc700.rs").as_bytes());
    format!("{h:016x}")
}

/// Extracts [`EXTRACT`] from the tarball into `target/libgcc/src` (again only when the
/// tarball changed) and returns the `gcc-12.2.0` directory.
pub fn extract_sources() -> Result<PathBuf> {
    let id = tarball_id()?;
    let root = work_dir().join("src");
    let top = root.join(TOP);
    let stamp = root.join(".extracted");
    let want = format!("{id}\n{}\n", EXTRACT.join("\n"));
    if std::fs::read_to_string(&stamp).ok().as_deref() == Some(want.as_str()) {
        return Ok(top);
    }
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).map_err(|e| io(&root, e))?;
    let mut tar = Command::new("tar");
    tar.arg("-xJf")
        .arg(crate::atomics::GCC_TARBALL)
        .arg("-C")
        .arg(&root)
        .arg("--wildcards")
        .args(EXTRACT);
    crate::build::run("extract libgcc's sources", &mut tar)?;
    std::fs::write(&stamp, want).map_err(|e| io(&stamp, e))?;
    Ok(top)
}

/// One object of the archive.
struct Unit {
    member: String,
    src: PathBuf,
    args: Vec<String>,
}

fn units(top: &Path, cfg: &Path) -> Vec<Unit> {
    let lib = top.join("libgcc");
    let mut v = Vec::new();
    for f in LIB1_FUNCS {
        v.push(Unit {
            member: format!("{f}.o"),
            src: lib.join("config/arc/lib1funcs.S"),
            args: vec![format!("-DL{f}"), "-xassembler-with-cpp".into()],
        });
    }
    let c = || C_FLAGS.iter().map(|s| s.to_string());
    for f in LIB2_FUNCS {
        v.push(Unit {
            member: format!("{f}.o"),
            src: lib.join("libgcc2.c"),
            args: std::iter::once(format!("-DL{f}")).chain(c()).collect(),
        });
    }
    for (member, src) in [
        ("fp-bit.o", cfg.join("fp-bit-arc.c")),
        ("dp-bit.o", cfg.join("dp-bit-arc.c")),
        ("lib2funcs.o", lib.join("config/arc/lib2funcs.c")),
    ] {
        v.push(Unit {
            member: member.into(),
            src,
            args: c().collect(),
        });
    }
    v
}

/// Writes `text` to `p` unless it already holds it.
fn write_if_changed(p: &Path, text: &str) -> Result<()> {
    if std::fs::read_to_string(p).ok().as_deref() != Some(text) {
        std::fs::write(p, text).map_err(|e| io(p, e))?;
    }
    Ok(())
}

/// Builds `<dir>/libgcc-<cpu>.a`, or reports it cached when its stamp matches.
pub fn build(opts: &Options) -> Result<Built> {
    let start = Instant::now();
    let archive = opts.dir.join(format!("libgcc-{}.a", opts.cpu.name()));
    let stamp = opts.dir.join(".stamp");
    let inputs = format!("{}\n{}", tarball_id()?, compiler_version()?);
    let key = cache_key(&inputs, opts.cpu, &opts.extra_flags);
    if archive.is_file() && std::fs::read_to_string(&stamp).ok().as_deref() == Some(&key) {
        return Ok(Built {
            members: archive_members(&archive)?.len(),
            archive,
            compiled: 0,
            cached: true,
            elapsed: start.elapsed(),
        });
    }
    let top = extract_sources()?;
    let _ = std::fs::remove_file(&stamp);
    let cfg = opts.dir.join("config");
    let obj = opts.dir.join("obj");
    let _ = std::fs::remove_dir_all(&obj);
    for d in [&cfg, &obj] {
        std::fs::create_dir_all(d).map_err(|e| io(d, e))?;
    }
    for (name, text) in CONFIG_HEADERS {
        write_if_changed(&cfg.join(name), text)?;
    }
    let units = units(&top, &cfg);
    let includes: Vec<String> = [
        cfg.clone(),
        top.join("libgcc"),
        top.join("libgcc/config/arc"),
        top.join("include"),
    ]
    .iter()
    .map(|d| format!("-I{}", d.display()))
    .collect();
    let next = AtomicUsize::new(0);
    let failure: Mutex<Option<Error>> = Mutex::new(None);
    let jobs = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= units.len() || failure.lock().unwrap().is_some() {
                    return;
                }
                let r = compile(&units[i], &obj, opts, &includes);
                if let Err(e) = r {
                    failure.lock().unwrap().get_or_insert(e);
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().unwrap() {
        return Err(e);
    }
    let _ = std::fs::remove_file(&archive);
    let mut ar = Command::new("arc-linux-gnu-ar");
    ar.arg("rcs").arg(&archive);
    ar.args(units.iter().map(|u| obj.join(&u.member)));
    crate::build::run("arc-linux-gnu-ar", &mut ar)?;
    std::fs::write(&stamp, &key).map_err(|e| io(&stamp, e))?;
    Ok(Built {
        members: archive_members(&archive)?.len(),
        archive,
        compiled: units.len(),
        cached: false,
        elapsed: start.elapsed(),
    })
}

fn compile(u: &Unit, obj: &Path, opts: &Options, includes: &[String]) -> Result<()> {
    let out = obj.join(&u.member);
    let depfile = out.with_extension("d");
    let stage = format!("arc-linux-gnu-gcc ({})", u.member);
    let mut cmd = toolchain::gcc(toolchain::Headers::Freestanding, &depfile)
        .map_err(|e| Error::new(&stage, e))?;
    cmd.arg(opts.cpu.flag())
        .args(FLAGS)
        .args(&opts.extra_flags)
        .args(&u.args)
        .args(includes)
        .arg("-c")
        .arg(&u.src)
        .arg("-o")
        .arg(&out);
    crate::build::run(&stage, &mut cmd)?;
    toolchain::check_depfile(&depfile, &u.member).map_err(|e| Error::new(&stage, e))
}

/// The member names of an `ar` archive (`arc-linux-gnu-ar t`).
pub fn archive_members(archive: &Path) -> Result<Vec<String>> {
    let out = crate::build::capture(
        "arc-linux-gnu-ar",
        Command::new("arc-linux-gnu-ar").arg("t").arg(archive),
    )?;
    Ok(out.lines().map(str::to_string).collect())
}

/// The global symbols the archive defines (`arc-linux-gnu-nm --defined-only`).
pub fn defined_symbols(archive: &Path) -> Result<Vec<String>> {
    let out = crate::build::capture(
        "arc-linux-gnu-nm",
        Command::new("arc-linux-gnu-nm")
            .args(["--defined-only", "-g"])
            .arg(archive),
    )?;
    let mut v: Vec<String> = out
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() == 3).then(|| f[2].to_string())
        })
        .collect();
    v.sort();
    v.dedup();
    Ok(v)
}

/// The undefined `__*` symbols of `-mcpu=arc700 <opt>` compiles of GCC's
/// `gcc.c-torture/execute/*.c`, with how many tests need each, and how many tests did
/// not compile (the survey behind [`TORTURE_NEEDS`]).
pub struct Survey {
    pub opt: String,
    pub needs: Vec<(String, usize)>,
    pub compiled: usize,
    pub failed: Vec<String>,
}

/// Compiles every torture test at `-mcpu=arc700 <opt> -c` (against the ARC C library's
/// headers, never the host's) and collects their undefined `__*` symbols.
pub fn survey(opt: &str) -> Result<Survey> {
    let root = work_dir().join("torture");
    let exec = root.join(TOP).join("gcc/testsuite/gcc.c-torture/execute");
    let stamp = root.join(".extracted");
    // The directory's headers too (gcc_tmpnam.h); only the .c files are compiled.
    let pattern = format!("{TOP}/gcc/testsuite/gcc.c-torture/execute/*");
    let id = format!("{}\n{pattern}\n", tarball_id()?);
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(id.as_str()) {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&root).map_err(|e| io(&root, e))?;
        let mut tar = Command::new("tar");
        tar.arg("-xJf")
            .arg(crate::atomics::GCC_TARBALL)
            .arg("-C")
            .arg(&root)
            .arg("--wildcards")
            .arg(&pattern);
        crate::build::run("extract GCC's torture tests", &mut tar)?;
        std::fs::write(&stamp, &id).map_err(|e| io(&stamp, e))?;
    }
    let mut srcs: Vec<PathBuf> = std::fs::read_dir(&exec)
        .map_err(|e| io(&exec, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    srcs.sort();
    let obj = root.join(format!("obj{opt}"));
    let _ = std::fs::remove_dir_all(&obj);
    std::fs::create_dir_all(&obj).map_err(|e| io(&obj, e))?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<std::result::Result<PathBuf, String>>> = Mutex::new(Vec::new());
    let host: Mutex<Option<Error>> = Mutex::new(None);
    let jobs = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4);
    std::thread::scope(|s| {
        for _ in 0..jobs {
            s.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(src) = srcs.get(i) else { return };
                let stem = src.file_stem().unwrap_or_default().to_string_lossy();
                let out = obj.join(format!("{stem}.o"));
                let dep = out.with_extension("d");
                let r = toolchain::gcc(toolchain::Headers::ArcLibc, &dep).and_then(|mut c| {
                    c.args([&Cpu::Arc700.flag(), opt, "-w", "-c"])
                        .arg(src)
                        .arg("-o")
                        .arg(&out);
                    let ok = c.output().map_err(|e| e.to_string())?.status.success();
                    if ok {
                        if let Err(e) = toolchain::check_depfile(&dep, &stem) {
                            host.lock().unwrap().get_or_insert(err(e));
                        }
                        Ok(out.clone())
                    } else {
                        Err(stem.to_string())
                    }
                });
                results.lock().unwrap().push(r);
            });
        }
    });
    if let Some(e) = host.into_inner().unwrap() {
        return Err(e);
    }
    let mut objs = Vec::new();
    let mut failed = Vec::new();
    for r in results.into_inner().unwrap() {
        match r {
            Ok(o) => objs.push(o),
            Err(n) => failed.push(n),
        }
    }
    failed.sort();
    let mut needs: std::collections::BTreeMap<String, usize> = Default::default();
    for chunk in objs.chunks(200) {
        let out = crate::build::capture(
            "arc-linux-gnu-nm",
            Command::new("arc-linux-gnu-nm").arg("-u").args(chunk),
        )?;
        for l in out.lines() {
            if let Some(s) = l.trim().strip_prefix("U ") {
                if s.starts_with("__") {
                    *needs.entry(s.to_string()).or_default() += 1;
                }
            }
        }
    }
    Ok(Survey {
        opt: opt.to_string(),
        needs: needs.into_iter().collect(),
        compiled: objs.len(),
        failed,
    })
}

/// The survey as text: each symbol with its count, marked when the archive lacks it.
pub fn render_survey(s: &Survey, defined: &[String]) -> String {
    let mut t = format!(
        "torture survey: {} tests compiled at -mcpu=arc700 {}, {} did not ({})\n",
        s.compiled,
        s.opt,
        s.failed.len(),
        s.failed.join(" ")
    );
    let missing: Vec<&str> = s
        .needs
        .iter()
        .filter(|(n, _)| defined.binary_search(n).is_err())
        .map(|(n, _)| n.as_str())
        .collect();
    for (n, c) in &s.needs {
        let mark = if defined.binary_search(n).is_ok() {
            ""
        } else {
            "  NOT IN ARCHIVE"
        };
        let _ = writeln!(t, "  {n} ({c}){mark}");
    }
    let _ = writeln!(t, "not in the archive: {}", missing.join(" "));
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_follows_tarball_flags_and_cpu() {
        let k = cache_key("t 1 2", Cpu::Arc700, &[]);
        assert_eq!(k, cache_key("t 1 2", Cpu::Arc700, &[]));
        assert_ne!(k, cache_key("t 1 3", Cpu::Arc700, &[]));
        assert_ne!(k, cache_key("t 1 2", Cpu::Archs, &[]));
        assert_ne!(k, cache_key("t 1 2", Cpu::Arc700, &["-DX".to_string()]));
    }

    #[test]
    fn lib1_and_lib2_do_not_overlap() {
        for f in LIB2_FUNCS {
            assert!(!LIB1_FUNCS.contains(f), "{f} in both lists");
        }
    }
}
