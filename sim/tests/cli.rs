//! The `arcsim` command line: exit statuses, console output, injection, trace, stats.

mod asm;

use std::process::{Command, Output};

fn arcsim(args: &[&str], elf: &[u8]) -> Output {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{:x}.elf", {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        elf.hash(&mut h);
        h.finish()
    }));
    std::fs::write(&path, elf).unwrap();
    Command::new(env!("CARGO_BIN_EXE_arcsim"))
        .args(args)
        .arg(&path)
        .output()
        .unwrap()
}

fn status(o: &Output) -> i32 {
    o.status.code().expect("exited normally")
}

#[test]
fn exit_status_and_console() {
    let elf = asm::build(
        "_start: mov r1,0xF0000000
        mov r0,'o'
        stb r0,[r1]
        mov r0,'k'
        stb r0,[r1]
        EXIT 17",
    );
    let o = arcsim(&["run"], &elf);
    assert_eq!(status(&o), 17);
    assert_eq!(o.stdout, b"ok");
    assert_eq!(
        status(&arcsim(&["run"], &asm::build("_start: EXIT 300"))),
        123,
        "clamped"
    );
    assert_eq!(status(&arcsim(&["run"], &asm::build("_start: flag 1"))), 0);
}

#[test]
fn distinct_statuses_for_limit_lockup_and_load_errors() {
    let spin = asm::build("_start: b _start");
    let o = arcsim(&["run", "--max-insns", "1000"], &spin);
    assert_eq!(status(&o), 124);
    assert!(String::from_utf8_lossy(&o.stderr).contains("instruction limit"));
    // No vector table base set: the first exception's vector is not in RAM.
    assert_eq!(
        status(&arcsim(&["run"], &asm::build("_start: trap_s 0"))),
        125
    );
    let o = arcsim(&["run"], b"\x7fELF garbage");
    assert_eq!(status(&o), 126);
    assert!(!o.stderr.is_empty());
    // An ARCompact ELF on an explicitly ARCv2 core (without `--core` the ELF picks it).
    let mut arc700 = spin.clone();
    arc700[18] = 93;
    let o = arcsim(&["run", "--core", "hs"], &arc700);
    assert_eq!(status(&o), 126);
    assert!(String::from_utf8_lossy(&o.stderr).contains("EM_ARC_COMPACT"));
    assert_eq!(status(&arcsim(&["run", "--tlb-ways", "3"], &spin)), 127);
    assert_eq!(status(&arcsim(&["run", "--no-such-option"], &spin)), 127);
}

#[test]
fn irq_injection_options() {
    let elf = asm::build(
        "_start: SETUP
        mov r20,0
        seti
1:      b 1b
vec_20: add r20,r20,1
        brlt r20,3,2f
        mov r0,r20
        mov r8,1
        swi
2:      rtie",
    );
    assert_eq!(
        status(&arcsim(
            &["run", "--irq-at", "100:20", "--max-insns", "10000"],
            &elf
        )),
        124
    );
    let o = arcsim(
        &[
            "run", "--irq-at", "100:20", "--irq-at", "200:20", "--irq-at", "300:20",
        ],
        &elf,
    );
    assert_eq!(status(&o), 3);
    assert_eq!(status(&arcsim(&["run", "--irq-every", "50:20"], &elf)), 3);
    assert_eq!(
        status(&arcsim(&["run", "--irq-random", "7:40:20"], &elf)),
        3
    );
    assert_eq!(
        status(&arcsim(&["run", "--irq-at", "100:5"], &elf)),
        127,
        "not an IRQ line"
    );
}

#[test]
fn trace_and_stats() {
    let elf = asm::build("_start: mov r3,5\nadd r3,r3,2\nEXIT 0");
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let trace = dir.join("cli-trace.txt");
    let o = arcsim(
        &["run", "--stats", &format!("--trace={}", trace.display())],
        &elf,
    );
    assert_eq!(status(&o), 0);
    let t = std::fs::read_to_string(&trace).unwrap();
    assert!(t.contains("r3=0x5") && t.contains("r3=0x7"), "{t}");
    assert_eq!(t.lines().count(), 5, "{t}");
    assert!(String::from_utf8_lossy(&o.stderr).contains("instructions"));
}

#[test]
fn llsc_option() {
    let elf = asm::build("_start: SETUP\nllock r0,[sp]\nEXIT 0");
    assert_eq!(status(&arcsim(&["run", "--llsc"], &elf)), 0);
    assert_eq!(
        status(&arcsim(&["run"], &elf)),
        123,
        "Instruction Error reported by `unexpected`"
    );
}

#[test]
fn disasm_lists_instructions() {
    let elf = asm::build("_start: mov r3,5\nEXIT 0");
    let o = arcsim(&["disasm"], &elf);
    assert_eq!(status(&o), 0);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.contains("<_start>:") && text.contains("mov\tr3,") && text.contains("swi"),
        "{text}"
    );
}

#[test]
fn uart_input_from_file() {
    let elf = asm::build(
        "_start: mov r1,0xF0000000
1:      ldb r2,[r1,20]
        bbit0 r2,0,2f
        ldb r2,[r1]
        stb r2,[r1]
        b 1b
2:      EXIT 0",
    );
    let input = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli-input.txt");
    std::fs::write(&input, "echo me").unwrap();
    let o = arcsim(&["run", "--input", input.to_str().unwrap()], &elf);
    assert_eq!(status(&o), 0);
    assert_eq!(o.stdout, b"echo me");
}
