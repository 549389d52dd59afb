//! Regression tests for the block engine (sim/src/engine): what a block may not assume.
//! Each program also runs with tracing on, where every instruction takes the generic
//! executor, and both runs must end in the same state after the same number of cycles.

mod asm;

use arcsim::{Config, ElfInfo, Machine, Stop};
use asm::build;

const ERET: u32 = 0x400;
const ECR: u32 = 0x403;
const EFA: u32 = 0x404;

fn boot(body: &str) -> (Machine, ElfInfo) {
    let mut m = Machine::new(Config::default());
    let info = m.load_elf(&build(body)).expect("load");
    (m, info)
}

fn sym(info: &ElfInfo, name: &str) -> u32 {
    info.symbol(name)
        .unwrap_or_else(|| panic!("no symbol {name}"))
}

/// Everything a run leaves behind that the engine could get wrong.
#[derive(Debug, PartialEq)]
struct Outcome {
    stop: Stop,
    insns: u64,
    pc: u32,
    status32: u32,
    regs: Vec<u32>,
    eret_ecr_efa: [Option<u32>; 3],
    console: Vec<u8>,
    stats: String,
}

fn outcome(m: &mut Machine, stop: Stop) -> Outcome {
    Outcome {
        stop,
        insns: m.insns(),
        pc: m.pc(),
        status32: m.status32(),
        regs: (0..64).map(|r| m.reg(r)).collect(),
        eret_ecr_efa: [m.aux(ERET), m.aux(ECR), m.aux(EFA)],
        console: m.take_console(),
        stats: m.stats().to_string(),
    }
}

/// Runs `m` (a fresh or cloned machine) to the end twice: as it is, and traced.
fn run_both(m: &Machine, limit: u64) -> Outcome {
    let mut fast = m.clone();
    let a = fast.run(limit);
    let a = outcome(&mut fast, a);
    let mut slow = m.clone();
    slow.set_trace(true);
    let b = slow.run(limit);
    let b = outcome(&mut slow, b);
    assert_eq!(
        a, b,
        "block engine and per-instruction generic path disagree"
    );
    a
}

fn run(body: &str) -> (Outcome, ElfInfo) {
    let (m, info) = boot(body);
    (run_both(&m, 1_000_000), info)
}

#[test]
fn store_to_the_next_instruction_of_the_block_is_executed() {
    let body = "_start: SETUP
        mov r3,0
        ld r1,[tmpl]
        .align 4
        st r1,[patch]
patch:  add r3,r3,1
        EXIT r3
        .align 4
tmpl:   add r3,r3,100";
    let (o, _) = run(body);
    assert_eq!(o.stop, Stop::Exit(100));
}

#[test]
fn store_to_an_already_run_instruction_of_a_loop_is_seen_next_iteration() {
    let body = "_start: SETUP
        mov r3,0
        mov r4,0
        .align 4
loop:
patch:  add r3,r3,1
        add r4,r4,1
        brne r4,2,1f
        ld r1,[tmpl]
        st r1,[patch]
1:      brlt r4,3,loop
        EXIT r3
        .align 4
tmpl:   add r3,r3,100";
    let (o, _) = run(body);
    assert_eq!(o.stop, Stop::Exit(1 + 1 + 100));
}

#[test]
fn byte_store_into_a_long_immediate_is_seen() {
    // The store hits the last byte of an 8-byte instruction, in the next 64-byte chunk
    // of the page than its first byte.
    let body = "_start: SETUP
        mov r4,0
        b patch
        .balign 64
        .skip 60
patch:  add r3,r4,0x11223344
        brne r4,0,2f
        mov r4,1
        mov r2,0x55
        stb r2,[patch+6]
        b patch
2:      EXIT r3";
    let (o, info) = run(body);
    assert_eq!(sym(&info, "patch") % 64, 60);
    // The LIMM is middle-endian: +4/+5 hold bits 23:16/31:24, +6/+7 bits 7:0/15:8.
    assert_eq!(o.stop, Stop::Exit(0x1122_3355 + 1));
}

/// Two physical pages with the same code up to a point: `page_a` returns 11, `page_b` 22.
const TWO_PAGES: &str = "
        .macro BODY val
        mov r0,\\val
        j [blink]
        .endm
        .balign 8192
page_a: BODY 11
        .balign 8192
page_b: BODY 22
        .balign 8192";

/// TLBPD0/TLBPD1 ← (VA `va`, ASID in r2, V) / (PA in r1, permissions `perm`, a register
/// or an immediate), then InsertEntry; by default VA 0x20000, Kr|Kx: a code page.
macro_rules! map_macro {
    () => {
        "
        .macro MAP va=0x20000, perm=0x50
        mov r3,\\va+0x200
        or r3,r3,r2
        sr r3,[0x460]
        or r3,r1,\\perm
        sr r3,[0x461]
        mov r3,7
        sr r3,[0x465]
        .endm"
    };
}
const MAP: &str = map_macro!();

#[test]
fn tlb_change_between_executions_of_the_same_virtual_block() {
    let body = format!(
        "{MAP}
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r5,0
        mov r9,0x20000
        mov r2,1
        mov r1,page_a
        MAP
        jl [r9]
        mpy r5,r0,100
        mov r1,page_b
        MAP
        jl [r9]
        add r5,r5,r0
        mpy r5,r5,100
        ; ASID 2 maps the same VA to page_a; ASID 1 keeps page_b.
        mov r0,0x80000002
        sr r0,[0x468]
        mov r2,2
        mov r1,page_a
        MAP
        jl [r9]
        add r5,r5,r0
        mpy r5,r5,100
        mov r0,0x80000001
        sr r0,[0x468]
        jl [r9]
        add r5,r5,r0
        EXIT r5
{TWO_PAGES}"
    );
    let (o, _) = run(&body);
    assert_eq!(o.stop, Stop::Exit(11_22_11_22));
}

#[test]
fn code_remapping_its_own_page_continues_in_the_new_page() {
    // Both pages hold the same instructions up to and including the TLB write; after it
    // the next instruction must come from the newly mapped page.
    let body = format!(
        "{MAP}
        .macro SELF val
        mov r1,page_b
        MAP
        mov r0,\\val
        j [blink]
        .endm
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r9,0x20000
        mov r2,1
        mov r1,page_a
        MAP
        jl [r9]
        EXIT r0
        .balign 8192
page_a: SELF 11
        .balign 8192
page_b: SELF 22
        .balign 8192"
    );
    let (o, _) = run(&body);
    assert_eq!(o.stop, Stop::Exit(22));
}

#[test]
fn interrupt_scheduled_at_every_instruction_of_a_block_is_exact() {
    let mut body = String::from(
        "_start: SETUP
        mov r20,0
        seti
        .balign 64
block:",
    );
    for _ in 0..24 {
        body.push_str("\n        add r20,r20,1");
    }
    body.push_str(
        "
        EXIT 0xFFFF
vec_20: mov r0,r20
        mov r8,1
        swi",
    );
    let (m, _) = boot(&body);
    let mut seen = Vec::new();
    for at in 0..120 {
        let mut s = m.clone();
        s.schedule_irq(at, 20);
        let o = run_both(&s, 10_000);
        let Stop::Exit(r20) = o.stop else {
            panic!("{:?}", o.stop)
        };
        seen.push(r20);
    }
    // Before SETI the line waits; from then on each later cycle is one more add.
    let first = seen
        .iter()
        .position(|&v| v != 0)
        .expect("taken inside the block");
    for (i, &v) in seen.iter().enumerate().skip(first) {
        if v == 0xFFFF || i - first + 1 > 24 {
            break;
        }
        assert_eq!(v as usize, i - first + 1, "irq at cycle {i}: {seen:?}");
    }
    assert!(seen.contains(&24), "{seen:?}");
}

#[test]
fn faulting_load_in_the_middle_of_a_block_leaves_exact_state() {
    let body = "_start: SETUP
        mov r20,0
        mov r22,0x10000000
        add r20,r20,1
fault:  ld.ab r21,[r22,4]
        add r20,r20,2
        EXIT 0xFFFF
vec_1:  EXIT 1";
    let (o, info) = run(body);
    assert_eq!(o.stop, Stop::Exit(1));
    assert_eq!(o.regs[20], 1, "the add before ran, the one after did not");
    assert_eq!(o.regs[22], 0x1000_0000, "no base write-back on a fault");
    assert_eq!(
        o.eret_ecr_efa,
        [
            Some(sym(&info, "fault")),
            Some(0x01_01_00),
            Some(0x1000_0000)
        ]
    );
}

#[test]
fn misaligned_store_in_the_middle_of_a_block_leaves_exact_state() {
    let body = "_start: SETUP
        mov r20,7
        mov r23,0x80200000
        st r20,[r23]
        add r20,r20,1
fault:  st.aw r20,[r23,2]
        add r20,r20,2
        EXIT 0xFFFF
vec_13: EXIT 13";
    let (o, info) = run(body);
    assert_eq!(o.stop, Stop::Exit(13));
    assert_eq!((o.regs[20], o.regs[23]), (8, 0x8020_0000));
    assert_eq!(
        o.eret_ecr_efa,
        [
            Some(sym(&info, "fault")),
            Some(0x0D_00_00),
            Some(0x8020_0002)
        ]
    );
}

#[test]
fn zero_overhead_loops_delay_slots_and_branches_agree_with_the_generic_path() {
    let body = "_start: SETUP
        mov r0,0
        mov r1,0
        mov lp_count,10
        lp 2f
        add r0,r0,3
        asl r2,r0,2
        xor r1,r1,r2
2:      mov r3,5
3:      sub.f r3,r3,1
        bne.d 3b
        add r1,r1,r3
        mov r4,0
        mov r5,4
4:      add r4,r4,r5
        brne.d r5,1,4b
        sub r5,r5,1
        bl 5f
        cmp r4,10
        mov.eq r0,r1
        EXIT r0
5:      j_s.d [blink]
        add r1,r1,1";
    let (o, _) = run(body);
    assert!(matches!(o.stop, Stop::Exit(_)), "{:?}", o.stop);
}

#[test]
fn clones_run_like_the_original_after_the_cache_is_warm() {
    let body = "_start: SETUP
        mov r0,0
        mov r1,1000
1:      add r0,r0,r1
        sub r1,r1,1
        brne r1,0,1b
        EXIT r0";
    let (mut m, _) = boot(body);
    assert_eq!(m.run(500), Stop::InsnLimit);
    let snap = m.clone();
    let a = m.run(100_000);
    let a = outcome(&mut m, a);
    let b = run_both(&snap, 100_000);
    // Only the decode count may differ: a clone starts with an empty cache.
    let no_decodes = |o: &Outcome| {
        o.stats
            .lines()
            .filter(|l| !l.starts_with("decodes"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(no_decodes(&a), no_decodes(&b));
    assert_eq!((&a.regs, a.insns, a.pc), (&b.regs, b.insns, b.pc));
    assert_eq!(a.stop, Stop::Exit(500_500));
}

/// The aux registers LR/SR reach through their resolved lowered form (`xa` in
/// engine/uop.rs), read back after the run on both paths.
const RESOLVED_AUX: [u32; 11] = [
    0x400, 0x401, 0x402, 0x403, 0x404, 0x460, 0x461, 0x464, 0x465, 0x468, 0x46C,
];

#[test]
fn lr_and_sr_of_resolved_aux_registers_agree_with_the_generic_path() {
    // Every register gets its own value (ERBTA an odd one: it drops bit 0), another one
    // in each round, and is read back into its own core register, so a form that read or wrote the wrong field, or
    // skipped a mask, leaves a different state than the generic executor. TLBCommand
    // inserts, probes (a QEMU hazard, counted in the statistics) and finally gets an
    // invalid command (Instruction Error); user-mode LR and SR of EFA then raise
    // PrivilegeV through the same lowered instruction kinds. Everything runs twice: the first
    // execution of an instruction decodes it on the generic path, the second runs the
    // lowered form.
    let body = "_start: SETUP
        mov r9,2
again:  asl r2,r9,4
        add r1,r2,0x11110001
        sr r1,[0x400]
        add r1,r1,0x100
        sr r1,[0x401]
        add r1,r1,0x100
        sr r1,[0x402]
        add r1,r1,0x100
        sr r1,[0x403]
        add r1,r1,0x100
        sr r1,[0x404]
        sr r2,[0x46C]
        lr r10,[0x400]
        lr r11,[0x401]
        lr r12,[0x402]
        lr r13,[0x403]
        lr r14,[0x404]
        lr r15,[0x46C]
        add r1,r2,0x4201
        sr r1,[0x460]
        add r1,r2,0x80404062
        sr r1,[0x461]
        sr 7,[0x465]
        lr r16,[0x464]
        sr 4,[0x465]
        lr r17,[0x465]
        lr r18,[0x464]
        lr r19,[0x460]
        lr r20,[0x461]
        sr 0x80000001,[0x468]
        lr r21,[0x468]
        sr 0,[0x468]
        sr 3,[0x464]
        lr r22,[0x464]
        sr 9,[0x465]
bad_cmd:
        sub r9,r9,1
        brne r9,0,again
        mov r0,user
        sr r0,[0x400]
        mov r0,0x80
        sr r0,[0x402]
        rtie
user:   lr r24,[0x404]
        EXIT 0xFFFF
vec_2:  lr r23,[0x403]
        lr r26,[0x400]
        mov r0,bad_cmd
        sr r0,[0x400]
        rtie
vec_7:  lr r25,[0x403]
        add r27,r27,1
        breq r27,2,2f
        brge r27,4,3f
        rtie
2:      mov r0,user_sr
        sr r0,[0x400]
        rtie
3:      EXIT r25
user_sr:
        sr r1,[0x404]
        EXIT 0xFFFE";
    let (m, info) = boot(body);
    let read_back = |m: &mut Machine| RESOLVED_AUX.map(|a| m.aux(a));
    let mut fast = m.clone();
    let a = fast.run(100_000);
    let (aux_a, a) = (read_back(&mut fast), outcome(&mut fast, a));
    let mut slow = m.clone();
    slow.set_trace(true);
    let b = slow.run(100_000);
    let (aux_b, b) = (read_back(&mut slow), outcome(&mut slow, b));
    assert_eq!(a, b, "block engine and generic path disagree");
    assert_eq!(aux_a, aux_b);
    assert_eq!(a.stop, Stop::Exit(0x07_00_00), "user LR of EFA: PrivilegeV");
    assert_eq!(
        a.regs[27], 4,
        "the user LR, then the user SR, each ran twice"
    );
    let last = [
        0x1111_0011,
        0x1111_0110,
        0x1111_0211,
        0x1111_0311,
        0x1111_0411,
        0x10,
    ];
    assert_eq!(&a.regs[10..16], &last);
    assert_eq!(a.regs[17], 4, "LR TLBCommand: the last command");
    assert_eq!(
        (a.regs[18], a.regs[19], a.regs[20]),
        (a.regs[16], 0x4211, 0x8040_4072)
    );
    assert_eq!((a.regs[21], a.regs[22]), (0x8000_0001, 3));
    assert_eq!(
        a.regs[23], 0x02_00_00,
        "invalid TLBCommand: Instruction Error"
    );
    assert_eq!(
        a.regs[26],
        sym(&info, "bad_cmd") - 8,
        "ERET: the faulting SR"
    );
    assert!(a.stats.contains("GetIndex/Probe"), "{}", a.stats);
}

#[test]
fn rtie_to_user_mode_in_the_same_page_ends_the_block() {
    // With the MMU on, user mode may not fetch at 0x8000_0000 and above: the RTIE's
    // target, right after it in the kernel's own page, must raise ProtV (fetch) instead
    // of running in the block the RTIE was in. Twice, so that the second round runs the
    // lowered RTIE (an exception return: AE is set in the handler).
    // `same` runs once in kernel mode first, so that its cached form could run on.
    let body = "_start: SETUP
        mov r9,2
        bl same
again:  sr 0x80000001,[0x468]
        mov r0,same
        sr r0,[0x400]
        mov r0,0x80
        sr r0,[0x402]
        rtie
same:   add r20,r20,1
        j_s [blink]
vec_6:  lr r21,[0x403]
        add r22,r22,1
        sub r9,r9,1
        brne r9,0,again
        EXIT r21";
    let (o, _) = run(body);
    assert_eq!(o.stop, Stop::Exit(0x06_00_08));
    assert_eq!((o.regs[20], o.regs[22]), (1, 2));
}

#[test]
fn tlb_write_in_a_translated_page_ends_the_block_every_time() {
    // Kernel code at a translated address remaps its own page. Rounds 1 and 2 switch to
    // page_b (the second runs the lowered TLBCommand SR); round 3 maps page_a onto itself
    // and must run page_a's own next instruction, which a block going on after round 2's
    // SR would have fetched from page_b into page_a's cached forms.
    let body = format!(
        "{MAP}
        .macro SELF val
        MAP
        mov r0,\\val
        j [blink]
        .endm
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r9,0x20000
        mov r2,1
        mov r5,0
        mov r6,3
1:      mov r1,page_a
        MAP
        mov r1,page_b
        mov r7,page_a
        breq r6,1,2f
        mov r7,page_b
2:      mov r1,r7
        jl [r9]
        mpy r5,r5,100
        add r5,r5,r0
        sub r6,r6,1
        brne r6,0,1b
        EXIT r5
        .balign 8192
page_a: SELF 11
        .balign 8192
page_b: SELF 22
        .balign 8192"
    );
    let (o, _) = run(&body);
    assert_eq!(o.stop, Stop::Exit(22_22_11));
}

/// `MAP` of a data page for the host TLB tests: VA `va`, by default 0x30000, with the
/// permissions in r4 (`RW` or `RO`).
const MAP_DATA: &str = concat!(
    map_macro!(),
    "
        .macro MAPD va=0x30000
        MAP \\va, r4
        .endm
        .macro RW
        mov r4,0x60
        .endm
        .macro RO
        mov r4,0x40
        .endm"
);

/// Two data pages: `data_a` holds 11 at its start, `data_b` 22.
const TWO_DATA_PAGES: &str = "
        .data
        .balign 8192
data_a: .word 11
        .balign 8192
data_b: .word 22
        .balign 8192";

/// A page nothing writes before the test does: `fresh`, in .bss (RAM allocates it on
/// its first store).
const FRESH_PAGE: &str = "
        .section .bss
        .balign 8192
fresh:  .skip 8192";

// Loads and stores take the host TLB only once lowered, from their second execution on:
// each test below runs its accesses in a loop or a subroutine called more than once.

#[test]
fn loads_and_stores_follow_every_remap_of_their_page() {
    // Each remap (InsertEntry over the same page, a PID write to another ASID) must send
    // the next access to the page the MMU now names, and a store must land in the page
    // mapped when it ran.
    let body = format!(
        "{MAP_DATA}
_start: SETUP
        mov r11,3
1:      mov r0,0x80000001
        sr r0,[0x468]
        mov r9,0x30000
        mov r2,1
        RW
        mov r1,data_a
        MAPD
        ld r5,[r9]          ; 11 from data_a
        mov r1,data_b
        MAPD
        ld r6,[r9]          ; 22 from data_b
        st r5,[r9,4]        ; data_b+4 = 11
        mov r1,data_a
        MAPD
        ld r7,[r9,4]        ; data_a+4 is still 0
        ; ASID 2 maps the VA to data_b; back in ASID 1 it is data_a again.
        mov r0,0x80000002
        sr r0,[0x468]
        mov r2,2
        mov r1,data_b
        MAPD
        ld r8,[r9,4]        ; 11, stored through ASID 1 before
        mov r0,0x80000001
        sr r0,[0x468]
        ld r10,[r9]         ; 11 from data_a
        sub r11,r11,1
        brne r11,0,1b
        mpy r0,r5,1000000
        mpy r1,r6,10000
        add r0,r0,r1
        mpy r1,r8,100
        add r0,r0,r1
        add r0,r0,r7
        add r0,r0,r10
        EXIT r0
{TWO_DATA_PAGES}"
    );
    let (o, _) = run(&body);
    assert_eq!(o.stop, Stop::Exit(11_22_11_11));
}

#[test]
fn a_store_after_a_page_becomes_read_only_faults() {
    // A write entry made while the page was writable must not outlive the remap that
    // takes the write permission away: the store raises a protection violation
    // (ECR vector 6), which `unexpected` reports. The first round maps the page
    // writable throughout; the second makes it read-only before the last store.
    let body = format!(
        "{MAP_DATA}
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r9,0x30000
        mov r2,1
        mov r1,data_a
        mov r11,2
1:      RW
        MAPD
        mov r5,7
        st r5,[r9]
        ld r6,[r9]
        brne r11,1,2f
        RO
        MAPD
2:      ld r6,[r9]
        st r5,[r9,4]
        sub r11,r11,1
        brne r11,0,1b
        EXIT 99
{TWO_DATA_PAGES}"
    );
    let (o, _) = run(&body);
    let Stop::Exit(code) = o.stop else {
        panic!("{:?}", o.stop)
    };
    assert_eq!(code >> 16 & 0xFF, 6, "protection violation, got {code:#x}");
    assert_eq!((o.regs[6], o.regs[11]), (7, 1));
}

#[test]
fn a_store_through_a_page_mapped_before_it_held_code_drops_that_code() {
    // `poke` stores through a data mapping of `code_page`. Called twice before any code
    // there ran, its second (lowered) store makes a write entry while the page holds no
    // decoded code; then `patch` runs, and a third `poke` overwrites its first
    // instruction: the next call must run the new one.
    let body = format!(
        "{MAP_DATA}
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r9,0x30000
        mov r2,1
        mov r1,code_page
        RW
        MAPD
        mov r10,0
        mov r13,0x80
        jl poke
        jl poke
        jl patch
        mov r6,r0           ; 1
        ld r12,[r9,0x10]    ; the 4 bytes of `add r0,r10,2` at patch + 0x10
        mov r13,0
        jl poke             ; over `add r0,r10,1` at patch
        jl patch
        mpy r6,r6,10
        add r0,r6,r0        ; 12
        EXIT r0
poke:   add r14,r9,r13
        st r12,[r14]
        j [blink]
        .balign 8192
code_page:
patch:  add r0,r10,1
        j [blink]
        .balign 16
        add r0,r10,2
        .balign 8192"
    );
    let (o, info) = run(&body);
    assert_eq!(sym(&info, "patch") % 8192, 0);
    assert_eq!(o.stop, Stop::Exit(12));
}

#[test]
fn a_load_sees_the_first_store_to_a_page_it_read_as_zero() {
    // `peek` reads a page nothing wrote yet, so its lowered load reads the host TLB's
    // zero page; then a store (generic: it runs once) allocates the RAM page, and
    // the next `peek` must read what it stored, through the same mapping.
    let body = format!(
        "{MAP_DATA}
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r9,0x30000
        mov r2,1
        mov r1,fresh
        RW
        MAPD
        jl peek
        jl peek
        mov r6,r0           ; 0
        mov r5,33
        st r5,[r9,8]
        jl peek
        add r0,r0,r6
        EXIT r0
peek:   ld r0,[r9,8]
        j [blink]
{FRESH_PAGE}"
    );
    let (o, _) = run(&body);
    assert_eq!(o.stop, Stop::Exit(33));
}

#[test]
fn a_load_sees_the_first_store_to_a_page_when_the_store_is_lowered() {
    // As above, but the page's first store is a lowered one that misses the host TLB, in
    // the same block as the load after it: the write entry allocates the page, and the
    // zero-page read entry the load made in the round before must go at once. Round k
    // stores to 0x40000 + k * 0x10000 (the third: the page the load reads).
    let body = format!(
        "{MAP_DATA}
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r2,1
        RW
        mov r1,data_a
        MAPD 0x50000
        mov r1,data_b
        MAPD 0x60000
        mov r1,fresh
        MAPD 0x70000
        mov r5,44
        mov r9,0x70000
        mov r10,0x50000
        mov r11,3
1:      st r5,[r10,8]
        ld r0,[r9,8]        ; 0, 0, then 44
        add r10,r10,0x10000
        sub r11,r11,1
        brne r11,0,1b
        EXIT r0
{TWO_DATA_PAGES}
{FRESH_PAGE}"
    );
    let (o, _) = run(&body);
    assert_eq!(o.stop, Stop::Exit(44));
}

#[test]
fn lowered_accesses_that_miss_the_tlb_raise_the_access_kind_of_each() {
    // A lowered load or store that misses the host TLB raises a TLB miss from its
    // translation alone (`step_missed`): ECR's cause must still say read or write, and
    // ERET and EFA name the instruction and the address. `access` runs twice through a
    // mapped page, so its load and store are lowered, then once through unmapped ones:
    // the first load misses (vec_5 counts it and maps the page), then the store.
    let body = format!(
        "{MAP_DATA}
_start: SETUP
        mov r0,0x80000001
        sr r0,[0x468]
        mov r2,1
        mov r1,data_a
        RW
        MAPD
        mov r9,0x30000
        mov r10,0x30000
        jl access
        jl access
        mov r9,0x50000
        mov r10,0x70000
        mov r20,0
        jl access
        EXIT 0xFFFF
access: ld r5,[r9]
        add r5,r5,1
store:  st r5,[r10,8]
        j [blink]
vec_5:  lr r0,[0x403]
        brne r20,0,2f
        mov r20,r0
        lr r21,[0x400]
        lr r22,[0x404]
        MAPD 0x50000
        rtie
2:      lr r23,[0x400]
        lr r24,[0x404]
        EXIT r0
{TWO_DATA_PAGES}"
    );
    let (o, info) = run(&body);
    assert_eq!(o.stop, Stop::Exit(0x05_02_00), "the store: TLBMissD, write");
    assert_eq!(o.regs[20], 0x05_01_00, "the load: TLBMissD, read");
    assert_eq!(
        (o.regs[21], o.regs[22]),
        (sym(&info, "access"), 0x5_0000),
        "the load's ERET and EFA"
    );
    assert_eq!(
        (o.regs[23], o.regs[24]),
        (sym(&info, "store"), 0x7_0008),
        "the store's ERET and EFA"
    );
}
