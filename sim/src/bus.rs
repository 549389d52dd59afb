//! The physical address space: RAM plus memory-mapped devices behind one trait.
//!
//! Physical addresses that no device claims are a bus error; the core turns that into a
//! Memory Error exception (vector 1), as silicon does, instead of QEMU's silent
//! read-as-zero.

use crate::ram::Ram;
use crate::uart::Uart16550;

/// Base of the console ns16550 (QEMU virt layout).
pub const UART_BASE: u32 = 0xF000_0000;
/// Bytes decoded by the UART: 8 registers with reg-shift 2.
pub const UART_SPAN: u32 = 0x20;
/// IRQ line of the console UART.
pub const UART_IRQ: u32 = 24;

/// A memory-mapped device. `offset` is relative to the device's base; `size` is 1, 2 or 4.
pub trait BusDevice {
    fn read(&mut self, offset: u32, size: u32) -> u32;
    fn write(&mut self, offset: u32, size: u32, value: u32);
    /// Level of the device's interrupt line.
    fn irq_level(&self) -> bool;
}

/// No device answered at this physical address.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BusError;

/// RAM and devices.
#[derive(Clone)]
pub struct Bus {
    pub ram_base: u32,
    pub ram: Ram,
    pub uart: Uart16550,
}

impl Bus {
    pub fn new(ram_base: u32, ram_size: u32) -> Bus {
        Bus {
            ram_base,
            ram: Ram::new(ram_size as usize),
            uart: Uart16550::default(),
        }
    }

    /// Offset into RAM when `size` bytes at `paddr` lie entirely in RAM.
    #[inline(always)]
    pub fn ram_offset(&self, paddr: u32, size: u32) -> Option<usize> {
        let off = paddr.wrapping_sub(self.ram_base) as usize;
        if off.checked_add(size as usize)? <= self.ram.len() {
            Some(off)
        } else {
            None
        }
    }

    fn device(&mut self, paddr: u32, size: u32) -> Option<(&mut dyn BusDevice, u32)> {
        let off = paddr.wrapping_sub(UART_BASE);
        if off < UART_SPAN && off + size <= UART_SPAN {
            return Some((&mut self.uart, off));
        }
        None
    }

    /// Little-endian read of 1, 2 or 4 bytes.
    #[inline]
    pub fn read(&mut self, paddr: u32, size: u32) -> Result<u32, BusError> {
        if let Some(off) = self.ram_offset(paddr, size) {
            return Ok(self.ram.read(off, size));
        }
        match self.device(paddr, size) {
            Some((dev, off)) => Ok(dev.read(off, size)),
            None => Err(BusError),
        }
    }

    /// Little-endian write of 1, 2 or 4 bytes.
    #[inline]
    pub fn write(&mut self, paddr: u32, size: u32, value: u32) -> Result<(), BusError> {
        if let Some(off) = self.ram_offset(paddr, size) {
            self.ram.write(off, size, value);
            return Ok(());
        }
        match self.device(paddr, size) {
            Some((dev, off)) => {
                dev.write(off, size, value);
                Ok(())
            }
            None => Err(BusError),
        }
    }
}
