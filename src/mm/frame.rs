//! Physical frame allocator over `arch::frame_pool()`.
//!
//! Every 8 KiB frame has a 16-bit reference count (0 = free) kept in the first frames of the
//! pool itself, so the pool may be any size without a static sized for the largest board.
//! Counts above 1 mean the frame is shared copy-on-write between address spaces. The shared
//! zero page is allocated once and pinned: mapping or unmapping it never touches its count.
//! Allocation is next-fit from a cursor; a run of frames is available for kernel stacks.
//!
//! Clearing an 8 KiB frame is about 1,040 instructions, most of a zero-page copy-on-write
//! fault. So the idle loop clears free frames ahead of time into a small reserve
//! (`zero_spare`), which `alloc` takes first; with the reserve empty it clears on demand.
//! Reserved frames count as free: `take_run` gives them back before it reports
//! exhaustion.

use crate::arch::{self, PAGE_SIZE};
use crate::sync::PreemptCell;
use heapless::Vec;

/// Frames kept cleared ahead of time (256 KiB): a burst of faults after a pause.
const SPARES: usize = 32;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutOfMemory;

struct Frames {
    /// Physical address of frame 0 of the managed range.
    base: u32,
    count: u32,
    /// Physical address of the `count` u16 reference counts.
    refs: u32,
    cursor: u32,
    free: u32,
    zero_page: u32,
    /// Cleared frames with count 1, owned by the allocator until `alloc` hands one out.
    spares: Vec<u32, SPARES>,
}

static FRAMES: PreemptCell<Frames> = PreemptCell::new(Frames {
    base: 0,
    count: 0,
    refs: 0,
    cursor: 0,
    free: 0,
    zero_page: 0,
    spares: Vec::new(),
});

impl Frames {
    fn refcount(&self, idx: u32) -> u16 {
        // Safety: idx < count, so the slot lies inside the metadata frames.
        unsafe { (arch::phys_ptr(self.refs + idx * 2) as *const u16).read_unaligned() }
    }

    fn set_refcount(&mut self, idx: u32, v: u16) {
        // Safety: as in `refcount`.
        unsafe { (arch::phys_ptr(self.refs + idx * 2) as *mut u16).write_unaligned(v) }
    }

    fn index(&self, pa: u32) -> u32 {
        assert!(
            pa >= self.base
                && pa < self.base + self.count * PAGE_SIZE
                && pa.is_multiple_of(PAGE_SIZE),
            "not a managed frame: {pa:#x}"
        );
        (pa - self.base) / PAGE_SIZE
    }

    /// First index of `n` free frames in a row, searching from the cursor and wrapping.
    fn find_run(&self, n: u32) -> Option<u32> {
        let mut start = self.cursor;
        let mut scanned = 0;
        while scanned < self.count {
            if start + n > self.count {
                scanned += self.count - start;
                start = 0;
                continue;
            }
            match (0..n).find(|&i| self.refcount(start + i) != 0) {
                None => return Some(start),
                Some(busy) => {
                    scanned += busy + 1;
                    start += busy + 1;
                    if start >= self.count {
                        start = 0;
                    }
                }
            }
        }
        None
    }

    /// `n` frames in a row with count 1, not cleared.
    fn take_run(&mut self, n: u32) -> Result<u32, OutOfMemory> {
        if n == 0 || n > self.free + self.spares.len() as u32 {
            return Err(OutOfMemory);
        }
        let first = match self.find_run(n) {
            Some(first) => first,
            None => {
                self.release_spares();
                self.find_run(n).ok_or(OutOfMemory)?
            }
        };
        for i in first..first + n {
            self.set_refcount(i, 1);
        }
        self.free -= n;
        self.cursor = (first + n) % self.count;
        Ok(self.base + first * PAGE_SIZE)
    }

    fn alloc_run(&mut self, n: u32) -> Result<u32, OutOfMemory> {
        let pa = self.take_run(n)?;
        // Safety: the run is ours now and lies inside the pool.
        unsafe { core::ptr::write_bytes(arch::phys_ptr(pa), 0, (n * PAGE_SIZE) as usize) };
        Ok(pa)
    }

    fn spare_wanted(&self) -> bool {
        !self.spares.is_full() && self.free > 2 * SPARES as u32
    }

    /// The reserve back to the free pool: memory is short or fragmented.
    fn release_spares(&mut self) {
        while let Some(pa) = self.spares.pop() {
            self.release(pa);
        }
    }

    /// A frame the allocator held (count 1) back to the free pool.
    fn release(&mut self, pa: u32) {
        let idx = self.index(pa);
        self.set_refcount(idx, 0);
        self.free += 1;
    }
}

/// Take over the pool: place the reference counts and the zero page. Called once at boot
/// (and by every host test).
pub fn init() {
    let (start, end) = arch::frame_pool();
    let total = (end - start) / PAGE_SIZE;
    let meta_frames = (total * 2).div_ceil(PAGE_SIZE);
    FRAMES.with(|f| {
        *f = Frames {
            base: start + meta_frames * PAGE_SIZE,
            count: total - meta_frames,
            refs: start,
            cursor: 0,
            free: total - meta_frames,
            zero_page: 0,
            spares: Vec::new(),
        };
        // Safety: the metadata frames are the first frames of the pool.
        unsafe {
            core::ptr::write_bytes(arch::phys_ptr(start), 0, (meta_frames * PAGE_SIZE) as usize)
        };
        f.zero_page = f.alloc_run(1).expect("no frame for the zero page");
    });
}

/// One zeroed frame with reference count 1.
pub fn alloc() -> Result<u32, OutOfMemory> {
    FRAMES.with(|f| match f.spares.pop() {
        Some(pa) => Ok(pa),
        None => f.alloc_run(1),
    })
}

/// One frame with reference count 1 whose contents the caller overwrites whole.
pub fn alloc_uncleared() -> Result<u32, OutOfMemory> {
    FRAMES.with(|f| f.take_run(1))
}

/// Whether `zero_spare` has work: the idle loop's question before it sleeps.
pub fn zero_spare_wanted() -> bool {
    FRAMES.with(|f| f.spare_wanted())
}

/// Clear one free frame into the reserve; false when there is nothing to do (the
/// reserve is full, or memory is short enough that the frame belongs in the pool). The
/// idle loop calls it with interrupts on: the clearing runs outside the allocator's lock,
/// on a frame nobody else can reach.
pub fn zero_spare() -> bool {
    let Some(pa) = FRAMES.with(|f| f.spare_wanted().then(|| f.take_run(1).ok()).flatten()) else {
        return false;
    };
    // Safety: a whole frame of the pool, ours (count 1, in no list).
    unsafe { core::ptr::write_bytes(arch::phys_ptr(pa), 0, PAGE_SIZE as usize) };
    FRAMES.with(|f| {
        if f.spares.push(pa).is_err() {
            f.release(pa);
        }
    });
    true
}

/// `n` physically contiguous zeroed frames (kernel and shadow stacks), each with count 1.
pub fn alloc_contiguous(n: u32) -> Result<u32, OutOfMemory> {
    FRAMES.with(|f| f.alloc_run(n))
}

/// Another mapping now shares `pa`.
pub fn get(pa: u32) {
    FRAMES.with(|f| {
        if pa == f.zero_page {
            return;
        }
        let idx = f.index(pa);
        let n = f.refcount(idx);
        assert!(n > 0, "get on free frame {pa:#x}");
        f.set_refcount(idx, n + 1);
    })
}

/// Drop one reference; the frame is free when none remain.
pub fn put(pa: u32) {
    FRAMES.with(|f| {
        if pa == f.zero_page {
            return;
        }
        let idx = f.index(pa);
        let n = f.refcount(idx);
        assert!(n > 0, "double free of frame {pa:#x}");
        f.set_refcount(idx, n - 1);
        if n == 1 {
            f.free += 1;
        }
    })
}

pub fn refcount(pa: u32) -> u16 {
    FRAMES.with(|f| {
        let idx = f.index(pa);
        f.refcount(idx)
    })
}

pub fn zero_page() -> u32 {
    FRAMES.with(|f| f.zero_page)
}

/// Free frames, the cleared reserve included.
pub fn free_frames() -> u32 {
    FRAMES.with(|f| f.free + f.spares.len() as u32)
}

/// Copy one whole frame.
pub fn copy(dst: u32, src: u32) {
    // Safety: both are whole frames of the pool and distinct.
    unsafe {
        core::ptr::copy_nonoverlapping(arch::phys_ptr(src), arch::phys_ptr(dst), PAGE_SIZE as usize)
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing;

    #[test]
    fn alloc_zeroes_and_counts() {
        let _t = testing::setup();
        let before = free_frames();
        let a = alloc().unwrap();
        assert_eq!(refcount(a), 1);
        assert_eq!(free_frames(), before - 1);
        unsafe { *arch::phys_ptr(a + 5) = 7 };
        put(a);
        assert_eq!(free_frames(), before);
        // Take every frame: the dirty one comes back among them, zeroed.
        let all = alloc_contiguous(before).unwrap();
        assert!(all <= a && a < all + before * PAGE_SIZE);
        assert_eq!(unsafe { *arch::phys_ptr(a + 5) }, 0);
        assert_eq!(refcount(all + (before - 1) * PAGE_SIZE), 1);
    }

    #[test]
    fn shared_frame_freed_by_last_put() {
        let _t = testing::setup();
        let before = free_frames();
        let a = alloc().unwrap();
        get(a);
        put(a);
        assert_eq!(free_frames(), before - 1);
        put(a);
        assert_eq!(free_frames(), before);
    }

    #[test]
    fn zero_page_is_pinned() {
        let _t = testing::setup();
        let z = zero_page();
        put(z);
        put(z);
        assert_eq!(refcount(z), 1);
    }

    #[test]
    fn exhaustion_is_an_error() {
        let _t = testing::setup();
        let n = free_frames();
        let run = alloc_contiguous(n).unwrap();
        assert_eq!(alloc(), Err(OutOfMemory));
        put(run);
        assert!(alloc_contiguous(2).is_err(), "only one frame is free");
        assert!(alloc().is_ok());
    }

    fn frame_is_clear(pa: u32) -> bool {
        (0..PAGE_SIZE).all(|i| unsafe { *arch::phys_ptr(pa + i) } == 0)
    }

    #[test]
    fn idle_clears_a_reserve_that_alloc_takes_first() {
        let _t = testing::setup();
        let before = free_frames();
        // Dirty every free frame, so that only clearing can make one zero.
        let all = alloc_contiguous(before).unwrap();
        unsafe { core::ptr::write_bytes(arch::phys_ptr(all), 0xA5, (before * PAGE_SIZE) as usize) };
        for i in 0..before {
            put(all + i * PAGE_SIZE);
        }
        let mut cleared = 0;
        while zero_spare() {
            cleared += 1;
        }
        assert_eq!(cleared, SPARES, "the reserve fills and stops");
        assert!(!zero_spare_wanted());
        assert_eq!(free_frames(), before, "reserved frames count as free");
        for _ in 0..SPARES {
            let f = alloc().unwrap();
            assert_eq!(refcount(f), 1);
            assert!(frame_is_clear(f), "a spare was handed out dirty");
        }
        assert_eq!(free_frames(), before - SPARES as u32);
        assert!(zero_spare_wanted(), "emptied, the reserve wants refilling");
        let f = alloc().unwrap();
        assert!(frame_is_clear(f), "on demand, alloc clears");
        let c = alloc_uncleared().unwrap();
        assert_eq!(
            unsafe { *arch::phys_ptr(c) },
            0xA5,
            "alloc_uncleared does not clear"
        );
    }

    #[test]
    fn exhaustion_takes_the_reserve_back_first() {
        let _t = testing::setup();
        while zero_spare() {}
        let n = free_frames();
        let run = alloc_contiguous(n).expect("the reserve goes back to the pool");
        assert_eq!(free_frames(), 0);
        assert_eq!(alloc(), Err(OutOfMemory));
        put(run);
        assert!(!zero_spare(), "one free frame is too few to reserve");
        assert_eq!(alloc(), Ok(run));
    }
}
