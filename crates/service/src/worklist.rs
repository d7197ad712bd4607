//! A case worker's work: what falls due on their cases (a case manager's own; the office's for a
//! supervisor or counsellor), today, this week, and overdue, each item linking to where it is
//! done, with counts per kind. The facts are loaded here and the rules are
//! `homeward_domain::worklist`'s. Reading it reads the cases, so each case listed is audited.

use std::collections::HashMap;

use chrono::NaiveDate;
use homeward_domain::access::{Permission, Role};
use homeward_domain::consent::{ConsentPurpose, DataUse, covering};
use homeward_domain::plan::PlanState;
use homeward_domain::records::{Assistance, RecordKind};
use homeward_domain::referral::{ReferralRequest, ReferralState};
use homeward_domain::survey::SurveyPhase;
use homeward_domain::timing::{Anchors, DueKind};
use homeward_domain::worklist::{CaseFacts, WhenDue, WorkKind, work};
use homeward_store::frames::{CaseSummaryRow, PlanRow, RecordRow, ReferralRow};
use homeward_store::query::{cases, plans, records, referrals, surveys};
use homeward_store::{AnyConnection, from_json};
use serde::Serialize;
use utoipa::ToSchema;

use crate::Services;
use crate::audit::entry;
use crate::auth::Caller;
use crate::error::Result;

/// One item of work.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct WorkItemView {
    pub case_id: String,
    pub case_number: String,
    /// The returnee's name, for roles that see identities.
    pub name: Option<String>,
    pub kind: WorkKind,
    pub due: NaiveDate,
    pub when: WhenDue,
    /// Which RSS round, which referral or which partner.
    pub detail: Option<String>,
    /// The page where it is done.
    pub link: String,
}

/// How many items of a kind there are.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct KindCount {
    pub kind: WorkKind,
    pub overdue: usize,
    pub today: usize,
    pub this_week: usize,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Worklist {
    /// Most urgent first.
    pub items: Vec<WorkItemView>,
    /// Every kind, with its counts (zero included, so a page can say "nothing overdue").
    pub counts: Vec<KindCount>,
    /// Whose cases: `mine` (a case manager's own) or `office`.
    pub scope: String,
    /// The coordination agreements the caller is responsible for that near their end or have
    /// ended (handbook 4.1.3): to renew.
    pub agreements_to_renew: Vec<crate::agreements::AgreementView>,
}

/// The cases a worklist covers at most.
const MAX_CASES: i64 = 1000;

/// The caller's work as of the server's today.
pub async fn worklist(state: &Services, caller: &Caller) -> Result<Worklist> {
    caller.require(Permission::ReadCases)?;
    let today = homeward_store::today();
    let mine = caller.access.role == Role::CaseManager;
    let filter = cases::CaseFilter {
        office: caller.access.office.clone(),
        case_manager: mine.then(|| caller.username.clone()),
        open_only: true,
        ..Default::default()
    };
    let mut conn = state.store.read().await?;
    let page = cases::list(&mut conn, &filter, None, MAX_CASES).await?;
    let shown: Vec<&CaseSummaryRow> = page.items.iter().filter(|c| caller.access.covers_office(&c.office)).collect();
    let loaded = Loaded::read(&mut conn, &shown).await?;
    let mut items = Vec::new();
    let mut entries = Vec::new();
    for case in shown {
        let facts = facts(state, case, today, &loaded)?;
        let found = work(&facts, today);
        if found.is_empty() {
            continue;
        }
        entries.push(entry(caller, "read", "case", &case.id, Some(&case.id), &["worklist"]));
        let name = caller.access.role.sees_identities().then(|| format!("{} {}", case.given_name, case.family_name));
        for item in found {
            items.push(WorkItemView {
                case_id: case.id.to_string(),
                case_number: case.case_number.clone(),
                name: name.clone(),
                link: link(&case.id, item.kind),
                kind: item.kind,
                due: item.due,
                when: item.when,
                detail: item.detail,
            });
        }
    }
    drop(conn);
    state.reads.record(entries).await?;
    items.sort_by(|a, b| a.due.cmp(&b.due).then_with(|| a.case_number.cmp(&b.case_number)));
    let counts = WorkKind::ALL
        .iter()
        .map(|&kind| {
            let of = |when: WhenDue| items.iter().filter(|i| i.kind == kind && i.when == when).count();
            KindCount {
                kind,
                overdue: of(WhenDue::Overdue),
                today: of(WhenDue::Today),
                this_week: of(WhenDue::ThisWeek),
            }
        })
        .collect();
    let agreements_to_renew = if caller.access.may(Permission::ReadCommunity) {
        crate::agreements::to_renew(state, caller).await?
    } else {
        vec![]
    };
    Ok(Worklist { items, counts, scope: if mine { "mine".into() } else { "office".into() }, agreements_to_renew })
}

/// Where an item of work is done.
fn link(case_id: &str, kind: WorkKind) -> String {
    match kind {
        WorkKind::FollowUpVisit => format!("/cases/{case_id}#follow-ups"),
        WorkKind::RssRound => format!("/cases/{case_id}/surveys/new"),
        WorkKind::Plan => format!("/cases/{case_id}/plan"),
        WorkKind::ReferralFeedback => format!("/cases/{case_id}/referrals"),
        WorkKind::ConsentRenewal => format!("/cases/{case_id}#consents"),
        WorkKind::Payment => format!("/cases/{case_id}/records/assistance"),
    }
}

/// What the worklist reads of its cases, a few queries for all of them (not some per case),
/// grouped by case id. Consents and payments only matter once a plan is agreed: read for
/// those cases only.
#[derive(Default)]
struct Loaded {
    /// Surveys taken per round: baseline, intermediate, final.
    taken: HashMap<String, [usize; 3]>,
    referrals: HashMap<String, Vec<ReferralRow>>,
    plans: HashMap<String, Vec<PlanRow>>,
    consents: HashMap<String, Vec<RecordRow>>,
    payments: HashMap<String, Vec<RecordRow>>,
}

impl Loaded {
    async fn read(conn: &mut AnyConnection, cases: &[&CaseSummaryRow]) -> Result<Loaded> {
        let ids: Vec<&str> = cases.iter().map(|c| c.id.as_str()).collect();
        let agreed: Vec<&str> = cases.iter().filter(|c| c.plan_agreed_on.is_some()).map(|c| c.id.as_str()).collect();
        let mut loaded = Loaded::default();
        for (case, phase) in surveys::phases_of_cases(conn, &ids).await? {
            let taken = loaded.taken.entry(case).or_default();
            match phase {
                SurveyPhase::Baseline => taken[0] += 1,
                SurveyPhase::Intermediate => taken[1] += 1,
                SurveyPhase::Final => taken[2] += 1,
                SurveyPhase::AdHoc => {}
            }
        }
        for r in referrals::of_cases(conn, &ids).await? {
            loaded.referrals.entry(r.case_id.to_string()).or_default().push(r);
        }
        for p in plans::of_cases(conn, &ids).await? {
            loaded.plans.entry(p.case_id.to_string()).or_default().push(p);
        }
        for r in records::of_cases(conn, &agreed, RecordKind::Consent).await? {
            loaded.consents.entry(r.case_id.to_string()).or_default().push(r);
        }
        for r in records::of_cases(conn, &agreed, RecordKind::Assistance).await? {
            loaded.payments.entry(r.case_id.to_string()).or_default().push(r);
        }
        Ok(loaded)
    }
}

/// What the work on a case is computed from.
fn facts(state: &Services, case: &CaseSummaryRow, today: NaiveDate, loaded: &Loaded) -> Result<CaseFacts> {
    let anchors = Anchors { returned: case.date_of_return, plan_agreed: case.plan_agreed_on };
    let due = state.timing.schedule(&case.schedule).map(|s| s.due_dates(&anchors)).unwrap_or_default();
    let due = due.into_iter().filter(|d| d.kind != DueKind::FollowUp).collect();
    let id = case.id.as_str();
    let mut referrals_awaiting = Vec::new();
    for r in loaded.referrals.get(id).into_iter().flatten() {
        if matches!(r.state, ReferralState::Sent | ReferralState::Acknowledged | ReferralState::InService) {
            let request: ReferralRequest = from_json("referral request", &r.request)?;
            if let Some(date) = request.follow_up_on {
                referrals_awaiting.push((r.id.to_string(), date));
            }
        }
    }
    referrals_awaiting.sort();
    let agreed_plan = loaded
        .plans
        .get(id)
        .into_iter()
        .flatten()
        .filter(|p| matches!(p.state, PlanState::Agreed | PlanState::Active))
        .max_by_key(|p| p.plan_version);
    let agreed = agreed_plan.map(|p| p.plan_version);
    let payments_due = match (agreed_plan, case.plan_agreed_on) {
        (Some(plan), Some(agreed_on)) => {
            payments_due(loaded.payments.get(id).map_or(&[], Vec::as_slice), plan, agreed_on)?
        }
        _ => vec![],
    };
    let mut consents_to_renew = Vec::new();
    if let Some(version) = agreed.and_then(|v| u32::try_from(v).ok()) {
        let consents = crate::consents::from_records(loaded.consents.get(id).map_or(&[], Vec::as_slice))?;
        let mut partners: Vec<&str> = consents
            .iter()
            .filter(|c| c.purpose == ConsentPurpose::ShareWithPartner && c.is_current(today))
            .filter(|c| c.plan_version.is_some_and(|v| v < version))
            .filter_map(|c| c.partner.as_deref())
            .collect();
        partners.sort_unstable();
        partners.dedup();
        for partner in partners {
            let renewed = DataUse::ReferralPacket { partner, plan_version: version, fields: &[] };
            if covering(&consents, renewed, today).is_err() {
                consents_to_renew.push(partner.to_string());
            }
        }
    }
    Ok(CaseFacts {
        next_follow_up: case.next_follow_up,
        plan_agreed: case.plan_agreed_on.is_some(),
        due,
        surveys: loaded.taken.get(id).copied().unwrap_or_default(),
        referrals_awaiting,
        consents_to_renew,
        payments_due,
    })
}

/// The components of the agreed plan with a planned amount not yet paid in full (in its
/// currency) by the case's `payments`, each due from its start (or the plan's agreement).
fn payments_due(payments: &[RecordRow], plan: &PlanRow, agreed_on: NaiveDate) -> Result<Vec<(u32, NaiveDate)>> {
    let content: homeward_domain::plan_document::PlanContent = from_json("plan content", &plan.content)?;
    let paid: Vec<Assistance> =
        payments.iter().map(|r| from_json::<Assistance>("assistance", &r.data)).collect::<Result<_, _>>()?;
    let version = u32::try_from(plan.plan_version).ok();
    let mut due = vec![];
    for (i, component) in content.components.iter().enumerate() {
        let Some(planned) = component.estimated_cost.as_ref().and_then(|a| a.money().ok()) else { continue };
        let index = u32::try_from(i).unwrap_or(u32::MAX);
        let paid_minor: i64 = paid
            .iter()
            .filter(|a| a.plan_version == version && a.component == Some(index) && a.value.currency == planned.currency)
            .filter_map(|a| a.value.money().ok())
            .fold(0i64, |sum, m| sum.saturating_add(m.minor));
        if paid_minor < planned.minor {
            due.push((index, component.start.unwrap_or(agreed_on)));
        }
    }
    Ok(due)
}
