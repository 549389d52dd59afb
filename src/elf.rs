//! Loader for the embedded user programs: static ELF32 little-endian `ET_EXEC` for the
//! board's machine (`EM_ARCV2`; `EM_ARC_COMPACT` on ARC700). Each `PT_LOAD` segment is
//! copied into fresh frames (so no area needs a backing file) and becomes an area with the
//! segment's rights; the rest of the last page and the bss are zero because frames come
//! zeroed. Malformed input is an error, never a panic.

use crate::arch::PAGE_SIZE;
use crate::mm::frame;
use crate::mm::pagetable::pte;
use crate::mm::vma::{Prot, VmaError};
use crate::mm::{self, page_ceil, page_floor, pte_perms, MmId, STACK_SIZE, STACK_TOP};

pub const EM_ARCV2: u16 = 195;
const ET_EXEC: u16 = 2;
const PT_LOAD: u32 = 1;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;
const EHDR_SIZE: usize = 52;
const PHDR_SIZE: usize = 32;
const MAX_PHDRS: usize = 16;
/// Segments must end below the stack area (and its guard page).
const SEGMENT_LIMIT: u32 = STACK_TOP - STACK_SIZE - PAGE_SIZE;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfError {
    Truncated,
    NotElf,
    /// Not ELF32, little-endian, version 1.
    WrongClass,
    NotExecutable,
    WrongMachine,
    BadProgramHeaders,
    /// A segment whose sizes, file range or addresses make no sense.
    BadSegment,
    OverlappingSegments,
    NoLoadableSegment,
    /// The entry point is not in an executable segment.
    BadEntry,
    OutOfMemory,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Loaded {
    pub entry: u32,
    pub brk: u32,
}

fn u16_at(b: &[u8], off: usize) -> Result<u16, ElfError> {
    let s = b.get(off..off + 2).ok_or(ElfError::Truncated)?;
    Ok(u16::from_le_bytes([s[0], s[1]]))
}

fn u32_at(b: &[u8], off: usize) -> Result<u32, ElfError> {
    let s = b.get(off..off + 4).ok_or(ElfError::Truncated)?;
    Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

struct Segment {
    vaddr: u32,
    offset: u32,
    filesz: u32,
    memsz: u32,
    flags: u32,
}

impl Segment {
    fn prot(&self) -> Prot {
        let mut p = Prot::empty();
        if self.flags & PF_R != 0 {
            p |= Prot::R;
        }
        if self.flags & PF_W != 0 {
            p |= Prot::W;
        }
        if self.flags & PF_X != 0 {
            p |= Prot::X;
        }
        p
    }
}

/// Check the headers; returns the entry point and the `PT_LOAD` segments.
fn parse(image: &[u8]) -> Result<(u32, heapless::Vec<Segment, MAX_PHDRS>), ElfError> {
    if image.len() < EHDR_SIZE {
        return Err(ElfError::Truncated);
    }
    if image[0..4] != [0x7F, b'E', b'L', b'F'] {
        return Err(ElfError::NotElf);
    }
    if image[4] != 1 || image[5] != 1 || image[6] != 1 {
        return Err(ElfError::WrongClass);
    }
    if u16_at(image, 16)? != ET_EXEC {
        return Err(ElfError::NotExecutable);
    }
    // User programs are built for the board's ISA (EM_ARCV2, or EM_ARC_COMPACT on ARC700).
    if u16_at(image, 18)? != crate::board::ELF_MACHINE {
        return Err(ElfError::WrongMachine);
    }
    let entry = u32_at(image, 24)?;
    let phoff = u32_at(image, 28)? as usize;
    let phentsize = u16_at(image, 42)? as usize;
    let phnum = u16_at(image, 44)? as usize;
    if phentsize != PHDR_SIZE || phnum == 0 || phnum > MAX_PHDRS {
        return Err(ElfError::BadProgramHeaders);
    }
    let table_end = phoff
        .checked_add(phnum * PHDR_SIZE)
        .ok_or(ElfError::BadProgramHeaders)?;
    if table_end > image.len() {
        return Err(ElfError::BadProgramHeaders);
    }
    let mut segments = heapless::Vec::new();
    for i in 0..phnum {
        let ph = phoff + i * PHDR_SIZE;
        if u32_at(image, ph)? != PT_LOAD {
            continue;
        }
        let seg = Segment {
            offset: u32_at(image, ph + 4)?,
            vaddr: u32_at(image, ph + 8)?,
            filesz: u32_at(image, ph + 16)?,
            memsz: u32_at(image, ph + 20)?,
            flags: u32_at(image, ph + 24)?,
        };
        if seg.memsz == 0 {
            continue;
        }
        let file_end = seg
            .offset
            .checked_add(seg.filesz)
            .ok_or(ElfError::BadSegment)?;
        let mem_end = seg
            .vaddr
            .checked_add(seg.memsz)
            .ok_or(ElfError::BadSegment)?;
        if seg.filesz > seg.memsz
            || file_end as usize > image.len()
            || seg.vaddr < PAGE_SIZE
            || mem_end > SEGMENT_LIMIT
        {
            return Err(ElfError::BadSegment);
        }
        // phnum <= MAX_PHDRS, so this cannot overflow.
        let _ = segments.push(seg);
    }
    if segments.is_empty() {
        return Err(ElfError::NoLoadableSegment);
    }
    let entry_ok = segments
        .iter()
        .any(|s| s.flags & PF_X != 0 && s.vaddr <= entry && entry - s.vaddr < s.memsz);
    if !entry_ok {
        return Err(ElfError::BadEntry);
    }
    Ok((entry, segments))
}

/// Load `image` into the empty address space `mm`: segments, stack area and break. On error
/// the caller releases `mm`, which frees whatever was mapped.
pub fn load(mm: MmId, image: &[u8]) -> Result<Loaded, ElfError> {
    let (entry, segments) = parse(image)?;
    let mut top = 0;
    for seg in segments.iter() {
        let start = page_floor(seg.vaddr);
        // parse() bounded the end below SEGMENT_LIMIT, so rounding up cannot overflow.
        let end = page_ceil(seg.vaddr + seg.memsz).ok_or(ElfError::BadSegment)?;
        mm::with(mm, |m| m.map_anon(start, end, seg.prot())).map_err(|e| match e {
            VmaError::Overlap => ElfError::OverlappingSegments,
            _ => ElfError::BadSegment,
        })?;
        let perms = pte_perms(seg.prot());
        let mut va = start;
        while va < end {
            let f = frame::alloc().map_err(|_| ElfError::OutOfMemory)?;
            copy_file_bytes(image, seg, va, f);
            mm::with(mm, |m| {
                m.pt.set(va, f | pte::PRESENT | pte::ACCESSED | pte::DIRTY | perms)
            })
            .map_err(|_| {
                frame::put(f);
                ElfError::OutOfMemory
            })?;
            va += PAGE_SIZE;
        }
        top = top.max(end);
    }
    mm::with(mm, |m| {
        m.map_anon(STACK_TOP - STACK_SIZE, STACK_TOP, Prot::RW)
            .map_err(|_| ElfError::BadSegment)?;
        m.brk_start = top;
        m.brk = top;
        Ok(Loaded { entry, brk: top })
    })
}

/// Copy the part of the segment's file bytes that falls in page `va` into frame `f`.
fn copy_file_bytes(image: &[u8], seg: &Segment, va: u32, f: u32) {
    let file_lo = seg.vaddr;
    let file_hi = seg.vaddr + seg.filesz;
    let lo = va.max(file_lo);
    let hi = (va + PAGE_SIZE).min(file_hi);
    if lo >= hi {
        return;
    }
    let src = (seg.offset + (lo - seg.vaddr)) as usize;
    let bytes = &image[src..src + (hi - lo) as usize];
    // Safety: the destination range lies inside frame `f`, which we own.
    unsafe {
        core::ptr::copy_nonoverlapping(
            bytes.as_ptr(),
            crate::arch::phys_ptr(f + (lo - va)),
            bytes.len(),
        )
    };
}

#[cfg(test)]
pub mod tests {
    use super::*;
    use crate::testing;
    use std::vec::Vec;

    /// A minimal valid executable: text `code` at 0x1_0000 (R+X), data `data` at 0x2_0000
    /// (R+W) with `bss` extra zero bytes.
    pub fn build(code: &[u8], data: &[u8], bss: u32) -> Vec<u8> {
        let mut img = std::vec![0u8; 0x100];
        img[0..4].copy_from_slice(&[0x7F, b'E', b'L', b'F']);
        img[4] = 1;
        img[5] = 1;
        img[6] = 1;
        img[16..18].copy_from_slice(&ET_EXEC.to_le_bytes());
        img[18..20].copy_from_slice(&EM_ARCV2.to_le_bytes());
        img[20..24].copy_from_slice(&1u32.to_le_bytes());
        img[24..28].copy_from_slice(&0x1_0000u32.to_le_bytes());
        img[28..32].copy_from_slice(&52u32.to_le_bytes());
        img[40..42].copy_from_slice(&52u16.to_le_bytes());
        img[42..44].copy_from_slice(&32u16.to_le_bytes());
        img[44..46].copy_from_slice(&2u16.to_le_bytes());
        let code_off = img.len() as u32;
        img.extend_from_slice(code);
        let data_off = img.len() as u32;
        img.extend_from_slice(data);
        let phdr = |img: &mut Vec<u8>,
                    i: usize,
                    off: u32,
                    vaddr: u32,
                    filesz: u32,
                    memsz: u32,
                    flags: u32| {
            let p = 52 + i * 32;
            for (k, v) in [PT_LOAD, off, vaddr, vaddr, filesz, memsz, flags, PAGE_SIZE]
                .iter()
                .enumerate()
            {
                img[p + k * 4..p + k * 4 + 4].copy_from_slice(&v.to_le_bytes());
            }
        };
        phdr(
            &mut img,
            0,
            code_off,
            0x1_0000,
            code.len() as u32,
            code.len() as u32,
            PF_R | PF_X,
        );
        phdr(
            &mut img,
            1,
            data_off,
            0x2_0000,
            data.len() as u32,
            data.len() as u32 + bss,
            PF_R | PF_W,
        );
        img
    }

    fn set_u32(img: &mut [u8], off: usize, v: u32) {
        img[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }

    fn try_load(img: &[u8]) -> Result<Loaded, ElfError> {
        let mm = mm::create().unwrap();
        let r = load(mm, img);
        mm::release(mm);
        r
    }

    #[test]
    fn loads_segments_with_their_rights_and_zeroed_bss() {
        let _t = testing::setup();
        let img = build(&[1, 2, 3, 4], &[9, 9], 0x3000);
        let mm = mm::create().unwrap();
        let loaded = load(mm, &img).unwrap();
        assert_eq!(
            loaded,
            Loaded {
                entry: 0x1_0000,
                brk: 0x2_4000
            }
        );
        mm::with(mm, |m| {
            let text = m.pt.get(0x1_0000);
            assert_eq!(
                text & (pte::READ | pte::WRITE | pte::EXEC),
                pte::READ | pte::EXEC
            );
            assert_eq!(m.pt.peek_u32(0x1_0000), Some(0x0403_0201));
            let data = m.pt.get(0x2_0000);
            assert_eq!(
                data & (pte::READ | pte::WRITE | pte::EXEC),
                pte::READ | pte::WRITE
            );
            assert_eq!(m.pt.peek_u32(0x2_0000), Some(0x0000_0909));
            assert_eq!(m.pt.peek_u32(0x2_2ffc), Some(0), "bss is zero");
            let stack = m.vmas.find(STACK_TOP - 4).unwrap();
            assert_eq!(
                (stack.start, stack.end, stack.prot),
                (STACK_TOP - STACK_SIZE, STACK_TOP, Prot::RW)
            );
            assert_eq!(m.pt.get(STACK_TOP - 4), 0, "stack is demand-zero");
            assert_eq!((m.brk_start, m.brk), (0x2_4000, 0x2_4000));
        });
        mm::release(mm);
    }

    #[test]
    fn malformed_images_are_refused() {
        let _t = testing::setup();
        let good = build(&[0; 8], &[0; 4], 0);
        assert!(try_load(&good).is_ok());
        let free = frame::free_frames();
        let cases: Vec<(Vec<u8>, ElfError)> = std::vec![
            (good[..40].to_vec(), ElfError::Truncated),
            (
                {
                    let mut i = good.clone();
                    i[1] = b'X';
                    i
                },
                ElfError::NotElf
            ),
            (
                {
                    let mut i = good.clone();
                    i[4] = 2;
                    i
                },
                ElfError::WrongClass
            ),
            (
                {
                    let mut i = good.clone();
                    i[5] = 2;
                    i
                },
                ElfError::WrongClass
            ),
            (
                {
                    let mut i = good.clone();
                    i[16] = 3;
                    i
                },
                ElfError::NotExecutable
            ),
            (
                {
                    let mut i = good.clone();
                    i[18] = 40;
                    i
                },
                ElfError::WrongMachine
            ),
            (
                {
                    let mut i = good.clone();
                    i[42] = 56;
                    i
                },
                ElfError::BadProgramHeaders
            ),
            (
                {
                    let mut i = good.clone();
                    i[44] = 0;
                    i
                },
                ElfError::BadProgramHeaders
            ),
            (
                {
                    let mut i = good.clone();
                    i[44] = 0xFF;
                    i
                },
                ElfError::BadProgramHeaders
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 28, 0xFFFF_FFF0);
                    i
                },
                ElfError::BadProgramHeaders
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52 + 16, 0x100);
                    i
                },
                ElfError::BadSegment
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52 + 4, 0xFFFF_FFFF);
                    i
                },
                ElfError::BadSegment
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52 + 8, 0x8000_0000);
                    i
                },
                ElfError::BadSegment
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52 + 8, 0xFFFF_F000);
                    i
                },
                ElfError::BadSegment
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52 + 8, 0);
                    i
                },
                ElfError::BadSegment
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52 + 32 + 8, 0x1_0004);
                    i
                },
                ElfError::OverlappingSegments
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 24, 0x2_0000);
                    i
                },
                ElfError::BadEntry
            ),
            (
                {
                    let mut i = good.clone();
                    set_u32(&mut i, 52, 6);
                    set_u32(&mut i, 84, 6);
                    i
                },
                ElfError::NoLoadableSegment
            ),
        ];
        for (n, (img, want)) in cases.iter().enumerate() {
            assert_eq!(try_load(img), Err(*want), "case {n}");
        }
        assert_eq!(frame::free_frames(), free, "failed loads leak nothing");
    }
}
