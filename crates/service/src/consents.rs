//! Consent as the server checks it (docs/domain.md 6; handbook L1812-1816, L2011-2013, L2346,
//! L4320, L7266-7330): against the consents recorded on the case and the server's own today, never
//! a date the client sent. A client date can say when something happened in the field; it
//! cannot move a consent check.

use chrono::NaiveDate;
use homeward_domain::consent::{Consent, DataUse, covering};
use homeward_domain::problem;
use homeward_domain::records::{CaseRecord, ConsentRecord, RecordKind};
use homeward_store::query::records;
use homeward_store::{AnyConnection, from_json};

use crate::error::{Result, ServiceError};

/// The consents recorded on a case that are valid as recorded.
pub(crate) async fn on_case(conn: &mut AnyConnection, case_id: &str) -> Result<Vec<Consent>> {
    from_records(&records::list(conn, case_id, RecordKind::Consent).await?)
}

/// The consents that consent records hold.
pub(crate) fn from_records(rows: &[homeward_store::frames::RecordRow]) -> Result<Vec<Consent>> {
    Ok(rows
        .iter()
        .map(|r| from_json::<ConsentRecord>("consent", &r.data))
        .collect::<Result<Vec<_>, _>>()?
        .iter()
        .filter_map(|c| c.consent().ok())
        .collect())
}

/// The consent on the case that covers `data_use` today, or the refusal naming `field` and
/// what is missing.
pub(crate) async fn require(
    conn: &mut AnyConnection,
    case_id: &str,
    data_use: DataUse<'_>,
    field: &str,
) -> Result<Consent> {
    let consents = on_case(conn, case_id).await?;
    covering(&consents, data_use, homeward_store::today()).cloned().map_err(|missing| {
        ServiceError::problem(
            field,
            problem!(
                "no_covering_consent",
                "no current consent {needed}: {why}",
                needed = missing.needed,
                why = missing.why
            ),
        )
    })
}

/// Refuses a record whose content newly says data was shared (compared with `old`, the
/// version it corrects) without a covering consent, or that dates a consent or its withdrawal
/// in the future.
pub(crate) async fn check_record<T: CaseRecord>(
    conn: &mut AnyConnection,
    case_id: &str,
    record: &T,
    old: Option<&T>,
) -> Result<()> {
    not_after_today(&record.not_after_today())?;
    let before = old.map(|o| o.needs_consent()).unwrap_or_default();
    for (field, purpose) in record.needs_consent().into_iter().filter(|n| !before.contains(n)) {
        require(conn, case_id, DataUse::Purpose(purpose), field).await?;
    }
    Ok(())
}

/// Each named date on or before the server's today.
pub(crate) fn not_after_today(dates: &[(&str, NaiveDate)]) -> Result<()> {
    let today = homeward_store::today();
    let problems: Vec<_> = dates
        .iter()
        .filter(|(_, d)| *d > today)
        .map(|(field, d)| {
            homeward_domain::validate::FieldError::of(
                *field,
                problem!(
                    "in_the_future",
                    "{date} is after today ({today}): it takes effect when it is recorded",
                    date = d,
                    today = today
                ),
            )
        })
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(ServiceError::invalid(problems)) }
}
