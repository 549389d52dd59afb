//! Sparse RAM: 8 KiB pages allocated on first write. Pages never written read as zero and
//! take no host memory, so cloning a `Machine` (a snapshot) copies only the pages the
//! guest touched, not all of RAM. (Pages shared copy-on-write would make clones cheaper
//! still, but the reference-count check costs an atomic operation on every store.)

const PAGE_SHIFT: usize = 13;
const PAGE: usize = 1 << PAGE_SHIFT;

type Page = [u8; PAGE];

#[derive(Clone)]
pub struct Ram {
    pages: Vec<Option<Box<Page>>>,
    len: usize,
    /// Pages allocated so far (the host TLB's zero-page entries watch it).
    allocations: u64,
}

impl Ram {
    /// `len` must be a multiple of 8 KiB (Config::validate checks it).
    pub fn new(len: usize) -> Ram {
        Ram {
            pages: vec![None; len.div_ceil(PAGE)],
            len,
            allocations: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    #[inline(always)]
    fn page_mut(&mut self, index: usize) -> &mut Page {
        // One bounds check and one test on the store path; the first write to a page
        // takes the out-of-line `allocate`.
        let slot = &mut self.pages[index];
        if slot.is_none() {
            self.allocations += 1;
            return Self::allocate(slot);
        }
        match slot {
            Some(p) => p,
            None => unreachable!("tested above"),
        }
    }

    /// First write to a page. Out of line, like the page-straddling paths below: with
    /// them inline (or recursive), `read` and `write` could not be inlined into the
    /// simulator's load/store paths, and every guest store paid a call.
    #[cold]
    #[inline(never)]
    fn allocate(slot: &mut Option<Box<Page>>) -> &mut Page {
        slot.insert(Box::new([0; PAGE]))
    }

    #[cold]
    #[inline(never)]
    fn read_straddling(&self, off: usize, size: u32) -> u32 {
        (0..size)
            .map(|i| self.read(off + i as usize, 1) << (8 * i))
            .fold(0, |a, b| a | b)
    }

    #[cold]
    #[inline(never)]
    fn write_straddling(&mut self, off: usize, size: u32, value: u32) {
        for i in 0..size {
            self.write(off + i as usize, 1, value >> (8 * i));
        }
    }

    /// Little-endian read of 1, 2 or 4 bytes at `off` (`off + size <= len`).
    #[inline(always)]
    pub fn read(&self, off: usize, size: u32) -> u32 {
        let o = off & (PAGE - 1);
        if o + size as usize > PAGE {
            return self.read_straddling(off, size);
        }
        let Some(p) = &self.pages[off >> PAGE_SHIFT] else {
            return 0;
        };
        // One slice per size, so one bounds check (implied by the test above) and one
        // host load; indexing the bytes one by one cost a check and a load per byte.
        match size {
            1 => p[o] as u32,
            2 => u16::from_le_bytes(p[o..o + 2].try_into().expect("2 bytes")) as u32,
            _ => u32::from_le_bytes(p[o..o + 4].try_into().expect("4 bytes")),
        }
    }

    /// The host memory of the page holding `off` (`off < len`), allocated (zeroed) now if
    /// it never was: the simulator's host TLB writes RAM pages through such pointers. It
    /// stays where it is for as long as this `Ram` lives.
    pub(crate) fn page_ptr(&mut self, off: usize) -> *mut u8 {
        self.page_mut(off >> PAGE_SHIFT).as_mut_ptr()
    }

    /// `page_ptr` of a page already allocated; `None` for one never written.
    pub(crate) fn allocated_page_ptr(&mut self, off: usize) -> Option<*mut u8> {
        self.pages[off >> PAGE_SHIFT]
            .as_mut()
            .map(|p| p.as_mut_ptr())
    }

    /// How many pages were allocated so far.
    #[inline(always)]
    pub(crate) fn allocations(&self) -> u64 {
        self.allocations
    }

    /// `read` of N = 1, 2 or 4 bytes at an N-aligned `off`, which never straddles pages.
    #[inline(always)]
    pub fn read_aligned<const N: u32>(&self, off: usize) -> u32 {
        debug_assert!(off % N as usize == 0);
        let Some(p) = &self.pages[off >> PAGE_SHIFT] else {
            return 0;
        };
        let o = off & (PAGE - N as usize);
        match N {
            1 => p[o] as u32,
            2 => u16::from_le_bytes(p[o..o + 2].try_into().expect("2 bytes")) as u32,
            _ => u32::from_le_bytes(p[o..o + 4].try_into().expect("4 bytes")),
        }
    }

    /// `write` of N = 1, 2 or 4 bytes at an N-aligned `off`.
    #[inline(always)]
    pub fn write_aligned<const N: u32>(&mut self, off: usize, value: u32) {
        debug_assert!(off % N as usize == 0);
        let p = self.page_mut(off >> PAGE_SHIFT);
        let o = off & (PAGE - N as usize);
        match N {
            1 => p[o] = value as u8,
            2 => p[o..o + 2].copy_from_slice(&(value as u16).to_le_bytes()),
            _ => p[o..o + 4].copy_from_slice(&value.to_le_bytes()),
        }
    }

    /// Little-endian write of 1, 2 or 4 bytes at `off` (`off + size <= len`).
    #[inline(always)]
    pub fn write(&mut self, off: usize, size: u32, value: u32) {
        let o = off & (PAGE - 1);
        if o + size as usize > PAGE {
            return self.write_straddling(off, size, value);
        }
        let p = self.page_mut(off >> PAGE_SHIFT);
        // Fixed-size copies: a slice copy of a run-time length becomes a memcpy call.
        match size {
            1 => p[o] = value as u8,
            2 => p[o..o + 2].copy_from_slice(&(value as u16).to_le_bytes()),
            _ => p[o..o + 4].copy_from_slice(&value.to_le_bytes()),
        }
    }

    /// Bytes [off, off + len) (the caller checked the range).
    pub fn read_bytes(&self, off: usize, len: usize) -> Vec<u8> {
        (off..off + len).map(|a| self.read(a, 1) as u8).collect()
    }

    /// Copies `bytes` to `off` (the caller checked the range).
    pub fn write_bytes(&mut self, off: usize, bytes: &[u8]) {
        let mut done = 0;
        while done < bytes.len() {
            let a = off + done;
            let o = a & (PAGE - 1);
            let n = (PAGE - o).min(bytes.len() - done);
            self.page_mut(a >> PAGE_SHIFT)[o..o + n].copy_from_slice(&bytes[done..done + n]);
            done += n;
        }
    }

    /// Zeroes [off, off + len) without materialising untouched pages.
    pub fn zero(&mut self, off: usize, len: usize) {
        let mut done = 0;
        while done < len {
            let a = off + done;
            let o = a & (PAGE - 1);
            let n = (PAGE - o).min(len - done);
            if self.pages[a >> PAGE_SHIFT].is_some() {
                self.page_mut(a >> PAGE_SHIFT)[o..o + n].fill(0);
            }
            done += n;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_zero_until_written_and_crosses_pages() {
        let mut r = Ram::new(4 * PAGE);
        assert_eq!(r.read(100, 4), 0);
        r.write(PAGE - 2, 4, 0xAABB_CCDD);
        assert_eq!(r.read(PAGE - 2, 4), 0xAABB_CCDD);
        assert_eq!(r.read(PAGE, 2), 0xAABB);
        r.write_bytes(PAGE - 1, &[1, 2, 3]);
        assert_eq!(r.read_bytes(PAGE - 1, 3), vec![1, 2, 3]);
        r.zero(0, 4 * PAGE);
        assert_eq!(r.read(PAGE - 2, 4), 0);
    }

    #[test]
    fn clones_are_independent_and_sparse() {
        let mut a = Ram::new(64 * PAGE);
        a.write(8, 4, 7);
        let mut b = a.clone();
        b.write(8, 4, 9);
        assert_eq!((a.read(8, 4), b.read(8, 4)), (7, 9));
        assert_eq!(b.pages.iter().filter(|p| p.is_some()).count(), 1, "sparse");
    }
}
