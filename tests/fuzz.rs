//! Issue 13: hostile user space at CI scale (`cargo xtask fuzz --ci`), in one kernel run:
//! - 16 seeds, 4 threads each, 1,024,000 system calls aimed at kernel memory, the canary,
//!   the vector table and the page tables;
//! - 288 random user instruction streams (24 seeds × 12), each in a child that has
//!   nothing mapped but its read-only code page; every child's end must be the one its
//!   instruction dictates (`xtask::insn_streams`).
//!
//! Every program's verdict, the kernel's LEAK check (frames, address spaces, slots,
//! preempt count) and the canary must come back clean. A failure names the seed that
//! reproduces it (`cargo xtask fuzz --seconds N` is the soak mode).

use xtask::fuzz::{fuzz, FuzzOptions, FuzzSummary};
use xtask::insn_streams;

fn run() -> &'static (FuzzOptions, FuzzSummary) {
    static RUN: std::sync::OnceLock<(FuzzOptions, FuzzSummary)> = std::sync::OnceLock::new();
    RUN.get_or_init(|| {
        let opts = FuzzOptions::ci();
        let s = fuzz(&opts).unwrap_or_else(|e| panic!("{e}"));
        (opts, s)
    })
}

#[test]
fn a_million_hostile_syscalls_and_random_instructions_leave_the_kernel_intact() {
    let (opts, s) = run();
    println!(
        "fuzz: seeds={} calls={} threads={} streams={} instructions={} failures={}",
        s.seeds.len(),
        s.calls,
        opts.threads,
        s.streams,
        s.insns,
        s.failures.len()
    );
    for (outcome, n) in &s.stream_outcomes {
        println!("  {n:>5}  {outcome}");
    }
    assert!(s.failures.is_empty(), "{}", s.failures.join("\n"));
    assert!(s.calls >= 1_000_000, "only {} calls", s.calls);
    assert!(s.seeds.len() >= 8, "only {} seeds", s.seeds.len());
    assert!(opts.threads >= 4);
    assert_eq!(s.streams, 288);
    // The streams reach every kind of end the architecture has for user code.
    for kind in [
        "SIGILL privileged",
        "SIGILL invalid encoding",
        "SIGILL absent (LL/SC)",
        "SIGSEGV unmapped data",
        "SIGSEGV store to the read-only page",
        "SIGSEGV fetch outside",
        "SIGBUS misaligned",
        "SIGTRAP trap_s",
        "SIGTRAP swi",
    ] {
        assert!(
            s.stream_outcomes.get(kind).copied().unwrap_or(0) > 0,
            "no stream ended with {kind}: {:?}",
            s.stream_outcomes
        );
    }
}

/// The stream judge catches a kernel that delivers the wrong signal, the wrong address,
/// or no end at all.
#[test]
fn the_stream_judge_catches_wrong_ends() {
    let (_, s) = run();
    let generator = s.generator.as_ref().expect("streams ran");
    let console = &s.last_console;
    assert!(insn_streams::judge(console, generator).failures.is_empty());
    let stream_pids: Vec<String> = console
        .lines()
        .filter(|l| l.starts_with("STREAM "))
        .filter_map(|l| l.split_whitespace().find_map(|t| t.strip_prefix("pid=")))
        .map(str::to_string)
        .collect();
    let task_line = |sig: &str| {
        console
            .lines()
            .find(|l| {
                l.starts_with("TASK ")
                    && l.contains(&format!("signal={sig} "))
                    && stream_pids
                        .iter()
                        .any(|p| l.starts_with(&format!("TASK {p} ")))
            })
            .unwrap_or_else(|| panic!("a stream ended with {sig}"))
            .to_string()
    };
    let doctored = |from: &str, to: &str| {
        let line = task_line(from);
        console.replacen(&line, &line.replacen(from, to, 1), 1)
    };
    for (what, bad) in [
        ("SIGILL reported as SIGSEGV", doctored("SIGILL", "SIGSEGV")),
        ("SIGSEGV reported as SIGILL", doctored("SIGSEGV", "SIGILL")),
        ("SIGBUS reported as SIGSEGV", doctored("SIGBUS", "SIGSEGV")),
        ("SIGTRAP reported as SIGILL", doctored("SIGTRAP", "SIGILL")),
        (
            "a TASK line missing",
            console.replacen(&task_line("SIGSEGV"), "", 1),
        ),
        (
            "a wrong address",
            console.replacen(
                &task_line("SIGILL"),
                &task_line("SIGILL").replacen("addr=0x3", "addr=0x7", 1),
                1,
            ),
        ),
    ] {
        assert_ne!(&bad, console, "{what}: nothing was changed");
        assert!(
            !insn_streams::judge(&bad, generator).failures.is_empty(),
            "the judge missed: {what}"
        );
    }
}
