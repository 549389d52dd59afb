//! Assembly programs for the machine and CLI tests: `build(body)` assembles and links
//! `body` with arc-linux-gnu-as/-ld (cached by content under the target dir), with a
//! vector table at 0x8000_0000 whose entry n points at `vec_n` when the body defines it,
//! otherwise at `unexpected`, which exits with 0xE000_0000 | ECR (exceptions) or
//! 0xF000_0000 | ICAUSE (interrupts); vector 8 (SWI) defaults to `user_swi`, which
//! re-issues a user-mode `swi` in kernel mode, so `EXIT` works in user mode too (semihosting
//! is kernel-only). Macros: `SETUP` (kernel stack, vector base) and `EXIT code`.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

fn tmp_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("machine-tests");
    std::fs::create_dir_all(&d).unwrap();
    d
}

const LINK_LD: &str = "ENTRY(_start)
SECTIONS {
  . = 0x80000000;
  .text : { *(.vectors) *(.text*) }
  .rodata : { *(.rodata*) }
  .data : { *(.data*) }
  .bss : { *(.bss*) *(COMMON) }
  .user 0x10000 : AT(0x80410000) { *(.user*) }
}
";

/// Assembles and links `body` (with the vector table and exit helpers) into an ELF image.
pub fn build(body: &str) -> Vec<u8> {
    let mut src = String::from("\t.section .vectors,\"ax\"\nvectors:\n");
    for n in 0..256 {
        let label = format!("vec_{n}");
        if body.contains(&format!("{label}:")) {
            src.push_str(&format!("\t.word {label}\n"));
        } else if n == 8 {
            src.push_str("\t.word user_swi\n");
        } else {
            src.push_str("\t.word unexpected\n");
        }
    }
    src.push_str(
        "\t.text\nunexpected:\n\tlr r0,[0x403]\n\tbset r0,r0,31\n\tbset r0,r0,30\n\tbset r0,r0,29\n\
         \tlr r1,[0x40a]\n\tbreq r1,0,1f\n\tmov r0,0xF0000000\n\tor r0,r0,r1\n1:\tmov r8,1\n\tswi\n",
    );
    // Semihosting is kernel-only: a user-mode `swi` arrives here and is re-issued.
    src.push_str("user_swi:\n\tswi\n");
    src.push_str(".macro EXIT code\n\tmov r0,\\code\n\tmov r8,1\n\tswi\n.endm\n");
    src.push_str(".macro SETUP\n\tmov sp,0x80100000\n\tmov r0,vectors\n\tsr r0,[0x25]\n.endm\n");
    src.push_str("\t.text\n\t.global _start\n");
    src.push_str(body);
    src.push('\n');
    let key = format!("{:016x}", {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        src.hash(&mut h);
        h.finish()
    });
    let dir = tmp_dir();
    let elf = dir.join(format!("{key}.elf"));
    if let Ok(b) = std::fs::read(&elf) {
        return b;
    }
    let s = dir.join(format!("{key}.S"));
    let o = dir.join(format!("{key}.o"));
    let ld = dir.join(format!("{key}.ld"));
    let tmp_elf = dir.join(format!("{key}.{}.tmp", std::process::id()));
    std::fs::write(&s, &src).unwrap();
    std::fs::write(&ld, LINK_LD).unwrap();
    let run = |cmd: &mut Command| {
        let out = cmd
            .output()
            .unwrap_or_else(|e| panic!("cannot run {cmd:?} (ARC binutils installed?): {e}"));
        assert!(
            out.status.success(),
            "{cmd:?} failed:\n{}\n--- source ---\n{src}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(Command::new("arc-linux-gnu-as")
        .args(["-mcpu=hs38", "-o"])
        .arg(&o)
        .arg(&s));
    run(Command::new("arc-linux-gnu-ld")
        .arg("-T")
        .arg(&ld)
        .arg("--no-warn-rwx-segments")
        .arg("-o")
        .arg(&tmp_elf)
        .arg(&o));
    std::fs::rename(&tmp_elf, &elf).unwrap();
    std::fs::read(&elf).unwrap()
}

/// Compiles `c_file` (in this directory) with `crt.S`-style start-up for hs38 at `opt`.
pub fn build_c(c_file: &str, opt: &str) -> Vec<u8> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/asm");
    let src = std::fs::read_to_string(here.join(c_file)).unwrap();
    let key = format!("{:016x}", {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        (src.as_str(), opt, LINK_LD).hash(&mut h);
        h.finish()
    });
    let dir = tmp_dir();
    let elf = dir.join(format!("{key}.c.elf"));
    if let Ok(b) = std::fs::read(&elf) {
        return b;
    }
    let crt = dir.join(format!("{key}.crt.S"));
    let ld = dir.join(format!("{key}.c.ld"));
    let tmp_elf = dir.join(format!("{key}.{}.ctmp", std::process::id()));
    std::fs::write(
        &crt,
        "\t.text\n\t.global _start\n_start:\n\tmov sp,0x80800000\n\tbl main\n\tmov r8,1\n\tswi\n",
    )
    .unwrap();
    std::fs::write(&ld, LINK_LD).unwrap();
    let freestanding = toolchain::include_flags(toolchain::Headers::Freestanding)
        .unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new("arc-linux-gnu-gcc")
        .args(freestanding)
        .args([
            "-mcpu=hs38",
            "-mno-unaligned-access",
            opt,
            "-nostdlib",
            "-static",
            "-Wl,--no-warn-rwx-segments",
            "-T",
        ])
        .arg(&ld)
        .arg(&crt)
        .arg(here.join(c_file))
        .arg("-o")
        .arg(&tmp_elf)
        .output()
        .unwrap_or_else(|e| panic!("cannot run arc-linux-gnu-gcc: {e}"));
    assert!(
        out.status.success(),
        "gcc failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    std::fs::rename(&tmp_elf, &elf).unwrap();
    std::fs::read(&elf).unwrap()
}
