//! The kernel console on ARC: the board's UART, polled. A whole `write_bytes` call goes out with
//! interrupts off, so lines from different tasks never interleave mid-line.

use crate::arch;
use crate::board::{self, UartKind};
use crate::uart::{DwApbUart, MmioBus, Ns16550, Uart};

/// MMIO through the arch imports (wasm has no volatile).
#[derive(Clone, Copy)]
pub struct ArchBus;

impl MmioBus for ArchBus {
    fn read32(&self, addr: u32) -> u32 {
        arch::mmio_read32(addr)
    }
    fn write32(&self, addr: u32, v: u32) {
        arch::mmio_write32(addr, v)
    }
}

enum BoardUart {
    Ns16550(Ns16550<ArchBus>),
    DwApb(DwApbUart<ArchBus>),
}

impl BoardUart {
    fn new() -> BoardUart {
        let (base, shift, div) = (board::UART_BASE, board::UART_REG_SHIFT, board::UART_DIVISOR);
        match board::UART_KIND {
            UartKind::Ns16550 => BoardUart::Ns16550(Ns16550::new(ArchBus, base, shift, div)),
            UartKind::DwApbUart => BoardUart::DwApb(DwApbUart::new(ArchBus, base, shift, div)),
        }
    }
    fn uart(&mut self) -> &mut dyn Uart {
        match self {
            BoardUart::Ns16550(u) => u,
            BoardUart::DwApb(u) => u,
        }
    }
}

static CONSOLE: spin::Mutex<Option<BoardUart>> = spin::Mutex::new(None);

pub fn init() {
    let mut uart = BoardUart::new();
    uart.uart().init();
    *CONSOLE.lock() = Some(uart);
}

pub fn write_bytes(bytes: &[u8]) {
    let flags = arch::irq_disable();
    {
        let mut guard = CONSOLE.lock();
        let uart = guard.get_or_insert_with(BoardUart::new).uart();
        for &b in bytes {
            if b == b'\n' {
                uart.put_byte(b'\r');
            }
            uart.put_byte(b);
        }
    }
    arch::irq_restore(flags);
}
