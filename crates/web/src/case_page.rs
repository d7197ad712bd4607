//! A case's page: its summary, timeline, lifecycle moves, consents, follow-ups and RSS progress.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::case::CaseAction;
use homeward_domain::consent::{ConsentMethod, ConsentPurpose};
use homeward_domain::records::ConsentRecord;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::cases::{self, TimelineEntry};
use homeward_service::views::{CaseView, RecordView};
use serde::Deserialize;

use crate::consents::ConsentForm;
use crate::i18n::{Catalogue, catalogue};
use crate::layout::{MessagePage, refusal, render};
use crate::session::{Session, csrf_for};

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    name: Option<String>,
    status: &'static str,
    sex: &'static str,
    band: Option<String>,
    /// Moves offered as buttons (closing needs its own form, to come).
    moves: Vec<&'static str>,
    may_move: bool,
    timeline: Vec<TimelineEntry>,
    message: Option<String>,
    consents: Vec<RecordView<ConsentRecord>>,
    may_record: bool,
    /// May correct the registration.
    may_edit: bool,
    may_survey: bool,
    progress: Option<crate::progress::Progress>,
    visits: Vec<RecordView<homeward_domain::records::FollowUp>>,
    may_follow_up: bool,
    modes: Vec<&'static str>,
    kinds: Vec<&'static str>,
    consent_form: ConsentForm,
    packet_fields: Vec<&'static str>,
    /// The service directory, to choose the partner of a consent to share: (id, organisation ·
    /// place, services), searchable by any of them where JavaScript runs.
    providers: Vec<(String, String, String)>,
    /// The plan version agreed now, offered for a consent to share.
    agreed_plan_version: Option<i64>,
    /// Urgent flags for the header, as message keys (only from assessments the user may read).
    flags: Vec<&'static str>,
    /// Surveys kept without scores (incomplete, or without consent): (date, round), shown so
    /// they never disappear from the case.
    unscored_surveys: Vec<(chrono::NaiveDate, &'static str)>,
    /// Surveys sent from the field (KoboToolbox, ODK) and the sends that were not stored, with why.
    field: homeward_service::imports::CaseSubmissions,
    /// Each survey's status (`scored`, `discarded`) by its id: what became of a submission.
    survey_statuses: Vec<(String, &'static str)>,
    purposes: Vec<&'static str>,
    methods: Vec<&'static str>,
    /// The case's other pages: records, plan, referrals.
    menu: Vec<(&'static str, &'static str)>,
    may_close: bool,
    /// May merge a duplicate registration into this case (supervisors).
    may_merge: bool,
}

/// The case as the caller may see it (the API's read, audited), or the page that refuses it.
pub(crate) async fn case_or_refusal(state: &Services, session: &Session, id: &str) -> Result<CaseView, Response> {
    cases::read(state, &session.caller, id).await.map_err(|e| refusal(catalogue(&session.caller.language), e))
}

/// What needs doing urgently, from the vulnerability assessments (lines 2011-2075): an urgent
/// referral, a risk assessment not yet made. Only for users granted the assessments' section:
/// for others the flags would say what the section holds.
async fn flags(state: &Services, session: &Session, case_id: &str) -> Vec<&'static str> {
    use homeward_domain::records::{RiskAssessment, VulnerabilityAssessment};
    use homeward_service::records;
    let Ok(assessments) = records::list::<VulnerabilityAssessment>(state, &session.caller, case_id).await else {
        return vec![];
    };
    let mut flags = vec![];
    if assessments.iter().any(|a| a.data.urgent_referral) {
        flags.push("flag_urgent_referral");
    }
    if assessments.iter().any(|a| a.data.risk_assessment_needed) {
        let made = records::list::<RiskAssessment>(state, &session.caller, case_id).await.unwrap_or_default();
        if made.is_empty() {
            flags.push("flag_risk_assessment_needed");
        }
    }
    flags
}

impl CasePage<'_> {
    /// A timeline entry in the user's language, from its stable names.
    fn timeline_text(&self, e: &homeward_service::cases::TimelineEntry) -> String {
        let t = self.t;
        let what = e.what.as_deref().unwrap_or("");
        let state = e.state.as_deref().unwrap_or("");
        match e.kind.as_str() {
            "registered" => t.get("timeline_registered").replace("{office}", what),
            "survey" => format!(
                "{} · {}",
                t.get("timeline_survey").replace("{phase}", t.named("phase", what)),
                t.named("survey_status", state)
            ),
            "plan" => format!(
                "{} · {}",
                t.get("timeline_plan").replace("{version}", &e.number.unwrap_or_default().to_string()),
                t.named("plan_state", state)
            ),
            "referral" => format!("{} · {}", t.get("timeline_referral"), t.named("referral_state", state)),
            "closed" => format!("{} · {}", t.get("timeline_closed"), t.named("reason", what)),
            kind => t.named("timeline_record", kind).to_string(),
        }
    }

    /// What became of the survey a submission was stored as (`scored`, `discarded`).
    fn survey_status(&self, survey_id: &str) -> Option<&'static str> {
        self.survey_statuses.iter().find(|(id, _)| id == survey_id).map(|(_, s)| *s)
    }

    /// A provider's organisation and place, by its id (the id itself if it left the directory).
    fn provider_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.providers.iter().find(|(p, _, _)| p == id).map_or(id, |(_, name, _)| name.as_str())
    }
}

pub async fn case(State(state): State<Services>, session: Session, Path(id): Path<String>) -> Response {
    case_page(state, session, id, None, None).await
}

/// A case's page; `message` is a refusal to show, `consent_form` what was typed in a refused
/// consent form.
pub(crate) async fn case_page(
    state: Services,
    session: Session,
    id: String,
    message: Option<String>,
    consent_form: Option<ConsentForm>,
) -> Response {
    let t = catalogue(&session.caller.language);
    match cases::read(&state, &session.caller, &id).await {
        Ok(case) => {
            // The timeline shows identifying records: roles that see pseudonymised data get none.
            let timeline = cases::timeline(&state, &session.caller, &id).await.unwrap_or_default();
            let consents = crate::consents::of_case(&state, &session, &id).await;
            let surveys = homeward_service::surveys::list(&state, &session.caller, &id).await.unwrap_or_default();
            let everyone = homeward_service::providers::ProviderQuery {
                country: None,
                place: None,
                service: None,
                dimension: None,
            };
            let providers = homeward_service::providers::list(&state, &session.caller, everyone)
                .await
                .unwrap_or_default()
                .into_iter()
                .map(|p| (p.id, format!("{} · {}", p.data.organisation, p.data.place), p.data.services.join(", ")))
                .collect();
            let agreed_plan_version = homeward_service::plans::list(&state, &session.caller, &id)
                .await
                .unwrap_or_default()
                .iter()
                .filter(|p| matches!(p.state.name(), "agreed" | "active"))
                .map(|p| p.plan_version)
                .max();
            let flags = flags(&state, &session, &id).await;
            let unscored_surveys = surveys
                .iter()
                .filter(|s| s.scores.status != homeward_rss::Status::Scored)
                .map(|s| (s.date, homeward_domain::Named::name(s.phase)))
                .collect();
            let field = homeward_service::imports::of_case(&state, &session.caller, &id).await.unwrap_or_default();
            let survey_statuses = surveys.iter().map(|s| (s.id.clone(), s.scores.status.as_str())).collect();
            let page = CasePage {
                field,
                survey_statuses,
                unscored_surveys,
                flags,
                providers,
                agreed_plan_version,
                t,
                session: &session,
                name: case.given_name.as_ref().zip(case.family_name.as_ref()).map(|(g, f)| format!("{g} {f}")),
                status: case.status.name(),
                sex: case.sex.name(),
                band: case.latest_band.map(|b| b.as_str().to_string()),
                moves: case
                    .allowed_actions
                    .iter()
                    .filter(|a| !matches!(a, CaseAction::Close | CaseAction::OptOut))
                    .map(|a| a.name())
                    .collect(),
                may_move: session.caller.access.may(Permission::MoveCase),
                timeline,
                message,
                consents,
                may_record: session.caller.access.may(Permission::RecordAssessment)
                    && session.caller.access.role.sees_identities(),
                may_survey: session.caller.access.may(Permission::TakeSurvey),
                may_edit: session.caller.access.may(Permission::EditCase)
                    && session.caller.access.role.sees_identities(),
                progress: crate::progress::chart(&surveys),
                visits: crate::follow_ups::of_case(&state, &session, &id).await,
                may_follow_up: session.caller.access.may(Permission::FollowUp)
                    && session.caller.access.role.sees_identities(),
                modes: homeward_domain::records::FollowUpMode::ALL.iter().map(|m| m.name()).collect(),
                kinds: homeward_domain::records::FollowUpKind::ALL.iter().map(|k| k.name()).collect(),
                consent_form: consent_form.unwrap_or_default(),
                packet_fields: homeward_domain::referral::PacketField::ALL
                    .iter()
                    .map(|f| homeward_domain::Named::name(*f))
                    .collect(),
                purposes: ConsentPurpose::ALL.iter().map(|p| p.name()).collect(),
                methods: ConsentMethod::ALL.iter().map(|m| m.name()).collect(),
                menu: crate::case_records::menu(&session),
                may_close: session.caller.access.may(Permission::MoveCase)
                    && case.allowed_actions.iter().any(|a| matches!(a, CaseAction::Close | CaseAction::OptOut)),
                may_merge: session.caller.access.may(Permission::MergeCases),
                case,
            };
            let status = if page.message.is_some() { StatusCode::CONFLICT } else { StatusCode::OK };
            render(page, status)
        }
        Err(ServiceError::NotFound) => render(MessagePage { t, message: t.get("not_found") }, StatusCode::NOT_FOUND),
        Err(ServiceError::Forbidden(_)) => {
            render(MessagePage { t, message: t.get("forbidden") }, StatusCode::FORBIDDEN)
        }
        Err(e) => crate::layout::failure(e),
    }
}

#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    version: i64,
}

/// A move of the case's lifecycle from its page; a refusal is shown on the page.
pub async fn move_case(
    State(state): State<Services>,
    session: Session,
    Path(id): Path<String>,
    Form(form): Form<MoveForm>,
) -> Response {
    if form.csrf != csrf_for(&session.token) {
        return StatusCode::FORBIDDEN.into_response();
    }
    let Some(action) = CaseAction::from_name(&form.action) else {
        return StatusCode::BAD_REQUEST.into_response();
    };
    let step = cases::CaseStep { action, version: form.version, closure: None };
    match cases::transition(&state, &session.caller, &id, step).await {
        Ok(_) => Redirect::to(&format!("/cases/{id}")).into_response(),
        Err(
            ServiceError::Conflict(message, _) | ServiceError::Invalid(message, _) | ServiceError::Forbidden(message),
        ) => case_page(state, session, id, Some(message), None).await,
        Err(e) => crate::layout::failure(e),
    }
}
