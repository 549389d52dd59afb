//! Bugs found by running the kernel, pinned so they stay fixed.

mod common;

use common::sim::{config, run_elf, Opts};

/// `clri c` must write the previous interrupt state ({1, IE, E}) into c: the kernel's
/// irq_disable/irq_restore pair (`clri r` … `seti r`) depends on it. When it did not,
/// `seti` got a stale operand, re-enabled interrupts inside the interrupt handler, and
/// every timer tick nested one frame deeper until the idle stack overflowed.
#[test]
fn clri_returns_the_old_interrupt_state_that_seti_restores() {
    let img = common::assemble(
        "clri_dest",
        "\t.global _start\n_start:\n\
         \tmov r0, 0x12345678\n\
         \tseti 0x33\n\
         \tclri r0\n\
         \tclri r1\n\
         \tseti r1\n\
         \tlr r2, [status32]\n\
         \tmov r8, 1\n\tswi\n",
    )
    .unwrap();
    let run = run_elf(&img.elf, config(Opts::default()), 1000).unwrap();
    // IE was 1 with E = 3 -> 0x20 | 0x10 | 3; after the first clri, IE = 0 -> 0x23.
    assert_eq!(run.regs[0], 0x33, "clri r0 after seti 0x33");
    assert_eq!(run.regs[1], 0x23, "clri r1 with interrupts already off");
    assert_eq!(run.regs[2] >> 31, 0, "seti 0x23 keeps interrupts off");
    assert_eq!((run.regs[2] >> 1) & 0xF, 3, "E restored");
}
