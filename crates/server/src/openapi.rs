//! The OpenAPI 3.1 document, generated from the handlers' annotations and the types they read
//! and answer with, served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::{
    analyses, cases, catalogue, communities, documents, exports, handovers, health, indicators, mentoring, packets,
    plans, providers, records, referrals, retention, session, structures, surveys, users,
};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Homeward API",
        description = "Case management for the reintegration of returning migrants: cases, consents, \
            assessments, RSS surveys, plans, referrals, assistance, follow-ups. Send `Authorization: Bearer TOKEN` \
            (from `homeward admin create-token`). Errors answer with `{error, fields}`, naming each bad field. \
            RSS scores name the profile that produced them: the bundled `rss-provisional-1` is NOT IOM's \
            official scoring.",
        license(name = "AGPL-3.0-or-later")
    ),
    paths(
        health::healthz,
        session::sign_in, session::current, session::sign_out, users::set_language,
        users::list, users::create, users::update, users::offices, users::create_office, users::update_office, users::programme, users::rescore, retention::purge, retention::read_hold, retention::place_hold, retention::lift_hold, users::pending_grants, users::decide_grant, users::unlock, indicators::list, analyses::summary, analyses::change,
        analyses::regression,
        cases::worklist, cases::duplicates, cases::register_confirmed, cases::register, cases::list, cases::read, cases::update, cases::transition, cases::merge, cases::own_file, cases::timeline,
        cases::access_log, catalogue::due_dates, catalogue::grid, exports::cases,
        communities::create, communities::list, communities::read, communities::update, communities::propose,
        communities::list_projects, communities::read_project, communities::screen, communities::step,
        communities::add_participant, communities::participants, communities::add_ledger_line, communities::ledger,
        communities::record_satisfaction, communities::satisfaction, communities::add_stakeholder,
        communities::list_stakeholders, communities::read_stakeholder, communities::update_stakeholder,
        structures::create_agreement, structures::list_agreements, structures::read_agreement, structures::update_agreement,
        structures::create_activity, structures::list_activities, structures::read_activity, structures::add_participant,
        structures::answer,
        mentoring::create_mentor, mentoring::list_mentors, mentoring::read_mentor, mentoring::update_mentor,
        mentoring::list_mentorships, mentoring::of_case, mentoring::start, mentoring::end, mentoring::add_session,
        handovers::prepare, handovers::list, handovers::read, handovers::step, handovers::file, handovers::import,
        handovers::installation, handovers::partners, handovers::register_partner,
        documents::add, documents::list, documents::read, documents::content, documents::remove,
        surveys::take, surveys::list, surveys::read, surveys::import,
        plans::draft, plans::list, plans::read, plans::edit, plans::transition,
        referrals::propose, referrals::list, referrals::read, referrals::step, referrals::overrides,
        packets::list, packets::read, packets::step,
        providers::add, providers::list, providers::read, providers::edit,
        records::household_members::create, records::household_members::list,
        records::household_members::read, records::household_members::update,
        records::consents::create, records::consents::list, records::consents::read, records::consents::update,
        records::counselling_sessions::create, records::counselling_sessions::list,
        records::counselling_sessions::read, records::counselling_sessions::update,
        records::vulnerability_assessments::create, records::vulnerability_assessments::list,
        records::vulnerability_assessments::read, records::vulnerability_assessments::update,
        records::risk_assessments::create, records::risk_assessments::list,
        records::risk_assessments::read, records::risk_assessments::update,
        records::skills_assessments::create, records::skills_assessments::list,
        records::skills_assessments::read, records::skills_assessments::update,
        records::feasibility_checks::create, records::feasibility_checks::list,
        records::feasibility_checks::read, records::feasibility_checks::update,
        records::assistance::create, records::assistance::list, records::assistance::read, records::assistance::update,
        records::follow_ups::create, records::follow_ups::list, records::follow_ups::read, records::follow_ups::update,
        records::sensitive_notes::create, records::sensitive_notes::list,
        records::sensitive_notes::read, records::sensitive_notes::update,
        records::unmet_needs::create, records::unmet_needs::list, records::unmet_needs::read, records::unmet_needs::update,
    ),
    modifiers(&BearerAuth, &ResponseDescriptions)
)]
#[derive(Debug)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)));
    }
}

/// Every response says what it means (OpenAPI requires a description, and a client's
/// documentation is generated from it). The error responses mean the same on every operation, so
/// their sentences are written once, here; an operation's own description is kept.
struct ResponseDescriptions;

/// What each status means, on any operation.
const MEANINGS: &[(&str, &str)] = &[
    ("200", "Done: the answer is in the body."),
    ("201", "Created: the new record is in the body."),
    ("204", "Done: nothing to answer."),
    ("400", "The request cannot be read (bad JSON or query parameter); `error` says what, `fields` names it."),
    ("401", "No valid bearer token: sign in (POST /api/v1/session) or ask for a token."),
    ("403", "Signed in, but your role, grants or office do not allow this; `error` says which."),
    ("404", "It does not exist, or it is outside your office (which is not disclosed)."),
    ("409", "Someone changed the record since you read it (`current_version`), or its state does not allow this."),
    ("415", "Send the body as application/json."),
    ("422", "Readable, but not valid: `fields` names each bad field with its problem."),
    ("429", "Too many failed sign-ins for this user: try again after `Retry-After` seconds."),
    ("503", "The database does not answer."),
];

impl Modify for ResponseDescriptions {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                for (status, response) in operation.responses.responses.iter_mut() {
                    if let utoipa::openapi::RefOr::T(response) = response
                        && response.description.trim().is_empty()
                    {
                        let meaning = MEANINGS.iter().find(|(code, _)| code == status).map(|(_, m)| *m);
                        response.description = meaning.unwrap_or("See the schema.").to_string();
                    }
                }
            }
        }
    }
}

/// `GET /api/v1/openapi.json`: public, so a client can be generated before anyone signs in.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
