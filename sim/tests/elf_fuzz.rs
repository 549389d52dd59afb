//! Fuzz-style property tests: the ELF loader and the machine must never panic on hostile
//! input. Images are random bytes or mutations of a small valid ELF built here by hand;
//! whatever loads is then run for a while (random code exercises the executor's error
//! paths: Instruction Error, bus errors, double faults).

mod asm;

use arcsim::{Config, Machine};
use proptest::prelude::*;
use std::sync::OnceLock;

/// Kernel harness for random code at 0x8010_0000: every exception and interrupt vector
/// goes to a handler that skips a halfword and returns, so execution keeps going through
/// faults; a timer interrupt every 97 instructions mixes in interrupt entry and return.
fn harness() -> &'static [u8] {
    static H: OnceLock<Vec<u8>> = OnceLock::new();
    let mut body = String::from(
        "_start: SETUP
        mov r0,16
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r0,97
        sr r0,[0x23]
        mov r0,1
        sr r0,[0x22]
        seti 0x3f
        mov r0,0x80100000
        j [r0]
skip:   lr r9,[0x400]
        add r9,r9,2
        sr r9,[0x400]
        lr r9,[0x0a]
        bclr r9,r9,5
        sr r9,[0x0a]
        rtie
tick:   mov r9,1
        sr r9,[0x22]
        rtie
",
    );
    for v in 1..16 {
        body.push_str(&format!("vec_{v}: b skip\n"));
    }
    body.push_str("vec_16: b tick\n");
    H.get_or_init(|| asm::build(&body))
}

const RAM_BASE: u32 = 0x8000_0000;

fn small_config() -> Config {
    Config {
        ram_size: 1 << 20,
        ..Config::default()
    }
}

/// A valid ELF32 LE EM_ARCV2 executable: one PT_LOAD with `code` at RAM_BASE + 0x100.
fn minimal_elf(code: &[u8], memsz_extra: u32) -> Vec<u8> {
    let phoff = 52u32;
    let data_off = phoff + 32;
    let paddr = RAM_BASE + 0x100;
    let mut f = Vec::new();
    f.extend_from_slice(b"\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0");
    f.extend_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    f.extend_from_slice(&195u16.to_le_bytes()); // EM_ARCV2
    f.extend_from_slice(&1u32.to_le_bytes());
    f.extend_from_slice(&paddr.to_le_bytes()); // entry
    f.extend_from_slice(&phoff.to_le_bytes());
    f.extend_from_slice(&0u32.to_le_bytes()); // shoff
    f.extend_from_slice(&0u32.to_le_bytes()); // flags
    f.extend_from_slice(&52u16.to_le_bytes());
    f.extend_from_slice(&32u16.to_le_bytes());
    f.extend_from_slice(&1u16.to_le_bytes()); // phnum
    f.extend_from_slice(&40u16.to_le_bytes());
    f.extend_from_slice(&0u16.to_le_bytes());
    f.extend_from_slice(&0u16.to_le_bytes());
    for v in [
        1,
        data_off,
        paddr,
        paddr,
        code.len() as u32,
        code.len() as u32 + memsz_extra,
        7,
        4,
    ] {
        f.extend_from_slice(&v.to_le_bytes());
    }
    f.extend_from_slice(code);
    f
}

/// `mov r0, 9` (0x204a 0x0240), then semihosting exit: `mov r8, 1` (0x204a 0x1040),
/// `swi` (0x226f 0x003f), in middle-endian halfword order.
const EXIT_9: [u8; 12] = [
    0x4a, 0x20, 0x40, 0x02, 0x4a, 0x20, 0x40, 0x10, 0x6f, 0x22, 0x3f, 0x00,
];

#[test]
fn minimal_elf_runs() {
    let mut m = Machine::new(small_config());
    let info = m.load_elf(&minimal_elf(&EXIT_9, 16)).expect("valid image");
    assert_eq!(info.entry, RAM_BASE + 0x100);
    assert_eq!(m.run(100), arcsim::Stop::Exit(9));
}

#[test]
fn every_truncation_is_an_error() {
    let image = minimal_elf(&EXIT_9, 0);
    for len in 0..image.len() {
        assert!(
            Machine::new(small_config())
                .load_elf(&image[..len])
                .is_err(),
            "length {len} accepted"
        );
    }
}

fn check(image: &[u8]) {
    let mut m = Machine::new(small_config());
    if let Ok(info) = m.load_elf(image) {
        for s in &info.segments {
            assert!(
                s.paddr >= RAM_BASE
                    && s.paddr as u64 + s.memsz as u64 <= RAM_BASE as u64 + (1 << 20)
            );
        }
        let _ = m.run(2_000);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        check(&bytes);
    }

    #[test]
    fn mutated_elf_never_panics(
        code in proptest::collection::vec(any::<u8>(), 0..256),
        extra in 0u32..4096,
        flips in proptest::collection::vec((0usize..400, any::<u8>()), 0..8),
        cut in proptest::option::of(0usize..400),
    ) {
        let mut image = minimal_elf(&code, extra);
        for (at, v) in flips {
            if let Some(b) = image.get_mut(at) {
                *b = v;
            }
        }
        if let Some(c) = cut {
            image.truncate(c);
        }
        check(&image);
    }

    #[test]
    fn random_code_never_panics(code in proptest::collection::vec(any::<u8>(), 2..512)) {
        let mut m = Machine::new(small_config());
        m.load_elf(&minimal_elf(&code, 0)).expect("valid image");
        // Every vector leads back into the random code, so exceptions keep it running.
        let table: Vec<u8> = (0..64).flat_map(|_| (RAM_BASE + 0x100).to_le_bytes()).collect();
        m.write_phys_bytes(RAM_BASE, &table);
        m.set_aux(0x25, RAM_BASE);
        m.set_status32(0x8000_001E);
        let _ = m.run(5_000);
    }

    #[test]
    fn random_code_under_a_kernel_never_panics(
        code in proptest::collection::vec(any::<u8>(), 64..1024),
        regs in proptest::collection::vec(any::<u32>(), 32),
        user in any::<bool>(),
    ) {
        let mut m = Machine::new(Config { llsc: user, unaligned: !user, ..Config::default() });
        m.load_elf(harness()).expect("harness");
        m.write_phys_bytes(0x8010_0000, &code);
        for (r, v) in regs.iter().enumerate().take(27) {
            m.set_reg(r, *v);
        }
        let _ = m.run(20_000);
        let _ = m.stats();
    }
}
