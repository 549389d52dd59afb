//! libgcc for ARC700 (issue 12, part 2): the archive built from GCC's sources links
//! with `-mcpu=arc700` code where Debian's ARCv2 libgcc cannot, defines what ARC700 code
//! calls, holds only ARCompact code, is cached, and its compiles read no host header.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use xtask::libgcc_arc700::{self as l, Cpu, Options};

/// The default archive, built once per test process (tests run in parallel and must
/// not rebuild the same directory at the same time).
fn archive() -> &'static Path {
    static A: OnceLock<PathBuf> = OnceLock::new();
    A.get_or_init(|| {
        l::build(&Options::new(Cpu::Arc700))
            .unwrap_or_else(|e| panic!("{e}"))
            .archive
    })
}

fn scratch(name: &str) -> PathBuf {
    let d = l::work_dir().join(format!("test-{name}"));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn tool(name: &str, args: &[&str]) -> String {
    let out = Command::new(name).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A program whose -mcpu=arc700 -O2 code calls 32- and 64-bit division, float and
/// double arithmetic, conversions and (with -ftrapv) trapping arithmetic.
const PROGRAM: &str = r#"
void abort(void) { for (;;); }
volatile long long a = 1234567890123LL, b = -37;
volatile unsigned long long ua = 0xFEDCBA9876543210ULL, ub = 12345;
volatile int x = -100, y = 7;
volatile float f = 1.5f, g = 2.25f;
volatile double d = 3.5, e = -0.125;
volatile long long r1; volatile unsigned long long r2; volatile int r3;
volatile double r4; volatile float r5;
void __start(void) {
  r1 = a / b + a % b;
  r2 = ua / ub + ua % ub;
  r3 = x / y + x % y + (unsigned)x / (unsigned)y + x * y;
  r4 = d * e + d / e - (double)a + (double)f;
  r5 = f * g + f / g - (float)x + (float)(d > e) + (float)ua;
  r3 += (int)d + (unsigned)g + __builtin_popcount(y) + __builtin_clzll(ua);
  for (;;);
}
"#;

fn compile_program(dir: &Path) -> PathBuf {
    let src = dir.join("prog.c");
    std::fs::write(&src, PROGRAM).unwrap();
    let obj = dir.join("prog.o");
    let dep = dir.join("prog.d");
    let out = toolchain::gcc(toolchain::Headers::Freestanding, &dep)
        .unwrap()
        .args(["-mcpu=arc700", "-O2", "-ftrapv", "-mno-sdata", "-c"])
        .arg(&src)
        .arg("-o")
        .arg(&obj)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    toolchain::check_depfile(&dep, "prog.c").unwrap();
    obj
}

fn link(obj: &Path, lib: &Path, elf: &Path) -> std::process::Output {
    Command::new(toolchain::gcc_name())
        .args(["-mcpu=arc700", "-nostdlib", "-static"])
        .arg(obj)
        .arg(lib)
        .arg("-o")
        .arg(elf)
        .output()
        .unwrap()
}

#[test]
fn arc700_code_links_with_the_archive_and_not_with_debians_libgcc() {
    let dir = scratch("link");
    let obj = compile_program(&dir);
    let undef = tool("arc-linux-gnu-nm", &["-u", obj.to_str().unwrap()]);
    // The program does call libgcc: the link below resolves something.
    assert!(
        undef.contains("__udivdi3") && undef.contains("__divsi3"),
        "{undef}"
    );

    let elf = dir.join("prog.elf");
    let ok = link(&obj, archive(), &elf);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let syms = tool("arc-linux-gnu-nm", &[elf.to_str().unwrap()]);
    for s in ["__udivdi3", "__divsi3", "__muldf3", "__divsf3", "__addvsi3"] {
        assert!(
            syms.contains(&format!(" {s}\n")),
            "{s} not linked in:\n{syms}"
        );
    }

    // The control: Debian's libgcc is ARCv2 and the same link fails.
    let debian = tool(&toolchain::gcc_name(), &["-print-libgcc-file-name"]);
    let bad = link(&obj, Path::new(debian.trim()), &dir.join("debian.elf"));
    let msg = String::from_utf8_lossy(&bad.stderr);
    assert!(
        !bad.status.success(),
        "linking with Debian's libgcc succeeded"
    );
    assert!(
        msg.contains("failed to merge target specific data"),
        "{msg}"
    );
}

#[test]
fn the_archive_defines_every_needed_symbol() {
    let defined = l::defined_symbols(archive()).unwrap();
    let missing: Vec<&&str> = l::TORTURE_NEEDS
        .iter()
        .chain(l::ALSO_PROVIDED)
        .filter(|s| defined.binary_search(&s.to_string()).is_err())
        .collect();
    assert!(missing.is_empty(), "not defined: {missing:?}");
}

/// libgcc's Makefile leaves out of libgcc2.c what lib1funcs.S provides; two members
/// defining one symbol make any link that pulls both fail.
#[test]
fn no_symbol_is_defined_by_two_members() {
    let a = archive().to_str().unwrap();
    let nm = tool("arc-linux-gnu-nm", &["-g", "--defined-only", a]);
    let mut seen = std::collections::BTreeMap::new();
    let mut member = String::new();
    for line in nm.lines() {
        if let Some(m) = line.strip_suffix(':') {
            member = m.to_string();
        } else if let [_, _, sym] = line.split_whitespace().collect::<Vec<_>>()[..] {
            if let Some(first) = seen.insert(sym.to_string(), member.clone()) {
                panic!("{sym} defined in {first} and {member}");
            }
        }
    }
    assert!(seen.len() > 150, "{seen:?}");
}

/// The survey behind `TORTURE_NEEDS`, run again: every `__*` symbol the `-mcpu=arc700
/// -O2` torture tests call is in the archive, except the C library's.
#[test]
fn the_torture_tests_need_nothing_the_archive_lacks() {
    const LIBC: &[&str] = &["__assert_fail", "__isoc99_fscanf"];
    let s = l::survey("-O2").unwrap_or_else(|e| panic!("{e}"));
    assert!(
        s.compiled > 1500 && s.failed.len() < 10,
        "{} {:?}",
        s.compiled,
        s.failed
    );
    let defined = l::defined_symbols(archive()).unwrap();
    let needed: Vec<&str> = s
        .needs
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| !LIBC.contains(n))
        .collect();
    let missing: Vec<&&str> = needed
        .iter()
        .filter(|n| defined.binary_search(&n.to_string()).is_err())
        .collect();
    assert!(missing.is_empty(), "{}", l::render_survey(&s, &defined));
    assert_eq!(needed, l::TORTURE_NEEDS, "TORTURE_NEEDS is out of date");
}

#[test]
fn every_member_is_arcompact_without_arcv2_instructions() {
    let a = archive().to_str().unwrap();
    let members = l::archive_members(archive()).unwrap();
    assert!(members.len() > 90, "{members:?}");
    let headers = tool("arc-linux-gnu-readelf", &["-h", a]);
    let machines: Vec<&str> = headers.lines().filter(|l| l.contains("Machine:")).collect();
    assert_eq!(machines.len(), members.len(), "{headers}");
    for m in &machines {
        assert!(m.trim().ends_with("ARCompact"), "{m}");
    }
    let attrs = tool("arc-linux-gnu-readelf", &["-A", a]);
    assert_eq!(
        attrs.matches("Tag_ARC_CPU_name: \"arc700\"").count(),
        members.len()
    );

    let dis = tool("arc-linux-gnu-objdump", &["-d", a]);
    let mut insns = 0;
    for line in dis.lines() {
        // "   8:\t2f0a 0000 \tmnemonic operands"
        let Some(text) = line.split('\t').nth(2) else {
            continue;
        };
        let op = text.split_whitespace().next().unwrap_or("");
        let base = op.split('.').next().unwrap_or("");
        insns += 1;
        assert!(
            !["llock", "scond", "div", "divu", "rem", "remu"].contains(&base),
            "ARCv2-only instruction: {line}"
        );
    }
    assert!(insns > 5000, "only {insns} instructions disassembled");
}

#[test]
fn a_second_build_compiles_nothing_and_a_flag_change_rebuilds() {
    let dir = scratch("cache");
    let opts = Options {
        dir: dir.clone(),
        ..Options::new(Cpu::Arc700)
    };
    let cold = l::build(&opts).unwrap();
    assert!(!cold.cached && cold.compiled == cold.members, "{cold:?}");
    let objs = dir.join("obj");
    let mtime = |p: &Path| std::fs::metadata(p).unwrap().modified().unwrap();
    let before = mtime(&objs.join("_udivdi3.o"));

    let warm = l::build(&opts).unwrap();
    assert!(warm.cached && warm.compiled == 0, "{warm:?}");
    assert_eq!(warm.members, cold.members);
    assert_eq!(mtime(&objs.join("_udivdi3.o")), before);

    let changed = Options {
        extra_flags: vec!["-DLIBGCC_TEST_KEY=1".to_string()],
        ..opts.clone()
    };
    let re = l::build(&changed).unwrap();
    assert!(!re.cached && re.compiled == re.members, "{re:?}");
    assert!(l::build(&changed).unwrap().cached);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A host directory on the include path and a header forced from it: the compile
/// succeeds, the dependency check must stop the build and name the header.
#[test]
fn a_host_header_on_the_include_path_stops_the_build() {
    let dir = scratch("host-header");
    let opts = Options {
        extra_flags: ["-idirafter", "/usr/include", "-include", "linux/const.h"]
            .map(String::from)
            .to_vec(),
        dir: dir.clone(),
        ..Options::new(Cpu::Arc700)
    };
    let e = l::build(&opts).expect_err("a build that read a host header was accepted");
    assert!(
        e.msg.contains("host header") && e.msg.contains("/usr/include/linux/const.h"),
        "{e}"
    );
    assert!(!dir.join("libgcc-arc700.a").exists());
    let _ = std::fs::remove_dir_all(&dir);
}
