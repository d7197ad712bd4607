//! The OpenAPI 3.1 document, generated from the handlers' annotations and the types they read
//! and answer with, served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::http::{
    analyses, cases, catalogue, health, indicators, packets, plans, providers, records, referrals, session, surveys,
    users,
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
        users::list, users::create, users::update, users::offices, indicators::list, analyses::summary, analyses::change,
        analyses::regression,
        cases::register, cases::list, cases::read, cases::update, cases::transition, cases::timeline,
        cases::access_log, catalogue::due_dates, catalogue::grid,
        surveys::take, surveys::list, surveys::read,
        plans::draft, plans::list, plans::read, plans::edit, plans::transition,
        referrals::propose, referrals::list, referrals::read, referrals::step,
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
    modifiers(&BearerAuth)
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

/// `GET /api/v1/openapi.json`: public, so a client can be generated before anyone signs in.
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
