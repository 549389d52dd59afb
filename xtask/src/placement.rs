//! How much of arcsim's measured speed is where the linker happened to put its dispatch
//! loop. `Machine::run_blocks` holds the whole loop (everything hot is inlined into its
//! untraced instance), and on this machine the same code has run up to 30 % faster or
//! slower when nothing but that function's address modulo 64 changed
//! (docs/sim-speed.md). So a speed taken from one binary says as much about the link as
//! about the code, and an unrelated change can move it either way.
//!
//! The sweep builds the release arcsim four more times, each with the loop placed
//! first in `.text` behind zero to three 16-byte functions (an lld symbol-ordering file),
//! which gives the four 16-byte offsets modulo 64, and times each binary on the benchmark
//! images. Each placement keeps its own target directory, so a second sweep of the same
//! sources builds nothing.

use crate::sim_speed::{arcsim_speeds, Speed};
use crate::{Error, Result};
use object::{Object, ObjectSymbol, SymbolKind};
use std::path::{Path, PathBuf};

/// One placement's figures.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The dispatch loop's address modulo 64 in this binary.
    pub offset: u64,
    pub speeds: Vec<Speed>,
}

impl Placement {
    pub fn mips(&self, bench: &str) -> Option<f64> {
        self.speeds
            .iter()
            .find(|s| s.name == bench)
            .map(Speed::arcsim_mips)
    }
}

fn err(e: impl std::fmt::Display) -> Error {
    Error::new("placement sweep", e.to_string())
}

/// The dispatch loop's symbol, and three 16-byte text symbols to put before it.
struct Symbols {
    run: String,
    run_addr: u64,
    pads: Vec<String>,
}

/// Part of the mangled name of `Machine::run_blocks`: its traced and untraced instances.
const LOOP: &str = "10run_blocks17h";

fn symbols(binary: &Path) -> Result<Symbols> {
    let data = std::fs::read(binary).map_err(|e| err(format!("{}: {e}", binary.display())))?;
    let file =
        object::File::parse(&*data).map_err(|e| err(format!("{}: {e}", binary.display())))?;
    let mut run: Option<(String, u64, u64)> = None;
    let mut pads = Vec::new();
    for sym in file.symbols() {
        let (Ok(name), SymbolKind::Text) = (sym.name(), sym.kind()) else {
            continue;
        };
        if name.contains(LOOP) {
            // The untraced instance is the larger: everything hot is inlined into it.
            if run.as_ref().is_none_or(|r| sym.size() > r.2) {
                run = Some((name.to_string(), sym.address(), sym.size()));
            }
        } else if sym.size() == 16 {
            pads.push(name.to_string());
        }
    }
    pads.sort();
    pads.dedup();
    let (run, run_addr, _) = run.ok_or_else(|| {
        err(format!(
            "{}: no Machine::run_blocks symbol (was it renamed or inlined?)",
            binary.display()
        ))
    })?;
    if pads.len() < 3 {
        return Err(err(format!(
            "{}: fewer than three 16-byte functions to place before Machine::run_blocks",
            binary.display()
        )));
    }
    pads.truncate(3);
    Ok(Symbols {
        run,
        run_addr,
        pads,
    })
}

/// Address of the dispatch loop in the binary `cargo xtask bench` measures, modulo 64.
pub fn shipped_offset(binary: &Path) -> Result<u64> {
    Ok(symbols(binary)?.run_addr % 64)
}

/// Builds arcsim with the dispatch loop behind `pads` 16-byte functions; returns the binary.
fn build_placed(sym: &Symbols, pads: usize) -> Result<PathBuf> {
    let dir = crate::repo_root().join(format!("target/placement/{pads}"));
    std::fs::create_dir_all(&dir).map_err(err)?;
    let order = dir.join("order.txt");
    let mut lines: Vec<&str> = sym.pads[..pads].iter().map(String::as_str).collect();
    lines.push(&sym.run);
    std::fs::write(&order, lines.join("\n") + "\n").map_err(err)?;
    let mut cmd = std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
    cmd.args(["build", "--release", "--quiet", "-p", "arcsim"])
        .env("CARGO_TARGET_DIR", &dir)
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env(
            "RUSTFLAGS",
            format!(
                "-C link-arg=-Wl,--symbol-ordering-file={} -C link-arg=-Wl,--no-warn-symbol-ordering",
                order.display()
            ),
        );
    crate::build::run(&format!("building arcsim, placement {pads}"), &mut cmd)?;
    Ok(dir.join("release/arcsim"))
}

/// Times `images` (`runs` runs each, the minimum kept) on arcsim with the dispatch loop at
/// each of the four 16-byte offsets modulo 64. `shipped` is the release binary, whose
/// symbols name what to place.
pub fn sweep(
    shipped: &Path,
    images: &[(&'static str, PathBuf)],
    runs: usize,
) -> Result<Vec<Placement>> {
    let sym = symbols(shipped)?;
    let mut out = Vec::new();
    for pads in 0..4 {
        let binary = build_placed(&sym, pads)?;
        let offset = symbols(&binary)?.run_addr % 64;
        let speeds = arcsim_speeds(&binary, images, runs)?;
        out.push(Placement { offset, speeds });
    }
    out.sort_by_key(|p| p.offset);
    Ok(out)
}

/// Minimum, median and maximum of `bench`'s speed over the placements.
pub fn spread(placements: &[Placement], bench: &str) -> Option<(f64, f64, f64)> {
    let mut v: Vec<f64> = placements.iter().filter_map(|p| p.mips(bench)).collect();
    if v.is_empty() {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let median = if v.len().is_multiple_of(2) {
        (v[v.len() / 2 - 1] + v[v.len() / 2]) / 2.0
    } else {
        v[v.len() / 2]
    };
    Some((v[0], median, v[v.len() - 1]))
}

/// The sweep's table.
pub fn report(placements: &[Placement], shipped_offset: u64) -> String {
    let mut s = format!(
        "arcsim by placement of Machine::run_blocks (M insns/s wall, min of runs; the shipped binary's is at {shipped_offset} mod 64)\n{:<18} {:>10} {:>10}\n",
        "address mod 64", "compute", "tlb_heavy"
    );
    let fmt = |v: Option<f64>| v.map_or("-".to_string(), |m| format!("{m:.1}"));
    for p in placements {
        s += &format!(
            "{:<18} {:>10} {:>10}\n",
            p.offset,
            fmt(p.mips("compute")),
            fmt(p.mips("tlb_heavy"))
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement(offset: u64, compute_secs: f64) -> Placement {
        Placement {
            offset,
            speeds: vec![Speed {
                name: "compute",
                insns: 100_000_000,
                arcsim_secs: compute_secs,
                qemu_secs: None,
            }],
        }
    }

    #[test]
    fn the_spread_is_min_median_max_over_placements() {
        let p = [
            placement(0, 0.5),
            placement(16, 0.25),
            placement(32, 1.0),
            placement(48, 0.4),
        ];
        assert_eq!(spread(&p, "compute"), Some((100.0, 225.0, 400.0)));
        assert_eq!(spread(&p[..3], "compute"), Some((100.0, 200.0, 400.0)));
        assert_eq!(spread(&p, "tlb_heavy"), None);
    }
}
