//! ns16550 console UART (reg-shift 2). Transmission completes instantly: every byte
//! written to THR is appended to the captured output. Input is a byte queue fed by the
//! host before or during the run, so runs stay deterministic.

use crate::bus::BusDevice;
use std::collections::VecDeque;

const IER_RX: u8 = 0x01;
const IER_THRE: u8 = 0x02;
const LCR_DLAB: u8 = 0x80;
const LSR_DR: u8 = 0x01;
const LSR_THRE: u8 = 0x20;
const LSR_TEMT: u8 = 0x40;
const IIR_NONE: u8 = 0x01;
const IIR_THRE: u8 = 0x02;
const IIR_RX: u8 = 0x04;
/// FIFOs enabled, as reported in IIR[7:6] once FCR bit 0 is set.
const IIR_FIFO: u8 = 0xC0;

#[derive(Clone, Default)]
pub struct Uart16550 {
    ier: u8,
    lcr: u8,
    mcr: u8,
    scr: u8,
    fcr: u8,
    dll: u8,
    dlm: u8,
    /// The THR-empty interrupt condition: set when THR empties (instantly after a write,
    /// or when the interrupt is enabled), cleared by reading IIR while it is reported.
    thre_pending: bool,
    input: VecDeque<u8>,
    output: Vec<u8>,
}

impl Uart16550 {
    /// Queues bytes the guest will read from RBR.
    pub fn push_input(&mut self, bytes: &[u8]) {
        self.input.extend(bytes);
    }

    /// Output written by the guest since the last call.
    pub fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(&mut self.output)
    }

    /// Appends bytes as if the guest had transmitted them (semihosting write).
    pub fn emit(&mut self, bytes: &[u8]) {
        self.output.extend_from_slice(bytes);
    }

    fn iir(&self) -> u8 {
        let fifo = if self.fcr & 1 != 0 { IIR_FIFO } else { 0 };
        if self.ier & IER_RX != 0 && !self.input.is_empty() {
            fifo | IIR_RX
        } else if self.ier & IER_THRE != 0 && self.thre_pending {
            fifo | IIR_THRE
        } else {
            fifo | IIR_NONE
        }
    }
}

impl BusDevice for Uart16550 {
    fn read(&mut self, offset: u32, _size: u32) -> u32 {
        let dlab = self.lcr & LCR_DLAB != 0;
        (match offset >> 2 {
            0 if dlab => self.dll,
            0 => self.input.pop_front().unwrap_or(0),
            1 if dlab => self.dlm,
            1 => self.ier,
            2 => {
                let iir = self.iir();
                if iir & 0x0F == IIR_THRE {
                    self.thre_pending = false;
                }
                iir
            }
            3 => self.lcr,
            4 => self.mcr,
            5 => {
                let dr = if self.input.is_empty() { 0 } else { LSR_DR };
                dr | LSR_THRE | LSR_TEMT
            }
            6 => 0xB0, // MSR: CTS, DSR, DCD asserted
            7 => self.scr,
            _ => 0,
        }) as u32
    }

    fn write(&mut self, offset: u32, _size: u32, value: u32) {
        let v = value as u8;
        let dlab = self.lcr & LCR_DLAB != 0;
        match offset >> 2 {
            0 if dlab => self.dll = v,
            0 => {
                self.output.push(v);
                self.thre_pending = true;
            }
            1 if dlab => self.dlm = v,
            1 => {
                if v & IER_THRE != 0 && self.ier & IER_THRE == 0 {
                    self.thre_pending = true;
                }
                self.ier = v & 0x0F;
            }
            2 => {
                self.fcr = v;
                if v & 0x02 != 0 {
                    self.input.clear();
                }
            }
            3 => self.lcr = v,
            4 => self.mcr = v & 0x1F,
            7 => self.scr = v,
            _ => {}
        }
    }

    fn irq_level(&self) -> bool {
        self.iir() & 0x0F != IIR_NONE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transmit_and_receive() {
        let mut u = Uart16550::default();
        u.write(0, 1, b'h' as u32);
        u.write(0, 1, b'i' as u32);
        assert_eq!(u.take_output(), b"hi");
        assert_eq!(u.read(5 << 2, 1) as u8 & LSR_DR, 0);
        u.push_input(b"x");
        assert_eq!(u.read(5 << 2, 1) as u8 & LSR_DR, LSR_DR);
        assert_eq!(u.read(0, 1), b'x' as u32);
    }

    #[test]
    fn thre_interrupt_cleared_by_iir_read() {
        let mut u = Uart16550::default();
        assert!(!u.irq_level());
        u.write(1 << 2, 1, IER_THRE as u32);
        assert!(u.irq_level());
        assert_eq!(u.read(2 << 2, 1) as u8 & 0x0F, IIR_THRE);
        assert!(!u.irq_level());
        u.write(0, 1, b'a' as u32);
        assert!(u.irq_level());
    }

    #[test]
    fn rx_interrupt_follows_input() {
        let mut u = Uart16550::default();
        u.write(1 << 2, 1, IER_RX as u32);
        assert!(!u.irq_level());
        u.push_input(b"k");
        assert!(u.irq_level());
        u.read(0, 1);
        assert!(!u.irq_level());
    }
}
