//! The variables the analyses use, one row per returnee and survey round of a period: the four
//! scores, and the returnee's attributes the handbook recommends analysing them by (lines
//! 9170-9181) plus the programme's own (office, assistance received, survey round). Read from the
//! database in bulk, limited to the caller's offices, and turned into a frame for
//! `homeward-analytics`; loaded once, it serves every analysis a page runs on the period.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hash;

use chrono::NaiveDate;
use homeward_analytics::frame::{Column, Frame};
use homeward_domain::access::Permission;
use homeward_domain::problem;
use homeward_domain::returnee::ProfileDetails;
use homeward_store::AnyConnection;
use homeward_store::query::facts;

use crate::Services;
use crate::auth::Caller;
use crate::error::{Result, ServiceError};
use homeward_domain::Named;
use homeward_store::query::facts::Scope;

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
    "mentored",
    "length_of_absence",
    "community_of_origin",
    "office",
    "phase",
    "time_since_return",
];

/// The numeric variables a regression may use as they are.
pub const NUMBERS: &[&str] = &["age", "years_abroad", "months_since_return"];

/// The groups cut from a numeric variable, with their default edges: age at return and time since
/// return in the bands the handbook's analyses use.
const BINS: [(&str, &str, &[f64]); 3] = [
    ("age_group", "age", &[18.0, 25.0, 35.0, 50.0]),
    ("length_of_absence", "years_abroad", &[1.0, 3.0, 5.0, 10.0]),
    ("time_since_return", "months_since_return", &[3.0, 6.0, 12.0, 18.0]),
];

/// A group cut from a numeric variable at edges.
#[derive(Debug, Clone, PartialEq)]
pub struct Bin {
    pub group: &'static str,
    pub variable: &'static str,
    pub edges: Vec<f64>,
}

/// The bins given as `group=edge,edge;group=edge` (none: the defaults stand).
pub fn bins(text: Option<&str>) -> Result<Vec<Bin>> {
    let mut bins = vec![];
    for spec in text.unwrap_or("").split(';').map(str::trim).filter(|s| !s.is_empty()) {
        let (name, edges) = spec.split_once('=').ok_or_else(|| {
            ServiceError::problem(
                "bins",
                problem!("bins_shape", "`{bins}` needs the form group=edge,edge", bins = spec),
            )
        })?;
        let names: Vec<&str> = BINS.iter().map(|(g, ..)| *g).collect();
        let (group, variable, _) = BINS.iter().find(|(g, ..)| *g == name.trim()).ok_or_else(|| {
            let problem = problem!(
                "not_binned",
                "`{group}` is not cut into bins; these are: {values}",
                group = name.trim(),
                values = names.join(", ")
            );
            ServiceError::problem("bins", problem)
        })?;
        let edges = edges
            .split(',')
            .map(|e| e.trim().parse::<f64>().ok().filter(|x| x.is_finite()).ok_or(e.trim()))
            .collect::<Result<Vec<f64>, &str>>()
            .map_err(|e| {
                let problem = problem!(
                    "edge_not_a_number",
                    "`{edge}` in the edges of {group} is not a number",
                    edge = e,
                    group = group
                );
                ServiceError::problem("bins", problem)
            })?;
        if edges.is_empty() || edges.len() > 50 || edges.windows(2).any(|w| w[0] >= w[1]) {
            let problem = problem!("edges", "the edges of {group} must be 1 to 50 numbers, increasing", group = group);
            return Err(ServiceError::problem("bins", problem));
        }
        bins.push(Bin { group, variable, edges });
    }
    Ok(bins)
}

/// The frame with each bin's group cut from its numeric variable (added, or replacing the cut
/// there was).
pub fn cut(frame: Frame, bins: &[Bin]) -> Result<Frame> {
    bins.iter()
        .try_fold(frame, |f, bin| {
            let values = f.column(bin.variable)?.clone();
            f.with_column(bin.group, values).binned(bin.group, &bin.edges)
        })
        .map_err(|e| ServiceError::Internal(e.to_string()))
}

fn default_bins() -> Vec<Bin> {
    BINS.iter().map(|(group, variable, edges)| Bin { group, variable, edges: edges.to_vec() }).collect()
}

/// The scored surveys of a period as a frame, one row per returnee and round (a case surveyed
/// twice in one round counts once, with its later answers), and what is needed to pick rows.
#[derive(Debug)]
pub struct Surveys {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// The scoring profile whose results these are (its bands cut the band shares).
    pub profile: homeward_rss::Profile,
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

    /// The values a categorical column takes, sorted, each once.
    pub fn values(&self, column: &str) -> Vec<String> {
        let Ok(c) = self.frame.column(column) else { return vec![] };
        let set: BTreeSet<String> = (0..self.cases.len()).filter_map(|i| c.text(i)).collect();
        set.into_iter().collect()
    }

    /// The rows whose `column` is `value`, as surveys of the same period.
    pub fn within(&self, column: &str, value: &str) -> Surveys {
        let rows: Vec<usize> = match self.frame.column(column) {
            Ok(c) => (0..self.cases.len()).filter(|&i| c.text(i).as_deref() == Some(value)).collect(),
            Err(_) => vec![],
        };
        Surveys {
            from: self.from,
            to: self.to,
            profile: self.profile.clone(),
            frame: self.frame.select(&rows),
            cases: rows.iter().map(|&i| self.cases[i].clone()).collect(),
            dates: rows.iter().map(|&i| self.dates[i]).collect(),
        }
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
pub async fn vulnerable_cases(conn: &mut AnyConnection, scope: &Scope<'_>) -> Result<HashSet<String>> {
    Ok(facts::records_of_kind(conn, "vulnerability_assessment", scope, false)
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

/// The scoring profile named (`None`: the one in force): the one in force or the bundled
/// provisional one, the two whose bands the server knows; another name is refused naming them.
pub fn known_profile(state: &Services, name: Option<&str>) -> Result<homeward_rss::Profile> {
    let in_force = state.scorer.profile();
    let provisional = &state.provisional;
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        None => Ok(in_force.clone()),
        Some(n) if n == in_force.name => Ok(in_force.clone()),
        Some(n) if n == provisional.name => Ok(provisional.as_ref().clone()),
        Some(n) => {
            let mut names = vec![in_force.name.clone()];
            if provisional.name != in_force.name {
                names.push(provisional.name.clone());
            }
            let problem = problem!(
                "unknown_profile",
                "`{value}` is not a profile this server scores with; they are: {values}",
                value = n,
                values = names.join(", ")
            );
            Err(ServiceError::problem("profile", problem))
        }
    }
}

/// Every survey scored under `profile` (default: the one in force) dated in the period, of the
/// caller's offices, for a caller who may read cases.
pub async fn surveys(
    state: &Services,
    caller: &Caller,
    from: NaiveDate,
    to: NaiveDate,
    profile: Option<&str>,
) -> Result<Surveys> {
    caller.require(Permission::ReadCases)?;
    if to < from {
        let problem =
            problem!("before", "{date} is before {other} ({other_date})", date = to, other = "from", other_date = from);
        return Err(ServiceError::problem("to", problem));
    }
    let chosen = known_profile(state, profile)?;
    let scope = crate::indicators::scope(caller, from, to);
    let mut conn = state.store.read().await?;
    let all = facts::scored_with_cases(&mut conn, &chosen.name, &scope).await?;
    // One row per returnee and round: a survey repeated within a round counts once, the later.
    let dated: Vec<NaiveDate> = all.iter().map(|r| r.date).collect();
    let keep: HashSet<usize> =
        latest_rows(&dated, all.iter().enumerate().map(|(i, r)| ((r.case_id.as_str(), r.phase), i)))
            .into_iter()
            .collect();
    let rows: Vec<facts::ScoredRow> =
        all.into_iter().enumerate().filter(|(i, _)| keep.contains(i)).map(|(_, row)| row).collect();
    let dates: Vec<NaiveDate> = rows.iter().map(|r| r.date).collect();
    let vulnerable = vulnerable_cases(&mut conn, &scope).await?;
    let mut delivered: HashMap<String, Vec<(NaiveDate, String)>> = HashMap::new();
    // Assistance delivered before the period counts too: it is what a returnee had received.
    for (case, date, data) in facts::records_of_kind(&mut conn, "assistance", &scope, false).await? {
        let modality = serde_json::from_str::<serde_json::Value>(&data)
            .ok()
            .and_then(|v| v["modality"].as_str().map(str::to_string));
        if let (Some(date), Some(modality)) = (date, modality) {
            delivered.entry(case).or_default().push((date, modality));
        }
    }
    // Mentoring counts as a kind of assistance (seed 002), from the day a mentorship starts.
    let mut mentored_from: HashMap<String, NaiveDate> = HashMap::new();
    for (case, started) in homeward_store::query::mentoring::mentoring_starts(&mut conn, scope.office).await? {
        delivered.entry(case.clone()).or_default().push((started, "mentoring".to_string()));
        let first = mentored_from.entry(case).or_insert(started);
        *first = (*first).min(started);
    }
    drop(conn);
    // A profile that no longer reads (it is validated on the way in) leaves its fields missing.
    let profiles: Vec<ProfileDetails> =
        rows.iter().map(|r| serde_json::from_str(&r.profile).unwrap_or_default()).collect();
    let score = |pick: fn(&facts::ScoredRow) -> Option<f64>| Column::Numeric(rows.iter().map(pick).collect());
    let age: Vec<Option<f64>> =
        rows.iter().map(|r| Some(f64::from(r.date_of_return.years_since(r.date_of_birth)?))).collect();
    let months: Vec<Option<f64>> = rows
        .iter()
        .zip(&dates)
        .map(|(r, asked)| {
            let m = (asked.signed_duration_since(r.date_of_return).num_days() as f64 / 30.4375).floor();
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
        ("sex".into(), text(rows.iter().map(|r| Some(r.sex.name().to_string())).collect())),
        ("age".into(), Column::Numeric(age)),
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
        (
            "mentored".into(),
            text(
                rows.iter()
                    .zip(&dates)
                    .map(|(r, d)| {
                        yes_no(Some(mentored_from.get(&r.case_id).is_some_and(|m| m <= d))).map(str::to_string)
                    })
                    .collect(),
            ),
        ),
        ("years_abroad".into(), Column::Numeric(years_abroad)),
        (
            "community_of_origin".into(),
            text(profiles.iter().map(|p| yes_no(p.returned_to_community_of_origin).map(str::to_string)).collect()),
        ),
        ("office".into(), text(rows.iter().map(|r| Some(r.office.clone())).collect())),
        ("phase".into(), text(rows.iter().map(|r| Some(r.phase.name().to_string())).collect())),
        ("months_since_return".into(), Column::Numeric(months)),
    ]);
    let frame = cut(frame, &default_bins())?;
    Ok(Surveys { from, to, profile: chosen, frame, cases: rows.into_iter().map(|r| r.case_id).collect(), dates })
}

/// The comma-separated list of `what` in a query parameter, each checked against `known`.
pub fn listed(field: &str, text: Option<&str>, known: &[&str], what: &str) -> Result<Vec<String>> {
    let names: Vec<String> =
        text.unwrap_or("").split(',').map(str::trim).filter(|b| !b.is_empty()).map(str::to_string).collect();
    if let Some(bad) = names.iter().find(|b| !known.contains(&b.as_str())) {
        let problem = problem!(
            "not_one_of",
            "`{value}` is not {what}; they are: {values}",
            value = bad,
            what = what,
            values = known.join(", ")
        );
        return Err(ServiceError::problem(field, problem));
    }
    Ok(names)
}

/// Checks the score an analysis describes.
pub fn check_measure(measure: &str) -> Result<()> {
    if !MEASURES.contains(&measure) {
        return Err(ServiceError::problem(
            "measure",
            problem!("one_of", "must be one of {values}", values = MEASURES.join(", ")),
        ));
    }
    Ok(())
}

/// The profiles an analysis may be run under that stored surveys have results under: the one
/// in force first, then the bundled provisional one.
pub async fn profiles(state: &Services, caller: &Caller) -> Result<Vec<(String, homeward_rss::ProfileStatus)>> {
    caller.require(Permission::ReadCases)?;
    let mut conn = state.store.read().await?;
    let stored = homeward_store::query::surveys::profiles_stored(&mut conn).await?;
    let in_force = state.scorer.profile();
    let provisional = &state.provisional;
    let mut known = vec![(in_force.name.clone(), in_force.status)];
    if provisional.name != in_force.name {
        known.push((provisional.name.clone(), provisional.status));
    }
    Ok(known.into_iter().filter(|(name, _)| stored.iter().any(|(s, ..)| s == name)).collect())
}
