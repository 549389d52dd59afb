//! Shared helpers for arcsim's integration tests: the ARC cross toolchain (building the
//! bare-metal runtime in `tests/c/rt`, C programs and assembly snippets, cached under the
//! cargo target dir) and a thin layer over the simulator's library API.
#![allow(dead_code)]

use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

pub mod sim;

pub const GCC: &str = "arc-linux-gnu-gcc";
pub const AS: &str = "arc-linux-gnu-as";
pub const LD: &str = "arc-linux-gnu-ld";
pub const NM: &str = "arc-linux-gnu-nm";
pub const OBJCOPY: &str = "arc-linux-gnu-objcopy";

/// Code generation flags for every C file (runtime, programs, torture tests).
///
/// `-mno-unaligned-access`: `-mcpu=hs38` lets GCC merge neighbouring narrow accesses into
/// unaligned word accesses, which only work on a core with the unaligned option *and*
/// STATUS32.AD set. We run everything on the default `sim` board (`unaligned: false`), the
/// strictest configuration: a misaligned access then is a real bug (in the program, the
/// runtime or the simulator) and shows up as a Misaligned exception instead of being
/// silently tolerated.
pub const ARCH_CFLAGS: &[&str] = &["-mcpu=hs38", "-mno-unaligned-access"];

/// Link flags: bare metal, our runtime, libgcc for the soft-float and 64-bit helpers.
pub const LINK_FLAGS: &[&str] = &[
    "-nostdlib",
    "-nostartfiles",
    "-static",
    "-Wl,--build-id=none",
    "-Wl,--no-warn-rwx-segments",
];

pub fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn c_dir() -> PathBuf {
    crate_dir().join("tests/c")
}

/// A directory under the cargo target dir for build products of these tests.
pub fn cache_dir(sub: &str) -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("arcsim-tests")
        .join(sub);
    std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("create {}: {e}", d.display()));
    d
}

pub fn hash_hex(parts: &[&[u8]]) -> String {
    let mut h = DefaultHasher::new();
    for p in parts {
        p.hash(&mut h);
    }
    format!("{:016x}", h.finish())
}

/// Writes through a unique temporary name and renames, so concurrent test processes never
/// see a half-written file.
pub fn write_atomic(path: &Path, bytes: &[u8]) {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = path.with_extension(format!("tmp{}-{}", std::process::id(), n));
    std::fs::write(&tmp, bytes).unwrap_or_else(|e| panic!("write {}: {e}", tmp.display()));
    std::fs::rename(&tmp, path).unwrap_or_else(|e| panic!("rename {}: {e}", path.display()));
}

fn tmp_path(path: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path.file_name().unwrap().to_string_lossy();
    path.with_file_name(format!(".{name}.tmp{}-{}", std::process::id(), n))
}

/// Panics with a clear message when the ARC cross toolchain is missing: these tests
/// cannot run without it and must not pretend to pass.
pub fn require_toolchain() {
    if let Err(e) = check_toolchain() {
        panic!("{e}");
    }
}

/// Err says which tool is missing and how to install it (for tests that fail with a
/// message instead of a panic).
pub fn check_toolchain() -> Result<(), String> {
    static OK: OnceLock<Result<String, String>> = OnceLock::new();
    let r = OK.get_or_init(|| {
        for tool in [GCC, AS, LD, NM] {
            match Command::new(tool).arg("--version").output() {
                Ok(o) if o.status.success() => {}
                _ => {
                    return Err(format!(
                        "`{tool}` not found: the ARC cross toolchain is required. Run `cargo xtask setup` \
                         (apt-get install gcc-arc-linux-gnu binutils-arc-linux-gnu)"
                    ))
                }
            }
        }
        let o = Command::new(GCC).arg("--version").output().unwrap();
        Ok(String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
    });
    r.as_ref().map(|_| ()).map_err(Clone::clone)
}

pub fn toolchain_version() -> String {
    require_toolchain();
    let o = Command::new(GCC).arg("--version").output().unwrap();
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .next()
        .unwrap_or("")
        .to_string()
}

/// The cross compiler as every test compile uses it: `-nostdinc`, then GCC's own headers
/// and the ARC C library's (never the host's `/usr/include`), and `-H`, so that
/// [`run_gcc`] sees every header the compile read.
pub fn gcc() -> Command {
    let flags =
        toolchain::include_flags(toolchain::Headers::ArcLibc).unwrap_or_else(|e| panic!("{e}"));
    let mut cmd = Command::new(GCC);
    cmd.args(flags).arg("-H");
    cmd
}

/// Runs a compile made by [`gcc`]. Err carries the compiler's messages (without the
/// header trace) when it fails; reading a host header is never an Err but a panic, since
/// it is a broken build, not a program that does not compile.
pub fn run_gcc(cmd: &mut Command) -> Result<(), String> {
    let o = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let stderr = String::from_utf8_lossy(&o.stderr);
    if let Err(e) = toolchain::check_trace(&stderr, &format!("{cmd:?}")) {
        panic!("{e}");
    }
    if o.status.success() {
        return Ok(());
    }
    let messages: Vec<&str> = stderr
        .lines()
        .filter(|l| toolchain::headers_in_trace(l).is_empty())
        .collect();
    Err(format!(
        "{}\n{}",
        messages.join("\n"),
        String::from_utf8_lossy(&o.stdout)
    ))
}

/// Runs a command; Err carries its stderr (and stdout) when it fails.
pub fn run_tool(cmd: &mut Command) -> Result<(), String> {
    let o = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    if o.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{}{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        ))
    }
}

// ---------------------------------------------------------------- runtime

/// The core a C build is for: its code generation flags, runtime and libgcc.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Core {
    /// ARC HS38 (ARCv2): Debian's `-lgcc`.
    Hs,
    /// ARC700 (ARCompact): `crt0_arc700.S` and the libgcc archive `cargo xtask
    /// libgcc-arc700` builds from GCC's sources (Debian's libgcc is ARCv2 only).
    Arc700,
}

/// Code generation flags for ARC700. No `-mno-unaligned-access` needed: ARC700 GCC never
/// merges narrow accesses into unaligned ones (the core has no unaligned option).
pub const ARC700_CFLAGS: &[&str] = &["-mcpu=arc700"];

impl Core {
    pub fn cflags(self) -> &'static [&'static str] {
        match self {
            Core::Hs => ARCH_CFLAGS,
            Core::Arc700 => ARC700_CFLAGS,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Core::Hs => "hs38",
            Core::Arc700 => "arc700",
        }
    }
    /// The runtime's sources (compiled in this order, then `link.ld`).
    fn rt_files(self) -> &'static [&'static str] {
        match self {
            Core::Hs => &["crt0.S", "setjmp.S", "libc.c", "softfp.c", "link.ld"],
            // softfp.c only stands in for Debian's ARCv2 libgcc members that use HS FPU
            // instructions; the ARC700 archive is built soft-float from GCC's sources, so
            // its own versions are used (and tested).
            Core::Arc700 => &["crt0_arc700.S", "setjmp.S", "libc.c", "link.ld"],
        }
    }
}

pub struct Runtime {
    /// crt0, setjmp, libc shim, FPU-free libgcc helpers (in link order).
    pub objs: Vec<PathBuf>,
    pub ldscript: PathBuf,
    /// What follows the program on the link line: `-lgcc`, or the ARC700 archive's path.
    pub libs: Vec<String>,
    /// Hash of everything that went into the runtime (for caches keyed on it).
    pub key: String,
}

const RT_CFLAGS: &[&str] = &[
    "-O2",
    "-ffreestanding",
    "-fno-builtin",
    "-fno-tree-loop-distribute-patterns",
    "-Wall",
    "-Wno-unused-parameter",
];

/// The ARC700 libgcc archive: `$ARC700_LIBGCC` when set, else what `cargo xtask
/// libgcc-arc700` builds (it rebuilds only when its inputs changed, so this is cheap when
/// the archive is current). Err is a message saying what is missing and how to get it.
/// Looked up once per process.
pub fn libgcc_arc700() -> Result<PathBuf, String> {
    static ARCHIVE: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    ARCHIVE.get_or_init(find_libgcc_arc700).clone()
}

fn find_libgcc_arc700() -> Result<PathBuf, String> {
    if let Ok(p) = std::env::var("ARC700_LIBGCC") {
        let p = PathBuf::from(p);
        return if p.is_file() {
            Ok(p)
        } else {
            Err(format!(
                "ARC700_LIBGCC={} is not a file (build it with `cargo xtask libgcc-arc700`)",
                p.display()
            ))
        };
    }
    let root = crate_dir().parent().unwrap().to_path_buf();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let o = Command::new(&cargo)
        .current_dir(&root)
        .args(["run", "-q", "-p", "xtask", "--", "libgcc-arc700"])
        .output()
        .map_err(|e| format!("cannot run `{cargo} run -p xtask -- libgcc-arc700`: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "`cargo xtask libgcc-arc700` failed (it needs the ARC cross toolchain and Debian's \
             gcc-12-source; `cargo xtask setup` installs both; or point ARC700_LIBGCC at an \
             archive):\n{}{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        ));
    }
    let archive = root.join("target/libgcc/arc700/libgcc-arc700.a");
    if archive.is_file() {
        Ok(archive)
    } else {
        Err(format!(
            "`cargo xtask libgcc-arc700` succeeded but {} is missing",
            archive.display()
        ))
    }
}

/// Builds the bare-metal runtime for ARC HS once per process (cached on disk by content
/// hash).
pub fn runtime() -> &'static Runtime {
    runtime_for(Core::Hs)
}

/// Builds the runtime for `core` once per process (cached on disk by content hash).
/// Panics with a plain message when the ARC700 libgcc archive cannot be had.
pub fn runtime_for(core: Core) -> &'static Runtime {
    static HS: OnceLock<Runtime> = OnceLock::new();
    static ARC700: OnceLock<Runtime> = OnceLock::new();
    let cell = match core {
        Core::Hs => &HS,
        Core::Arc700 => &ARC700,
    };
    cell.get_or_init(|| build_runtime(core))
}

fn build_runtime(core: Core) -> Runtime {
    require_toolchain();
    let rt_dir = c_dir().join("rt");
    let mut parts: Vec<Vec<u8>> = Vec::new();
    for f in core.rt_files() {
        parts.push(f.as_bytes().to_vec());
        parts.push(std::fs::read(rt_dir.join(f)).unwrap_or_else(|e| panic!("read rt/{f}: {e}")));
    }
    let libs = match core {
        Core::Hs => vec!["-lgcc".to_string()],
        Core::Arc700 => {
            let a = libgcc_arc700().unwrap_or_else(|e| panic!("{e}"));
            // The archive's bytes are part of the key: a rebuilt libgcc relinks every
            // cached program.
            parts.push(std::fs::read(&a).unwrap_or_else(|e| panic!("read {}: {e}", a.display())));
            vec![a.display().to_string()]
        }
    };
    parts.push(toolchain_version().into_bytes());
    parts.push(core.cflags().join(" ").into_bytes());
    parts.push(RT_CFLAGS.join(" ").into_bytes());
    // Bump when the way the runtime is built changes (e.g. the symbol weakening).
    parts.push(b"recipe 3: -nostdinc, ARC libc headers only".to_vec());
    let refs: Vec<&[u8]> = parts.iter().map(|p| p.as_slice()).collect();
    let key = hash_hex(&refs);
    let out = cache_dir(&format!("rt-{key}"));
    let mut objs = Vec::new();
    for f in core.rt_files().iter().filter(|f| !f.ends_with(".ld")) {
        let obj = out.join(format!("{}.o", f.split('.').next().unwrap()));
        if !obj.exists() {
            let tmp = tmp_path(&obj);
            let mut cmd = gcc();
            cmd.args(core.cflags())
                .args(RT_CFLAGS)
                .arg("-c")
                .arg(rt_dir.join(f))
                .arg("-o")
                .arg(&tmp);
            if let Err(e) = run_gcc(&mut cmd) {
                panic!("building the test runtime (tests/c/rt/{f}) failed:\n{e}");
            }
            // Everything but crt0 is weak, so that a program may define its own
            // memcpy, abort, setjmp, ... (several torture tests do) without a
            // duplicate-symbol error.
            // (Only the definitions: `objcopy --weaken` would also weaken undefined
            // references such as __udivdi3, which then no longer pull libgcc members
            // in and silently resolve to 0.)
            if !f.starts_with("crt0") {
                let o = Command::new(NM)
                    .args(["-g", "--defined-only", "--format=posix"])
                    .arg(&tmp)
                    .output()
                    .expect("nm");
                let mut oc = Command::new(OBJCOPY);
                for line in String::from_utf8_lossy(&o.stdout).lines() {
                    if let Some(name) = line.split_whitespace().next() {
                        oc.arg(format!("--weaken-symbol={name}"));
                    }
                }
                oc.arg(&tmp);
                if let Err(e) = run_tool(&mut oc) {
                    panic!("objcopy --weaken-symbol {f}: {e}");
                }
            }
            std::fs::rename(&tmp, &obj).unwrap();
        }
        objs.push(obj);
    }
    Runtime {
        objs,
        ldscript: rt_dir.join("link.ld"),
        libs,
        key,
    }
}

/// Compiles and links C sources with the runtime into `out`. `flags` are added after the
/// architecture flags (optimisation level, -D..., -w ...). Err = the compiler's message.
pub fn build_c(srcs: &[PathBuf], flags: &[String], out: &Path) -> Result<(), String> {
    build_c_for(Core::Hs, srcs, flags, out)
}

/// [`build_c`] for `core`.
pub fn build_c_for(
    core: Core,
    srcs: &[PathBuf],
    flags: &[String],
    out: &Path,
) -> Result<(), String> {
    let rt = runtime_for(core);
    let tmp = tmp_path(out);
    let mut cmd = gcc();
    cmd.args(core.cflags())
        .args(flags)
        .args(LINK_FLAGS)
        .arg("-T")
        .arg(&rt.ldscript)
        .args(&rt.objs)
        .args(srcs)
        .args(&rt.libs)
        .arg("-o")
        .arg(&tmp);
    let r = run_gcc(&mut cmd);
    if r.is_ok() {
        std::fs::rename(&tmp, out).map_err(|e| format!("rename: {e}"))?;
    } else {
        let _ = std::fs::remove_file(&tmp);
    }
    r
}

/// Like `build_c` but cached under `cache/<name>-<hash>.elf`; returns the ELF bytes.
pub fn build_c_cached(
    cache: &str,
    name: &str,
    srcs: &[PathBuf],
    flags: &[String],
) -> Result<Vec<u8>, String> {
    let out = build_c_cached_path(cache, name, srcs, flags)?;
    std::fs::read(&out).map_err(|e| format!("read {}: {e}", out.display()))
}

/// Like `build_c_cached` but returns the cached ELF's path.
pub fn build_c_cached_path(
    cache: &str,
    name: &str,
    srcs: &[PathBuf],
    flags: &[String],
) -> Result<PathBuf, String> {
    build_c_cached_path_for(Core::Hs, cache, name, srcs, flags)
}

/// [`build_c_cached_path`] for `core`.
pub fn build_c_cached_path_for(
    core: Core,
    cache: &str,
    name: &str,
    srcs: &[PathBuf],
    flags: &[String],
) -> Result<PathBuf, String> {
    let rt = runtime_for(core);
    let mut parts: Vec<Vec<u8>> = vec![rt.key.clone().into_bytes(), flags.join(" ").into_bytes()];
    for s in srcs {
        parts.push(std::fs::read(s).map_err(|e| format!("read {}: {e}", s.display()))?);
    }
    let refs: Vec<&[u8]> = parts.iter().map(|p| p.as_slice()).collect();
    let out = cache_dir(cache).join(format!("{name}-{}.elf", hash_hex(&refs)));
    if !out.exists() {
        build_c_for(core, srcs, flags, &out)?;
    }
    Ok(out)
}

// ---------------------------------------------------------------- assembly snippets

pub struct AsmImage {
    pub elf: Vec<u8>,
    pub symbols: HashMap<String, u32>,
    pub path: PathBuf,
}

/// Assembles `src` with arc-linux-gnu-as and links it at 0x8000_0000 (entry `_start`),
/// cached under the target dir by content hash.
pub fn assemble(name: &str, src: &str) -> Result<AsmImage, String> {
    require_toolchain();
    let key = hash_hex(&[src.as_bytes(), toolchain_version().as_bytes()]);
    let dir = cache_dir("asm");
    let elf_path = dir.join(format!("{name}-{key}.elf"));
    if !elf_path.exists() {
        let s_path = dir.join(format!("{name}-{key}.s"));
        let o_path = tmp_path(&dir.join(format!("{name}-{key}.o")));
        write_atomic(&s_path, src.as_bytes());
        run_tool(
            Command::new(AS)
                .arg("-mcpu=hs38")
                .arg(&s_path)
                .arg("-o")
                .arg(&o_path),
        )
        .map_err(|e| format!("assembling {name} failed:\n{e}\n--- source ---\n{src}"))?;
        let tmp = tmp_path(&elf_path);
        let r = run_tool(
            Command::new(LD)
                .args([
                    "-N",
                    "--no-warn-rwx-segments",
                    "-e",
                    "_start",
                    "-Ttext",
                    "0x80000000",
                ])
                .arg(&o_path)
                .arg("-o")
                .arg(&tmp),
        );
        let _ = std::fs::remove_file(&o_path);
        r.map_err(|e| format!("linking {name} failed:\n{e}"))?;
        std::fs::rename(&tmp, &elf_path).unwrap();
    }
    let elf = std::fs::read(&elf_path).unwrap();
    let symbols = symbols(&elf_path)?;
    Ok(AsmImage {
        elf,
        symbols,
        path: elf_path,
    })
}

/// Symbol table of an ELF via arc-linux-gnu-nm.
pub fn symbols(elf: &Path) -> Result<HashMap<String, u32>, String> {
    let o = Command::new(NM)
        .arg(elf)
        .output()
        .map_err(|e| format!("nm: {e}"))?;
    let mut m = HashMap::new();
    for line in String::from_utf8_lossy(&o.stdout).lines() {
        let mut it = line.split_whitespace();
        if let (Some(v), Some(_t), Some(name)) = (it.next(), it.next(), it.next()) {
            if let Ok(v) = u32::from_str_radix(v, 16) {
                m.insert(name.to_string(), v);
            }
        }
    }
    Ok(m)
}

/// Disassembly of an ELF (for failure messages).
pub fn objdump(elf: &Path) -> String {
    match Command::new("arc-linux-gnu-objdump")
        .arg("-d")
        .arg(elf)
        .output()
    {
        Ok(o) => String::from_utf8_lossy(&o.stdout).into_owned(),
        Err(e) => format!("(objdump failed: {e})"),
    }
}

/// Runs a tool that must succeed and returns its standard output.
pub fn stdout_of(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// splitmix64: a small deterministic generator, so a seeded stream is the same on every run.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }
}
