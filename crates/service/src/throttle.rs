//! Sign-in attempts per client address, counted in memory before anything costly happens: a
//! stranger hammering the sign-in form spends no password hash and writes no row once over the
//! limit, and cannot slow the service down for others. Each app server counts its own
//! attempts here; the same limit counted in the database (`address_attempts`) and the
//! per-username limit hold across servers.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Attempts per address in fixed windows.
#[derive(Debug, Default)]
pub struct Throttle {
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

/// Addresses remembered before old windows are swept away.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    /// Counts an attempt from `address`; `Err(seconds to wait)` once it made `limit` in the
    /// current `window`.
    pub fn attempt(&self, address: &str, limit: u32, window: Duration, now: Instant) -> Result<(), u64> {
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let (start, count) = windows.entry(address.to_string()).or_insert((now, 0));
        if now.duration_since(*start) >= window {
            *start = now;
            *count = 0;
        }
        if *count >= limit {
            let wait = window.saturating_sub(now.duration_since(*start));
            return Err(wait.as_secs().max(1));
        }
        *count += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_over_its_limit_waits_for_the_window_and_others_are_not_affected() {
        let t = Throttle::default();
        let window = Duration::from_secs(60);
        let start = Instant::now();
        for _ in 0..3 {
            assert!(t.attempt("10.0.0.9", 3, window, start).is_ok());
        }
        assert_eq!(t.attempt("10.0.0.9", 3, window, start + Duration::from_secs(20)), Err(40));
        assert!(t.attempt("10.0.0.1", 3, window, start).is_ok(), "another address is not throttled");
        assert!(t.attempt("10.0.0.9", 3, window, start + window).is_ok(), "a new window starts afresh");
    }
}
