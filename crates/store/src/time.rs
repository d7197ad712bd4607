//! Instants are stored as RFC 3339 UTC text with microseconds, which sorts as it reads.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

/// Now, to the microsecond, as instants are stored (so a value reads back equal).
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Now as stored text.
pub fn now_text() -> String {
    crate::column::instant_text(&now())
}

/// Today's date (UTC).
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}
