//! A real kernel fault on the simulator ends the run with an oops that names the vector,
//! the registers and the call chain, and the host symbolises that chain from kernel.elf.

use xtask::build::{build_kernel, BuildOptions};
use xtask::symbols::{symbolise_oops, Symbols};

#[test]
fn a_kernel_fault_prints_a_symbolised_oops_and_fails_the_run() {
    let out = build_kernel(&BuildOptions::new("sim")).unwrap_or_else(|e| panic!("{e}"));
    let elf = std::fs::read(&out.elf).unwrap();
    let syms = Symbols::load(&elf).unwrap();
    let entry = xtask::validate::elf_symbol(&elf, "Z_kernZ_trap_syscall_lean").unwrap();
    let board = boards::Board::load("sim").unwrap();
    let mut m = arcsim::Machine::try_new(xtask::run::sim_config(&board)).unwrap();
    m.load_elf(&elf).unwrap();

    // Stop at the first system call's entry into Rust and give it a frame pointer that
    // points at unmapped user memory, as a corrupted trap path would.
    let mut steps = 0u64;
    while m.pc() != entry {
        assert!(
            matches!(m.run(1), arcsim::Stop::InsnLimit),
            "run ended before any syscall"
        );
        steps += 1;
        assert!(
            steps < 50_000_000,
            "no system call within 50 M instructions"
        );
    }
    // trap_syscall_lean(instance, regs, nr): regs is the second argument.
    m.set_reg(1, 0x0000_1000);
    let stop = m.run(100_000_000);
    let console = String::from_utf8_lossy(&m.take_console()).into_owned();

    assert_eq!(
        stop,
        arcsim::Stop::Exit(2),
        "an oops ends the run with status 2:\n{console}"
    );
    let oops = console
        .lines()
        .find(|l| l.starts_with("OOPS "))
        .unwrap_or_else(|| panic!("no OOPS line:\n{console}"));
    assert!(oops.contains("OOPS kernel fault: TLBMissD"), "{oops}");
    let efa = oops
        .split("EFA=0x")
        .nth(1)
        .and_then(|s| u32::from_str_radix(&s[..8], 16).ok())
        .unwrap();
    assert!(
        (0x1000..0x1000 + 168).contains(&efa),
        "the fault is a read of the bogus frame: {oops}"
    );
    assert!(
        !console.contains("SUMMARY"),
        "the run must not go on after an oops"
    );

    let chain = symbolise_oops(&console, &syms).unwrap();
    eprintln!("{oops}\n{chain}");
    assert!(chain.contains("ERET"), "{chain}");
    // The Rust entry was called from entry.S's syscall path: its return address is on
    // the kernel stack, and the symbolised chain names it.
    assert!(chain.contains("exception_entry+0x"), "{chain}");
    assert!(
        chain.lines().filter(|l| l.contains("CALL")).count() >= 2,
        "{chain}"
    );
}
