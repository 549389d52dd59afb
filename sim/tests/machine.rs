//! End-to-end machine tests: small hand-written assembly programs (see `asm/mod.rs` for
//! the vector table and macros every program gets) exercising exceptions, interrupts, the
//! MMU, timers, sleep and the UART through the library API.

mod asm;

use arcsim::{Config, ElfInfo, Machine, Stop};
use asm::build;

const KSTACK: u32 = 0x8010_0000;

fn boot(cfg: Config, body: &str) -> (Machine, ElfInfo) {
    let mut m = Machine::new(cfg);
    let info = m.load_elf(&build(body)).expect("load");
    (m, info)
}

fn run(body: &str) -> (Machine, ElfInfo, Stop) {
    run_cfg(Config::default(), body)
}

fn run_cfg(cfg: Config, body: &str) -> (Machine, ElfInfo, Stop) {
    let (mut m, info) = boot(cfg, body);
    let stop = m.run(1_000_000);
    (m, info, stop)
}

fn sym(info: &ElfInfo, name: &str) -> u32 {
    info.symbol(name)
        .unwrap_or_else(|| panic!("no symbol {name}"))
}

#[test]
fn uart_output_and_semihosting_exit() {
    let (mut m, _, stop) = run("_start:
        mov r1,0xF0000000
        mov r2,msg
1:      ldb.ab r3,[r2,1]
        breq r3,0,2f
        stb r3,[r1]
        b 1b
2:      mov r0,1
        mov r1,msg2
        mov r2,3
        mov r8,4
        swi
        EXIT 42
        .data
msg:    .asciz \"hello\\n\"
msg2:   .ascii \"abc\"");
    assert_eq!(stop, Stop::Exit(42));
    assert_eq!(m.take_console(), b"hello\nabc");
}

#[test]
fn flag_1_halts() {
    let (m, _, stop) = run("_start: mov r5,3\n flag 1\n mov r5,4");
    assert_eq!(stop, Stop::Halt);
    assert_eq!(m.reg(5), 3);
}

#[test]
fn trap_s_saves_next_pc_and_rtie_returns() {
    let (m, info, stop) = run("_start: SETUP
        mov r5,0
trap:   trap_s 5
after:  add r5,r5,1
        EXIT 0
vec_9:  lr r1,[0x403]
        lr r2,[0x400]
        lr r3,[0x402]
        lr r4,[0x404]
        lr r6,[0x0a]
        rtie");
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(m.reg(1), 0x0009_0005, "ECR");
    assert_eq!(m.reg(2), sym(&info, "after"), "ERET = next instruction");
    assert_eq!(m.reg(4), sym(&info, "trap"), "EFA = the trap_s");
    assert_eq!(m.reg(6) & 0x20, 0x20, "AE set in the handler");
    assert_eq!(m.reg(6) & 0x1000, 0x1000, "L set in the handler");
    assert_eq!(m.reg(6) & 0x80, 0, "kernel mode in the handler");
    assert_eq!(m.reg(5), 1);
    assert_eq!(m.status32() & 0x20, 0, "AE cleared by rtie");
    assert_eq!(m.stats().exceptions[9], 1);
}

#[test]
fn swi_without_semihosting_is_an_exception_at_the_swi() {
    let cfg = Config {
        semihosting: false,
        ..Config::default()
    };
    let (m, info, _) = run_cfg(
        cfg,
        "_start: SETUP
swi_at: swi_s 7
        flag 1
vec_8:  lr r1,[0x403]
        lr r2,[0x400]
        flag 1",
    );
    assert_eq!(m.reg(1), 0x0008_0007);
    assert_eq!(m.reg(2), sym(&info, "swi_at"));
}

const USER_ENTRY: &str = "
        mov r0,user
        sr r0,[0x400]
        mov r0,0x80
        sr r0,[0x402]
        mov r0,0x80200000
        sr r0,[0x0d]
        rtie
";

#[test]
fn user_mode_entry_swaps_sp_and_privilege_violation_reports() {
    let body = format!(
        "_start: SETUP
        {USER_ENTRY}
user:   mov r10,sp
        lr r11,[0x0a]
        flag 0x300
bad:    seti
        EXIT 1
vec_7:  lr r1,[0x403]
        lr r2,[0x400]
        mov r3,sp
        lr r4,[0x0d]
        lr r6,[0x0a]
        lr r7,[0x402]
        EXIT 0"
    );
    let (m, info, stop) = run(&body);
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(m.reg(10), 0x8020_0000, "user SP from AUX_USER_SP");
    assert_eq!(m.reg(11), 0, "user reads of STATUS32 show only ZNCV");
    assert_eq!(m.reg(1), 0x0007_0000, "PrivilegeV");
    assert_eq!(m.reg(2), sym(&info, "bad"));
    assert_eq!(m.reg(3), KSTACK, "kernel SP back from AUX_USER_SP");
    assert_eq!(m.reg(4), 0x8020_0000, "AUX_USER_SP holds the user SP");
    assert_eq!(m.reg(6) & 0x800, 0x800, "Z = old U");
    assert_eq!(m.reg(7) & 0x80, 0x80, "ERSTATUS.U");
    assert_eq!(m.reg(7) & 0x300, 0x300, "user FLAG wrote C and V");
}

/// ECR after running `insn` in user mode (0 = no exception).
fn user_ecr(insn: &str) -> u32 {
    let body = format!(
        "_start: SETUP
        mov r0,0
        {USER_ENTRY}
user:   {insn}
        EXIT 0
vec_2:  lr r0,[0x403]
        mov r8,1
        swi
vec_7:  lr r0,[0x403]
        mov r8,1
        swi"
    );
    match run(&body).2 {
        Stop::Exit(e) => e,
        other => panic!("{insn}: {other:?}"),
    }
}

#[test]
fn kernel_only_operations_fault_in_user_mode() {
    for insn in [
        "seti",
        "clri",
        "rtie",
        "sleep",
        "brk",
        "kflag 0",
        "flag 1",
        "sr r0,[0x0a]",
        "lr r0,[0x25]",
        "sr r0,[0x25]",
        "lr r0,[0x402]",
        "lr r0,[0x0d]",
        "sr r0,[0x465]",
        "lr r0,[0x21]",
    ] {
        assert_eq!(user_ecr(insn), 0x0007_0000, "{insn}");
    }
    for insn in [
        "lr r0,[0x2]",
        "sr r0,[0x3]",
        "lr r0,[0xa]",
        "flag 0x100",
        "lr r0,[0x4]",
        "lr r0,[0x6f]",
        "sr r0,[0x290]",
    ] {
        assert_eq!(user_ecr(insn), 0, "{insn}");
    }
    assert_eq!(
        user_ecr("lr r0,[0x7ff]"),
        0x0002_0000,
        "unknown aux register"
    );
}

#[test]
fn llock_without_llsc_is_instruction_error_and_works_with_it() {
    let body = "_start: SETUP
        mov r1,0x80100000
        st 5,[r1]
        llock r2,[r1]
        add r2,r2,1
        scond r2,[r1]
        mov.eq r6,1
        st 9,[r1]
        llock r3,[r1]
        st 10,[r1]
        scond r3,[r1]
        mov.ne r7,1
        EXIT 0
vec_2:  lr r0,[0x403]
        bset r0,r0,28
        mov r8,1
        swi";
    assert_eq!(run(body).2, Stop::Exit(0x1002_0000));
    let (m, _, stop) = run_cfg(
        Config {
            llsc: true,
            ..Config::default()
        },
        body,
    );
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(
        (m.reg(6), m.reg(7)),
        (1, 1),
        "scond succeeds, then fails after an intervening store"
    );
    assert_eq!(m.read_phys_u32(0x8010_0000), Some(10));
}

fn exception_ecr_efa(cfg: Config, code: &str) -> (u32, u32, ElfInfo) {
    let body = format!(
        "_start: SETUP
        {code}
        EXIT 0
vec_1:  b report
vec_3:  b report
vec_11: b report
vec_13: b report
report: lr r0,[0x403]
        lr r9,[0x404]
        lr r10,[0x400]
        mov r8,1
        swi"
    );
    let (m, info, stop) = run_cfg(cfg, &body);
    match stop {
        Stop::Exit(e) => (e, m.reg(9), info),
        other => panic!("{code}: {other:?}"),
    }
}

#[test]
fn misaligned_access_raises_unless_option_and_ad() {
    let code = "mov r1,0x80100002\nld r2,[r1]";
    let (ecr, efa, _) = exception_ecr_efa(Config::default(), code);
    assert_eq!((ecr, efa), (0x000D_0000, 0x8010_0002));
    let st = "mov r1,0x80100001\nsth r2,[r1]";
    assert_eq!(exception_ecr_efa(Config::default(), st).0, 0x000D_0000);
    let cfg = Config {
        unaligned: true,
        ..Config::default()
    };
    assert_eq!(
        exception_ecr_efa(cfg.clone(), code).0,
        0x000D_0000,
        "AD clear"
    );
    assert_eq!(
        exception_ecr_efa(cfg, &format!("flag 0x80000\n{code}")).0,
        0,
        "option and AD set"
    );
}

#[test]
fn unmapped_physical_address_is_memory_error() {
    let (ecr, efa, _) = exception_ecr_efa(Config::default(), "mov r1,0x10000000\nld r2,[r1]");
    assert_eq!((ecr, efa), (0x0001_0100, 0x1000_0000));
    let (ecr, _, _) = exception_ecr_efa(Config::default(), "mov r1,0xC0000000\nst r2,[r1]");
    assert_eq!(ecr, 0x0001_0200);
}

#[test]
fn divide_by_zero_traps_only_with_dz() {
    let code = "mov r1,7\nmov r2,0\nmov r3,5\ndiv r3,r1,r2";
    assert_eq!(exception_ecr_efa(Config::default(), code).0, 0);
    let (ecr, efa, _) =
        exception_ecr_efa(Config::default(), &format!("flag 0x2000\n{code}\nflag 0"));
    assert_eq!(ecr, 0x000B_0000);
    assert_ne!(efa, 0);
}

#[test]
fn exception_in_handler_is_machine_check() {
    let (ecr, _, _) = exception_ecr_efa(
        Config::default(),
        "trap_s 1\nvec_9: mov r1,0x10000000\nld r1,[r1]",
    );
    assert_eq!(ecr, 0x0003_0000);
}

#[test]
fn exception_in_machine_check_handler_locks_up() {
    let (_, _, stop) =
        run("_start: SETUP\n trap_s 0\nvec_9: ld r0,[0x10000000]\nvec_3: ld r0,[0x10000000]");
    assert!(matches!(stop, Stop::Lockup(_)), "{stop:?}");
}

#[test]
fn fault_in_delay_slot_returns_into_the_slot() {
    let (m, info, stop) = run("_start: SETUP
        mov r1,0x10000000
        mov r4,0x80100000
        st 77,[r4]
        b.d target
slot:   ld r2,[r1]
        EXIT 1
target: EXIT 0
vec_1:  lr r5,[0x400]
        lr r6,[0x402]
        lr r7,[0x401]
        mov r1,r4
        rtie");
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(
        m.reg(5),
        sym(&info, "slot"),
        "ERET = the delay-slot instruction"
    );
    assert_eq!(m.reg(6) & 0x40, 0x40, "ERSTATUS.DE");
    assert_eq!(m.reg(7), sym(&info, "target"), "ERBTA");
    assert_eq!(m.reg(2), 77, "slot re-executed after the handler fixed r1");
}

#[test]
fn trap_in_taken_delay_slot_returns_to_target() {
    let (m, info, stop) = run("_start: SETUP
        b.d target
        trap_s 2
        EXIT 1
target: EXIT 0
vec_9:  lr r5,[0x400]
        lr r6,[0x402]
        rtie");
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(m.reg(5), sym(&info, "target"));
    assert_eq!(m.reg(6) & 0x40, 0);
}

const TIMER0_SETUP: &str = "
        mov r0,16
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r0,100
        sr r0,[0x23]
        mov r0,0
        sr r0,[0x21]
        mov r0,1
        sr r0,[0x22]
";

#[test]
fn timer0_interrupts_periodically_with_frame_and_act() {
    let body = format!(
        "_start: SETUP
        mov r0,0x602
        sr r0,[0x0e]
        {TIMER0_SETUP}
        mov r20,0
        mov r1,0x11111111
        seti 0x3f
1:      brlt r20,5,1b
        clri
        mov r0,r20
        mov r8,1
        swi
vec_16: lr r21,[0x40a]
        lr r22,[0x43]
        mov r23,sp
        lr r24,[0x0a]
        add r20,r20,1
        mov r0,1
        sr r0,[0x22]
        rtie"
    );
    let (m, _, stop) = run(&body);
    assert_eq!(stop, Stop::Exit(5));
    assert_eq!(m.reg(21), 16, "ICAUSE");
    assert_eq!(m.reg(22), 2, "AUX_IRQ_ACT: priority 1 active");
    assert_eq!(m.reg(23), KSTACK - 40, "10-word frame (NR=2, B, L)");
    assert_eq!(
        m.read_phys_u32(KSTACK - 40 + 4),
        Some(0x1111_1111),
        "r1 in the frame"
    );
    assert_eq!(
        m.reg(24) & 0x8000_0000,
        0x8000_0000,
        "IE stays set in a regular interrupt"
    );
    assert_eq!(m.reg(1), 0x1111_1111, "r1 restored");
    assert_eq!(m.stats().interrupts, 5);
    assert!(m.insns() > 500 && m.insns() < 700, "{}", m.insns());
}

#[test]
fn sleep_idles_until_the_timer_fires() {
    let body = format!(
        "_start: SETUP
        {TIMER0_SETUP}
        sleep 0x1f
        EXIT 7
vec_16: mov r0,0
        sr r0,[0x22]
        rtie"
    );
    let (m, _, stop) = run(&body);
    assert_eq!(stop, Stop::Exit(7));
    assert!(m.stats().idle_cycles > 50, "{:?}", m.stats());
    assert_eq!(m.stats().interrupts, 1);
}

#[test]
fn fast_interrupt_priority_0_pushes_nothing() {
    let body = "_start: SETUP
        mov r20,0
        seti
1:      breq r20,0,1b
        EXIT 0
vec_20: lr r21,[0x43]
        mov r22,sp
        lr r23,[0x0b]
        mov r20,1
        rtie";
    let (mut m, _) = boot(Config::default(), body);
    m.schedule_irq(50, 20);
    assert_eq!(m.run(10_000), Stop::Exit(0));
    assert_eq!(m.reg(21), 1, "ACT bit 0");
    assert_eq!(m.reg(22), KSTACK, "no frame");
    assert_eq!(
        m.reg(23) & 0x8000_0000,
        0x8000_0000,
        "STATUS32_P0 holds the interrupted STATUS32"
    );
}

#[test]
fn injection_is_exact_and_snapshots_rerun_identically() {
    let body = "_start: SETUP
        mov r20,0
        seti
1:      add r20,r20,1
        b 1b
vec_20: mov r0,r20
        mov r8,1
        swi";
    let (mut m, _) = boot(Config::default(), body);
    assert_eq!(m.run(100), Stop::InsnLimit);
    let snap = m.clone();
    m.schedule_irq(1000, 20);
    let a = m.run(10_000);
    let mut again = snap.clone();
    again.schedule_irq(1000, 20);
    assert_eq!(again.run(10_000), a);
    let mut later = snap;
    later.schedule_irq(2000, 20);
    let Stop::Exit(n_a) = a else { panic!("{a:?}") };
    let Stop::Exit(n_b) = later.run(10_000) else {
        panic!()
    };
    assert!(n_b > n_a, "later injection, more iterations: {n_a} {n_b}");
    assert!(
        (n_b - n_a).abs_diff(500) <= 1,
        "2 instructions per iteration: {n_a} {n_b}"
    );
}

#[test]
fn masked_priority_stays_pending_until_e_allows_it() {
    let body = "_start: SETUP
        mov r0,20
        sr r0,[0x40b]
        mov r0,2
        sr r0,[0x206]
        mov r0,1
        sr r0,[0x201]
        mov r0,20
        sr r0,[0x201]
        seti 0x31
        nop
        nop
        lr r5,[0x416]
        lr r6,[0x40f]
        seti 0x32
        nop
        EXIT 1
vec_20: EXIT 0";
    let (m, _, stop) = run(body);
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(m.reg(5), 1, "IRQ_PENDING");
    assert_eq!(
        m.reg(6),
        0x8000_0012,
        "IRQ_STATUS: pending bit 31, enabled, priority 2"
    );
}

#[test]
fn uart_receive_interrupt_echoes_input() {
    let body = "_start: SETUP
        mov r0,24
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r1,0xF0000000
        mov r0,1
        st r0,[r1,4]
        mov r20,0
        seti 0x3f
1:      brlt r20,3,1b
        EXIT 0
vec_24: ld r2,[r1,20]
        bbit0 r2,0,2f
        ld r3,[r1]
        st r3,[r1]
        add r20,r20,1
        b vec_24
2:      rtie";
    let (mut m, _) = boot(Config::default(), body);
    m.push_console_input(b"xyz");
    assert_eq!(m.run(100_000), Stop::Exit(0));
    assert_eq!(m.take_console(), b"xyz");
}

/// A user program at VA 0x10000 (PA 0x80410000); the TLB-miss handler maps VA page p to
/// PA 0x80400000 + p, with the permission bits in r12 (set by the test).
fn mmu_program(user_code: &str, perms: u32) -> String {
    format!(
        "_start: SETUP
        mov r12,{perms:#x}
        mov r23,0
        mov r0,0x80000005
        sr r0,[0x468]
        {USER_ENTRY}
vec_4:
vec_5:  lr r22,[0x460]
        lr r10,[0x404]
        and r10,r10,0xFFFFE000
        add r10,r10,0x80400000
        or r10,r10,r12
        sr r10,[0x461]
        mov r11,7
        sr r11,[0x465]
        add r23,r23,1
        rtie
vec_6:  lr r0,[0x403]
        lr r9,[0x404]
        mov r8,1
        swi
        .section .user,\"ax\"
user:   {user_code}"
    )
}

#[test]
fn mmu_refill_translates_user_accesses() {
    let code = "mov r1,0x20010
        mov r2,1234
        st r2,[r1]
        ld r3,[r1]
        mov r0,r3
        mov r8,1
        swi";
    let (m, _, stop) = run(&mmu_program(code, 0x7E));
    assert_eq!(stop, Stop::Exit(1234));
    assert_eq!(
        m.read_phys_u32(0x8042_0010),
        Some(1234),
        "VA 0x20010 -> PA 0x80420010"
    );
    assert_eq!(m.reg(23), 2, "one instruction miss, one data miss");
    assert_eq!(
        m.reg(22),
        0x0002_0205,
        "TLBPD0 after the data miss: VPN | V | ASID 5"
    );
    assert_eq!((m.stats().tlb_miss_i, m.stats().tlb_miss_d), (1, 1));
}

#[test]
fn mmu_permission_failures_are_protv() {
    // Pages readable and executable by the user, not writable.
    let code = "mov r1,0x20010\nld r3,[r1]\nst r3,[r1]\nmov r8,1\nswi";
    let (m, _, stop) = run(&mmu_program(code, 0x7A));
    assert_eq!(stop, Stop::Exit(0x0006_0208));
    assert_eq!(m.reg(9), 0x2_0010);
    // User access to the untranslated kernel region.
    let code = "mov r1,0x80000000\nld r3,[r1]\nmov r8,1\nswi";
    assert_eq!(run(&mmu_program(code, 0x7E)).2, Stop::Exit(0x0006_0108));
    // Executing a page without execute permission.
    assert_eq!(run(&mmu_program("nop", 0x7C)).2, Stop::Exit(0x0006_0008));
}

#[test]
fn duplicate_tlb_match_is_machine_check_cause_1() {
    let (ecr, _, _) = exception_ecr_efa(
        Config::default(),
        "mov r0,0x2200
        sr r0,[0x460]
        mov r0,0x80002070
        sr r0,[0x461]
        mov r0,4
        sr r0,[0x464]
        mov r0,1
        sr r0,[0x465]
        mov r0,5
        sr r0,[0x464]
        mov r0,1
        sr r0,[0x465]
        mov r0,0x80000000
        sr r0,[0x468]
        mov r1,0x2000
        ld r2,[r1]",
    );
    assert_eq!(ecr, 0x0003_0100);
}

#[test]
fn build_registers_describe_the_configuration() {
    let mut m = Machine::new(Config {
        tlb_sets: 128,
        tlb_ways: 2,
        llsc: true,
        ..Config::default()
    });
    let mmu = m.aux(0x6F).unwrap();
    assert_eq!(mmu >> 24, 4, "MMU v4");
    assert_eq!(64 << ((mmu >> 8) & 3), 128);
    assert_eq!(((mmu >> 10) & 3) * 2, 2);
    assert_eq!(1 << (((mmu >> 15) & 0xF) - 1), 8, "8 KiB pages");
    assert_eq!(m.aux(0xC1).unwrap() >> 21 & 1, 1, "ISA_CONFIG.atomic");
    let mut d = Machine::new(Config::default());
    assert_eq!(
        d.aux(0xC1).unwrap() >> 21 & 3,
        0,
        "no atomics, no unaligned"
    );
    assert_eq!(d.aux(0x04), Some(0xFFFF_0054));
    assert_eq!(d.aux(0x6F), Some(0x0402_0A0A));
    assert_eq!(d.aux(0x75).unwrap() & 0x700, 0x700, "timer0, timer1, RTC");
    assert_eq!(d.aux(0x7FF), None);
}

#[test]
fn loader_rejects_bad_images_clearly() {
    let good = build("_start: EXIT 0");
    let mut m = Machine::new(Config::default());
    assert!(m.load_elf(&good).is_ok());
    let mut arc700 = good.clone();
    arc700[18] = 93;
    let e = m.load_elf(&arc700).unwrap_err().to_string();
    assert!(e.contains("EM_ARC_COMPACT"), "{e}");
    let e = m.load_elf(&good[..good.len() / 2]).unwrap_err().to_string();
    assert!(e.contains("truncated") || e.contains("past end"), "{e}");
    assert!(m
        .load_elf(b"not an elf")
        .unwrap_err()
        .to_string()
        .contains("not an ELF"));
    let small = Config {
        ram_size: 64 << 10,
        ..Config::default()
    };
    let big = build("_start: EXIT 0\n.bss\n.space 0x20000");
    let e = Machine::new(small).load_elf(&big).unwrap_err().to_string();
    assert!(e.contains("outside RAM"), "{e}");
}

#[test]
fn gcc_vectorised_code_uses_the_dsp_operations_correctly() {
    for opt in ["-O1", "-O2", "-O3"] {
        let mut m = Machine::new(Config::default());
        m.load_elf(&asm::build_c("vector.c", opt)).unwrap();
        assert_eq!(m.run(10_000_000), Stop::Exit(4), "{opt}");
    }
}

#[test]
fn ei_s_executes_the_indexed_instruction_then_continues() {
    let (m, _, stop) = run("_start: SETUP
        mov r0,ei_table
        sr r0,[0x292]
        mov r1,1
        ei_s 1
        add r1,r1,100
        ei_s 2
        EXIT 1
away:   EXIT 0
        .balign 4
ei_table:
        add r1,r1,10
        add r1,r1,20
        b away");
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(m.reg(1), 121);
}

#[test]
fn interrupt_from_user_mode_uses_the_kernel_stack_and_returns_to_user() {
    let body = format!(
        "_start: SETUP
        mov r0,16
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r0,1
        sr r0,[0x22]
        mov r0,0x80
        bset r0,r0,31
        or r0,r0,0x1e
        sr r0,[0x402]
        mov r0,user
        sr r0,[0x400]
        mov r0,0x80200000
        sr r0,[0x0d]
        rtie
user:   mov r20,0
1:      breq r20,0,1b
        lr r0,[0x0a]
        mov r8,1
        swi
vec_16: lr r21,[0x43]
        mov r22,sp
        lr r23,[0x0d]
        lr r24,[0x0a]
        ld r25,[sp,4]
        mov r0,1
        sr r0,[0x22]
        mov r20,1
        rtie"
    );
    let (mut m, _) = boot(Config::default(), &body);
    m.schedule_irq(200, 16);
    let stop = m.run(100_000);
    assert_eq!(
        m.reg(21),
        0x8000_0002,
        "AUX_IRQ_ACT: priority 1 from user mode"
    );
    assert_eq!(
        m.reg(22),
        KSTACK - 8,
        "STATUS32 and PC pushed on the kernel stack"
    );
    assert_eq!(m.reg(23), 0x8020_0000, "AUX_USER_SP holds the user SP");
    assert_eq!(m.reg(24) & 0x880, 0x800, "kernel mode, Z = old U");
    assert_eq!(m.reg(25) & 0x80, 0x80, "stacked STATUS32 has U");
    assert_eq!(stop, Stop::Exit(0), "user STATUS32 read shows only flags");
    // The exit request came from user mode (through the SWI vector).
    assert_eq!(
        m.aux(0x402).unwrap() & 0x80,
        0x80,
        "rtie returned to user mode"
    );
    assert_eq!(
        m.aux(0x0d),
        Some(0x8020_0000),
        "user SP restored, then parked by the SWI"
    );
    assert_eq!(m.aux(0x43), Some(0));
}

#[test]
fn injected_timer_expiry_is_taken_at_the_exact_instruction() {
    let body = "_start: SETUP
        mov r0,16
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r0,1
        sr r0,[0x22]
        seti 0x3f
        mov r20,0
1:      add r20,r20,1
        b 1b
vec_16: lr r21,[0x22]
        mov r0,r20
        mov r8,1
        swi";
    let (mut m, _) = boot(Config::default(), body);
    assert_eq!(m.run(20), Stop::InsnLimit);
    let base = m.reg(20);
    let start = m.insns();
    m.schedule_irq(start + 1000, 16);
    let Stop::Exit(n) = m.run(100_000) else {
        panic!()
    };
    assert_eq!(
        n - base,
        500,
        "two instructions per iteration, 1000 instructions"
    );
    assert_eq!(m.reg(21), 0x9, "CONTROL0: IP | IE");
}

#[test]
fn behaviour_qemu_does_not_share_is_counted() {
    let (m, _, _) = run("_start: SETUP\n mov r1,0x80100002\n ld r2,[r1]\nvec_13: EXIT 0");
    assert_eq!(
        m.stats().qemu_hazards.len(),
        1,
        "{:?}",
        m.stats().qemu_hazards
    );
    assert!(m
        .stats()
        .qemu_hazards
        .keys()
        .next()
        .unwrap()
        .contains("Misaligned"));
    let (m, _, _) =
        run("_start: SETUP\n mov r0,0x2000\n sr r0,[0x460]\n mov r0,4\n sr r0,[0x465]\n EXIT 0");
    assert!(m.stats().qemu_hazards.keys().any(|k| k.contains("Probe")));
    let (m, _, stop) = run("_start: SETUP\n mov r1,1\n add r1,r1,1\n EXIT 0");
    assert_eq!(stop, Stop::Exit(0));
    assert!(m.stats().qemu_hazards.is_empty());
}

#[test]
fn user_mode_swi_is_an_exception_even_with_semihosting() {
    let body = format!(
        "_start: SETUP
        {USER_ENTRY}
user:   mov r0,5
        mov r8,1
        swi
vec_8:  lr r0,[0x403]
        lr r1,[0x402]
        and r1,r1,0x80
        or r0,r0,r1
        mov r8,1
        swi"
    );
    assert_eq!(
        run(&body).2,
        Stop::Exit(0x0008_0080),
        "SWI from user mode, ECR 0x080000"
    );
}

#[test]
fn priority_0_interrupt_nests_inside_a_priority_1_handler() {
    let body = "_start: SETUP
        mov r0,16
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        sr r0,[0x22]
        mov r20,0
        mov r21,0
        seti 0x3f
1:      breq r20,0,1b
        EXIT 0
vec_16: mov r0,0
        sr r0,[0x22]
2:      breq r21,0,2b
        lr r24,[0x43]
        lr r25,[0x40a]
        mov r20,1
        rtie
vec_20: lr r22,[0x43]
        lr r23,[0x40a]
        mov r21,1
        rtie";
    let (mut m, _) = boot(Config::default(), body);
    m.schedule_irq(100, 16);
    m.schedule_irq(300, 20);
    assert_eq!(m.run(100_000), Stop::Exit(0));
    assert_eq!(
        (m.reg(22), m.reg(23)),
        (0x3, 20),
        "inner: ACT has both levels, ICAUSE 20"
    );
    assert_eq!(
        (m.reg(24), m.reg(25)),
        (0x2, 16),
        "outer again after the fast return"
    );
    assert_eq!(m.aux(0x43), Some(0));
    assert_eq!(m.stats().interrupts, 2);
}

#[test]
fn irq_ctrl_u_builds_the_frame_on_the_user_stack() {
    let body = format!(
        "_start: SETUP
        mov r0,0x800
        sr r0,[0x0e]
        mov r0,20
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r0,0x8000009e
        sr r0,[0x402]
        mov r0,user
        sr r0,[0x400]
        mov r0,0x80200000
        sr r0,[0x0d]
        rtie
user:   mov r20,0
1:      breq r20,0,1b
        mov r21,sp
        EXIT 0
vec_20: mov r22,sp
        lr r23,[0x0d]
        mov r20,1
        rtie"
    );
    let (mut m, _) = boot(Config::default(), &body);
    m.schedule_irq(100, 20);
    assert_eq!(m.run(100_000), Stop::Exit(0));
    assert_eq!(m.reg(22), KSTACK, "handler on the kernel stack");
    assert_eq!(
        m.reg(23),
        0x8020_0000 - 8,
        "frame (STATUS32, PC) on the user stack"
    );
    assert_eq!(m.reg(21), 0x8020_0000, "user SP after the return");
    assert_eq!(
        m.read_phys_u32(0x8020_0000 - 4).map(|s| s & 0x80),
        Some(0x80),
        "stacked STATUS32"
    );
}

#[test]
fn timer1_and_rtc_count_instructions() {
    let body = "_start: SETUP
        mov r0,17
        sr r0,[0x40b]
        mov r0,1
        sr r0,[0x206]
        mov r0,50
        sr r0,[0x102]
        mov r0,0
        sr r0,[0x100]
        mov r0,1
        sr r0,[0x101]
        sr r0,[0x103]
        lr r10,[0x104]
        nop
        nop
        lr r11,[0x104]
        lr r12,[0x105]
        seti 0x3f
        mov r20,0
1:      breq r20,0,1b
        EXIT 0
vec_17: lr r21,[0x40a]
        lr r22,[0x101]
        mov r0,0
        sr r0,[0x101]
        mov r20,1
        rtie";
    let (m, _, stop) = run(body);
    assert_eq!(stop, Stop::Exit(0));
    assert_eq!(m.reg(11) - m.reg(10), 3, "RTC: one count per instruction");
    assert_eq!(m.reg(12), 0, "RTC high word");
    assert_eq!(
        (m.reg(21), m.reg(22)),
        (17, 0x9),
        "timer1: ICAUSE 17, CONTROL1 = IP | IE"
    );
    assert_eq!(m.stats().interrupts_by_irq.get(&17), Some(&1));
}
