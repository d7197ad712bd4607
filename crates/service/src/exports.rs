//! Exports of case data for a spreadsheet or an analysis: every case the caller may see, with its
//! records, surveys and scores, plans and their components, and referrals, read a page of cases
//! at a time (memory stays flat whatever the caseload) and handed over as plain JSON values per
//! part, which `homeward_present::export` writes as CSV or XLSX.
//!
//! Need-to-know applies to every row as on the case's pages: a pseudonymised role (the M&E
//! officer) exports pseudonymised cases and the surveys, and nothing that identifies (records,
//! plans, referrals); a sensitive section's records only with its grant; a partner exports only
//! the referral packets sent to it. Every case exported is audited as exported, with the parts.

use homeward_domain::Named;
use homeward_domain::access::{Permission, Role, Section};
use homeward_domain::records::{RecordKind, fixed_section};
use homeward_store::query::{cases, plans, records, referrals, surveys};
use serde_json::{Map, Value};

use crate::Services;
use crate::audit::page_entries;
use crate::auth::Caller;
use crate::error::Result;
use crate::plans::PlanView;
use crate::referrals::ReferralView;
use crate::views::{CaseView, SurveyView};

/// A part of an export: a CSV file of the zip, a sheet of the workbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    Cases,
    /// The records of one kind.
    Records(RecordKind),
    Surveys,
    Plans,
    PlanComponents,
    Referrals,
    /// A partner's referral packets.
    Packets,
}

impl Part {
    /// Its stable name: the CSV file's name, the message that names its sheet (`export_<name>`).
    pub fn name(&self) -> String {
        match self {
            Part::Cases => "cases".into(),
            Part::Records(kind) => kind.path().replace('-', "_"),
            Part::Surveys => "surveys".into(),
            Part::Plans => "plans".into(),
            Part::PlanComponents => "plan_components".into(),
            Part::Referrals => "referrals".into(),
            Part::Packets => "packets".into(),
        }
    }
}

/// One page of an export: for each part, its rows (views as JSON objects).
#[derive(Debug, Default)]
pub struct ExportPage {
    pub parts: Vec<(Part, Vec<Value>)>,
}

/// What an export held, and what it left out for need-to-know.
#[derive(Debug, Default, Clone)]
pub struct ExportSummary {
    pub cases: usize,
    /// Every part exported, in order.
    pub parts: Vec<Part>,
    /// What the caller's role or grants keep out, said in the file so nobody takes it for all.
    pub left_out: Vec<String>,
}

/// Cases read (and handed over) at a time.
const PAGE: i64 = 500;

/// What the caller's export holds, before anything is read: its parts and what is left out.
pub fn plan(caller: &Caller) -> ExportSummary {
    let mut summary = ExportSummary::default();
    if caller.access.role == Role::Partner {
        summary.parts.push(Part::Packets);
        return summary;
    }
    summary.parts.push(Part::Cases);
    if caller.access.role.sees_identities() {
        for kind in RecordKind::ALL {
            match fixed_section(*kind) {
                Some(section) if !caller.access.may_read_section(section) => summary.left_out.push(format!(
                    "{}: your role has no grant for the {} section",
                    kind.name(),
                    section.name()
                )),
                _ => summary.parts.push(Part::Records(*kind)),
            }
        }
    } else {
        summary.left_out.push(
            "records, plans and referrals: they identify the returnee and your role sees pseudonymised data".into(),
        );
    }
    summary.parts.push(Part::Surveys);
    if caller.access.role.sees_identities() {
        summary.parts.extend([Part::Plans, Part::PlanComponents, Part::Referrals]);
    }
    for section in Section::ALL {
        if !caller.access.may_read_section(*section) {
            summary.left_out.push(format!("records of the {} section: your role has no grant for it", section.name()));
        }
    }
    summary
}

/// Reads everything the caller may export, a page of cases at a time, handing each page to
/// `each` (which writes it): the export's parts and what was left out come back at the end.
pub async fn export(
    state: &Services,
    caller: &Caller,
    mut each: impl FnMut(ExportPage) -> std::result::Result<(), String> + Send,
) -> Result<ExportSummary> {
    let mut summary = plan(caller);
    let fail = |why: String| crate::error::ServiceError::Internal(format!("export: {why}"));
    if caller.access.role == Role::Partner {
        let packets = crate::packets::list(state, caller).await?;
        let rows = packets.iter().map(|p| serde_json::to_value(p).unwrap_or_default()).collect();
        each(ExportPage { parts: vec![(Part::Packets, rows)] }).map_err(fail)?;
        return Ok(summary);
    }
    caller.require(Permission::ReadCases)?;
    let office = caller.access.office.as_deref();
    let audited: Vec<String> = summary.parts.iter().map(Part::name).collect();
    let audited: Vec<&str> = audited.iter().map(String::as_str).collect();
    let profile = state.scorer.profile().name.clone();
    let mut cursor: Option<String> = None;
    loop {
        let mut conn = state.store.read().await?;
        // Each case whole: its profile and closure too.
        let page = cases::whole_page(&mut conn, office, cursor.as_deref(), PAGE).await?;
        let rows: Vec<_> = page.items.into_iter().filter(|c| caller.access.covers_office(&c.office)).collect();
        let ids: Vec<&str> = rows.iter().map(|c| c.id.as_str()).collect();
        let mut parts: Vec<(Part, Vec<Value>)> = Vec::new();
        let mut case_rows = Vec::with_capacity(rows.len());
        for row in &rows {
            case_rows.push(serde_json::to_value(CaseView::new(row, caller, &state.timing)?).unwrap_or_default());
        }
        parts.push((Part::Cases, case_rows));
        // Every kind's records of the page in one query, each then under its part.
        let page_records = if caller.access.role.sees_identities() {
            records::all_of_cases(&mut conn, &ids).await?
        } else {
            Vec::new()
        };
        for part in &summary.parts {
            let Part::Records(kind) = part else { continue };
            let mut found = Vec::new();
            for r in page_records.iter().filter(|r| r.kind == *kind) {
                if r.section.or(fixed_section(*kind)).is_some_and(|s| !caller.access.may_read_section(s)) {
                    continue;
                }
                let mut object = Map::new();
                object.insert("id".into(), r.id.to_string().into());
                object.insert("case_id".into(), r.case_id.to_string().into());
                let data: Value = serde_json::from_str(&r.data).unwrap_or_default();
                if let Value::Object(fields) = data {
                    object.extend(fields);
                }
                object.insert(
                    "created_at".into(),
                    r.created_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true).into(),
                );
                object.insert("created_by".into(), r.created_by.clone().into());
                found.push(Value::Object(object));
            }
            parts.push((part.clone(), found));
        }
        let mut survey_rows = Vec::new();
        for (s, results) in surveys::of_cases(&mut conn, &ids).await? {
            survey_rows.push(serde_json::to_value(SurveyView::new(&s, &results, &profile)?).unwrap_or_default());
        }
        parts.push((Part::Surveys, survey_rows));
        if caller.access.role.sees_identities() {
            let (mut plan_rows, mut components) = (Vec::new(), Vec::new());
            for p in plans::of_cases(&mut conn, &ids).await? {
                let mut plan = serde_json::to_value(PlanView::new(&p)?).unwrap_or_default();
                // Components get a part of their own, each naming its plan and case.
                if let Some(Value::Array(list)) = plan.as_object_mut().and_then(|o| o.remove("components")) {
                    for (i, c) in list.into_iter().enumerate() {
                        let mut object = Map::new();
                        object.insert("plan_id".into(), p.id.to_string().into());
                        object.insert("case_id".into(), p.case_id.to_string().into());
                        object.insert("component".into(), (i + 1).into());
                        if let Value::Object(fields) = c {
                            object.extend(fields);
                        }
                        components.push(Value::Object(object));
                    }
                }
                plan_rows.push(plan);
            }
            parts.push((Part::Plans, plan_rows));
            parts.push((Part::PlanComponents, components));
            let mut referral_rows = Vec::new();
            for r in referrals::of_cases(&mut conn, &ids).await? {
                let view = ReferralView::new(&r)?.for_caller(caller);
                referral_rows.push(serde_json::to_value(view).unwrap_or_default());
            }
            parts.push((Part::Referrals, referral_rows));
        }
        drop(conn);
        state.reads.record(page_entries(caller, "export", ids.iter().copied(), &audited)).await?;
        summary.cases += ids.len();
        each(ExportPage { parts }).map_err(fail)?;
        match page.next_cursor {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    Ok(summary)
}
