//! Instants are stored as RFC 3339 UTC text with microseconds, which sorts as it reads.

use chrono::{NaiveDate, SecondsFormat, Utc};

/// Now, as stored.
pub fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Today's date (UTC).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
