//! Image checks for every board: what a loader, a debugger and an LL/SC-less core need
//! from kernel.elf. Builds each board's image through the real pipeline.

use object::{Object, ObjectSection, ObjectSymbol};
use std::collections::HashMap;
use xtask::build::{build_kernel, BuildOptions};

const BOARDS: &[&str] = &["sim", "qemu-virt", "nsim", "hsdk"];
const EM_ARCV2: u16 = 195;

/// Symbols the boot path, the trap path and the validation suite depend on.
const REQUIRED_SYMBOLS: &[&str] = &[
    "_start",
    "__vectors",
    "exception_entry",
    "trap_entry",
    "interrupt_entry",
    "ret_from_exception",
    "tlb_refill",
    "__switch_to",
    "ret_from_fork",
    "arc_get_user_u32",
    "arc_put_user_u32",
    "arc_copy_from_user",
    "arc_copy_to_user",
    "arc_exit_run",
    "Z_kernZ_kernel_main",
    "Z_kernZ_trap_syscall",
    "Z_kernZ_trap_exception",
    "Z_kernZ_trap_irq",
    "user_program_table",
    "__start___ex_table",
    "__stop___ex_table",
    // An exported Rust static, defined from wasm2c's globals (xtask/src/build.rs).
    "KERNEL_CANARY",
];

struct Image {
    bytes: Vec<u8>,
    disasm: String,
    board: boards::Board,
}

fn build(board: &str) -> Image {
    let out = build_kernel(&BuildOptions::new(board)).unwrap_or_else(|e| panic!("{board}: {e}"));
    Image {
        bytes: std::fs::read(&out.elf).unwrap(),
        disasm: std::fs::read_to_string(&out.disasm).unwrap(),
        board: boards::Board::load(board).unwrap(),
    }
}

fn symbols(file: &object::File) -> HashMap<String, u64> {
    file.symbols()
        .filter_map(|s| Some((s.name().ok()?.to_string(), s.address())))
        .collect()
}

fn read_u32(file: &object::File, addr: u64) -> Option<u32> {
    file.sections().find_map(|s| {
        let (start, size) = (s.address(), s.size());
        if addr < start || addr + 4 > start + size {
            return None;
        }
        let data = s.data().ok()?;
        let off = (addr - start) as usize;
        Some(u32::from_le_bytes(data.get(off..off + 4)?.try_into().ok()?))
    })
}

fn in_text(file: &object::File, addr: u64) -> bool {
    file.sections().any(|s| {
        s.kind() == object::SectionKind::Text
            && addr >= s.address()
            && addr < s.address() + s.size()
    })
}

#[test]
fn every_board_image_is_a_loadable_arcv2_elf() {
    for board in BOARDS {
        let img = build(board);
        let file = object::File::parse(&*img.bytes).expect("parse ELF");
        let raw = &img.bytes;
        assert_eq!(&raw[..4], b"\x7fELF", "{board}: magic");
        assert_eq!(raw[4], 1, "{board}: ELFCLASS32");
        assert_eq!(raw[5], 1, "{board}: little-endian");
        assert_eq!(
            u16::from_le_bytes([raw[18], raw[19]]),
            EM_ARCV2,
            "{board}: e_machine"
        );
        let (base, size) = (
            img.board.memory.ram_base as u64,
            img.board.memory.ram_size as u64,
        );
        let entry = file.entry();
        assert!(
            entry >= base && entry < base + size,
            "{board}: entry {entry:#x} outside RAM"
        );
        let syms = symbols(&file);
        for s in REQUIRED_SYMBOLS {
            assert!(syms.contains_key(*s), "{board}: symbol {s} missing");
        }
        assert_eq!(syms["_start"], entry, "{board}: entry is _start");
    }
}

#[test]
fn vector_table_is_at_int_vector_base_and_every_slot_points_at_code() {
    for board in BOARDS {
        let img = build(board);
        let file = object::File::parse(&*img.bytes).unwrap();
        let syms = symbols(&file);
        let vectors = syms["__vectors"];
        assert_eq!(
            vectors, img.board.memory.ram_base as u64,
            "{board}: table first in RAM"
        );
        assert_eq!(vectors % 1024, 0, "{board}: table alignment");
        // _start programs INT_VECTOR_BASE with the table's address.
        let start = img
            .disasm
            .split("<_start>:")
            .nth(1)
            .expect("_start in disassembly");
        let start = &start[..start.find("\n\n").unwrap_or(start.len())];
        assert!(
            start.contains(&format!("mov\tr0,{vectors:#x}"))
                && start.contains("sr\tr0,[int_vector_base]"),
            "{board}: _start does not set INT_VECTOR_BASE to {vectors:#x}:\n{start}"
        );
        let slots = (syms["__vectors_end"] - vectors) / 4;
        assert!(
            slots >= 16 + 9,
            "{board}: exceptions plus IRQ 16..24 at least, got {slots}"
        );
        // Several symbols may share an address (`__text_start` and `_start`).
        let names_at = |addr: u64| -> Vec<&str> {
            syms.iter()
                .filter(|(_, a)| **a == addr)
                .map(|(n, _)| n.as_str())
                .collect()
        };
        for i in 0..slots {
            let target = read_u32(&file, vectors + 4 * i).expect("slot readable") as u64;
            assert!(
                in_text(&file, target),
                "{board}: vector {i} -> {target:#x} is not code"
            );
            let names = names_at(target);
            let want = match i {
                0 => "_start",
                4 | 5 => "tlb_refill",
                9 => "trap_entry",
                1..=15 => "exception_entry",
                _ => "interrupt_entry",
            };
            assert!(
                names.contains(&want),
                "{board}: vector {i} -> {names:?}, want {want}"
            );
        }
    }
}

#[test]
fn images_contain_no_llock_or_scond() {
    for board in BOARDS {
        let img = build(board);
        let lines = img.disasm.lines().filter(|l| l.contains(":\t")).count();
        assert!(
            lines > 1000,
            "{board}: disassembly suspiciously short ({lines} lines)"
        );
        let bad: Vec<&str> = img
            .disasm
            .lines()
            .filter(|l| {
                let mnemonic = l.split('\t').nth(2).unwrap_or("");
                mnemonic.starts_with("llock") || mnemonic.starts_with("scond")
            })
            .collect();
        assert!(
            bad.is_empty(),
            "{board}: LL/SC in the kernel image: {bad:?}"
        );
    }
}

#[test]
fn tlb_refill_fast_path_is_within_budget() {
    // Linux takes ~40 (data) / ~35 (instruction); the goal is under 25.
    let img = build("sim");
    let body = img
        .disasm
        .split("<tlb_refill>:")
        .nth(1)
        .expect("tlb_refill");
    let insns: Vec<&str> = body.lines().filter(|l| l.contains(":\t")).collect();
    let to_rtie = insns
        .iter()
        .position(|l| l.contains("\trtie"))
        .expect("rtie")
        + 1;
    assert!(to_rtie < 25, "refill fast path is {to_rtie} instructions");
}
