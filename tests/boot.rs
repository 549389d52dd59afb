//! The sim and qemu-virt images boot on the embedded simulator to their banner and end
//! the run cleanly (qemu-virt shares the sim board's memory map and semihosting exit);
//! the sim-arc700 image boots on its ARC700 model and passes its programs.

use xtask::build::{build_kernel, BuildOptions};
use xtask::run::{run_image, RunOptions, Runner};

fn boot(board: &str) -> xtask::run::RunOutcome {
    let out = build_kernel(&BuildOptions::new(board)).unwrap_or_else(|e| panic!("{e}"));
    run_image(
        // Both images run on the sim board's machine.
        "sim",
        Runner::Sim,
        &out.elf,
        &RunOptions {
            max_insns: 200_000_000,
            ..RunOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn check_banner(board: &str, console: &str) {
    let banner = console
        .lines()
        .find(|l| l.starts_with("arc-kernel "))
        .unwrap_or_else(|| panic!("{board}: no banner in console:\n{console}"));
    for want in [
        &format!("board={board} ") as &str,
        "mmu=v4 ",
        "page=8KiB ",
        "tlb=256x4",
    ] {
        assert!(
            banner.contains(want),
            "{board}: banner lacks `{want}`: {banner}"
        );
    }
    let id = banner
        .split("identity=0x")
        .nth(1)
        .and_then(|s| u32::from_str_radix(&s[..8], 16).ok())
        .unwrap_or_else(|| panic!("{board}: identity not parsed: {banner}"));
    assert!(
        id & 0xFF >= 0x50,
        "{board}: ARCVER {:#x} is not ARCv2 HS",
        id & 0xFF
    );
}

#[test]
fn sim_image_boots_to_banner_and_exits_zero() {
    let run = boot("sim");
    check_banner("sim", &run.console);
    assert_eq!(run.status, Some(0), "ended: {}\n{}", run.ended, run.console);
}

#[test]
fn qemu_virt_image_boots_on_the_simulator() {
    let run = boot("qemu-virt");
    check_banner("qemu-virt", &run.console);
    assert!(
        run.status.is_some(),
        "ended: {}\n{}",
        run.ended,
        run.console
    );
}

/// The ARC700 port on arcsim's ARC700 model: banner with MMUv3, every program of the
/// default manifest passes, and the halt's r0 is the run's status.
#[test]
fn sim_arc700_image_boots_and_passes_its_programs() {
    let out = build_kernel(&BuildOptions::new("sim-arc700")).unwrap_or_else(|e| panic!("{e}"));
    let run = run_image(
        "sim-arc700",
        Runner::Sim,
        &out.elf,
        &RunOptions {
            max_insns: 200_000_000,
            ..RunOptions::default()
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let banner = run.console.lines().next().unwrap_or_default();
    assert!(
        banner.contains("board=sim-arc700 ") && banner.contains("mmu=v3 "),
        "banner: {banner}"
    );
    let summary = run
        .console
        .lines()
        .find(|l| l.starts_with("SUMMARY "))
        .unwrap_or_else(|| panic!("no SUMMARY ({}):\n{}", run.ended, run.console));
    assert!(summary.contains(" failed=0 "), "{summary}");
    assert!(!summary.contains(" passed=0 "), "{summary}");
    assert_eq!(run.status, Some(0), "ended: {}", run.ended);
}
