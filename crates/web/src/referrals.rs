//! Referrals on a case: choose a provider from the service directory (filtered by service type
//! and place), say what data the packet will carry, see the consent that covers sharing it (or
//! what is missing), and follow each referral through its states. The service's operations
//! decide everything: nothing is sent without a consent that covers the provider and plan version.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use homeward_domain::Named;
use homeward_domain::access::Permission;
use homeward_domain::consent::ConsentPurpose;
use homeward_domain::problem;
use homeward_domain::referral::{MhpssCategory, PacketField, ReferralAction, ReferralRequest, ReferralStep, Urgency};
use homeward_domain::validate::FieldError;
use homeward_service::ServiceError;
use homeward_service::Services;
use homeward_service::plans;
use homeward_service::providers::{self, ProviderQuery, ProviderView};
use homeward_service::referrals::{self as api, ReferralView};
use homeward_service::views::CaseView;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::forms::{Typed, value};
use crate::i18n::{Catalogue, catalogue};
use crate::layout::render;
use crate::session::{Posted, Session};

/// A referral as listed, with the consent question answered for it.
pub struct Row {
    pub view: ReferralView,
    pub provider: String,
    /// The consent that covers the packet, or why none does (for referrals not yet sent).
    pub consent: Option<Result<String, String>>,
}

#[derive(Template)]
#[template(path = "referrals.html")]
struct ReferralsPage<'a> {
    t: &'a Catalogue,
    session: &'a Session,
    case: CaseView,
    rows: Vec<Row>,
    directory: Vec<ProviderView>,
    filter: DirectoryFilter,
    /// What was typed in a refused proposal.
    typed: Vec<(String, String)>,
    errors: Vec<FieldError>,
    /// Components of the agreed plan that need a referral, each a way to start one.
    to_refer: Vec<ToRefer>,
    may_refer: bool,
    /// The user holds the emergency-sharing grant: the form offers the urgent path.
    may_override: bool,
    packet_fields: Vec<&'static str>,
    urgencies: Vec<&'static str>,
    categories: Vec<&'static str>,
    today: String,
}

impl ReferralsPage<'_> {
    fn typed(&self, name: &str) -> &str {
        value(&self.typed, name)
    }

    /// Whether a packet field is ticked: as typed, or by default the least that identifies.
    fn shares(&self, field: &str) -> bool {
        if self.typed.is_empty() {
            matches!(field, "name" | "contacts" | "languages")
        } else {
            self.typed.iter().any(|(k, v)| k == "data_shared" && v == field)
        }
    }

    fn error(&self, field: &str) -> Option<String> {
        let found: Vec<String> = self
            .errors
            .iter()
            .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
            .map(|e| self.t.field_problem(e))
            .collect();
        if found.is_empty() { None } else { Some(found.join("; ")) }
    }

    fn general(&self) -> Vec<String> {
        const FIELDS: [&str; 9] = [
            "provider",
            "service_type",
            "urgency",
            "category",
            "reason",
            "data_shared",
            "plan_version",
            "follow_up_on",
            "consent_override_reason",
        ];
        self.errors
            .iter()
            .filter(|e| !FIELDS.iter().any(|f| e.field == *f || e.field.starts_with(&format!("{f}["))))
            .map(|e| self.t.field_problem(e))
            .collect()
    }
}

/// The directory's filter, from the page's query.
#[derive(Debug, Default, Deserialize)]
pub struct DirectoryFilter {
    #[serde(default)]
    pub service: String,
    #[serde(default)]
    pub place: String,
    /// A component of the agreed plan to refer for: the form starts filled from it.
    #[serde(default)]
    pub component: Option<u32>,
}

/// A component of the agreed plan that needs a referral: (its index, its description).
pub struct ToRefer {
    pub index: u32,
    pub description: String,
}

async fn page(
    state: Services,
    session: Session,
    case_id: String,
    mut filter: DirectoryFilter,
    mut typed: Vec<(String, String)>,
    errors: Vec<FieldError>,
) -> Response {
    let t = catalogue(&session.caller.language);
    let case = match crate::case_page::case_or_refusal(&state, &session, &case_id).await {
        Ok(c) => c,
        Err(refused) => return refused,
    };
    let open = case.is_open();
    // The agreed plan's components that need a referral; one chosen fills the form.
    let agreed = plans::list(&state, &session.caller, &case_id)
        .await
        .unwrap_or_default()
        .into_iter()
        .filter(|p| matches!(p.state.name(), "agreed" | "active"))
        .max_by_key(|p| p.plan_version);
    let mut to_refer = vec![];
    if let Some(plan) = &agreed {
        for (i, c) in plan.content.components.iter().enumerate().filter(|(_, c)| c.needs_referral) {
            let index = i as u32;
            to_refer.push(ToRefer { index, description: c.description.clone() });
            if filter.component == Some(index) && typed.is_empty() {
                let service = c.intervention.replace('_', " ");
                typed = vec![
                    ("service_type".into(), service.clone()),
                    ("reason".into(), c.description.clone()),
                    ("plan_version".into(), plan.plan_version.to_string()),
                    ("component".into(), index.to_string()),
                ];
                // The partner the returnee consented to share this plan version with, when there
                // is one: chosen already (and the directory left unfiltered so it is listed).
                let today = homeward_store::today();
                let mut partners: Vec<String> = crate::consents::of_case(&state, &session, &case_id)
                    .await
                    .into_iter()
                    .filter_map(|c| c.data.consent().ok())
                    .filter(|c| c.purpose == ConsentPurpose::ShareWithPartner && c.is_current(today))
                    .filter(|c| c.plan_version.is_some_and(|v| i64::from(v) == plan.plan_version))
                    .filter_map(|c| c.partner)
                    .collect();
                partners.sort_unstable();
                partners.dedup();
                if let [partner] = partners.as_slice() {
                    typed.push(("provider".into(), partner.clone()));
                } else if filter.service.is_empty() {
                    filter.service = service.split(' ').next().unwrap_or("").to_string();
                }
            }
        }
    }
    let views = match api::list(&state, &session.caller, &case_id).await {
        Ok(v) => v,
        Err(e) => return crate::layout::refusal(t, e),
    };
    let query = ProviderQuery {
        country: None,
        place: Some(filter.place.trim().to_string()).filter(|p| !p.is_empty()),
        service: Some(filter.service.trim().to_string()).filter(|s| !s.is_empty()),
        dimension: None,
    };
    let directory = providers::list(&state, &session.caller, query).await.unwrap_or_default();
    let everyone = providers::list(
        &state,
        &session.caller,
        ProviderQuery { country: None, place: None, service: None, dimension: None },
    )
    .await
    .unwrap_or_default();
    let mut rows = Vec::with_capacity(views.len());
    for view in views.into_iter().rev() {
        let provider = everyone
            .iter()
            .find(|p| p.id == view.provider_id)
            .map_or_else(|| view.provider_id.clone(), |p| p.data.organisation.clone());
        // Asked of the same operation `consent` and `send` use, so the page says what they will.
        let consent = if matches!(view.state.name(), "proposed" | "consented") {
            Some(match api::covering_consent(&state, &session.caller, &case_id, &view.request).await {
                Ok(c) => Ok(t
                    .get("covered_by")
                    .replace("{date}", &t.date(&c.given_on))
                    .replace("{method}", t.named("method", c.method.name()))),
                Err(ServiceError::Invalid(m, fields)) => {
                    Err(fields.first().map_or_else(|| t.problem(&m), |f| t.field_problem(f)))
                }
                Err(e) => Err(e.to_string()),
            })
        } else {
            None
        };
        rows.push(Row { view, provider, consent });
    }
    let has_errors = !errors.is_empty();
    let page = ReferralsPage {
        t,
        session: &session,
        case,
        rows,
        directory,
        filter,
        typed,
        errors,
        to_refer,
        may_refer: session.caller.access.may(Permission::Refer) && open,
        may_override: session.caller.access.may_share_without_consent(),
        packet_fields: PacketField::ALL.iter().map(|f| f.name()).collect(),
        urgencies: Urgency::ALL.iter().map(|u| u.name()).collect(),
        categories: MhpssCategory::ALL.iter().map(|c| c.name()).collect(),
        today: homeward_store::today().to_string(),
    };
    render(page, if has_errors { StatusCode::UNPROCESSABLE_ENTITY } else { StatusCode::OK })
}

pub async fn show(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    Query(filter): Query<DirectoryFilter>,
) -> Response {
    page(state, session, case_id, filter, vec![], vec![]).await
}

/// The proposal typed in the form as the API's JSON; blank inputs left out.
fn request_json(typed: &Typed) -> Result<Value, Vec<FieldError>> {
    let mut json = Map::new();
    let mut problems = vec![];
    for key in ["provider", "service_type", "urgency", "category", "reason", "follow_up_on", "consent_override_reason"]
    {
        let v = value(typed, key).trim();
        if !v.is_empty() {
            json.insert(key.into(), v.into());
        }
    }
    for key in ["provider", "service_type", "reason"] {
        if !json.contains_key(key) {
            problems.push(FieldError::of(key, problem!("required", "is required")));
        }
    }
    if let Ok(c) = value(typed, "component").trim().parse::<u32>() {
        json.insert("component".into(), c.into());
    }
    let version = value(typed, "plan_version").trim();
    if !version.is_empty() {
        match version.parse::<u32>() {
            Ok(v) => {
                json.insert("plan_version".into(), v.into());
            }
            Err(_) => {
                problems.push(FieldError::of("plan_version", problem!("not_a_whole_number", "is not a whole number")))
            }
        }
    }
    let shared: Vec<Value> =
        typed.iter().filter(|(k, _)| k == "data_shared").map(|(_, v)| Value::String(v.clone())).collect();
    json.insert("data_shared".into(), Value::Array(shared));
    if problems.is_empty() { Ok(Value::Object(json)) } else { Err(problems) }
}

pub async fn propose(
    State(state): State<Services>,
    session: Session,
    Path(case_id): Path<String>,
    Posted(typed): Posted,
) -> Response {
    let request = request_json(&typed).and_then(|json| {
        homeward_service::input::from_json_value::<ReferralRequest>(json).map_err(|e| match e {
            ServiceError::Invalid(_, fields) => fields,
            other => vec![FieldError::new("referral", format!("{other:?}"))],
        })
    });
    let outcome = match request {
        Ok(request) => {
            api::propose(&state, &session.caller, &case_id, request).await.map(|_| ()).map_err(|e| match e {
                ServiceError::Invalid(_, fields) => Ok(fields),
                ServiceError::Forbidden(m) => Ok(vec![FieldError::new("referral", m)]),
                other => Err(other),
            })
        }
        Err(fields) => Err(Ok(fields)),
    };
    match outcome {
        Ok(()) => Redirect::to(&format!("/cases/{case_id}/referrals")).into_response(),
        Err(Ok(errors)) => page(state, session, case_id, DirectoryFilter::default(), typed, errors).await,
        Err(Err(e)) => crate::layout::failure(e),
    }
}

/// The move a referral form asks for: the action, the version read, the date (today when left
/// out) and a note; `None` when the action is not one.
pub fn step_of(typed: &Typed) -> Option<ReferralStep> {
    Some(ReferralStep {
        action: ReferralAction::from_name(value(typed, "action"))?,
        version: value(typed, "version").parse().unwrap_or(0),
        date: value(typed, "date").parse().unwrap_or_else(|_| homeward_store::today()),
        note: Some(value(typed, "note").trim().to_string()).filter(|n| !n.is_empty()),
    })
}

/// A move of a referral (consent given, sent, an outcome), with the date and a note.
pub async fn step(
    State(state): State<Services>,
    session: Session,
    Path((case_id, referral_id)): Path<(String, String)>,
    Posted(typed): Posted,
) -> Response {
    let Some(step) = step_of(&typed) else { return StatusCode::BAD_REQUEST.into_response() };
    match api::step(&state, &session.caller, &case_id, &referral_id, step).await {
        Ok(_) => Redirect::to(&format!("/cases/{case_id}/referrals")).into_response(),
        Err(ServiceError::Invalid(m, _) | ServiceError::Conflict(m, _) | ServiceError::Forbidden(m)) => {
            let errors = vec![FieldError::new("referral", m)];
            page(state, session, case_id, DirectoryFilter::default(), vec![], errors).await
        }
        Err(e) => crate::layout::failure(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_proposal_names_what_is_missing_and_carries_exactly_the_ticked_fields() {
        let typed =
            |pairs: &[(&str, &str)]| pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect::<Vec<_>>();
        let errors = request_json(&typed(&[("plan_version", "two")])).unwrap_err();
        let named: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(named, ["provider", "service_type", "reason", "plan_version"]);
        let json = request_json(&typed(&[
            ("provider", "p1"),
            ("service_type", "vocational training"),
            ("reason", "tailoring course"),
            ("data_shared", "name"),
            ("data_shared", "languages"),
            ("category", ""),
        ]))
        .unwrap();
        assert_eq!(json["data_shared"], serde_json::json!(["name", "languages"]));
        assert!(json.get("category").is_none());
    }
}
