//! Benchmarks that print numbers (not timed tests): build times, image sizes, and the
//! simulator-measured costs of the kernel's hot paths.

use crate::build::{build_kernel, output_dir, BuildOptions};
use crate::{repo_root, Error, Result};
use std::path::Path;
use std::time::Instant;

const BOARDS: &[&str] = &["sim", "qemu-virt", "nsim", "hsdk"];

/// text/data/bss of an ELF, summed over allocated sections the way `size` does.
pub fn image_sizes(elf: &Path) -> Result<(u64, u64, u64)> {
    use object::{Object, ObjectSection, SectionFlags, SectionKind};
    let bytes = std::fs::read(elf).map_err(|e| Error::new("bench", format!("{}: {e}", elf.display())))?;
    let file = object::File::parse(&*bytes).map_err(|e| Error::new("bench", format!("{}: {e}", elf.display())))?;
    let (mut text, mut data, mut bss) = (0, 0, 0);
    for s in file.sections() {
        let alloc = match s.flags() {
            SectionFlags::Elf { sh_flags } => sh_flags & 2 != 0,
            _ => false,
        };
        if !alloc {
            continue;
        }
        match s.kind() {
            SectionKind::Text | SectionKind::ReadOnlyData | SectionKind::ReadOnlyString => text += s.size(),
            SectionKind::UninitializedData => bss += s.size(),
            _ => data += s.size(),
        }
    }
    Ok((text, data, bss))
}

pub fn build_numbers() -> Result<()> {
    let root = repo_root();
    let opts = BuildOptions::new("sim");
    for dir in ["target/arc", "target/arc-wasm"] {
        let _ = std::fs::remove_dir_all(root.join(dir));
    }
    let t = Instant::now();
    build_kernel(&opts)?;
    let clean = t.elapsed().as_secs_f64();
    // Touch one Rust file of the kernel: the wasm, C and link stages rerun.
    let touched = root.join("src/mmu_build.rs");
    let text = std::fs::read(&touched).map_err(|e| Error::new("bench", e.to_string()))?;
    std::fs::write(&touched, &text).map_err(|e| Error::new("bench", e.to_string()))?;
    let t = Instant::now();
    build_kernel(&opts)?;
    let incremental = t.elapsed().as_secs_f64();
    let t = Instant::now();
    build_kernel(&opts)?;
    let noop = t.elapsed().as_secs_f64();
    println!("build sim (clean, incl. user programs and core for wasm32): {clean:.1} s");
    println!("build sim (incremental, one kernel Rust file touched):     {incremental:.1} s");
    println!("build sim (nothing changed):                                {noop:.2} s");
    println!("{:<10} {:>9} {:>9} {:>9}", "board", "text", "data", "bss");
    for b in BOARDS {
        let out = build_kernel(&BuildOptions::new(b))?;
        let (t, d, s) = image_sizes(&out.elf)?;
        println!("{b:<10} {t:>9} {d:>9} {s:>9}");
    }
    let _ = output_dir(&opts);
    Ok(())
}
