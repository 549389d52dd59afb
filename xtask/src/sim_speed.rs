//! The simulator's speed beside QEMU's ARC model (issue 11): the benchmark images of
//! `sim/bench/` (compute-bound C; a TLB-miss storm), built here, run on the release
//! `arcsim` and, when `qemu-system-arc` is on PATH, on QEMU's virt board, in one run.
//!
//! Both images end the same way on both machines (`sim/bench/exit.S`: "BENCH-END" on the
//! UART, then halt), so one image serves both. arcsim's time is its whole process's;
//! QEMU's is from spawn to the marker on its console, less the same for an image that
//! ends at once (start-up: process, machine, loading). Each figure is the minimum over
//! `runs` runs; the instruction count is arcsim's (QEMU runs the same code; on
//! `tlb_heavy` its TLB geometry may change how many refills run).

use crate::{Error, Result};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One benchmark's figures.
#[derive(Debug, Clone)]
pub struct Speed {
    pub name: &'static str,
    pub insns: u64,
    pub arcsim_secs: f64,
    /// Net of start-up; `None` without QEMU.
    pub qemu_secs: Option<f64>,
}

impl Speed {
    pub fn arcsim_mips(&self) -> f64 {
        self.insns as f64 / self.arcsim_secs / 1e6
    }
    pub fn qemu_mips(&self) -> Option<f64> {
        self.qemu_secs.map(|s| self.insns as f64 / s / 1e6)
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::new("sim speed", e.to_string())
}

/// Builds `compute`, `tlb_heavy` and `empty` (start-up only) into `target/arcsim-bench`.
pub fn build_images() -> Result<Vec<(&'static str, PathBuf)>> {
    let root = crate::repo_root();
    let src = root.join("sim/bench");
    let out = root.join("target/arcsim-bench");
    std::fs::create_dir_all(&out).map_err(err)?;
    let empty_c = out.join("empty.c");
    std::fs::write(&empty_c, "int main(void) { return 0; }\n").map_err(err)?;
    let link = |name: &str, inputs: &[PathBuf], opt: &str| -> Result<PathBuf> {
        let elf = out.join(name);
        let dep = out.join(format!("{name}.d"));
        let mut cmd = toolchain::gcc(toolchain::Headers::Freestanding, &dep).map_err(err)?;
        cmd.args([
            "-mcpu=hs38",
            "-mno-unaligned-access",
            opt,
            "-nostdlib",
            "-static",
        ])
        .args(["-Wl,--no-warn-rwx-segments", "-Wl,--build-id=none"])
        .arg("-T")
        .arg(src.join("link.ld"))
        .args(inputs)
        .arg("-o")
        .arg(&elf);
        crate::build::run(&format!("building {name}"), &mut cmd)?;
        toolchain::check_depfile(&dep, name).map_err(err)?;
        Ok(elf)
    };
    let crt = [src.join("crt.S"), src.join("exit.S")];
    Ok(vec![
        (
            "compute",
            link(
                "compute",
                &[&crt[..], &[src.join("compute.c")]].concat(),
                "-O2",
            )?,
        ),
        (
            "tlb_heavy",
            link(
                "tlb_heavy",
                &[src.join("tlb_heavy.S"), src.join("exit.S")],
                "-O2",
            )?,
        ),
        (
            "empty",
            link("empty", &[&crt[..], &[empty_c]].concat(), "-O2")?,
        ),
    ])
}

/// The release `arcsim` binary, as users run it (`cargo xtask` itself is a dev build).
pub fn arcsim_binary() -> Result<PathBuf> {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.args(["build", "--release", "--quiet", "-p", "arcsim"]);
    crate::build::run("cargo build --release -p arcsim", &mut cmd)?;
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| crate::repo_root().join("target"));
    Ok(target.join("release/arcsim"))
}

/// One arcsim run: (instructions, wall seconds of the whole process). Fails unless the
/// image printed the marker.
fn arcsim_once(arcsim: &Path, elf: &Path) -> Result<(u64, f64)> {
    let t = Instant::now();
    let out = Command::new(arcsim)
        .args(["run", "--stats"])
        .arg(elf)
        .output()
        .map_err(|e| err(format!("{}: {e}", arcsim.display())))?;
    let secs = t.elapsed().as_secs_f64();
    if !String::from_utf8_lossy(&out.stdout).contains("BENCH-END") {
        return Err(err(format!("arcsim: no BENCH-END from {}", elf.display())));
    }
    let stats = String::from_utf8_lossy(&out.stderr);
    let insns = stats
        .lines()
        .find_map(|l| l.strip_prefix("instructions"))
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            err(format!(
                "arcsim --stats printed no instruction count: {stats}"
            ))
        })?;
    Ok((insns, secs))
}

/// One QEMU run: seconds from spawn to the marker.
fn qemu_once(elf: &Path) -> Result<f64> {
    let t = Instant::now();
    let mut child = Command::new("qemu-system-arc")
        .args([
            "-M", "virt", "-cpu", "archs", "-m", "1G", "-display", "none",
        ])
        .args(["-nographic", "-monitor", "none", "-kernel"])
        .arg(elf)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| err(format!("qemu-system-arc: {e}")))?;
    let stdout = child.stdout.take().ok_or_else(|| err("qemu: no stdout"))?;
    let mut seen = None;
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        if line.contains("BENCH-END") {
            seen = Some(t.elapsed().as_secs_f64());
            break;
        }
        if t.elapsed() > Duration::from_secs(600) {
            break;
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    seen.ok_or_else(|| {
        err(format!(
            "QEMU never printed BENCH-END for {}",
            elf.display()
        ))
    })
}

fn min(v: impl Iterator<Item = f64>) -> f64 {
    v.fold(f64::INFINITY, f64::min)
}

/// Each image but `empty` run `runs` times on `arcsim`, the fastest run kept; no QEMU
/// figures.
pub fn arcsim_speeds(
    arcsim: &Path,
    images: &[(&'static str, PathBuf)],
    runs: usize,
) -> Result<Vec<Speed>> {
    images
        .iter()
        .filter(|(n, _)| *n != "empty")
        .map(|&(name, ref elf)| {
            let (mut insns, mut best) = (0, f64::INFINITY);
            for _ in 0..runs {
                let (n, s) = arcsim_once(arcsim, elf)?;
                insns = n;
                best = best.min(s);
            }
            Ok(Speed {
                name,
                insns,
                arcsim_secs: best,
                qemu_secs: None,
            })
        })
        .collect()
}

/// `arcsim_speeds`, and if `with_qemu` each image on QEMU too (`runs` times, net of
/// QEMU's start-up).
pub fn measure(
    arcsim: &Path,
    images: &[(&'static str, PathBuf)],
    runs: usize,
    with_qemu: bool,
) -> Result<Vec<Speed>> {
    let mut speeds = arcsim_speeds(arcsim, images, runs)?;
    if with_qemu {
        let elf = |name: &str| &images.iter().find(|(n, _)| *n == name).expect("built").1;
        let fastest = |elf: &Path| -> Result<f64> {
            let mut v = Vec::new();
            for _ in 0..runs {
                v.push(qemu_once(elf)?);
            }
            Ok(min(v.into_iter()))
        };
        let start = fastest(elf("empty"))?;
        for s in &mut speeds {
            s.qemu_secs = Some((fastest(elf(s.name))? - start).max(1e-3));
        }
    }
    Ok(speeds)
}

/// The table `cargo xtask bench` prints.
pub fn report(speeds: &[Speed], qemu_startup_note: bool) -> String {
    let mut s = format!(
        "{:<10} {:>12} {:>10} {:>9} {:>10} {:>9} {:>14}\n",
        "simulator", "instructions", "arcsim s", "M/s", "QEMU s", "M/s", "arcsim/QEMU"
    );
    for sp in speeds {
        let (q, qm, ratio) = match (sp.qemu_secs, sp.qemu_mips()) {
            (Some(q), Some(m)) => (
                format!("{q:.3}"),
                format!("{m:.1}"),
                format!("{:.1}x", sp.arcsim_mips() / m),
            ),
            _ => ("-".into(), "-".into(), "-".into()),
        };
        s += &format!(
            "{:<10} {:>12} {:>10.3} {:>9.1} {:>10} {:>9} {:>14}\n",
            sp.name,
            sp.insns,
            sp.arcsim_secs,
            sp.arcsim_mips(),
            q,
            qm,
            ratio
        );
    }
    if qemu_startup_note {
        s += "(min over runs; QEMU's times are net of its start-up, measured on an image that ends at once)\n";
    } else {
        s += "(QEMU: SKIPPED, qemu-system-arc is not on PATH)\n";
    }
    s
}
