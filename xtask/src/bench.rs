//! Benchmarks that print numbers (not timed tests): build times, image sizes, and the
//! simulator-measured costs of the kernel's hot paths.

use crate::build::{build_kernel, BuildOptions};
use crate::{repo_root, Error, Result};
use std::path::Path;
use std::time::Instant;

const BOARDS: &[&str] = &["sim", "qemu-virt", "nsim", "hsdk"];

/// text/data/bss of an ELF, summed over allocated sections the way `size` does.
pub fn image_sizes(elf: &Path) -> Result<(u64, u64, u64)> {
    use object::{Object, ObjectSection, SectionFlags, SectionKind};
    let bytes =
        std::fs::read(elf).map_err(|e| Error::new("bench", format!("{}: {e}", elf.display())))?;
    let file = object::File::parse(&*bytes)
        .map_err(|e| Error::new("bench", format!("{}: {e}", elf.display())))?;
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
            SectionKind::Text | SectionKind::ReadOnlyData | SectionKind::ReadOnlyString => {
                text += s.size()
            }
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
    Ok(())
}

/// Per measured system-call path (in `traps` order): the minimum at the first landing
/// (a0fbf58), issue 11's goal, and Linux's ARCv2 path counted by hand (docs/bench.md).
/// ("-": the path was not measured then, or has no goal.)
const PATH_HISTORY: [(&str, &str, &str); 5] = [
    ("327", "<=100", "~116"),
    ("409", "<=120", "~121"),
    ("3254", "<=1500", "-"),
    ("3254", "-", "-"),
    ("-", "-", "-"),
];

/// The shortest sample of each measured system-call path (instructions).
#[derive(Debug, Clone, Copy)]
pub struct PathMins {
    pub getpid: Option<u64>,
    pub cas: Option<u64>,
    pub cow: Option<u64>,
    pub cow_cold: Option<u64>,
}

/// `cargo xtask validate` on the simulator, run once to warm the target directory and the
/// run cache, then timed: seconds of the second run (issue 11, goal 3).
pub fn validate_warm_secs() -> Result<f64> {
    let opts = crate::validate::ValidateOptions {
        progress: false,
        ..Default::default()
    };
    let first = crate::validate::validate(&opts)?;
    if !first.ok() {
        return Err(Error::new(
            "bench",
            "the validation suite failed; see cargo xtask validate",
        ));
    }
    let t = Instant::now();
    crate::validate::validate(&opts)?;
    Ok(t.elapsed().as_secs_f64())
}

/// Issue 11's figures in one table: what the issue measured when it was filed, what this
/// tree measures now, and the goal (docs/bench.md keeps the history).
pub fn goal_table(
    paths: &PathMins,
    speeds: &[crate::sim_speed::Speed],
    placements: &[crate::placement::Placement],
    validate_secs: f64,
) -> String {
    let speed = |name: &str| speeds.iter().find(|s| s.name == name);
    let count = |v: Option<u64>| v.map_or("none".to_string(), |n| n.to_string());
    let mips =
        |name: &str| speed(name).map_or("none".to_string(), |s| format!("{:.1}", s.arcsim_mips()));
    let ratio = |name: &str| {
        speed(name)
            .and_then(|s| {
                s.qemu_mips()
                    .map(|q| format!("{:.1}x", s.arcsim_mips() / q))
            })
            .unwrap_or_else(|| "no QEMU".to_string())
    };
    let met_le = |v: Option<u64>, goal: u64| match v {
        Some(n) if n <= goal => "yes",
        _ => "NO",
    };
    let met_ge = |name: &str, goal: f64| match speed(name) {
        Some(s) if s.arcsim_mips() >= goal => "yes",
        _ => "NO",
    };
    let spread = |name: &str| crate::placement::spread(placements, name);
    let spread_now = |name: &str| {
        spread(name).map_or("none".to_string(), |(lo, med, hi)| {
            format!("{lo:.0}|{med:.0}|{hi:.0}")
        })
    };
    // Met only if every placement meets it: a goal reached by one link's luck is not.
    let spread_met = |name: &str, goal: f64| match spread(name) {
        Some((lo, _, _)) if lo >= goal => "yes",
        _ => "NO",
    };
    let rows: [(&str, &str, String, &str, &str); 10] = [
        (
            "arc_usr_cmpxchg, successful swap (insns)",
            "409",
            count(paths.cas),
            "<=120",
            met_le(paths.cas, 120),
        ),
        (
            "getpid round trip (insns)",
            "327",
            count(paths.getpid),
            "<=100",
            met_le(paths.getpid, 100),
        ),
        (
            "COW retry path, cleared frame in reserve (insns)",
            "3,203",
            count(paths.cow),
            "<=1500",
            met_le(paths.cow, 1500),
        ),
        (
            "COW retry path, reserve empty (insns)",
            "3,203",
            count(paths.cow_cold),
            "-",
            "-",
        ),
        (
            "arcsim compute (M insns/s wall, min of 5)",
            "94 wall",
            mips("compute"),
            ">=300",
            met_ge("compute", 300.0),
        ),
        (
            "arcsim tlb_heavy (M insns/s wall, min of 5)",
            "104 CPU",
            mips("tlb_heavy"),
            ">=150",
            met_ge("tlb_heavy", 150.0),
        ),
        (
            "  compute over 4 placements (min|median|max)",
            "-",
            spread_now("compute"),
            ">=300",
            spread_met("compute", 300.0),
        ),
        (
            "  tlb_heavy over 4 placements (min|median|max)",
            "-",
            spread_now("tlb_heavy"),
            ">=150",
            spread_met("tlb_heavy", 150.0),
        ),
        (
            "arcsim / QEMU, compute | tlb_heavy",
            "-",
            format!("{} | {}", ratio("compute"), ratio("tlb_heavy")),
            "-",
            "-",
        ),
        (
            "cargo xtask validate, warm (s wall)",
            "34",
            format!("{validate_secs:.1}"),
            "<=10",
            if validate_secs <= 10.0 { "yes" } else { "NO" },
        ),
    ];
    let mut out = format!(
        "issue 11 (when filed: the issue's own figures; docs/bench.md has every step)\n{:<52} {:>10} {:>14} {:>7} {:>4}\n",
        "figure", "when filed", "now", "goal", "met"
    );
    for (what, then, now, goal, met) in rows {
        out += &format!("{what:<52} {then:>10} {now:>14} {goal:>7} {met:>4}\n");
    }
    out
}

/// The command that reproduces `kernel_numbers`.
pub const KERNEL_NUMBERS_COMMAND: &str = "cargo xtask bench";

/// Instruction counts of the kernel's hot paths, measured with the simulator's
/// instruction trace on `user/programs/k_bench.c` (`user/manifest-bench.txt`), plus the
/// kernel image size and the simulator's speed on the whole bench run. Each path is
/// measured many times; min and median are printed (a timer interrupt landing inside a
/// measured window only makes that sample longer, so the minimum is the path itself).
pub fn kernel_numbers() -> Result<PathMins> {
    let opts = BuildOptions {
        manifest: "manifest-bench.txt".into(),
        ..BuildOptions::new("sim")
    };
    let out = build_kernel(&opts)?;
    let kernel = std::fs::read(&out.elf).map_err(|e| Error::new("bench", e.to_string()))?;
    let user_elf = out
        .programs
        .iter()
        .find(|p| p.name == "k_bench")
        .ok_or_else(|| Error::new("bench", "manifest-bench.txt has no k_bench"))?
        .elf
        .clone();
    let user = std::fs::read(&user_elf).map_err(|e| Error::new("bench", e.to_string()))?;
    let sym = |elf: &[u8], name: &str| {
        crate::validate::elf_symbol(elf, name)
            .ok_or_else(|| Error::new("bench", format!("symbol `{name}` not found")))
    };
    let tlb_refill = sym(&kernel, "tlb_refill")?;
    let exception_entry = sym(&kernel, "exception_entry")?;
    let traps = [
        (
            "getpid round trip (trap_s 0 .. next user insn)",
            sym(&user, "bench_getpid_trap")?,
        ),
        (
            "arc_usr_cmpxchg, plain successful swap",
            sym(&user, "bench_cas_trap")?,
        ),
        (
            "arc_usr_cmpxchg, store hits a zero-page COW mapping (retry)",
            sym(&user, "bench_cas_cow_trap")?,
        ),
        (
            "the same, no cleared frame in reserve (clears its own)",
            sym(&user, "bench_cas_cow_cold_trap")?,
        ),
        (
            "kill(2) of itself, to its SIGUSR1 handler's first insn",
            sym(&user, "bench_kill_self_trap")?,
        ),
    ];

    let board = boards::Board::load("sim").map_err(|e| Error::new("board", e.to_string()))?;
    let cfg = crate::run::sim_config(&board);
    let new_machine = || -> Result<arcsim::Machine> {
        let mut m =
            arcsim::Machine::try_new(cfg.clone()).map_err(|e| Error::new("sim", e.to_string()))?;
        m.load_elf(&kernel)
            .map_err(|e| Error::new("sim", e.to_string()))?;
        Ok(m)
    };

    // 1. Speed: the whole bench run, untraced.
    let mut m = new_machine()?;
    let t = Instant::now();
    let stop = m.run(crate::run::DEFAULT_MAX_INSNS);
    let secs = t.elapsed().as_secs_f64();
    let total = m.insns();
    let console = String::from_utf8_lossy(&m.take_console()).into_owned();
    if !matches!(stop, arcsim::Stop::Exit(0)) || !console.contains("CASE bench PASS") {
        return Err(Error::new(
            "bench",
            format!("bench run failed ({stop:?}):\n{console}"),
        ));
    }

    // 2. Trace from `BENCH go` to the end of the run.
    let mut m = new_machine()?;
    let mut seen = String::new();
    while !seen.contains("BENCH go") {
        if m.insns() > 200_000_000 {
            return Err(Error::new("bench", "no `BENCH go` line"));
        }
        m.run(10_000);
        seen.push_str(&String::from_utf8_lossy(&m.take_console()));
    }
    m.set_trace(true);
    let mut trace = Vec::new();
    loop {
        let stop = m.run(100_000);
        trace.extend(m.take_trace());
        seen.push_str(&String::from_utf8_lossy(&m.take_console()));
        if !matches!(stop, arcsim::Stop::InsnLimit) || seen.contains("BENCH done") {
            break;
        }
    }
    let trace = String::from_utf8_lossy(&trace);
    let lines: Vec<TraceLine> = trace.lines().filter_map(TraceLine::parse).collect();

    // Refills: from the first instruction at tlb_refill to its rtie (inclusive); a run
    // that reaches exception_entry first is the slow path and is counted apart.
    let (mut refill_d, mut refill_i, mut slow) = (Vec::new(), Vec::new(), 0);
    let mut last_ecr = 0u32;
    let mut i = 0;
    while i < lines.len() {
        match &lines[i] {
            TraceLine::Event { ecr: Some(e) } => last_ecr = *e,
            TraceLine::Insn { pc, .. } if *pc == tlb_refill => {
                // The exception line may follow the handler's first instruction.
                let ecr = match lines.get(i + 1) {
                    Some(TraceLine::Event { ecr: Some(e) }) => *e,
                    _ => last_ecr,
                };
                let mut n = 0;
                let mut fast = None;
                for l in &lines[i..] {
                    if let TraceLine::Insn { pc, rtie } = l {
                        n += 1;
                        if *pc == exception_entry {
                            fast = Some(false);
                            break;
                        }
                        if *rtie {
                            fast = Some(true);
                            break;
                        }
                    }
                }
                match (fast, ecr >> 16) {
                    (Some(true), 4) => refill_i.push(n),
                    (Some(true), 5) => refill_d.push(n),
                    _ => slow += 1,
                }
            }
            _ => {}
        }
        i += 1;
    }
    // System calls: from the user's trap_s (inclusive) to the next user-mode instruction.
    // The shortest sample of each is kept whole for the per-function breakdown.
    let mut round_trips: Vec<Vec<u64>> = vec![Vec::new(); traps.len()];
    let mut shortest: Vec<Vec<u32>> = vec![Vec::new(); traps.len()];
    for (k, l) in lines.iter().enumerate() {
        let TraceLine::Insn { pc, .. } = l else {
            continue;
        };
        let Some(which) = traps.iter().position(|t| t.1 == *pc) else {
            continue;
        };
        let mut pcs = Vec::new();
        for l in &lines[k..] {
            if let TraceLine::Insn { pc, .. } = l {
                if !pcs.is_empty() && *pc < 0x8000_0000 {
                    round_trips[which].push(pcs.len() as u64);
                    if shortest[which].is_empty() || pcs.len() < shortest[which].len() {
                        shortest[which] = pcs;
                    }
                    break;
                }
                pcs.push(*pc);
            }
        }
    }

    let syms = crate::symbols::Symbols::load(&kernel)?;
    for (t, pcs) in traps.iter().zip(&shortest) {
        println!("{}: shortest sample by function", t.0);
        for (name, n) in per_function(pcs, &syms) {
            println!("    {n:>5}  {name}");
        }
    }
    let (text, data, bss) = image_sizes(&out.elf)?;
    println!("kernel numbers (board sim, simulator instruction trace; reproduce: {KERNEL_NUMBERS_COMMAND})");
    println!(
        "{:<62} {:>6} {:>6} {:>6} {:>6}",
        "path (instructions)", "min", "median", "max", "n"
    );
    let row = |what: &str, v: &mut Vec<u64>| {
        v.sort_unstable();
        if v.is_empty() {
            println!("{what:<62} {:>6}", "none");
        } else {
            println!(
                "{what:<62} {:>6} {:>6} {:>6} {:>6}",
                v[0],
                v[v.len() / 2],
                v[v.len() - 1],
                v.len()
            );
        }
    };
    row(
        "TLB refill, data miss (tlb_refill .. rtie; Linux ~40)",
        &mut refill_d,
    );
    row(
        "TLB refill, instruction miss (tlb_refill .. rtie; Linux ~35)",
        &mut refill_i,
    );
    println!(
        "{:<62} {:>6}",
        "TLB misses that took the slow path (page faults)", slow
    );
    for (t, v) in traps.iter().zip(round_trips.iter_mut()) {
        row(t.0, v);
    }
    // Beside the figures of the first landing and the goals of issue 11; docs/bench.md
    // keeps the history and the hand count of Linux's path.
    println!(
        "{:<62} {:>8} {:>6} {:>7} {:>8}",
        "path (min instructions)", "a0fbf58", "now", "goal", "Linux"
    );
    assert_eq!(
        traps.len(),
        PATH_HISTORY.len(),
        "a path without its history row"
    );
    for ((t, v), (before, goal, linux)) in traps.iter().zip(&round_trips).zip(PATH_HISTORY) {
        let now = v.first().map_or("none".to_string(), |n| n.to_string());
        println!("{:<62} {before:>8} {now:>6} {goal:>7} {linux:>8}", t.0);
    }
    println!(
        "kernel image ({}): text {text} B, data {data} B, bss {bss} B (`size` convention)",
        out.elf
            .strip_prefix(repo_root())
            .unwrap_or(&out.elf)
            .display()
    );
    {
        use object::{Object, ObjectSection};
        let file = object::File::parse(&*kernel).map_err(|e| Error::new("bench", e.to_string()))?;
        let parts: Vec<String> = file
            .sections()
            .filter(|s| s.address() != 0 && s.size() != 0)
            .map(|s| format!("{} {}", s.name().unwrap_or("?"), s.size()))
            .collect();
        println!(
            "  sections: {} (.rodata holds the wasm data segments and the embedded k_bench ELF)",
            parts.join(", ")
        );
    }
    println!(
        "whole bench run: {total} simulated instructions in {secs:.2} s = {:.1} simulated MIPS",
        total as f64 / secs / 1e6
    );
    let min = |k: usize| round_trips[k].first().copied();
    Ok(PathMins {
        getpid: min(0),
        cas: min(1),
        cow: min(2),
        cow_cold: min(3),
    })
}

/// Instructions per function along one path, in the order the path first enters each;
/// user-mode addresses count as `(user)`.
fn per_function(pcs: &[u32], syms: &crate::symbols::Symbols) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for &pc in pcs {
        let name = if pc < 0x8000_0000 {
            "(user)"
        } else {
            syms.function_of(pc).unwrap_or("?")
        };
        match out.iter_mut().find(|(n, _)| n == name) {
            Some(e) => e.1 += 1,
            None => out.push((name.to_string(), 1)),
        }
    }
    out
}

/// One line of the simulator's trace: an executed instruction, or an event.
enum TraceLine {
    Insn { pc: u32, rtie: bool },
    Event { ecr: Option<u32> },
}

impl TraceLine {
    /// `<cycles> <pc> <disasm ...>` or `<cycles> -------- exception ECR=0x.. ...`.
    fn parse(line: &str) -> Option<TraceLine> {
        let mut f = line.split_whitespace();
        let _cycles = f.next()?;
        let pc = f.next()?;
        if pc.starts_with("--") {
            let ecr = line
                .split("ECR=")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .and_then(|s| u32::from_str_radix(s.trim_start_matches("0x"), 16).ok());
            return Some(TraceLine::Event { ecr });
        }
        let pc = u32::from_str_radix(pc, 16).ok()?;
        let rtie = f.next().is_some_and(|m| m == "rtie");
        Some(TraceLine::Insn { pc, rtie })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim_speed::Speed;

    fn row<'a>(table: &'a str, start: &str) -> &'a str {
        table.lines().find(|l| l.starts_with(start)).unwrap()
    }

    #[test]
    fn the_goal_table_says_which_goals_are_met() {
        let paths = PathMins {
            getpid: Some(101),
            cas: Some(35),
            cow: None,
            cow_cold: Some(2400),
        };
        let speeds = [
            Speed {
                name: "compute",
                insns: 300_000_000,
                arcsim_secs: 1.0,
                qemu_secs: Some(10.0),
            },
            Speed {
                name: "tlb_heavy",
                insns: 100_000_000,
                arcsim_secs: 1.0,
                qemu_secs: None,
            },
        ];
        let placed = |offset, compute_secs| crate::placement::Placement {
            offset,
            speeds: vec![Speed {
                name: "compute",
                insns: 300_000_000,
                arcsim_secs: compute_secs,
                qemu_secs: None,
            }],
        };
        let placements = [placed(0, 1.2), placed(16, 1.0), placed(32, 0.9)];
        let t = goal_table(&paths, &speeds, &placements, 10.5);
        assert!(
            row(&t, "arc_usr_cmpxchg").ends_with("35   <=120  yes"),
            "{t}"
        );
        assert!(row(&t, "getpid").ends_with("101   <=100   NO"), "{t}");
        assert!(row(&t, "COW retry path, cleared").contains("none"), "{t}");
        assert!(row(&t, "COW retry path, cleared").ends_with("NO"), "{t}");
        assert!(
            row(&t, "arcsim compute").ends_with("300.0   >=300  yes"),
            "{t}"
        );
        assert!(
            row(&t, "arcsim tlb_heavy").ends_with("100.0   >=150   NO"),
            "{t}"
        );
        assert!(row(&t, "arcsim / QEMU").contains("10.0x | no QEMU"), "{t}");
        assert!(
            row(&t, "  compute over 4").ends_with("250|300|333   >=300   NO"),
            "{t}"
        );
        assert!(row(&t, "  tlb_heavy over 4").contains("none"), "{t}");
        let all_fast = [placed(0, 1.0), placed(16, 0.9)];
        let t = goal_table(&paths, &speeds, &all_fast, 10.5);
        assert!(row(&t, "  compute over 4").ends_with(">=300  yes"), "{t}");
        assert!(
            row(&t, "cargo xtask validate").ends_with("10.5    <=10   NO"),
            "{t}"
        );
    }
}
