//! The validation programs in `user/`: read the manifest, compile them with
//! `arc-linux-gnu-gcc -mcpu=hs38 -mno-atomic`, and check that the built code
//! contains no LLOCK/SCOND (the point of the whole suite: user space on an
//! LL/SC-less core must reach atomics only through `arc_usr_cmpxchg`).
//!
//! `build_user_programs` is what the kernel build embeds (in the returned
//! order); `manifest` says which cases each program reports.

use crate::{repo_root, Error, Result};
use boards::Isa;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How a program must end. The signal is its number (SIGSEGV = 11).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    Exit(u32),
    Signal(u32),
}

impl Expect {
    /// The form the kernel prints in `PROGRAM ... expect=` and `VERDICT ... expect=`.
    pub fn to_report(&self) -> String {
        match *self {
            Expect::Exit(n) => format!("exit:{n}"),
            Expect::Signal(s) => format!("signal:{}", signal_name(s)),
        }
    }

    /// Parses `exit:N` or `signal:SIGxxx` (or `signal:N`).
    pub fn parse(s: &str) -> Option<Expect> {
        if let Some(n) = s.strip_prefix("exit:") {
            return n.parse().ok().map(Expect::Exit);
        }
        if let Some(sig) = s.strip_prefix("signal:") {
            return signal_number(sig).map(Expect::Signal);
        }
        None
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserProgram {
    pub name: String,
    pub elf: PathBuf,
    pub expect: Expect,
}

/// One line of `user/manifest.txt`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManifestEntry {
    pub name: String,
    /// File under `user/programs/`.
    pub source: String,
    /// `-D` definitions (`NAME=VALUE` or `NAME`).
    pub defines: Vec<String>,
    pub expect: Expect,
    /// Case ids the program reports in its CASE lines.
    pub cases: Vec<String>,
}

const SIGNALS: &[(&str, u32)] = &[
    ("SIGHUP", 1),
    ("SIGINT", 2),
    ("SIGQUIT", 3),
    ("SIGILL", 4),
    ("SIGTRAP", 5),
    ("SIGABRT", 6),
    ("SIGBUS", 7),
    ("SIGFPE", 8),
    ("SIGKILL", 9),
    ("SIGUSR1", 10),
    ("SIGSEGV", 11),
    ("SIGUSR2", 12),
    ("SIGPIPE", 13),
    ("SIGALRM", 14),
    ("SIGTERM", 15),
];

pub fn signal_name(n: u32) -> String {
    SIGNALS
        .iter()
        .find(|(_, v)| *v == n)
        .map(|(s, _)| s.to_string())
        .unwrap_or_else(|| format!("SIG{n}"))
}

pub fn signal_number(s: &str) -> Option<u32> {
    if let Some((_, v)) = SIGNALS.iter().find(|(name, _)| *name == s) {
        return Some(*v);
    }
    s.strip_prefix("SIG").unwrap_or(s).parse().ok()
}

pub fn user_dir() -> PathBuf {
    repo_root().join("user")
}

/// A manifest by name: a file in `user/`, or any manifest file by absolute path (a
/// subset a test writes, for example).
pub fn manifest_path(name: &str) -> PathBuf {
    user_dir().join(name)
}

impl ManifestEntry {
    /// The entry as a manifest line (`parse_manifest` reads it back).
    pub fn to_line(&self) -> String {
        let defines = if self.defines.is_empty() {
            "-".to_string()
        } else {
            self.defines.join(",")
        };
        format!(
            "{} {} {} {} {}",
            self.name,
            self.source,
            defines,
            self.expect.to_report(),
            self.cases.join(",")
        )
    }
}

/// Parses a manifest text (`user/manifest.txt`).
pub fn parse_manifest(text: &str) -> Result<Vec<ManifestEntry>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split_whitespace().collect();
        let bad = |m: &str| Error::new("user", format!("user/manifest.txt:{}: {m}", i + 1));
        if f.len() != 5 {
            return Err(bad("want 5 columns: name source defines expect cases"));
        }
        let expect =
            Expect::parse(f[3]).ok_or_else(|| bad("expect must be exit:N or signal:SIGxxx"))?;
        let defines = if f[2] == "-" {
            Vec::new()
        } else {
            f[2].split(',').map(str::to_string).collect()
        };
        if out.iter().any(|e: &ManifestEntry| e.name == f[0]) {
            return Err(bad("duplicate program name"));
        }
        out.push(ManifestEntry {
            name: f[0].to_string(),
            source: f[1].to_string(),
            defines,
            expect,
            cases: f[4].split(',').map(str::to_string).collect(),
        });
    }
    if out.is_empty() {
        return Err(Error::new("user", "user/manifest.txt lists no program"));
    }
    Ok(out)
}

pub fn manifest() -> Result<Vec<ManifestEntry>> {
    manifest_named(DEFAULT_MANIFEST)
}

/// The validation suite's program set; other sets (kernel tests, benchmarks) are other
/// manifests in `user/` over the same runtime and `user/programs/`.
pub const DEFAULT_MANIFEST: &str = "manifest.txt";

pub fn manifest_named(name: &str) -> Result<Vec<ManifestEntry>> {
    let path = manifest_path(name);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| Error::new("user", format!("cannot read {}: {e}", path.display())))?;
    parse_manifest(&text)
}

/// The cross compiler (`ARC_CC` overrides it).
pub fn cc() -> String {
    toolchain::gcc_name()
}

/// The cross compiler for a freestanding compile whose dependency list goes to `depfile`.
fn freestanding_gcc(depfile: &Path) -> Result<Command> {
    toolchain::gcc(toolchain::Headers::Freestanding, depfile).map_err(|e| Error::new("user", e))
}

/// Runs a compile made by [`freestanding_gcc`], then checks it read no host header.
fn run_compile(cmd: &mut Command, depfile: &Path, what: &str) -> Result<()> {
    run_tool(cmd, what)?;
    toolchain::check_depfile(depfile, what).map_err(|e| Error::new("user", e))
}

/// The disassembler (`ARC_OBJDUMP` overrides it).
pub fn objdump() -> String {
    std::env::var("ARC_OBJDUMP").unwrap_or_else(|_| "arc-linux-gnu-objdump".to_string())
}

/// The compile flags of every user program. The first five are the contract
/// of docs/design.md; the rest keep the code free-standing and aligned (the
/// `sim` board has no unaligned access) and keep GCC from using gp-relative
/// small data, which our crt0 does not set up.
pub const CFLAGS: &[&str] = &[
    "-mcpu=hs38",
    "-mno-atomic",
    "-O2",
    "-nostdlib",
    "-static",
    "-ffreestanding",
    "-fno-builtin",
    "-fno-pic",
    "-fno-stack-protector",
    "-mno-unaligned-access",
    "-mno-sdata",
    "-Wall",
    "-Wextra",
];

fn run_tool(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().map_err(|e| {
        Error::new(
            "user",
            format!(
                "cannot run {what} ({e}); install it with `apt-get install -y gcc-arc-linux-gnu binutils-arc-linux-gnu` (or `cargo xtask setup`)"
            ),
        )
    })?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    // GCC 12 says `-mno-atomic` is ignored for HS cores; that is known (see
    // shared/arc/facts.md) and is why we check the disassembly instead.
    let noise = |l: &str| l.contains("unset option") && l.contains("atomic");
    let stderr: String = stderr
        .lines()
        .filter(|l| !noise(l))
        .collect::<Vec<_>>()
        .join("\n");
    if !out.status.success() {
        return Err(Error::new(
            "user",
            format!("{what} failed ({}):\n{stderr}", out.status),
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Lines of an `objdump -d` listing whose mnemonic is LLOCK/SCOND (or their
/// 64-bit forms).
pub fn llsc_lines(disasm: &str) -> Vec<String> {
    disasm
        .lines()
        .filter(|l| {
            // "   10020:\t1904 0011           \tst.ab\t0,[r1,4]": the mnemonic is the third tab field.
            let mut f = l.split('\t');
            let (_, _, m) = (f.next(), f.next(), f.next());
            let m = m.unwrap_or("").trim();
            let base = m.split('.').next().unwrap_or("");
            matches!(base, "llock" | "scond" | "llockd" | "scondd")
        })
        .map(str::to_string)
        .collect()
}

/// Disassembles `elf` with `objdump -d` into `disasm_out` and fails if any
/// LLOCK/SCOND instruction is present.
pub fn check_no_llsc(elf: &Path, disasm_out: &Path) -> Result<()> {
    let dis = run_tool(
        Command::new(objdump()).arg("-d").arg(elf),
        "arc-linux-gnu-objdump -d",
    )?;
    std::fs::write(disasm_out, &dis).map_err(|e| {
        Error::new(
            "user",
            format!("cannot write {}: {e}", disasm_out.display()),
        )
    })?;
    let bad = llsc_lines(&dis);
    if !bad.is_empty() {
        return Err(Error::new(
            "user",
            format!(
                "{} contains LLOCK/SCOND, which an LL/SC-less core traps on:\n{}",
                elf.display(),
                bad.join("\n")
            ),
        ));
    }
    if !dis.contains("trap_s") {
        return Err(Error::new(
            "user",
            format!(
                "{}: objdump shows no trap_s at all; is this a user program?",
                elf.display()
            ),
        ));
    }
    Ok(())
}

/// [`CFLAGS`] for a board's core: only `-mcpu=` differs (`-mno-atomic` stays: ARC700
/// has the atomic extension as an option too, and the check below holds for both).
pub fn cflags(isa: Isa) -> Vec<&'static str> {
    let mut f = CFLAGS.to_vec();
    f[0] = match isa {
        Isa::Arcv2 => CFLAGS[0],
        Isa::Arcompact => "-mcpu=arc700",
    };
    f
}

/// How user programs (and the kernel) link libgcc: Debian's is ARCv2 only, so ARC700
/// links the archive `cargo xtask libgcc-arc700` builds (cached after the first time).
pub fn libgcc_args(isa: Isa) -> Result<Vec<std::ffi::OsString>> {
    match isa {
        Isa::Arcv2 => Ok(vec!["-lgcc".into()]),
        Isa::Arcompact => {
            let opts = crate::libgcc_arc700::Options::new(crate::libgcc_arc700::Cpu::Arc700);
            Ok(vec![crate::libgcc_arc700::build(&opts)?.archive.into()])
        }
    }
}

fn compile_obj_for(isa: Isa, src: &Path, obj: &Path, defines: &[String]) -> Result<()> {
    let depfile = obj.with_extension("d");
    let mut c = freestanding_gcc(&depfile)?;
    c.args(cflags(isa));
    for d in defines {
        c.arg(format!("-D{d}"));
    }
    c.arg("-c").arg(src).arg("-o").arg(obj);
    if up_to_date(obj, &c, &[src], Some(&depfile)) {
        return Ok(());
    }
    run_compile(&mut c, &depfile, &format!("{} -c {}", cc(), src.display()))?;
    record_command(obj, &c)
}

/// `out.cmd` beside each output holds the command that made it: an output is rebuilt when
/// the command changes (flags, defines, inputs) as well as when an input is newer.
fn command_file(out: &Path) -> PathBuf {
    let mut name = out.file_name().unwrap_or_default().to_os_string();
    name.push(".cmd");
    out.with_file_name(name)
}

fn record_command(out: &Path, cmd: &Command) -> Result<()> {
    let f = command_file(out);
    std::fs::write(&f, format!("{cmd:?}"))
        .map_err(|e| Error::new("user", format!("{}: {e}", f.display())))
}

/// True when `out` exists, was made by this very command, and neither an input nor a
/// header its dependency list names is newer than that build. The command file's time
/// is the build's: an output rebuilt with identical bytes keeps its old time, so that
/// the kernel embedding it is not relinked.
fn up_to_date(out: &Path, cmd: &Command, inputs: &[&Path], depfile: Option<&Path>) -> bool {
    let recorded = command_file(out);
    let same = out.exists() && std::fs::read_to_string(&recorded).ok() == Some(format!("{cmd:?}"));
    let headers = depfile.map(toolchain::depfile_paths).unwrap_or_default();
    let mut all: Vec<&Path> = inputs.to_vec();
    all.extend(headers.iter().map(PathBuf::as_path));
    same && !crate::build::stale(&recorded, &all)
}

/// Moves `fresh` over `dest` unless `dest` already has the same bytes (the
/// build is deterministic, so an unchanged program keeps its mtime and the
/// kernel image that embeds it is not relinked).
fn replace_if_changed(fresh: &Path, dest: &Path) -> Result<()> {
    let io = |e: std::io::Error| Error::new("user", format!("{}: {e}", dest.display()));
    let new = std::fs::read(fresh).map_err(io)?;
    if std::fs::read(dest).ok().as_deref() == Some(&new[..]) {
        std::fs::remove_file(fresh).map_err(io)?;
    } else {
        std::fs::rename(fresh, dest).map_err(io)?;
    }
    Ok(())
}

/// Builds every program of `user/manifest.txt` into `out_dir`, in manifest
/// order (the order the kernel runs them), and checks each for LLOCK/SCOND.
/// Writes `<name>.elf` and `<name>.dis` (the objdump listing).
pub fn build_user_programs(out_dir: &Path) -> Result<Vec<UserProgram>> {
    build_user_programs_from(DEFAULT_MANIFEST, out_dir)
}

pub fn build_user_programs_from(manifest: &str, out_dir: &Path) -> Result<Vec<UserProgram>> {
    build_user_programs_for(Isa::Arcv2, manifest, out_dir)
}

/// As [`build_user_programs_from`], for a board's core.
pub fn build_user_programs_for(
    isa: Isa,
    manifest: &str,
    out_dir: &Path,
) -> Result<Vec<UserProgram>> {
    let libgcc = libgcc_args(isa)?;
    let entries = manifest_named(manifest)?;
    let udir = user_dir();
    std::fs::create_dir_all(out_dir)
        .map_err(|e| Error::new("user", format!("cannot create {}: {e}", out_dir.display())))?;
    let rt = ["crt0.S", "sys.S", "rt.c"];
    let mut rt_objs = Vec::new();
    for r in rt {
        let obj = out_dir.join(format!("rt-{}.o", r.replace('.', "_")));
        compile_obj_for(isa, &udir.join("rt").join(r), &obj, &[])?;
        rt_objs.push(obj);
    }
    let link = udir.join("link.ld");
    // Link in parallel: two cores are typical, GCC start-up dominates.
    let results: Vec<Result<UserProgram>> = std::thread::scope(|s| {
        let handles: Vec<_> = entries
            .chunks(entries.len().div_ceil(4).max(1))
            .map(|chunk| {
                let rt_objs = &rt_objs;
                let link = &link;
                let udir = &udir;
                let libgcc = &libgcc;
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|e| {
                            let elf = out_dir.join(format!("{}.elf", e.name));
                            let fresh = out_dir.join(format!("{}.elf.new", e.name));
                            let depfile = out_dir.join(format!("{}.d", e.name));
                            let source = udir.join("programs").join(&e.source);
                            let mut c = freestanding_gcc(&depfile)?;
                            c.args(cflags(isa));
                            for d in &e.defines {
                                c.arg(format!("-D{d}"));
                            }
                            c.arg("-Wl,--build-id=none")
                                .arg("-T")
                                .arg(link)
                                .args(rt_objs)
                                .arg(&source);
                            c.args(libgcc).arg("-o").arg(&fresh);
                            let prebuilt = e.source.ends_with(".o");
                            let mut inputs: Vec<&Path> =
                                rt_objs.iter().map(PathBuf::as_path).collect();
                            inputs.push(link);
                            inputs.push(&source);
                            let deps = (!prebuilt).then_some(depfile.as_path());
                            if up_to_date(&elf, &c, &inputs, deps) {
                                return Ok(UserProgram {
                                    name: e.name.clone(),
                                    elf,
                                    expect: e.expect,
                                });
                            }
                            let what = format!("{} (program {})", cc(), e.name);
                            if prebuilt {
                                // A prebuilt object (xtask::atomics): this is a link only,
                                // GCC writes no dependency list; its compiles were checked.
                                run_tool(&mut c, &what)?;
                            } else {
                                run_compile(&mut c, &depfile, &what)?;
                            }
                            check_no_llsc(&fresh, &out_dir.join(format!("{}.dis", e.name)))?;
                            replace_if_changed(&fresh, &elf)?;
                            record_command(&elf, &c)?;
                            Ok(UserProgram {
                                name: e.name.clone(),
                                elf,
                                expect: e.expect,
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("user build thread"))
            .collect()
    });
    results.into_iter().collect()
}

/// Builds the hardware lower bound: a bare-metal (kernel-mode, no MMU) loop of
/// LLOCK/SCOND compare-and-swap increments, `user/baseline/llsc_loop.S`, for a
/// core that HAS LL/SC (the simulator with `llsc: true`). It is not a user
/// program and is never embedded in the kernel. Linked at `ram_base`.
pub fn build_llsc_baseline(out_dir: &Path, ram_base: u32) -> Result<PathBuf> {
    std::fs::create_dir_all(out_dir)
        .map_err(|e| Error::new("user", format!("cannot create {}: {e}", out_dir.display())))?;
    let elf = out_dir.join("llsc_loop.elf");
    let depfile = out_dir.join("llsc_loop.d");
    let mut c = freestanding_gcc(&depfile)?;
    c.args(["-mcpu=hs38", "-nostdlib", "-static", "-fno-pic"]);
    c.args([
        "-Wl,-N",
        "-Wl,--build-id=none",
        "-Wl,--no-warn-rwx-segments",
    ]);
    c.arg(format!("-Wl,-Ttext={ram_base:#x}"))
        .arg("-Wl,-e,_start")
        .arg(user_dir().join("baseline").join("llsc_loop.S"))
        .arg("-o")
        .arg(&elf);
    run_compile(&mut c, &depfile, "arc-linux-gnu-gcc (llsc baseline)")?;
    Ok(elf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_parses_and_names_cases() {
        let m = manifest().unwrap();
        assert!(m.len() >= 10);
        let all: Vec<&str> = m
            .iter()
            .flat_map(|e| e.cases.iter().map(String::as_str))
            .collect();
        for id in [
            "1", "2", "3", "4", "5", "6", "7a", "7b", "7c", "7d", "7e", "8a", "8b", "9a", "9b",
            "10a",
        ] {
            assert!(all.contains(&id), "case {id} is in no program");
        }
    }

    #[test]
    fn manifest_rejects_bad_lines() {
        assert!(parse_manifest("a b.c - exit:0\n").is_err());
        assert!(parse_manifest("a b.c - exit:zero 1\n").is_err());
        assert!(parse_manifest("a b.c - exit:0 1\na c.c - exit:0 2\n").is_err());
        let m = parse_manifest("a b.c X=1,Y exit:0 1,2 # c\n").unwrap();
        assert_eq!(m[0].defines, vec!["X=1", "Y"]);
        assert_eq!(m[0].cases, vec!["1", "2"]);
        let again = parse_manifest(&m[0].to_line()).unwrap();
        assert_eq!(again[0].to_line(), m[0].to_line());
        assert_eq!(again[0].defines, m[0].defines);
    }

    /// The objdump check really rejects what GCC emits for C atomics on HS
    /// (it ignores -mno-atomic), and accepts the built suite.
    #[test]
    fn objdump_check_rejects_c_atomics() {
        let dir = std::env::temp_dir().join(format!("xtask-llsc-check-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("atomic.c");
        std::fs::write(
            &src,
            "int f(int *p) { return __atomic_add_fetch(p, 1, __ATOMIC_SEQ_CST); }\n",
        )
        .unwrap();
        let obj = dir.join("atomic.o");
        compile_obj_for(Isa::Arcv2, &src, &obj, &[]).unwrap();
        let err = check_no_llsc(&obj, &dir.join("atomic.dis")).unwrap_err();
        assert!(err.msg.contains("LLOCK/SCOND"), "{err}");

        let progs = build_user_programs(&dir.join("suite")).unwrap();
        assert_eq!(progs.len(), manifest().unwrap().len());
        for p in &progs {
            let dis = std::fs::read_to_string(p.elf.with_extension("dis")).unwrap();
            assert!(llsc_lines(&dis).is_empty(), "{}", p.name);
            assert!(dis.contains("trap_s"), "{}", p.name);
        }
    }

    #[test]
    fn expect_round_trip() {
        for e in [
            Expect::Exit(0),
            Expect::Exit(3),
            Expect::Signal(11),
            Expect::Signal(7),
        ] {
            assert_eq!(Expect::parse(&e.to_report()), Some(e));
        }
        assert_eq!(Expect::parse("signal:SIGSEGV"), Some(Expect::Signal(11)));
    }

    #[test]
    fn llsc_detector_finds_them() {
        let dis = "   10000:\t222f 00d0           \tllock\tr2,[r3]\n\
                   10004:\t6a01                \tadd_s\tr0,r2,0x1\n\
                   10008:\t202f 00d1           \tscond\tr0,[r3]\n\
                   1000c:\t1234 5678           \tld\tr0,[scond_label]\n";
        let l = llsc_lines(dis);
        assert_eq!(l.len(), 2, "{l:?}");
        assert!(llsc_lines("   10000:\t7fe0\tj_s\t[blink]\n").is_empty());
    }
}
