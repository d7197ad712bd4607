//! What the M&E figures are computed from, read in bulk within the caller's office and the period,
//! in SQL: the returnees the period's indicators look at one by one, the others counted by
//! attributes, the scored surveys of the period with their cases' attributes, and the referrals
//! and records they need. Rows come back as the domain's types.

use chrono::NaiveDate;
use homeward_domain::returnee::Sex;
use homeward_domain::survey::SurveyPhase;
use sqlx::{AnyConnection, Row};

use crate::column::{day, named, optional_day, parse_day};
use crate::{Result, StoreError};

/// Which cases and which days a query covers: one office (or every office) and a period.
#[derive(Debug, Clone, Copy)]
pub struct Scope<'a> {
    /// `None` for a user of every office.
    pub office: Option<&'a str>,
    pub from: NaiveDate,
    /// The last day, included.
    pub to: NaiveDate,
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>;

impl<'a> Scope<'a> {
    /// `AND c.office = $n` when the scope is one office, with `n` the next parameter.
    fn office_clause(&self, n: usize) -> String {
        if self.office.is_some() { format!(" AND c.office = ${n}") } else { String::new() }
    }

    /// Binds the office of [`Scope::office_clause`], if there is one.
    fn bind_office<'q>(&self, query: AnyQuery<'q>) -> AnyQuery<'q>
    where
        'a: 'q,
    {
        match self.office {
            Some(office) => query.bind(office),
            None => query,
        }
    }
}

/// A returnee the indicators of a period look at one by one.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFactRow {
    pub id: String,
    pub sex: Sex,
    pub age_at_return: u32,
    pub date_of_return: NaiveDate,
    pub plan_agreed_on: Option<NaiveDate>,
}

/// Returnees who share a sex, an age at return and a date of return, counted.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseGroupRow {
    pub sex: Sex,
    pub age_at_return: u32,
    pub date_of_return: NaiveDate,
    pub count: u64,
}

/// The returnees of the scope who had returned by its last day: one by one those with anything
/// the indicators look at (an agreed plan, a referral or survey in the period, an unmet need or
/// vulnerability assessment), and every returnee counted by sex, age and date of return (the
/// caller subtracts the first from the second). Counting is one pass of an index in the
/// database, in the index's order, instead of a million rows through the driver.
pub async fn cohort(conn: &mut AnyConnection, scope: &Scope<'_>) -> Result<(Vec<CaseFactRow>, Vec<CaseGroupRow>)> {
    let (from, to, after) = (scope.from.to_string(), scope.to.to_string(), next_day(scope.to)?);
    let individual = safe!(
        "SELECT c.id, c.sex, c.date_of_birth, c.date_of_return, c.plan_agreed_on FROM cases c \
         WHERE c.date_of_return <= $2{office} AND c.id IN ( \
           SELECT id FROM cases WHERE plan_agreed_on IS NOT NULL \
           UNION SELECT case_id FROM referrals WHERE created_at >= $1 AND created_at < $3 \
           UNION SELECT case_id FROM case_records WHERE kind IN ('unmet_need', 'vulnerability_assessment') \
           UNION SELECT case_id FROM surveys WHERE survey_date >= $1 AND survey_date <= $2)",
        office = scope.office_clause(4)
    );
    let query = scope.bind_office(sqlx::query(individual).bind(&from).bind(&to).bind(&after));
    let cases = query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            let born = day(r, 2, "date_of_birth")?;
            let returned = day(r, 3, "date_of_return")?;
            Ok(CaseFactRow {
                id: r.try_get(0)?,
                sex: named(r, 1, "sex")?,
                age_at_return: returned.years_since(born).unwrap_or(0),
                date_of_return: returned,
                plan_agreed_on: optional_day(r, 4, "plan_agreed_on")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    // In the order of the index `cases_by_return`, so the database counts without sorting.
    let counted = safe!(
        "SELECT c.sex, c.age_at_return, c.date_of_return, COUNT(*) FROM cases c WHERE c.date_of_return <= $1{office} \
         GROUP BY c.date_of_return, c.sex, c.age_at_return",
        office = scope.office_clause(2)
    );
    let query = scope.bind_office(sqlx::query(counted).bind(&to));
    let groups = query
        .fetch_all(&mut *conn)
        .await?
        .iter()
        .map(|r| {
            Ok(CaseGroupRow {
                sex: named(r, 0, "sex")?,
                age_at_return: u32::try_from(r.try_get::<i64, _>(1)?).unwrap_or(0),
                date_of_return: day(r, 2, "date_of_return")?,
                count: u64::try_from(r.try_get::<i64, _>(3)?).unwrap_or(0),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok((cases, groups))
}

/// The records of one kind on the scope's cases: (case id, record date, data as JSON text).
/// `in_period` keeps only those dated in the period.
pub async fn records_of_kind(
    conn: &mut AnyConnection,
    kind: &str,
    scope: &Scope<'_>,
    in_period: bool,
) -> Result<Vec<(String, Option<NaiveDate>, String)>> {
    let period = if in_period { " AND k.record_date >= $2 AND k.record_date <= $3" } else { "" };
    let sql = safe!(
        "SELECT k.case_id, k.record_date, k.data FROM case_records k JOIN cases c ON c.id = k.case_id \
         WHERE k.kind = $1{period}{office}",
        office = scope.office_clause(if in_period { 4 } else { 2 })
    );
    let mut query = sqlx::query(sql).bind(kind);
    if in_period {
        query = query.bind(scope.from.to_string()).bind(scope.to.to_string());
    }
    scope
        .bind_office(query)
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok((r.try_get(0)?, optional_day(r, 1, "record_date")?, crate::column::opened(r, 2, "case_records.data")?))
        })
        .collect()
}

/// A referral made in the period on a case of the scope.
#[derive(Debug, Clone, PartialEq)]
pub struct ReferralFactRow {
    pub case_id: String,
    pub made_on: NaiveDate,
    /// The request as JSON text of `homeward_domain::referral::ReferralRequest`.
    pub request: String,
    pub state: String,
}

/// The referrals made in the period on the scope's cases.
pub async fn referrals(conn: &mut AnyConnection, scope: &Scope<'_>) -> Result<Vec<ReferralFactRow>> {
    let sql = safe!(
        "SELECT f.case_id, f.created_at, f.request, f.state FROM referrals f JOIN cases c ON c.id = f.case_id \
         WHERE f.created_at >= $1 AND f.created_at < $2{office}",
        office = scope.office_clause(3)
    );
    let query = scope.bind_office(sqlx::query(sql).bind(scope.from.to_string()).bind(next_day(scope.to)?));
    query
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            let created: String = r.try_get(1)?;
            Ok(ReferralFactRow {
                case_id: r.try_get(0)?,
                made_on: parse_day(&created, "referral created_at")?,
                request: crate::column::opened(r, 2, "referrals.request")?,
                state: r.try_get(3)?,
            })
        })
        .collect()
}

/// A scored survey with the attributes of its case that analyses group by.
#[derive(Debug, Clone)]
pub struct ScoredRow {
    pub case_id: String,
    pub office: String,
    pub sex: Sex,
    pub date_of_birth: NaiveDate,
    pub date_of_return: NaiveDate,
    pub country_of_origin: String,
    /// The case's optional profile details, as JSON text.
    pub profile: String,
    pub phase: SurveyPhase,
    pub date: NaiveDate,
    pub economic: Option<f64>,
    pub social: Option<f64>,
    pub psychosocial: Option<f64>,
    pub composite: Option<f64>,
}

/// Every survey of the scope's cases scored under `profile` and dated in the period, with its
/// case's attributes.
pub async fn scored_with_cases(conn: &mut AnyConnection, profile: &str, scope: &Scope<'_>) -> Result<Vec<ScoredRow>> {
    let sql = safe!(
        "SELECT s.case_id, c.office, c.sex, c.date_of_birth, c.date_of_return, c.country_of_origin, c.profile, s.phase, \
         s.survey_date, r.economic, r.social, r.psychosocial, r.composite \
         FROM surveys s JOIN survey_results r ON r.survey_id = s.id JOIN cases c ON c.id = s.case_id \
         WHERE r.profile = $1 AND r.status = 'scored' AND s.survey_date >= $2 AND s.survey_date <= $3{office}",
        office = scope.office_clause(4)
    );
    let query =
        scope.bind_office(sqlx::query(sql).bind(profile).bind(scope.from.to_string()).bind(scope.to.to_string()));
    query
        .fetch_all(conn)
        .await?
        .iter()
        .map(|r| {
            Ok(ScoredRow {
                case_id: r.try_get(0)?,
                office: r.try_get(1)?,
                sex: named(r, 2, "sex")?,
                date_of_birth: day(r, 3, "date_of_birth")?,
                date_of_return: day(r, 4, "date_of_return")?,
                country_of_origin: r.try_get(5)?,
                profile: crate::column::opened(r, 6, "cases.profile")?,
                phase: named(r, 7, "survey phase")?,
                date: day(r, 8, "survey_date")?,
                economic: r.try_get(9)?,
                social: r.try_get(10)?,
                psychosocial: r.try_get(11)?,
                composite: r.try_get(12)?,
            })
        })
        .collect()
}

/// The day after `day`, as the exclusive end of a range of RFC 3339 instants.
fn next_day(day: NaiveDate) -> Result<String> {
    day.succ_opt().map(|d| d.to_string()).ok_or_else(|| StoreError::Corrupt(format!("no day after {day}")))
}
