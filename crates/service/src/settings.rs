//! What a deployment sets: the smallest cell any analysis may show, how long sessions last, how
//! many sign-in attempts an address and a username get. Read once at start (the command line
//! reads them from `HOMEWARD_*` variables); every operation obeys the same values.

use std::time::Duration;

/// A deployment's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The floor of small-cell suppression: a caller may ask for a larger minimum cell, never a
    /// smaller one (docs/domain.md 6; handbook L8346-8383).
    pub min_cell_floor: u32,
    /// A session unused this long ends (API tokens and the web cookie alike).
    pub session_idle: Duration,
    /// A session ends this long after signing in, however busy.
    pub session_lifetime: Duration,
    /// Sign-in attempts one username may make from one address in [`Settings::attempt_window`].
    pub attempts_per_username: i64,
    /// Sign-in attempts one client address may make (any usernames) in the window, checked in
    /// memory before any password is hashed or row written.
    pub attempts_per_address: u32,
    pub attempt_window: Duration,
    /// The largest document (a scan, a photo) that may be added, in bytes.
    pub document_max_bytes: u64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            min_cell_floor: 5,
            session_idle: Duration::from_secs(30 * 60),
            session_lifetime: Duration::from_secs(12 * 3600),
            attempts_per_username: 5,
            attempts_per_address: 30,
            attempt_window: Duration::from_secs(15 * 60),
            document_max_bytes: 10 * 1024 * 1024,
        }
    }
}

impl Settings {
    /// The minimum cell an analysis uses: the caller's, raised to the deployment's floor.
    pub fn min_cell(&self, asked: Option<u32>) -> u32 {
        asked.unwrap_or(self.min_cell_floor).max(self.min_cell_floor).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_may_raise_the_minimum_cell_but_never_lower_it() {
        let s = Settings { min_cell_floor: 5, ..Settings::default() };
        assert_eq!(s.min_cell(None), 5);
        assert_eq!(s.min_cell(Some(10)), 10);
        assert_eq!(s.min_cell(Some(1)), 5);
        assert_eq!(s.min_cell(Some(0)), 5);
    }
}
