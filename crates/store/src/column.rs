//! Converting between columns and the domain's types, in one place. The database keeps states and
//! other closed sets as their stable names (checked by CHECK constraints), days as ISO text
//! (`YYYY-MM-DD`) and instants as RFC 3339 UTC text with microseconds, which sort as they read. A
//! value that does not read back is corrupt data (a bug or a hand edit), never user input.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use homeward_domain::Named;
use homeward_rss::{Band, ProfileStatus, Status};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Result, StoreError};

/// A value kept in a column as its stable name.
pub trait Stored: Sized + Copy {
    fn stored(self) -> &'static str;
    fn from_stored(text: &str) -> Option<Self>;
}

macro_rules! stored_by_name {
    ($($ty:ty),+) => {$(
        impl Stored for $ty {
            fn stored(self) -> &'static str {
                self.name()
            }
            fn from_stored(text: &str) -> Option<Self> {
                <$ty>::from_name(text)
            }
        }
    )+};
}

stored_by_name!(
    homeward_domain::access::GrantRequestState,
    homeward_domain::access::Role,
    homeward_domain::access::Section,
    homeward_domain::case::CaseState,
    homeward_domain::community::AgeGroup,
    homeward_domain::community::Degree,
    homeward_domain::community::Stance,
    homeward_domain::community::StakeholderCategory,
    homeward_domain::community::LedgerKind,
    homeward_domain::community::ParticipantKind,
    homeward_domain::community::ProjectState,
    homeward_domain::document::DocumentKind,
    homeward_domain::document::FileType,
    homeward_domain::document::Storage,
    homeward_domain::office::OfficeRole,
    homeward_domain::handover::HandoverState,
    homeward_domain::feasibility::Dimension,
    homeward_domain::plan::PlanState,
    homeward_domain::records::RecordKind,
    homeward_domain::referral::ReferralState,
    homeward_domain::returnee::Sex,
    homeward_domain::survey::InterviewLocation,
    homeward_domain::survey::SurveyPhase,
    homeward_domain::structures::AgreementKind,
    homeward_domain::structures::Moment
);

macro_rules! stored_as_str {
    ($($ty:ty),+) => {$(
        impl Stored for $ty {
            fn stored(self) -> &'static str {
                self.as_str()
            }
            fn from_stored(text: &str) -> Option<Self> {
                <$ty>::from_name(text)
            }
        }
    )+};
}

stored_as_str!(Band, Status, ProfileStatus);

/// An instant as stored.
pub fn instant_text(at: &DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// A day as stored.
pub fn day_text(day: NaiveDate) -> String {
    day.to_string()
}

fn corrupt(what: &str, text: &str) -> StoreError {
    StoreError::Corrupt(format!("{what}: '{text}'"))
}

// Values parsed or opened here are read borrowed from the row, not copied first: a list page of
// fifty cases made some 650 such copies (issue 18).

/// A named value of column `index`.
pub fn named<T: Stored>(row: &AnyRow, index: usize, what: &str) -> Result<T> {
    let text: &str = row.try_get(index)?;
    T::from_stored(text).ok_or_else(|| corrupt(what, text))
}

pub fn optional_named<T: Stored>(row: &AnyRow, index: usize, what: &str) -> Result<Option<T>> {
    let text: Option<&str> = row.try_get(index)?;
    text.map(|t| T::from_stored(t).ok_or_else(|| corrupt(what, t))).transpose()
}

/// The day at the start of an ISO date or RFC 3339 text.
pub fn parse_day(text: &str, what: &str) -> Result<NaiveDate> {
    text.get(..10).and_then(|d| d.parse().ok()).ok_or_else(|| corrupt(what, text))
}

pub fn day(row: &AnyRow, index: usize, what: &str) -> Result<NaiveDate> {
    parse_day(row.try_get::<&str, _>(index)?, what)
}

pub fn optional_day(row: &AnyRow, index: usize, what: &str) -> Result<Option<NaiveDate>> {
    row.try_get::<Option<&str>, _>(index)?.map(|t| parse_day(t, what)).transpose()
}

pub fn parse_instant(text: &str, what: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text).map(|t| t.with_timezone(&Utc)).map_err(|_| corrupt(what, text))
}

pub fn instant(row: &AnyRow, index: usize, what: &str) -> Result<DateTime<Utc>> {
    parse_instant(row.try_get::<&str, _>(index)?, what)
}

/// Granted sections as stored: names separated by commas.
pub fn sections_text(sections: &[homeward_domain::access::Section]) -> String {
    sections.iter().map(|s| s.name()).collect::<Vec<_>>().join(",")
}

pub fn sections(row: &AnyRow, index: usize) -> Result<Vec<homeward_domain::access::Section>> {
    let text: &str = row.try_get(index)?;
    homeward_domain::access::parse_sections(text).map_err(|e| StoreError::Corrupt(format!("granted sections: {e}")))
}

/// `plain` as it is kept in `column`: sealed (see [`crate::cipher`]).
pub fn sealed(column: &str, plain: &str) -> Result<String> {
    Ok(crate::cipher::ring()?.seal(column, plain)?)
}

/// An optional value sealed.
pub fn sealed_optional(column: &str, plain: Option<&str>) -> Result<Option<String>> {
    plain.map(|p| sealed(column, p)).transpose()
}

/// The value of `column` at `index`, opened.
pub fn opened(row: &AnyRow, index: usize, column: &str) -> Result<String> {
    let stored: &str = row.try_get(index)?;
    Ok(crate::cipher::ring()?.open(column, stored)?)
}

/// An optional value of `column` at `index`, opened.
pub fn opened_optional(row: &AnyRow, index: usize, column: &str) -> Result<Option<String>> {
    let stored: Option<&str> = row.try_get(index)?;
    let ring = crate::cipher::ring()?;
    Ok(stored.map(|s| ring.open(column, s)).transpose()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use homeward_domain::case::CaseState;

    #[test]
    fn values_read_back_as_they_were_written() {
        for state in CaseState::ALL {
            assert_eq!(CaseState::from_stored(state.stored()), Some(*state));
        }
        for band in Band::ALL {
            assert_eq!(Band::from_stored(band.stored()), Some(band));
        }
        assert_eq!(Status::from_stored("lost"), None);
        let at = parse_instant("2026-03-01T10:00:00.123456Z", "t").unwrap();
        assert_eq!(instant_text(&at), "2026-03-01T10:00:00.123456Z");
        assert_eq!(parse_day("2026-03-01T10:00:00Z", "d").unwrap().to_string(), "2026-03-01");
        assert!(parse_day("03/01/2026", "d").is_err());
    }
}
