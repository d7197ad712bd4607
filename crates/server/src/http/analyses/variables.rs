//! The variables the analyses use, one row per scored survey of a period: the four scores, and
//! the returnee's attributes the handbook recommends analysing them by (lines 9170-9181) plus
//! the programme's own (office, assistance received, survey round). Read from the database in
//! bulk, limited to the caller's offices, and turned into a frame for `homeward-analytics`.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use homeward_analytics::frame::{Column, Frame};
use homeward_domain::returnee::ProfileDetails;
use homeward_store::AnyConnection;
use homeward_store::query::facts;

use crate::AppState;
use crate::auth::Caller;
use crate::error::{ApiError, ApiResult};
use crate::http::indicators::day;

/// The scores an analysis may describe or explain.
pub const MEASURES: &[&str] = &["composite", "economic", "social", "psychosocial"];

/// The categorical variables: what summaries group by, what changes are compared by, and the
/// categorical terms of a regression.
pub const GROUPS: &[&str] = &[
    "sex",
    "age_group",
    "return_type",
    "return_assistance",
    "host_country",
    "country_of_origin",
    "vulnerable",
    "assistance_type",
    "length_of_absence",
    "community_of_origin",
    "office",
    "phase",
    "time_since_return",
];

/// The numeric variables a regression may use as they are.
pub const NUMBERS: &[&str] = &["age", "years_abroad", "months_since_return"];

/// The groups cut from a copy of a numeric variable (age, years abroad, months since return), by
/// default: age at return and time since return in the bands the handbook's analyses use.
const BINS: [(&str, &[f64]); 3] = [
    ("age_group", &[18.0, 25.0, 35.0, 50.0]),
    ("length_of_absence", &[1.0, 3.0, 5.0, 10.0]),
    ("time_since_return", &[3.0, 6.0, 12.0, 18.0]),
];

/// The edges each binned group is cut at.
pub type Bins = Vec<(&'static str, Vec<f64>)>;

/// The default edges, with those given as `group=edge,edge;group=edge` instead.
pub fn bins(text: Option<&str>) -> ApiResult<Bins> {
    let mut bins: Bins = BINS.iter().map(|(group, edges)| (*group, edges.to_vec())).collect();
    let refuse = |message: String| ApiError::field("bins", message);
    for spec in text.unwrap_or("").split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, edges) =
            spec.split_once('=').ok_or_else(|| refuse(format!("`{spec}` needs the form group=edge,edge")))?;
        let names: Vec<&str> = BINS.iter().map(|(g, _)| *g).collect();
        let slot = bins.iter_mut().find(|(g, _)| *g == name.trim()).ok_or_else(|| {
            refuse(format!("`{}` is not cut into bins; these are: {}", name.trim(), names.join(", ")))
        })?;
        let edges = edges
            .split(',')
            .map(|e| e.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or(e.trim()))
            .collect::<Result<Vec<f64>, &str>>()
            .map_err(|e| refuse(format!("`{e}` in the edges of {} is not a number", name.trim())))?;
        if edges.is_empty() || edges.len() > 50 || edges.windows(2).any(|w| w[0] >= w[1]) {
            return Err(refuse(format!("the edges of {} must be 1 to 50 numbers, increasing", name.trim())));
        }
        slot.1 = edges;
    }
    Ok(bins)
}

/// The scored surveys of a period as a frame, with what is needed to pick rows per case.
#[derive(Debug)]
pub struct Surveys {
    pub frame: Frame,
    /// Per row: its case and the survey's date.
    pub cases: Vec<String>,
    pub dates: Vec<NaiveDate>,
}

impl Surveys {
    /// The rows of each case's latest survey (of `phase`, when given): one row per returnee.
    pub fn latest_per_case(&self, phase: Option<&str>) -> Vec<usize> {
        let phases = self.frame.column("phase").expect("built with a phase");
        let rows = (0..self.cases.len()).filter(|&i| phase.is_none_or(|p| phases.text(i).as_deref() == Some(p)));
        latest_rows(&self.dates, rows.map(|i| (self.cases[i].as_str(), i)))
    }

    /// The rows of each case's latest survey of each phase: a case surveyed twice in one round
    /// counts once, with its later answers.
    pub fn latest_per_case_and_phase(&self) -> Vec<usize> {
        let phases = self.frame.column("phase").expect("built with a phase");
        latest_rows(&self.dates, (0..self.cases.len()).map(|i| ((self.cases[i].as_str(), phases.text(i)), i)))
    }
}

/// Of the rows given with their key, the latest dated of each key, in row order.
pub fn latest_rows<K: Eq + Hash>(dates: &[NaiveDate], keyed: impl Iterator<Item = (K, usize)>) -> Vec<usize> {
    let mut latest: HashMap<K, usize> = HashMap::new();
    for (key, i) in keyed {
        let slot = latest.entry(key).or_insert(i);
        if dates[i] > dates[*slot] {
            *slot = i;
        }
    }
    let mut rows: Vec<usize> = latest.into_values().collect();
    rows.sort_unstable();
    rows
}

/// The cases a vulnerability assessment names at least one vulnerability for.
pub async fn vulnerable_cases(conn: &mut AnyConnection) -> ApiResult<HashSet<String>> {
    Ok(facts::records_of_kind(conn, "vulnerability_assessment")
        .await?
        .into_iter()
        .filter(|(_, _, data)| {
            serde_json::from_str::<serde_json::Value>(data)
                .ok()
                .and_then(|v| v["vulnerabilities"].as_array().map(|a| !a.is_empty()))
                .unwrap_or(false)
        })
        .map(|(case, _, _)| case)
        .collect())
}

/// The kind of assistance a case had received by a day: `none`, its one modality, or `mixed`.
fn assistance_type(delivered: Option<&Vec<(NaiveDate, String)>>, by: NaiveDate) -> String {
    let kinds: BTreeSet<&str> =
        delivered.into_iter().flatten().filter(|(d, _)| *d <= by).map(|(_, m)| m.as_str()).collect();
    match kinds.len() {
        0 => "none".to_string(),
        1 => kinds.into_iter().next().unwrap_or_default().to_string(),
        _ => "mixed".to_string(),
    }
}

fn yes_no(value: Option<bool>) -> Option<&'static str> {
    value.map(|v| if v { "yes" } else { "no" })
}

/// Every survey scored under the current profile dated in the period, of the caller's offices.
pub async fn surveys(
    state: &AppState,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
    bins: &Bins,
) -> ApiResult<Surveys> {
    let mut conn = state.store.read().await?;
    let profile = state.scorer.profile().name.clone();
    let rows: Vec<facts::ScoredRow> = facts::scored_with_cases(&mut conn, &profile, &from.to_string(), &to.to_string())
        .await?
        .into_iter()
        .filter(|r| caller.access.covers_office(&r.office))
        .filter(|r| day(&r.date).is_some())
        .collect();
    let vulnerable = vulnerable_cases(&mut conn).await?;
    let mut delivered: HashMap<String, Vec<(NaiveDate, String)>> = HashMap::new();
    for (case, date, data) in facts::records_of_kind(&mut conn, "assistance").await? {
        let modality = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| v["modality"].as_str().map(str::to_string));
        if let (Some(date), Some(modality)) = (date.as_deref().and_then(day), modality) {
            delivered.entry(case).or_default().push((date, modality));
        }
    }
    drop(conn);
    let dates: Vec<NaiveDate> = rows.iter().filter_map(|r| day(&r.date)).collect();
    // A profile that no longer reads (it is validated on the way in) leaves its fields missing.
    let profiles: Vec<ProfileDetails> =
        rows.iter().map(|r| serde_json::from_str(&r.profile).unwrap_or_default()).collect();
    let score = |pick: fn(&facts::ScoredRow) -> Option<f64>| Column::Numeric(rows.iter().map(pick).collect());
    let age: Vec<Option<f64>> =
        rows.iter().map(|r| Some(f64::from(day(&r.date_of_return)?.years_since(day(&r.date_of_birth)?)?))).collect();
    let months: Vec<Option<f64>> = rows
        .iter()
        .zip(&dates)
        .map(|(r, asked)| {
            let m = (asked.signed_duration_since(day(&r.date_of_return)?).num_days() as f64 / 30.4375).floor();
            (m >= 0.0).then_some(m)
        })
        .collect();
    let years_abroad: Vec<Option<f64>> = profiles.iter().map(|p| p.years_abroad.map(f64::from)).collect();
    let text = |values: Vec<Option<String>>| Column::categorical(&values);
    let frame = Frame::from_columns(vec![
        ("composite".into(), score(|r| r.composite)),
        ("economic".into(), score(|r| r.economic)),
        ("social".into(), score(|r| r.social)),
        ("psychosocial".into(), score(|r| r.psychosocial)),
        ("case_id".into(), text(rows.iter().map(|r| Some(r.case_id.clone())).collect())),
        ("sex".into(), text(rows.iter().map(|r| Some(r.sex.clone())).collect())),
        ("age".into(), Column::Numeric(age.clone())),
        ("age_group".into(), Column::Numeric(age)),
        ("return_type".into(), text(profiles.iter().map(|p| p.return_type.map(|t| t.to_string())).collect())),
        (
            "return_assistance".into(),
            text(profiles.iter().map(|p| p.return_assistance.map(|t| t.to_string())).collect()),
        ),
        ("host_country".into(), text(profiles.iter().map(|p| p.host_country.map(|c| c.to_string())).collect())),
        ("country_of_origin".into(), text(rows.iter().map(|r| Some(r.country_of_origin.clone())).collect())),
        (
            "vulnerable".into(),
            text(rows.iter().map(|r| yes_no(Some(vulnerable.contains(&r.case_id))).map(str::to_string)).collect()),
        ),
        (
            "assistance_type".into(),
            text(rows.iter().zip(&dates).map(|(r, d)| Some(assistance_type(delivered.get(&r.case_id), *d))).collect()),
        ),
        ("years_abroad".into(), Column::Numeric(years_abroad.clone())),
        ("length_of_absence".into(), Column::Numeric(years_abroad)),
        (
            "community_of_origin".into(),
            text(profiles.iter().map(|p| yes_no(p.returned_to_community_of_origin).map(str::to_string)).collect()),
        ),
        ("office".into(), text(rows.iter().map(|r| Some(r.office.clone())).collect())),
        ("phase".into(), text(rows.iter().map(|r| Some(r.phase.clone())).collect())),
        ("months_since_return".into(), Column::Numeric(months.clone())),
        ("time_since_return".into(), Column::Numeric(months)),
    ]);
    let frame = bins
        .iter()
        .try_fold(frame, |f, (group, edges)| f.binned(group, edges))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Surveys { frame, cases: rows.into_iter().map(|r| r.case_id).collect(), dates })
}

/// The comma-separated list of `what` in a query parameter, each checked against `known`.
pub fn listed(field: &str, text: Option<&str>, known: &[&str], what: &str) -> ApiResult<Vec<String>> {
    let names: Vec<String> =
        text.unwrap_or("").split(',').map(str::trim).filter(|b| !b.is_empty()).map(str::to_string).collect();
    if let Some(bad) = names.iter().find(|b| !known.contains(&b.as_str())) {
        return Err(ApiError::field(field, format!("`{bad}` is not {what}; they are: {}", known.join(", "))));
    }
    Ok(names)
}

/// Checks the measure and the period every analysis takes.
pub fn check_measure_and_period(measure: &str, from: NaiveDate, to: NaiveDate) -> ApiResult<()> {
    if !MEASURES.contains(&measure) {
        return Err(ApiError::field("measure", format!("must be one of {}", MEASURES.join(", "))));
    }
    if to < from {
        return Err(ApiError::field("to", format!("{to} is before from ({from})")));
    }
    Ok(())
}
