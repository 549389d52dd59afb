//! `kprintln!`: format a line into a buffer, then hand it to the console in one piece so
//! that lines from different tasks and from interrupt handlers never interleave.

pub struct Line {
    buf: heapless::Vec<u8, 256>,
}

impl Line {
    pub fn new() -> Line {
        Line {
            buf: heapless::Vec::new(),
        }
    }

    fn flush(&mut self) {
        crate::arch::console_write(&self.buf);
        self.buf.clear();
    }

    pub fn finish(mut self) {
        if self.buf.push(b'\n').is_err() {
            self.flush();
            let _ = self.buf.push(b'\n');
        }
        self.flush();
    }
}

impl Default for Line {
    fn default() -> Self {
        Line::new()
    }
}

impl core::fmt::Write for Line {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            if self.buf.push(b).is_err() {
                // A line longer than the buffer goes out in pieces rather than truncated.
                self.flush();
                let _ = self.buf.push(b);
            }
        }
        Ok(())
    }
}

#[macro_export]
macro_rules! kprintln {
    ($($arg:tt)*) => {{
        let mut line = $crate::kprint::Line::new();
        let _ = core::fmt::Write::write_fmt(&mut line, format_args!($($arg)*));
        line.finish();
    }};
}
