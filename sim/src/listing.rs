//! `arcsim disasm`: an objdump-style listing of an ELF file's executable sections, using
//! the decoder's disassembler for the instruction text.

use crate::decode;
use crate::elf::LoadError;
use object::elf;
use object::read::elf::{FileHeader, SectionHeader, Sym};
use object::LittleEndian as LE;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Listing text, or why the file is not an ARCv2 ELF file.
pub fn listing(image: &[u8]) -> Result<String, LoadError> {
    if image.len() < 6 || &image[..4] != b"\x7fELF" {
        return Err(LoadError::NotElf);
    }
    if image[4] != elf::ELFCLASS32 {
        return Err(LoadError::NotElf32);
    }
    let e = LE;
    let hdr = elf::FileHeader32::<LE>::parse(image)
        .map_err(|err| LoadError::Truncated(format!("file header: {err}")))?;
    match hdr.e_machine(e) {
        crate::elf::EM_ARCV2 => {}
        crate::elf::EM_ARC_COMPACT => return Err(LoadError::ArcCompact),
        m => return Err(LoadError::WrongMachine(m)),
    }
    let sections = hdr
        .sections(e, image)
        .map_err(|err| LoadError::Truncated(format!("section headers: {err}")))?;
    let mut labels: BTreeMap<u32, String> = BTreeMap::new();
    if let Ok(symtab) = sections.symbols(e, image, elf::SHT_SYMTAB) {
        for sym in symtab.iter() {
            let kind = sym.st_type();
            let shndx = sym.st_shndx(e);
            // Absolute symbols (linker-script constants like RAM_BASE) are not code labels.
            if shndx == elf::SHN_UNDEF
                || shndx == elf::SHN_ABS
                || !(kind == elf::STT_FUNC || kind == elf::STT_NOTYPE)
            {
                continue;
            }
            if let Ok(name) = sym.name(e, symtab.strings()) {
                let name = String::from_utf8_lossy(name);
                if !name.is_empty() && !name.starts_with('$') {
                    labels
                        .entry(sym.st_value(e))
                        .or_insert_with(|| name.into_owned());
                }
            }
        }
    }
    let mut out = String::new();
    for section in sections.iter() {
        if section.sh_flags(e) as u64 & elf::SHF_EXECINSTR as u64 == 0
            || section.sh_type(e) != elf::SHT_PROGBITS
        {
            continue;
        }
        let name = sections
            .section_name(e, section)
            .map(String::from_utf8_lossy)
            .unwrap_or_default();
        let data = section
            .data(e, image)
            .map_err(|_| LoadError::Truncated(format!("section {name}")))?;
        let base = section.sh_addr(e);
        let _ = writeln!(out, "\nDisassembly of section {name}:");
        let mut off = 0usize;
        while off + 1 < data.len() {
            let addr = base.wrapping_add(off as u32);
            if let Some(label) = labels.get(&addr) {
                let _ = writeln!(out, "\n{addr:08x} <{label}>:");
            }
            let mut bytes = [0u8; 8];
            let n = (data.len() - off).min(8);
            bytes[..n].copy_from_slice(&data[off..off + n]);
            let insn = decode::decode(&bytes);
            let len = (insn.len as usize).clamp(2, 8).min(data.len() - off) & !1;
            let len = len.max(2);
            let hex: Vec<String> = (0..len / 2)
                .map(|k| {
                    format!(
                        "{:04x}",
                        u16::from_le_bytes([data[off + 2 * k], data[off + 2 * k + 1]])
                    )
                })
                .collect();
            let _ = writeln!(
                out,
                "{addr:8x}:\t{:<20}\t{}",
                hex.join(" "),
                crate::disasm::disasm(&insn, addr)
            );
            off += len;
        }
    }
    Ok(out)
}
