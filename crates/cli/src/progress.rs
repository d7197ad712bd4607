//! A progress line on stderr, only when stderr is a terminal (never in logs or pipes).

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use homeward_rss_batch::Progress;

pub struct ProgressLine {
    total_bytes: u64,
    last: Mutex<Option<Instant>>,
}

impl ProgressLine {
    /// `None` when stderr is not a terminal.
    pub fn for_terminal(total_bytes: u64) -> Option<Self> {
        std::io::stderr().is_terminal().then(|| ProgressLine { total_bytes, last: Mutex::new(None) })
    }

    pub fn update(&self, p: Progress) {
        let mut last = self.last.lock().unwrap_or_else(|e| e.into_inner());
        // Ten updates a second are plenty, and cheap.
        if last.is_some_and(|t| t.elapsed() < Duration::from_millis(100)) {
            return;
        }
        *last = Some(Instant::now());
        let percent = (p.bytes.min(self.total_bytes) * 100).checked_div(self.total_bytes).unwrap_or(0);
        let filled = (percent / 5) as usize;
        eprint!("\r[{}{}] {percent:>3}%  {} rows", "#".repeat(filled), " ".repeat(20 - filled), p.rows);
        let _ = std::io::stderr().flush();
    }

    pub fn finish(&self) {
        eprint!("\r{}\r", " ".repeat(60));
    }
}
