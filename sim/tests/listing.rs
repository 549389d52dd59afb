//! `arcsim disasm ELF` against `arc-linux-gnu-objdump -d ELF`: the whole listing (header,
//! section and symbol lines, data in code sections, `...` for zero runs, branch-target
//! comments with their `<symbol+0x..>`) must be identical, line for line, for the kernel
//! image, for C programs compiled by `arc-linux-gnu-gcc -mcpu=hs38`, and for assembly that
//! exercises objdump's corner cases.
//!
//! Without the ARC cross toolchain the tests are skipped with a loud message, unless
//! `ARC_REQUIRE_TOOLS=1`, which turns a missing tool into a failure.

mod common;

use common::stdout_of;
use std::path::{Path, PathBuf};
use std::process::Command;

const OBJDUMP: &str = "arc-linux-gnu-objdump";

/// Whether the tools are there; panics instead when `ARC_REQUIRE_TOOLS=1`.
fn tools_present(test: &str) -> bool {
    for tool in [OBJDUMP, common::GCC, common::AS, common::LD] {
        let ok = Command::new(tool)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        if !ok {
            let msg = format!(
                "`{tool}` not found: cannot compare `arcsim disasm` with objdump. Install the ARC \
                 cross toolchain (`cargo xtask setup`: gcc-arc-linux-gnu, binutils-arc-linux-gnu)"
            );
            if std::env::var("ARC_REQUIRE_TOOLS").is_ok_and(|v| v == "1") {
                panic!("{msg} (ARC_REQUIRE_TOOLS=1)");
            }
            // Straight to stderr: libtest would swallow eprintln! of a passing test.
            use std::io::Write as _;
            let _ = writeln!(std::io::stderr(), "\n\n*** SKIPPED {test}: {msg}\n");
            return false;
        }
    }
    true
}

/// Line counts of one comparison.
#[derive(Default)]
struct Tally {
    compared: usize,
    differing: usize,
}

impl Tally {
    fn add(&mut self, other: Tally) {
        self.compared += other.compared;
        self.differing += other.differing;
    }

    fn check(&self, what: &str) {
        println!(
            "{what}: lines compared {}, differing {}",
            self.compared, self.differing
        );
        assert!(self.compared > 0, "{what}: nothing compared");
        assert_eq!(
            self.differing, 0,
            "{what}: `arcsim disasm` differs from objdump -d (see the differences above)"
        );
    }
}

/// Runs both on `elf` (the same path string, which both print in the header) and compares
/// the listings line by line.
fn compare(elf: &Path) -> Tally {
    let path = elf.to_str().expect("UTF-8 path");
    let want = stdout_of(Command::new(OBJDUMP).arg("-d").arg(path));
    let got = stdout_of(Command::new(env!("CARGO_BIN_EXE_arcsim")).args(["disasm", path]));
    let want: Vec<&str> = want.split('\n').collect();
    let got: Vec<&str> = got.split('\n').collect();
    let compared = want.len().max(got.len());
    let mut differing = 0;
    for i in 0..compared {
        let (w, g) = (want.get(i), got.get(i));
        if w != g {
            differing += 1;
            if differing <= 12 {
                println!(
                    "{path}:{}:\n  objdump: {:?}\n  arcsim:  {:?}",
                    i + 1,
                    w.copied().unwrap_or("<end>"),
                    g.copied().unwrap_or("<end>")
                );
            }
        }
    }
    println!("{path}: lines compared {compared}, differing {differing}");
    Tally {
        compared,
        differing,
    }
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Builds the default kernel image with `xtask build` (up to date: a few seconds).
fn kernel_elf() -> PathBuf {
    let root = workspace_root();
    let built = Command::new(env!("CARGO"))
        .current_dir(&root)
        .args(["build", "--quiet", "--release", "-p", "xtask"])
        .status()
        .expect("build xtask");
    assert!(built.success(), "building xtask failed");
    // This test runs from <target>/<profile>/deps/.
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).expect("target dir");
    let xtask = target.join("release").join("xtask");
    assert!(xtask.is_file(), "xtask binary not at {}", xtask.display());
    let out = Command::new(&xtask)
        .current_dir(&root)
        .arg("build")
        .output()
        .expect("run xtask build");
    assert!(
        out.status.success(),
        "xtask build failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let elf = root.join("target/arc/sim/kernel.elf");
    assert!(elf.is_file(), "no kernel image at {}", elf.display());
    elf
}

#[test]
fn kernel_listing_matches_objdump() {
    if !tools_present("kernel_listing_matches_objdump") {
        return;
    }
    let elf = kernel_elf();
    // Compare a private copy: other tests may rebuild the image meanwhile.
    let copy = common::cache_dir("listing").join(format!("kernel-{}.elf", std::process::id()));
    std::fs::copy(&elf, &copy).expect("copy kernel.elf");
    let tally = compare(&copy);
    let _ = std::fs::remove_file(&copy);
    tally.check("kernel.elf");
}

#[test]
fn c_program_listings_match_objdump() {
    if !tools_present("c_program_listings_match_objdump") {
        return;
    }
    let progs = common::c_dir().join("progs");
    let hdr = std::fs::read(progs.join("check.h")).unwrap();
    let mut total = Tally::default();
    for (name, opt) in [
        ("arith", "-O2"),
        ("control", "-O2"),
        ("floats", "-O2"),
        ("int64", "-O2"),
        ("strings", "-Os"),
        ("structs", "-O0"),
        ("loops", "-O3"),
        ("heap", "-O1"),
    ] {
        let flags = vec![
            opt.to_string(),
            "-Wall".to_string(),
            format!("-I{}", progs.display()),
            format!("-DCHECK_H_HASH={}", common::hash_hex(&[&hdr])),
        ];
        let elf = common::build_c_cached_path(
            "listing",
            &format!("{name}{opt}"),
            &[progs.join(format!("{name}.c"))],
            &flags,
        )
        .unwrap_or_else(|e| panic!("building {name}.c at {opt} failed:\n{e}"));
        total.add(compare(&elf));
    }
    total.check("C programs");
}

/// ARCompact ELFs (EM_ARC_COMPACT): the ARC700 test programs and the ARCv2 ones, compiled
/// with -mcpu=arc700 (no libgcc: its calls stay unresolved, the code is still laid out).
#[test]
fn arcompact_listings_match_objdump() {
    if !tools_present("arcompact_listings_match_objdump") {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("listing-arcompact");
    std::fs::create_dir_all(&dir).unwrap();
    let tests = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut total = Tally::default();
    for (src, opt) in [
        ("arcompact/sieve.c", "-O2"),
        ("arcompact/sort.c", "-Os"),
        ("arcompact/strings.c", "-O0"),
        ("arcompact/mul64.c", "-O2"),
        ("c/progs/arith.c", "-O2"),
        ("c/progs/control.c", "-O2"),
        ("c/progs/loops.c", "-O3"),
    ] {
        let stem = Path::new(src).file_stem().unwrap().to_string_lossy();
        let elf = dir.join(format!("{stem}{opt}.elf"));
        stdout_of(
            Command::new(common::GCC)
                .args(toolchain::include_flags(toolchain::Headers::ArcLibc).unwrap())
                .args(["-mcpu=arc700", opt, "-nostdlib", "-static", "-Wl,-e,0"])
                .arg("-Wl,--noinhibit-exec")
                .arg(tests.join(src))
                .arg("-o")
                .arg(&elf),
        );
        total.add(compare(&elf));
    }
    total.check("ARCompact programs");
}

/// objdump's corner cases: zero runs (skipped unless after a delay-slot instruction, and
/// 1..2 bytes at a block end), OBJECT symbols in code (dumped as data), symbols inside an
/// instruction (`Address .. is out of bounds.`, a LIMM cut off as `.word`), absolute
/// symbols as branch-target labels, targets outside every section, a second code section,
/// a local label, and the same code linked low (shorter addresses), stripped (no symbols
/// at all) and not linked (a relocatable object).
const CORNERS: &str = r#"
	.text
	.global _start
	.type _start,@function
_start:
	j_s.d [blink]
	.word 0,0,0
	nop_s
	jl_s.d [r1]
	.word 0,0,0
	nop_s
	b.d _start
	.word 0,0,0,0
	nop_s
	bl.d _start
	.word 0,0
	.short 0
	nop_s
	.word 0,0,0
	brne.d r0,r1,_start
	.word 0,0,0
	nop_s
	j.d [r2]
	.word 0,0,0
	nop_s
	mov r0, 0x12345678
	.type tbl,@object
tbl:	.word 0x41424344, 0, 0, 0, 0, 0x00616263, 0x12345678, 0x99
	.byte 1,2,3
	.p2align 1
	.type f2,@function
f2:	.short 0x2000
mid:	.short 0x1234
	nop_s
	mov r0, 0x12345678
	.short 0x2f00
lim:	.short 0x3f80
	.word 0x11223344
	add_s r0,r0,0x1234
	.short 0x70c7
lim2:	.short 0x1234
	add r1,r1,r2
	.globl absy
	.set absy, 0x80000100
	.type obj2,@object
obj2:	.byte 0x61
	.type f3,@function
f3:	nop_s
	.byte 0
	.byte 0
	b _start
	ld r0,[pcl,0x10]
	b 0x10
	.p2align 2
	.type big,@function
	.size big,64
big:
	.type small,@function
	.size small,4
small:
	.weak wk
wk:
gnu_compiled_x:
	nop_s
	b big
	.section .text2,"ax"
	.local loc1
loc1:	nop_s
	b _start
	b loc1
	.word 0
	.word 0
	.word 0
	.short 0
	.section .data
d1:	.word 1
"#;

/// Relocatable code: objdump uses the relocations of every code section but the first
/// (only its first instruction tells it the ARC disassembler wants them), showing the target
/// of a relocated instruction as the relocation symbol plus the displacement.
const RELOCS: &str = r#"
	.text
f0:	nop_s
	bl ext
	.section .text.b,"ax"
	.global g
g:	bl ext
	bl.d ext2+8
	nop_s
	mov r0, ext
	ld r1,[pcl,@loc@pcl]
	add r2,pcl,@ext@pcl
	b f0
	b g
	bl  g
	b.d loc
	nop_s
	j_s [blink]
loc:	nop_s
	.section .text.c,"ax"
	b loc
	ld r0,[pcl,@f0@pcl]
	.word 0,0,0
	bl ext
"#;

fn assemble(dir: &Path, name: &str, src: &str) -> PathBuf {
    let s = dir.join(format!("{name}.s"));
    let o = dir.join(format!("{name}.o"));
    std::fs::write(&s, src).unwrap();
    common::run_tool(
        Command::new(common::AS)
            .arg("-mcpu=hs38")
            .arg(&s)
            .arg("-o")
            .arg(&o),
    )
    .unwrap_or_else(|e| panic!("assembling {name} failed:\n{e}"));
    o
}

fn build_corners(dir: &Path, name: &str, text_addr: &str, strip: bool) -> PathBuf {
    let o = assemble(dir, "corners", CORNERS);
    let elf = dir.join(name);
    common::run_tool(
        Command::new(common::LD)
            .args(["-N", "--no-warn-rwx-segments", "-e", "_start", "-Ttext"])
            .arg(text_addr)
            .arg(&o)
            .arg("-o")
            .arg(&elf),
    )
    .unwrap_or_else(|e| panic!("linking the corner cases failed:\n{e}"));
    if strip {
        common::run_tool(Command::new("arc-linux-gnu-strip").arg(&elf))
            .unwrap_or_else(|e| panic!("strip failed:\n{e}"));
    }
    elf
}

#[test]
fn corner_case_listings_match_objdump() {
    if !tools_present("corner_case_listings_match_objdump") {
        return;
    }
    let dir = common::cache_dir(&format!("listing-corners-{}", std::process::id()));
    let mut total = Tally::default();
    for (name, addr, strip) in [
        ("high.elf", "0x80000000", false),
        ("low.elf", "0x100", false),
        ("stripped.elf", "0x80000000", true),
    ] {
        total.add(compare(&build_corners(&dir, name, addr, strip)));
    }
    total.add(compare(&assemble(&dir, "corners", CORNERS)));
    total.add(compare(&assemble(&dir, "relocs", RELOCS)));
    let _ = std::fs::remove_dir_all(&dir);
    total.check("corner cases");
}
