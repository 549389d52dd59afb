//! ELF loader: ELF32 little-endian EM_ARCV2 executables, PT_LOAD segments copied into RAM
//! at their physical addresses. Every malformed input is a `LoadError`, never a panic.

use object::elf;
use object::read::elf::{FileHeader, ProgramHeader, Sym};
use object::LittleEndian as LE;
use std::collections::BTreeMap;
use std::fmt;

use crate::decode::Isa;

/// ARC HS (ARCv2).
pub const EM_ARCV2: u16 = 195;
/// ARCompact (ARC600/ARC700): a different instruction set.
pub const EM_ARC_COMPACT: u16 = 93;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    NotElf,
    NotElf32,
    NotLittleEndian,
    /// The ELF's instruction set is not the core's (`elf`, `core`).
    WrongIsa {
        elf: Isa,
        core: Isa,
    },
    WrongMachine(u16),
    NotExecutable(u16),
    /// Headers or segment data extend past the end of the file.
    Truncated(String),
    NoLoadableSegments,
    /// A segment's file size exceeds its memory size.
    BadSegment {
        index: usize,
        reason: String,
    },
    OutsideRam {
        index: usize,
        paddr: u32,
        memsz: u32,
    },
    Overlap {
        first: usize,
        second: usize,
    },
    EntryOutsideSegments(u32),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotElf => write!(f, "not an ELF file (bad magic)"),
            LoadError::NotElf32 => write!(f, "not a 32-bit ELF file"),
            LoadError::NotLittleEndian => write!(f, "not a little-endian ELF file"),
            LoadError::WrongIsa {
                elf: Isa::ArcCompact,
                ..
            } => write!(
                f,
                "ELF machine is EM_ARC_COMPACT (93, ARCompact: ARC600/ARC700) but the core is ARCv2 (run with --core arc700)"
            ),
            LoadError::WrongIsa { .. } => write!(
                f,
                "ELF machine is EM_ARCV2 (195, ARC HS) but the core is ARCompact (run with --core hs)"
            ),
            LoadError::WrongMachine(m) => write!(
                f,
                "ELF machine {m} is neither EM_ARCV2 (195) nor EM_ARC_COMPACT (93)"
            ),
            LoadError::NotExecutable(t) => write!(f, "ELF type {t} is not an executable (ET_EXEC)"),
            LoadError::Truncated(what) => write!(f, "truncated ELF file: {what}"),
            LoadError::NoLoadableSegments => write!(f, "ELF file has no PT_LOAD segment"),
            LoadError::BadSegment { index, reason } => {
                write!(f, "program header {index}: {reason}")
            }
            LoadError::OutsideRam {
                index,
                paddr,
                memsz,
            } => {
                write!(
                    f,
                    "program header {index}: segment {paddr:#010x}+{memsz:#x} lies outside RAM"
                )
            }
            LoadError::Overlap { first, second } => {
                write!(f, "program headers {first} and {second}: segments overlap")
            }
            LoadError::EntryOutsideSegments(e) => {
                write!(f, "entry point {e:#010x} is in no loaded segment")
            }
        }
    }
}

impl std::error::Error for LoadError {}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Segment {
    pub paddr: u32,
    pub filesz: u32,
    pub memsz: u32,
}

/// What was loaded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ElfInfo {
    /// From e_machine.
    pub isa: Isa,
    pub entry: u32,
    pub segments: Vec<Segment>,
    /// Defined symbols by name (absent when the file has no symbol table).
    pub symbols: BTreeMap<String, u32>,
}

impl ElfInfo {
    pub fn symbol(&self, name: &str) -> Option<u32> {
        self.symbols.get(name).copied()
    }
}

/// The instruction set an ELF header names (EM_ARCV2 or EM_ARC_COMPACT), without further
/// checks: what `arcsim run` picks the core by when no `--core` is given.
pub fn machine_isa(image: &[u8]) -> Option<Isa> {
    if image.len() < 20 || &image[..4] != b"\x7fELF" || image[5] != elf::ELFDATA2LSB {
        return None;
    }
    match u16::from_le_bytes([image[18], image[19]]) {
        EM_ARCV2 => Some(Isa::ArcV2),
        EM_ARC_COMPACT => Some(Isa::ArcCompact),
        _ => None,
    }
}

/// Segments to copy: (paddr, file bytes, memsz).
pub struct Parsed<'a> {
    pub info: ElfInfo,
    pub data: Vec<&'a [u8]>,
}

/// Validates `image` against RAM [ram_base, ram_base + ram_size).
pub fn parse(image: &[u8], ram_base: u32, ram_size: u32) -> Result<Parsed<'_>, LoadError> {
    if image.len() < 4 || &image[..4] != b"\x7fELF" {
        return Err(LoadError::NotElf);
    }
    if image.len() < 6 {
        return Err(LoadError::Truncated("ELF identification".into()));
    }
    if image[4] != elf::ELFCLASS32 {
        return Err(LoadError::NotElf32);
    }
    if image[5] != elf::ELFDATA2LSB {
        return Err(LoadError::NotLittleEndian);
    }
    let hdr = elf::FileHeader32::<LE>::parse(image)
        .map_err(|e| LoadError::Truncated(format!("file header: {e}")))?;
    let e = LE;
    let isa = match hdr.e_machine(e) {
        EM_ARCV2 => Isa::ArcV2,
        EM_ARC_COMPACT => Isa::ArcCompact,
        m => return Err(LoadError::WrongMachine(m)),
    };
    if hdr.e_type(e) != elf::ET_EXEC {
        return Err(LoadError::NotExecutable(hdr.e_type(e)));
    }
    let phdrs = hdr
        .program_headers(e, image)
        .map_err(|err| LoadError::Truncated(format!("program headers: {err}")))?;
    let ram_end = ram_base as u64 + ram_size as u64;
    let mut segments = Vec::new();
    let mut data = Vec::new();
    let mut indices = Vec::new();
    for (index, ph) in phdrs.iter().enumerate() {
        if ph.p_type(e) != elf::PT_LOAD || ph.p_memsz(e) == 0 {
            continue;
        }
        let (paddr, filesz, memsz, offset) =
            (ph.p_paddr(e), ph.p_filesz(e), ph.p_memsz(e), ph.p_offset(e));
        if filesz > memsz {
            return Err(LoadError::BadSegment {
                index,
                reason: format!("file size {filesz:#x} exceeds memory size {memsz:#x}"),
            });
        }
        let bytes = ph
            .data(e, image)
            .map_err(|_| LoadError::Truncated(format!("program header {index}: data {offset:#x}+{filesz:#x} past end of file ({:#x} bytes)", image.len())))?;
        if (paddr as u64) < ram_base as u64 || paddr as u64 + memsz as u64 > ram_end {
            return Err(LoadError::OutsideRam {
                index,
                paddr,
                memsz,
            });
        }
        segments.push(Segment {
            paddr,
            filesz,
            memsz,
        });
        data.push(bytes);
        indices.push(index);
    }
    if segments.is_empty() {
        return Err(LoadError::NoLoadableSegments);
    }
    for i in 0..segments.len() {
        for j in i + 1..segments.len() {
            let (a, b) = (&segments[i], &segments[j]);
            let (a0, a1) = (a.paddr as u64, a.paddr as u64 + a.memsz as u64);
            let (b0, b1) = (b.paddr as u64, b.paddr as u64 + b.memsz as u64);
            if a0 < b1 && b0 < a1 {
                return Err(LoadError::Overlap {
                    first: indices[i],
                    second: indices[j],
                });
            }
        }
    }
    let entry = hdr.e_entry(e);
    if !segments
        .iter()
        .any(|s| entry >= s.paddr && (entry as u64) < s.paddr as u64 + s.memsz as u64)
    {
        return Err(LoadError::EntryOutsideSegments(entry));
    }
    let symbols = symbols(hdr, image).unwrap_or_default();
    Ok(Parsed {
        info: ElfInfo {
            isa,
            entry,
            segments,
            symbols,
        },
        data,
    })
}

/// Symbol table, if there is a readable one (symbols are optional: errors mean none).
fn symbols(hdr: &elf::FileHeader32<LE>, image: &[u8]) -> Option<BTreeMap<String, u32>> {
    let e = LE;
    let sections = hdr.sections(e, image).ok()?;
    let symtab = sections.symbols(e, image, elf::SHT_SYMTAB).ok()?;
    let mut out = BTreeMap::new();
    for sym in symtab.iter() {
        if sym.st_shndx(e) == elf::SHN_UNDEF {
            continue;
        }
        if let Ok(name) = sym.name(e, symtab.strings()) {
            if let Ok(name) = std::str::from_utf8(name) {
                if !name.is_empty() {
                    out.insert(name.to_string(), sym.st_value(e));
                }
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: u32 = 0x8000_0000;
    const SIZE: u32 = 1 << 20;

    /// An ELF32 LE image with the given (paddr, filesz, memsz) PT_LOAD segments.
    fn image(machine: u16, etype: u16, entry: u32, segs: &[(u32, u32, u32)]) -> Vec<u8> {
        let phoff = 52u32;
        let mut data_off = phoff + 32 * segs.len() as u32;
        let mut f = b"\x7fELF\x01\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
        for v in [etype, machine] {
            f.extend_from_slice(&v.to_le_bytes());
        }
        for v in [1, entry, phoff, 0, 0] {
            f.extend_from_slice(&v.to_le_bytes());
        }
        for v in [52u16, 32, segs.len() as u16, 40, 0, 0] {
            f.extend_from_slice(&v.to_le_bytes());
        }
        for &(paddr, filesz, memsz) in segs {
            for v in [1, data_off, paddr, paddr, filesz, memsz, 7, 4] {
                f.extend_from_slice(&v.to_le_bytes());
            }
            data_off += filesz;
        }
        for &(_, filesz, _) in segs {
            f.extend(std::iter::repeat(0xAB).take(filesz as usize));
        }
        f
    }

    fn load(img: &[u8]) -> Result<ElfInfo, LoadError> {
        parse(img, BASE, SIZE).map(|p| p.info)
    }

    #[test]
    fn accepts_a_valid_image() {
        let info = load(&image(
            EM_ARCV2,
            2,
            BASE,
            &[(BASE, 16, 64), (BASE + 0x1000, 8, 8)],
        ))
        .unwrap();
        assert_eq!(info.entry, BASE);
        assert_eq!(info.segments.len(), 2);
        assert_eq!(
            info.segments[0],
            Segment {
                paddr: BASE,
                filesz: 16,
                memsz: 64
            }
        );
    }

    #[test]
    fn names_what_is_wrong() {
        let seg = [(BASE, 16, 16)];
        assert_eq!(load(b"\x7fELG"), Err(LoadError::NotElf));
        let mut elf64 = image(EM_ARCV2, 2, BASE, &seg);
        elf64[4] = 2;
        assert_eq!(load(&elf64), Err(LoadError::NotElf32));
        let mut be = image(EM_ARCV2, 2, BASE, &seg);
        be[5] = 2;
        assert_eq!(load(&be), Err(LoadError::NotLittleEndian));
        assert_eq!(
            load(&image(EM_ARC_COMPACT, 2, BASE, &seg)).map(|i| i.isa),
            Ok(Isa::ArcCompact)
        );
        assert_eq!(
            load(&image(40, 2, BASE, &seg)),
            Err(LoadError::WrongMachine(40))
        );
        assert_eq!(
            load(&image(EM_ARCV2, 3, BASE, &seg)),
            Err(LoadError::NotExecutable(3))
        );
        assert_eq!(
            load(&image(EM_ARCV2, 2, BASE, &[])),
            Err(LoadError::NoLoadableSegments)
        );
        assert!(matches!(
            load(&image(EM_ARCV2, 2, BASE, &[(BASE, 32, 16)])),
            Err(LoadError::BadSegment { index: 0, .. })
        ));
        assert_eq!(
            load(&image(
                EM_ARCV2,
                2,
                BASE,
                &[(BASE, 16, 16), (BASE + SIZE - 8, 0, 16)]
            )),
            Err(LoadError::OutsideRam {
                index: 1,
                paddr: BASE + SIZE - 8,
                memsz: 16
            })
        );
        assert_eq!(
            load(&image(EM_ARCV2, 2, 0x1000, &[(0x1000, 16, 16)])),
            Err(LoadError::OutsideRam {
                index: 0,
                paddr: 0x1000,
                memsz: 16
            })
        );
        assert_eq!(
            load(&image(
                EM_ARCV2,
                2,
                BASE,
                &[(BASE, 16, 0x100), (BASE + 0x80, 16, 16)]
            )),
            Err(LoadError::Overlap {
                first: 0,
                second: 1
            })
        );
        assert_eq!(
            load(&image(EM_ARCV2, 2, BASE + 0x100, &seg)),
            Err(LoadError::EntryOutsideSegments(BASE + 0x100))
        );
        let full = image(EM_ARCV2, 2, BASE, &seg);
        assert!(matches!(
            load(&full[..full.len() - 1]),
            Err(LoadError::Truncated(_))
        ));
        assert!(matches!(load(&full[..60]), Err(LoadError::Truncated(_))));
    }

    #[test]
    fn segment_ending_at_4_gib_does_not_wrap() {
        let img = image(EM_ARCV2, 2, 0xFFFF_FFF0, &[(0xFFFF_FFF0, 0, 0x20)]);
        assert!(matches!(
            parse(&img, BASE, 0x7FFF_E000),
            Err(LoadError::OutsideRam { .. })
        ));
    }
}
