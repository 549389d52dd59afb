//! ARC700's system side on an `isa: ArcCompact` core: MMUv3 (TLB commands, PD0/PD1
//! permissions, ASID and global pages, the ARC700 ECRs of its faults) and the two-level
//! interrupt model (ILINK1, STATUS32_L1, A1/E1, AUX_IRQ_LV12, `rtie` and `j.f [ilink1]`
//! returns, timer0 on line 3, `sleep 3`). Facts and sources: docs/arcompact.md.

mod common;

use arcsim::config::Isa;
use arcsim::{Config, Machine, Stop};
use std::process::Command;

const TLBPD0: u32 = 0x405;
const TLBPD1: u32 = 0x406;
const TLBINDEX: u32 = 0x407;
const TLBCOMMAND: u32 = 0x408;
const PID: u32 = 0x409;
const MMU_BUILD: u32 = 0x6F;
const V: u32 = 1 << 9;
const G: u32 = 1 << 8;
const KR: u32 = 0x40;
const KW: u32 = 0x20;
const UR: u32 = 0x08;
const LKUP_ERR: u32 = 1 << 31;

fn arc700() -> Machine {
    Machine::new(Config {
        isa: Isa::ArcCompact,
        ..Config::default()
    })
}

fn cmd(m: &mut Machine, c: u32) {
    assert!(m.set_aux(TLBCOMMAND, c), "TLBCOMMAND {c} refused");
}

/// Assembles `src` for ARC700, links it at 0x8000_0000 and loads it.
fn load(name: &str, src: &str) -> (Machine, std::collections::HashMap<String, u32>) {
    common::require_toolchain();
    let dir = common::cache_dir("arc700_system");
    let (s, o, elf) = (
        dir.join(format!("{name}.s")),
        dir.join(format!("{name}.o")),
        dir.join(format!("{name}.elf")),
    );
    std::fs::write(&s, src).unwrap();
    common::run_tool(
        Command::new(common::AS)
            .arg("-mcpu=arc700")
            .arg(&s)
            .arg("-o")
            .arg(&o),
    )
    .unwrap();
    common::run_tool(
        Command::new(common::LD)
            .args(["-N", "--no-warn-rwx-segments", "-e", "_start"])
            .args(["-Ttext", "0x80000000"])
            .arg(&o)
            .arg("-o")
            .arg(&elf),
    )
    .unwrap();
    let mut m = arc700();
    m.load_elf(&std::fs::read(&elf).unwrap()).unwrap();
    (m, common::symbols(&elf).unwrap())
}

/// 64 eight-byte `j` slots: `pick(vector)` names each one's target.
fn vectors(pick: impl Fn(u32) -> &'static str) -> String {
    let mut s = String::from("\t.text\n\t.global _start\n\t.balign 1024\nvectors:\n");
    for v in 0..64 {
        s.push_str(&format!("\tj {}\n", pick(v)));
    }
    s
}

#[test]
fn mmu_v3_build_register_and_commands() {
    let mut m = arc700();
    let b = m.aux(MMU_BUILD).unwrap();
    assert_eq!(b >> 24, 3, "MMU_BUILD version");
    let (ways, sets) = (1 << (b >> 20 & 0xF), 1 << (b >> 16 & 0xF));
    assert_eq!((sets, ways), (256, 4), "bcr_mmu_3 geometry");
    assert_eq!(1 << ((b >> 8 & 0xF) - 1), 8, "page size in KiB");
    // ARCv2's numbers stay MMUv4 on an HS core.
    let mut hs = Machine::new(Config::default());
    assert_eq!(hs.aux(MMU_BUILD).unwrap() >> 24, 4);

    // GetIndex picks a free way of the VPN's set; WriteNI commits there.
    m.set_aux(TLBPD0, 0x2000 | V | 1);
    m.set_aux(TLBPD1, 0x8020_0000 | KR | UR);
    cmd(&mut m, 3);
    let idx = m.aux(TLBINDEX).unwrap();
    assert_eq!(idx, (0x2000 >> 13) * 4, "first way of set 1");
    cmd(&mut m, 5);
    assert_eq!(
        m.tlb_entry(idx),
        Some((0x2000 | V | 1, 0x8020_0000 | KR | UR))
    );
    // GetIndex again: the matching entry, not the next free way.
    cmd(&mut m, 3);
    assert_eq!(m.aux(TLBINDEX), Some(idx));
    // A second page of the same set goes to the next way.
    m.set_aux(TLBPD0, (0x2000 + 256 * 8192) | V | 1);
    cmd(&mut m, 3);
    assert_eq!(m.aux(TLBINDEX), Some(idx + 1));

    // Probe: hit by VPN and ASID (no V needed, as Linux's tlb_entry_erase passes none),
    // miss by another ASID, miss once the entry is overwritten with zeros by Write.
    m.set_aux(TLBPD0, 0x2000 | 1);
    cmd(&mut m, 4);
    assert_eq!(m.aux(TLBINDEX), Some(idx));
    m.set_aux(TLBPD0, 0x2000 | 2);
    cmd(&mut m, 4);
    assert_eq!(m.aux(TLBINDEX).unwrap() & LKUP_ERR, LKUP_ERR, "other ASID");
    m.set_aux(TLBINDEX, idx);
    m.set_aux(TLBPD0, 0);
    m.set_aux(TLBPD1, 0);
    cmd(&mut m, 1);
    assert_eq!(m.tlb_entry(idx), Some((0, 0)));
    m.set_aux(TLBPD0, 0x2000 | 1);
    cmd(&mut m, 4);
    assert_eq!(m.aux(TLBINDEX).unwrap() & LKUP_ERR, LKUP_ERR, "erased");

    // Two entries for one VPN and ASID: Probe reports TLB_DUP_ERR (LKUP_ERR | 1 on MMUv3).
    for i in [idx, idx + 2] {
        m.set_aux(TLBINDEX, i);
        m.set_aux(TLBPD0, 0x2000 | V | 1);
        m.set_aux(TLBPD1, 0x8020_0000 | KR);
        cmd(&mut m, 1);
    }
    m.set_aux(TLBPD0, 0x2000 | 1);
    cmd(&mut m, 4);
    assert_eq!(m.aux(TLBINDEX), Some(0x8000_0001), "duplicate match");

    // Read loads PD0/PD1 from the entry at TLBINDEX.
    m.set_aux(TLBINDEX, 9);
    m.set_aux(TLBPD0, 0x14000 | V | G);
    m.set_aux(TLBPD1, 0x8040_0000 | KR | KW);
    cmd(&mut m, 1);
    m.set_aux(TLBPD0, 0);
    m.set_aux(TLBPD1, 0);
    cmd(&mut m, 2);
    assert_eq!(
        (m.aux(TLBPD0), m.aux(TLBPD1)),
        (Some(0x14000 | V | G), Some(0x8040_0000 | KR | KW))
    );
    // IVUTLB exists; MMUv4's Insert (7) and Delete (8) do not.
    cmd(&mut m, 6);
    assert!(!m.set_aux(TLBCOMMAND, 7));
    assert!(!m.set_aux(TLBCOMMAND, 8));
    assert!(m.set_aux(PID, 0x8000_0005));
    assert_eq!(m.aux(PID), Some(0x8000_0005));
}

/// User-mode accesses through MMUv3 entries committed with GetIndex + WriteNI: a read
/// hit, a store to a read-only page (ProtV 0x23, cause 2), a miss (TLBMissD 0x22, cause
/// 1, PD0 preloaded with VPN and ASID), a page of another ASID (miss), a global page of
/// another ASID (hit), a kernel address (ProtV, cause 1) and a fetch miss (TLBMissI 0x21).
#[test]
fn mmu_v3_faults_carry_arc700_ecrs() {
    let mut src = vectors(|v| match v {
        0x21 => "itlb_miss",
        0x22 | 0x23 => "data_fault",
        0x25 => "done",
        _ => "unexpected",
    });
    src.push_str(
        "_start:
        mov r0, vectors
        sr r0, [0x25]
        mov r20, 0x80300000
        mov r0, 0x1234
        st r0, [0x80200000]
        mov r0, 0x5678
        st r0, [0x80210000]
        .macro MAP pd0, pd1
        mov r0, \\pd0
        sr r0, [0x405]
        mov r0, \\pd1
        sr r0, [0x406]
        sr 3, [0x408]
        sr 5, [0x408]
        .endm
        MAP 0x2201, 0x80200068      /* ASID 1: Ur Kr Kw */
        MAP 0x8202, 0x80200048      /* ASID 2 */
        MAP 0xa307, 0x80210048      /* global, ASID 7 */
        MAP 0x4201, upage + 0x5a    /* user code: Ux Ur Kx Kr */
        mov r0, 0x80000001
        sr r0, [0x409]
        mov r0, 0x80
        sr r0, [0x402]
        mov r0, 0x4000
        sr r0, [0x400]
        rtie
data_fault:
        lr r0, [0x403]
        st r0, [r20]
        lr r0, [0x404]
        st r0, [r20, 4]
        lr r0, [0x405]
        st r0, [r20, 8]
        add r20, r20, 12
        lr r0, [0x400]
        add r0, r0, 4
        sr r0, [0x400]
        rtie
itlb_miss:
        lr r0, [0x403]
        st r0, [r20]
        lr r0, [0x404]
        st r0, [r20, 4]
        add r20, r20, 12
        sr blink, [0x400]
        rtie
done:
        mov r0, 0
        mov r8, 1
        trap0
unexpected:
        lr r0, [0x403]
        mov r8, 1
        trap0
        .balign 8192
upage:
        mov r17, 0x2000
        ld r16, [r17]
        mov r19, r16
        st r16, [r17]
        mov r17, 0x6000
        ld r16, [r17]
        mov r17, 0x8000
        ld r16, [r17]
        mov r17, 0xa000
        ld r16, [r17]
        mov r18, r16
        mov r17, 0x80000000
        ld r16, [r17]
        mov r3, 0xc000
        jl [r3]
        trap0
",
    );
    let (mut m, _) = load("mmu_v3_faults", &src);
    assert_eq!(m.run(100_000), Stop::Exit(0), "r0 = ECR {:#x}", m.reg(0));
    assert_eq!(m.reg(19), 0x1234, "read hit through ASID 1");
    assert_eq!(m.reg(18), 0x5678, "global page hit under ASID 1");
    let log: Vec<u32> = (0..15)
        .map(|i| m.read_phys_u32(0x8030_0000 + 4 * i).unwrap())
        .collect();
    let rec = |n: usize| (log[3 * n], log[3 * n + 1], log[3 * n + 2]);
    assert_eq!(
        rec(0).0 >> 8,
        0x2302,
        "store to a read-only page: ProtV, store"
    );
    assert_eq!(rec(0).1, 0x2000);
    assert_eq!(rec(1).0, 0x22_01_00, "unmapped load: TLBMissD, load");
    assert_eq!(rec(1).1, 0x6000);
    assert_eq!(rec(1).2 & !V, 0x6000 | 1, "PD0 preloaded with VPN and ASID");
    assert_eq!(rec(2).0, 0x22_01_00, "page of ASID 2 misses under ASID 1");
    assert_eq!(rec(2).1, 0x8000);
    assert_eq!(
        rec(3).0 >> 8,
        0x2301,
        "user load of a kernel address: ProtV, load"
    );
    assert_eq!(rec(3).1, 0x8000_0000);
    assert_eq!(rec(4).0, 0x21_00_00, "fetch miss: TLBMissI");
    assert_eq!(rec(4).1, 0xc000);
}

/// Timer0 on line 3 wakes `sleep 3` (which enabled E1/E2) and is taken at level 1:
/// ILINK1 = the instruction after `sleep`, STATUS32_L1 = the interrupted STATUS32, A1 set
/// and E1 clear in the handler, AUX_IRQ_LV12 bit 0 sticky until written; `rtie` returns
/// through ILINK1/STATUS32_L1. A software interrupt (AUX_IRQ_HINT) returns with
/// `j.f [ilink1]`. A level-2 line (AUX_IRQ_LEV) preempts a level-1 handler, and `rtie`
/// returns from level 2 first.
#[test]
fn interrupt_levels_enter_and_return() {
    let mut src = vectors(|v| match v {
        3 => "timer_isr",
        5 => "hint_isr",
        6 => "l2_isr",
        7 => "isr7",
        _ => "unexpected",
    });
    src.push_str(
        "_start:
        mov sp, 0x80100000
        mov r0, vectors
        sr r0, [0x25]
        sr 0, [0x200]
        sr 0, [0x21]
        mov r0, 200
        sr r0, [0x23]
        sr 1, [0x22]
        flag 0
        sleep 3
after_sleep:
        lr r16, [0xa]
        sr 5, [0x201]
        nop
        nop
        lr r17, [0xa]
        mov r0, 0x40
        sr r0, [0x200]
        sr 7, [0x201]
        nop
        nop
        mov r0, 0
        mov r8, 1
        trap0
timer_isr:
        lr r10, [0x40a]
        lr r11, [0xa]
        lr r12, [0xb]
        mov r13, ilink1
        lr r14, [0x43]
        sr 0, [0x22]
        sr 1, [0x43]
        lr r15, [0x43]
        rtie
hint_isr:
        lr r20, [0x40a]
        sr 0, [0x201]
        sr 1, [0x43]
        j.f [ilink1]
isr7:
        lr r21, [0x40a]
        sr 6, [0x201]
        nop
        nop
        mov r22, 1
        sr 1, [0x43]
        rtie
l2_isr:
        lr r23, [0x40b]
        lr r24, [0xa]
        lr r25, [0x43]
        sr 0, [0x201]
        sr 2, [0x43]
        rtie
unexpected:
        lr r0, [0x403]
        or r0, r0, 0x1000
        mov r8, 1
        trap0
",
    );
    let (mut m, sym) = load("irq_levels", &src);
    assert_eq!(m.run(100_000), Stop::Exit(0), "r0 = {:#x}", m.reg(0));
    let r = |n: usize| m.reg(n);
    const E1: u32 = 2;
    const E2: u32 = 4;
    const A1: u32 = 8;
    const A2: u32 = 0x10;
    assert_eq!(r(10), 3, "ICAUSE1: timer0 is line 3");
    assert_eq!(r(11) & (A1 | E1), A1, "in the handler: A1 set, E1 clear");
    assert_eq!(
        r(12) & (A1 | E1 | E2),
        E1 | E2,
        "STATUS32_L1: sleep 3 enabled both"
    );
    assert_eq!(r(13), sym["after_sleep"], "ILINK1: after the sleep");
    assert_eq!(
        (r(14) & 1, r(15)),
        (1, 0),
        "AUX_IRQ_LV12 sticky, write 1 clears"
    );
    assert_eq!(
        r(16) & (A1 | A2 | E1 | E2),
        E1 | E2,
        "rtie restored STATUS32_L1"
    );
    assert_eq!(r(20), 5, "AUX_IRQ_HINT raised line 5");
    assert_eq!(
        r(17) & (A1 | A2 | E1 | E2),
        E1 | E2,
        "j.f [ilink1] restored STATUS32_L1"
    );
    assert_eq!(r(21), 7);
    assert_eq!(r(23), 6, "ICAUSE2: the level-2 line");
    assert_eq!(r(24) & (A1 | A2), A1 | A2, "level 2 inside level 1");
    assert_eq!(r(25), 3, "both levels' sticky bits");
    assert_eq!(
        r(22),
        1,
        "the level-1 handler resumed after the level-2 rtie"
    );
}
