//! 8-bit ASIDs with generations (Linux ARC's scheme).
//!
//! A counter hands out `generation << 8 | asid`. An address space keeps its ASID while the
//! generation is current; when the 8 bits wrap, the whole TLB is flushed and every address
//! space gets a fresh ASID on its next activation. ASID 0 is never handed out. An exiting
//! address space retires its ASID: its TLB entries can stay, because nobody else gets that
//! ASID before the rollover flush.

use super::MAX_MMS;
use crate::arch;
use crate::sync::IrqCell;

const ASID_MASK: u32 = 0xFF;
const FIRST: u32 = 1 << 8;

struct Asids {
    /// The last value handed out.
    cache: u32,
    /// Per address space: its `generation << 8 | asid`, or 0 for none.
    of_mm: [u32; MAX_MMS],
}

static ASIDS: IrqCell<Asids> = IrqCell::new(Asids {
    cache: FIRST,
    of_mm: [0; MAX_MMS],
});

fn current_generation(cache: u32, value: u32) -> bool {
    value != 0 && (value & !ASID_MASK) == (cache & !ASID_MASK)
}

pub fn init() {
    ASIDS.with(|a| {
        a.cache = FIRST;
        a.of_mm = [0; MAX_MMS];
    });
}

/// The ASID `mm` runs with now, allocating one (and rolling over) if needed.
pub fn activate(mm: usize) -> u8 {
    ASIDS.with(|a| {
        if !current_generation(a.cache, a.of_mm[mm]) {
            a.cache += 1;
            if a.cache & ASID_MASK == 0 {
                arch::tlb_flush_all();
                a.cache += 1;
            }
            a.of_mm[mm] = a.cache;
        }
        (a.of_mm[mm] & ASID_MASK) as u8
    })
}

/// Drop the TLB entry of `va` in `mm`, if `mm` can have one.
pub fn flush_page(mm: usize, va: u32) {
    ASIDS.with(|a| {
        if current_generation(a.cache, a.of_mm[mm]) {
            arch::tlb_flush_page((a.of_mm[mm] & ASID_MASK) as u8, va);
        }
    })
}

pub fn retire(mm: usize) {
    ASIDS.with(|a| a.of_mm[mm] = 0);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn asids_are_stable_until_rollover() {
        let _t = testing::setup();
        let a = activate(0);
        let b = activate(1);
        assert_ne!(a, 0);
        assert_ne!(a, b);
        assert_eq!(activate(0), a);
        assert_eq!(arch::fake::tlb_flush_alls(), 0);
    }

    #[test]
    fn rollover_flushes_everything_and_reassigns() {
        let _t = testing::setup();
        let first = activate(0);
        // Burn through the rest of the generation with slot 1.
        for _ in 0..255 {
            retire(1);
            activate(1);
        }
        assert_eq!(arch::fake::tlb_flush_alls(), 1);
        let again = activate(0);
        assert_ne!(again, 0);
        // Slot 0's old ASID belonged to the old generation: it got a new one.
        assert!(ASIDS.with(|a| current_generation(a.cache, a.of_mm[0])));
        let _ = first;
    }

    #[test]
    fn flush_skips_address_spaces_without_a_live_asid() {
        let _t = testing::setup();
        flush_page(3, 0x1_0000);
        assert!(arch::fake::tlb_flushes().is_empty());
        let asid = activate(3);
        flush_page(3, 0x1_0123);
        assert_eq!(arch::fake::tlb_flushes(), [(asid, 0x1_0000)]);
        retire(3);
        flush_page(3, 0x1_0000);
        assert_eq!(arch::fake::tlb_flushes().len(), 1);
    }
}
