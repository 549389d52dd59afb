//! The sim and qemu-virt images boot on the embedded simulator to their banner and end
//! the run cleanly (qemu-virt shares the sim board's memory map and semihosting exit).

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
