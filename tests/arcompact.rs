//! Static checks of the ARC700 (ARCompact, MMUv3) kernel, `sim-arc700`: everything here
//! reads the built image and its disassembly; tests/boot.rs runs it on arcsim.

use object::{Object, ObjectSection, ObjectSymbol};
use std::collections::HashMap;
use std::path::Path;
use xtask::build::{build_kernel, BuildOptions, BuildOutput};

const EM_ARCOMPACT: u16 = 93;

/// Instructions that exist on ARCv2 only (or, for LLOCK/SCOND, on no core this kernel
/// validates). `b`/`bi` are distinguished by the exact mnemonic.
const NOT_ON_ARC700: &[&str] = &[
    "llock", "scond", "llockd", "scondd", "ldd", "std", "enter_s", "leave_s", "seti", "clri",
    "kflag", "jli_s", "bi", "bih", "ei_s", "swi", "swi_s", "push", "pop", "aex", "setacc",
];

fn build(board: &str) -> BuildOutput {
    build_kernel(&BuildOptions::new(board)).unwrap_or_else(|e| panic!("{board}: {e}"))
}

fn symbols(file: &object::File) -> HashMap<String, u64> {
    file.symbols()
        .filter_map(|s| Some((s.name().ok()?.to_string(), s.address())))
        .collect()
}

fn e_machine(elf: &Path) -> u16 {
    let raw = std::fs::read(elf).unwrap();
    assert_eq!(&raw[..4], b"\x7fELF", "{}", elf.display());
    u16::from_le_bytes([raw[18], raw[19]])
}

/// The mnemonic of each instruction line of an `objdump -d` listing, without suffixes.
fn mnemonics(disasm: &str) -> impl Iterator<Item = (&str, &str)> {
    disasm
        .lines()
        .filter(|l| l.contains(":\t"))
        .filter_map(|l| {
            let m = l.split('\t').nth(2)?.trim();
            Some((m.split('.').next().unwrap_or(m), l))
        })
}

fn forbidden(disasm: &str) -> Vec<String> {
    mnemonics(disasm)
        .filter(|(m, _)| NOT_ON_ARC700.contains(m))
        .map(|(_, l)| l.to_string())
        .collect()
}

/// Instructions from `<label>:` up to and including the first `rtie`.
fn to_first_rtie(disasm: &str, label: &str) -> Vec<String> {
    let body = disasm
        .split(&format!("<{label}>:"))
        .nth(1)
        .unwrap_or_else(|| panic!("{label} not in the disassembly"));
    let insns: Vec<&str> = body.lines().filter(|l| l.contains(":\t")).collect();
    let n = insns
        .iter()
        .position(|l| l.contains("\trtie"))
        .expect("rtie")
        + 1;
    insns[..n].iter().map(|s| s.to_string()).collect()
}

#[test]
fn sim_arc700_kernel_is_an_arcompact_elf_with_the_kernel_symbols() {
    let out = build("sim-arc700");
    assert_eq!(e_machine(&out.elf), EM_ARCOMPACT);
    let bytes = std::fs::read(&out.elf).unwrap();
    let file = object::File::parse(&*bytes).unwrap();
    let syms = symbols(&file);
    for s in [
        "_start",
        "__vectors",
        "exception_entry",
        "interrupt_entry",
        "ret_from_exception",
        "tlb_refill",
        "arc_entry_ksp",
        "__switch_to",
        "ret_from_fork",
        "arc_get_user_u32",
        "arc_copy_to_user",
        "arc_tlb_flush_page",
        "arc_tlb_flush_all",
        "Z_kernZ_kernel_main",
        "Z_kernZ_trap_syscall",
        "Z_kernZ_trap_irq",
        "__start___ex_table",
        "KERNEL_CANARY",
    ] {
        assert!(syms.contains_key(s), "symbol {s} missing");
    }
    assert_eq!(syms["_start"], file.entry());
    // The ARCv2-only fast path (kflag) is not in this port.
    assert!(!syms.contains_key("trap_entry"));
    // The exception table made it: uaccess's four accessors.
    let ex = file.section_by_name("__ex_table").expect("__ex_table");
    assert_eq!(ex.size(), 4 * 8);
}

#[test]
fn vectors_are_eight_byte_jumps_to_the_arc700_handlers() {
    let out = build("sim-arc700");
    let dis = std::fs::read_to_string(&out.disasm).unwrap();
    let bytes = std::fs::read(&out.elf).unwrap();
    let syms = symbols(&object::File::parse(&*bytes).unwrap());
    let table = dis
        .split("<__vectors>:")
        .nth(1)
        .expect("__vectors")
        .split("\n\n")
        .next()
        .unwrap();
    let slots: Vec<(u64, u64)> = table
        .lines()
        .filter(|l| l.contains(":\t"))
        .map(|l| {
            let addr = u64::from_str_radix(l.split(':').next().unwrap().trim(), 16).unwrap();
            let f: Vec<&str> = l.split('\t').collect();
            assert_eq!(f[2], "j", "not a jump: {l}");
            let target = u64::from_str_radix(f[3].trim().trim_start_matches("0x"), 16).unwrap();
            (addr, target)
        })
        .collect();
    assert_eq!(
        slots.len(),
        64,
        "reset, errors, IRQ 3..31, exceptions 0x20..0x3F"
    );
    let base = syms["__vectors"];
    for (i, (addr, target)) in slots.iter().enumerate() {
        assert_eq!(*addr, base + 8 * i as u64, "slot {i} is not 8 bytes in");
        let want = match i {
            0 => "_start",
            0x21 | 0x22 => "tlb_refill",
            3..=0x1F => "interrupt_entry",
            _ => "exception_entry",
        };
        assert_eq!(*target, syms[want], "vector {i:#x} should go to {want}");
    }
    let start = dis.split("<_start>:").nth(1).unwrap();
    let start = &start[..start.find("\n\n").unwrap()];
    assert!(
        start.contains(&format!("mov\tr0,{base:#x}")) && start.contains("sr\tr0,[int_vector_base]"),
        "_start does not set INT_VECTOR_BASE:\n{start}"
    );
    // binutils names aux 0x200 AUX_IRQ_LEV: every line level 1.
    assert!(start.contains("sr\t0,[aux_irq_lev]"), "{start}");
}

#[test]
fn no_arcv2_only_instruction_in_the_kernel_or_the_user_programs() {
    let out = build("sim-arc700");
    let dis = std::fs::read_to_string(&out.disasm).unwrap();
    assert!(mnemonics(&dis).count() > 10_000, "disassembly too short");
    let bad = forbidden(&dis);
    assert!(bad.is_empty(), "ARCv2-only instructions: {bad:#?}");
    assert!(!out.programs.is_empty());
    for p in &out.programs {
        assert_eq!(e_machine(&p.elf), EM_ARCOMPACT, "{}", p.name);
        let udis = std::fs::read_to_string(p.elf.with_extension("dis")).unwrap();
        let bad = forbidden(&udis);
        assert!(bad.is_empty(), "{}: {bad:#?}", p.name);
        assert!(udis.contains("trap_s"), "{}: no syscall at all?", p.name);
    }
    // The detector itself: the ARCv2 image is full of such instructions.
    let v2 = std::fs::read_to_string(build("sim").disasm).unwrap();
    let v2_bad = forbidden(&v2);
    for m in ["std", "ldd", "clri", "seti", "kflag"] {
        assert!(
            v2_bad
                .iter()
                .any(|l| l.split('\t').nth(2).unwrap().starts_with(m)),
            "detector misses {m} in the ARCv2 image"
        );
    }
}

#[test]
fn mmu_v3_refill_hit_path_is_as_short_as_the_mmu_v4_one() {
    let v3 = to_first_rtie(
        &std::fs::read_to_string(build("sim-arc700").disasm).unwrap(),
        "tlb_refill",
    );
    let v4 = to_first_rtie(
        &std::fs::read_to_string(build("sim").disasm).unwrap(),
        "tlb_refill",
    );
    println!(
        "TLB refill hit path: MMUv3 (ARC700) {} instructions, MMUv4 (ARC HS) {}",
        v3.len(),
        v4.len()
    );
    assert!(
        v3.len() <= v4.len(),
        "MMUv3 {} > MMUv4 {}",
        v3.len(),
        v4.len()
    );
    assert!(v3.len() < 25, "{v3:#?}");
    // The commit is GetIndex (3) then WriteNI (5) to TLBCOMMAND (0x408 = 1032), the
    // entry first written to PD1 (0x406) and PD0 (0x405).
    let text = v3.join("\n");
    let get = text.find("sr\t0x3,[1032]").expect("GetIndex");
    let write = text.find("sr\t0x5,[1032]").expect("WriteNI");
    let pd1 = text.find(",[1030]").expect("PD1 write");
    let pd0 = text.rfind("sr\tr0,[1029]").expect("PD0 write");
    assert!(pd1 < get && pd0 < get && get < write, "{text}");
    // It reads the PGD from SCRATCH_DATA0 (0x418) and the address from EFA (0x404).
    assert!(
        text.contains("lr\tr1,[1048]") && text.contains("lr\tr0,[1028]"),
        "{text}"
    );
}

/// Both ports must lay out PtRegs identically: the portable kernel reads one layout.
#[test]
fn both_ports_agree_on_the_ptregs_offsets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/arch");
    let defines = |file: &str| -> HashMap<String, String> {
        std::fs::read_to_string(root.join(file))
            .unwrap()
            .lines()
            .filter_map(|l| {
                let mut w = l.split_whitespace();
                (w.next()? == "#define").then_some(())?;
                let name = w.next()?;
                let value: String = w.collect::<Vec<_>>().join(" ");
                let value = value.split("/*").next().unwrap().trim().to_string();
                (name.starts_with("PT_") || name == "SW_SIZE").then(|| (name.to_string(), value))
            })
            .collect()
    };
    let v2 = defines("arc/aux.h");
    let compact = defines("arcompact/aux.h");
    assert!(v2.len() >= 16, "{v2:?}");
    for (name, value) in &v2 {
        assert_eq!(compact.get(name), Some(value), "{name}");
    }
    assert_eq!(compact["PT_SIZE"], kernel::arch::PTREGS_SIZE.to_string());
}

/// The entry rewrites ARC700's ECR vectors (0x20..) into the ARCv2 numbers PtRegs.ecr
/// carries; the table in the image must name the same exceptions on both sides.
#[test]
fn ecr_translation_table_maps_each_arc700_exception_to_its_arcv2_namesake() {
    let out = build("sim-arc700");
    let bytes = std::fs::read(&out.elf).unwrap();
    let file = object::File::parse(&*bytes).unwrap();
    let at = symbols(&file)["ecr700_to_v2"];
    let table = file
        .sections()
        .find_map(|s| {
            let (a, n) = (s.address(), s.size());
            (at >= a && at + 32 <= a + n).then(|| {
                let d = s.data().unwrap();
                d[(at - a) as usize..(at - a) as usize + 32].to_vec()
            })
        })
        .expect("table bytes");
    // ARC700 vector 0x20 + i (Linux arcregs.h, entry-compact.S).
    let arc700 = [
        "MachineCheck",
        "TLBMissI",
        "TLBMissD",
        "ProtV",
        "PrivilegeV",
        "Trap",
        "Extension",
    ];
    for (i, name) in arc700.iter().enumerate() {
        assert_eq!(
            kernel::arch::ecr::vector_name(table[i] as u32),
            *name,
            "vector {:#x}",
            0x20 + i
        );
    }
    assert!(table[arc700.len()..]
        .iter()
        .all(|&v| kernel::arch::ecr::vector_name(v as u32) == "Reserved"));
}

/// user/atomic (libatomic's entry points over syscall 248, and its libc) for ARC700:
/// no LLOCK/SCOND (checked by the build) and no ARCv2-only instruction.
#[test]
fn the_atomic_runtime_builds_for_arc700_without_llsc() {
    let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/atomics/runtime-arc700");
    let objs = xtask::atomics::build_runtime_arc700(&out).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(objs.len(), 3);
    let mut calls_248 = false;
    for o in &objs {
        assert_eq!(e_machine(o), EM_ARCOMPACT, "{}", o.display());
        let dis = std::fs::read_to_string(o.with_extension("dis")).unwrap();
        let bad = forbidden(&dis);
        assert!(bad.is_empty(), "{}: {bad:#?}", o.display());
        calls_248 |= dis.contains("trap_s");
    }
    assert!(calls_248, "no object makes a system call: not the runtime?");
}

/// Each aux register number in src/arch/arcompact/aux.h is the one binutils' own ARC700
/// register table gives that register's name: assemble `lr r0,[name]` and
/// `lr r0,[NUMBER]` and compare the encodings.
#[test]
fn aux_numbers_match_the_binutils_names_for_arc700() {
    let pairs = [
        ("status32", "AUX_STATUS32"),
        ("status32_l1", "AUX_STATUS32_L1"),
        ("lp_start", "AUX_LP_START"),
        ("lp_end", "AUX_LP_END"),
        ("int_vector_base", "AUX_INT_VECTOR_BASE"),
        ("aux_irq_lv12", "AUX_IRQ_LV12"),
        ("aux_irq_lev", "AUX_IRQ_LEV"),
        ("eret", "AUX_ERET"),
        ("erbta", "AUX_ERBTA"),
        ("erstatus", "AUX_ERSTATUS"),
        ("ecr", "AUX_ECR"),
        ("efa", "AUX_EFA"),
        ("icause1", "AUX_ICAUSE1"),
        ("aux_ienable", "AUX_IENABLE"),
        ("bta_l1", "AUX_BTA_L1"),
        ("tlbpd0", "AUX_TLBPD0"),
        ("tlbpd1", "AUX_TLBPD1"),
        ("tlbindex", "AUX_TLBINDEX"),
        ("tlbcommand", "AUX_TLBCOMMAND"),
        ("pid", "AUX_PID"),
        ("scratch_data0", "AUX_SCRATCH_DATA0"),
    ];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/arcompact-aux-check");
    std::fs::create_dir_all(&dir).unwrap();
    let mut src = String::from("#include \"aux.h\"\n");
    for (name, mac) in pairs {
        src.push_str(&format!("\tlr r0,[{name}]\n\tlr r0,[{mac}]\n"));
    }
    let s = dir.join("names.S");
    let o = dir.join("names.o");
    std::fs::write(&s, src).unwrap();
    let aux_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/arch/arcompact");
    let st = std::process::Command::new("arc-linux-gnu-gcc")
        .args(["-mcpu=arc700", "-nostdinc", "-c", "-I"])
        .arg(&aux_dir)
        .arg(&s)
        .arg("-o")
        .arg(&o)
        .status()
        .expect("arc-linux-gnu-gcc");
    assert!(st.success());
    let dis = std::process::Command::new("arc-linux-gnu-objdump")
        .arg("-d")
        .arg(&o)
        .output()
        .unwrap();
    let dis = String::from_utf8_lossy(&dis.stdout);
    let enc: Vec<String> = dis
        .lines()
        .filter(|l| l.contains("\tlr\t"))
        .map(|l| l.split('\t').nth(1).unwrap().trim().to_string())
        .collect();
    assert_eq!(enc.len(), 2 * pairs.len(), "{dis}");
    for (i, (name, mac)) in pairs.iter().enumerate() {
        assert_eq!(enc[2 * i], enc[2 * i + 1], "{name} vs {mac}");
    }
}
