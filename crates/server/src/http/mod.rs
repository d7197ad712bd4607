//! The endpoints, one module per resource. Each handler is an adapter: it reads the request
//! (path, query, JSON body, bearer token), calls the operation in `homeward_service`, and turns
//! the answer or the refusal into a response. No rule, query or audit entry is decided here.

pub mod analyses;
pub mod cases;
pub mod catalogue;
pub mod communities;
pub mod documents;
pub mod exports;
pub mod handovers;
pub mod health;
pub mod indicators;
pub mod mentoring;
pub mod openrosa;
pub mod packets;
pub mod plans;
pub mod providers;
pub mod records;
pub mod referrals;
pub mod retention;
pub mod session;
pub mod structures;
pub mod surveys;
pub mod users;

use axum::Router;
use axum::routing::{get, post, put};
use homeward_service::Services;

use crate::error::ApiError;

pub fn routes() -> Router<Services> {
    let api = Router::new()
        .route("/openapi.json", get(crate::openapi::document))
        .route("/docs", get(crate::docs::page))
        .route("/docs.css", get(crate::docs::stylesheet))
        .route("/session", post(session::sign_in).get(session::current).delete(session::sign_out))
        .route("/session/language", put(users::set_language))
        .route("/users", post(users::create).get(users::list))
        .route("/users/{username}", put(users::update))
        .route("/users/{username}/unlock", post(users::unlock))
        .route("/grant-requests", get(users::pending_grants))
        .route("/grant-requests/{id}/decision", post(users::decide_grant))
        .route("/consent-overrides", get(referrals::overrides))
        .route("/offices", get(users::offices).post(users::create_office))
        .route("/offices/{name}", put(users::update_office))
        .route("/programme", get(users::programme))
        .route("/programme/rescore", post(users::rescore))
        .route("/retention/purge", post(retention::purge))
        .route(
            "/cases/{id}/legal-hold",
            get(retention::read_hold).put(retention::place_hold).delete(retention::lift_hold),
        )
        .route("/indicators", get(indicators::list))
        .route("/analyses/summary", get(analyses::summary))
        .route("/analyses/change", get(analyses::change))
        .route("/analyses/regression", get(analyses::regression))
        .route("/cases", post(cases::register).get(cases::list))
        .route("/worklist", get(cases::worklist))
        .route("/cases/duplicates", post(cases::duplicates))
        .route("/cases/confirmed", post(cases::register_confirmed))
        .route("/cases/{id}", get(cases::read).put(cases::update))
        .route("/cases/{id}/transitions", post(cases::transition))
        .route("/cases/{id}/merge", post(cases::merge))
        .route("/cases/{id}/timeline", get(cases::timeline))
        .route("/cases/{id}/own-file", get(cases::own_file))
        .route("/exports/cases", get(exports::cases))
        .route("/communities", get(communities::list).post(communities::create))
        .route("/communities/{id}", get(communities::read).put(communities::update))
        .route("/community-projects", get(communities::list_projects).post(communities::propose))
        .route("/community-projects/{id}", get(communities::read_project))
        .route("/community-projects/{id}/screening", put(communities::screen))
        .route("/community-projects/{id}/moves", post(communities::step))
        .route(
            "/community-projects/{id}/participants",
            get(communities::participants).post(communities::add_participant),
        )
        .route("/community-projects/{id}/ledger", get(communities::ledger).post(communities::add_ledger_line))
        .route("/stakeholders", get(communities::list_stakeholders).post(communities::add_stakeholder))
        .route("/stakeholders/{id}", get(communities::read_stakeholder).put(communities::update_stakeholder))
        .route("/agreements", get(structures::list_agreements).post(structures::create_agreement))
        .route("/agreements/{id}", get(structures::read_agreement).put(structures::update_agreement))
        .route("/capacity-activities", get(structures::list_activities).post(structures::create_activity))
        .route("/capacity-activities/{id}", get(structures::read_activity))
        .route("/capacity-activities/{id}/participants", post(structures::add_participant))
        .route("/capacity-activities/{id}/participants/{stakeholder}/questionnaire", put(structures::answer))
        .route("/mentors", get(mentoring::list_mentors).post(mentoring::create_mentor))
        .route("/mentors/{id}", get(mentoring::read_mentor).put(mentoring::update_mentor))
        .route("/mentorships", get(mentoring::list_mentorships))
        .route("/cases/{id}/mentorships", get(mentoring::of_case).post(mentoring::start))
        .route("/cases/{id}/mentorships/{mentorship}/end", post(mentoring::end))
        .route("/cases/{id}/mentorships/{mentorship}/sessions", post(mentoring::add_session))
        .route(
            "/community-projects/{id}/satisfaction",
            get(communities::satisfaction).post(communities::record_satisfaction),
        )
        .route("/cases/{id}/handovers", post(handovers::prepare))
        .route("/handovers", get(handovers::list))
        .route("/handovers/{id}", get(handovers::read))
        .route("/handovers/{id}/moves", post(handovers::step))
        .route("/handovers/{id}/file", get(handovers::file))
        .route("/handovers/files", post(handovers::import))
        .route("/installation", get(handovers::installation))
        .route("/installations", get(handovers::partners).post(handovers::register_partner))
        .route("/cases/{id}/documents", get(documents::list).post(documents::add))
        .route("/documents/{id}", get(documents::read))
        .route("/documents/{id}/content", get(documents::content))
        .route("/documents/{id}/removal", post(documents::remove))
        .route("/cases/{id}/audit", get(cases::access_log))
        .route("/cases/{id}/due-dates", get(catalogue::due_dates))
        .route("/feasibility-grid", get(catalogue::grid))
        .route("/cases/{id}/surveys", post(surveys::take).get(surveys::list))
        .route("/cases/{id}/surveys/{survey_id}", get(surveys::read))
        .route("/surveys/imports", post(surveys::import))
        .route("/cases/{id}/plans", post(plans::draft).get(plans::list))
        .route("/cases/{id}/plans/{plan_id}", get(plans::read).put(plans::edit))
        .route("/cases/{id}/plans/{plan_id}/transitions", post(plans::transition))
        .route("/cases/{id}/referrals", post(referrals::propose).get(referrals::list))
        .route("/cases/{id}/referrals/{referral_id}", get(referrals::read))
        .route("/cases/{id}/referrals/{referral_id}/transitions", post(referrals::step))
        .route("/providers", post(providers::add).get(providers::list))
        .route("/providers/{provider_id}", get(providers::read).put(providers::edit))
        .route("/referral-packets", get(packets::list))
        .route("/referral-packets/{referral_id}", get(packets::read))
        .route("/referral-packets/{referral_id}/transitions", post(packets::step))
        .merge(records::routes());
    Router::new()
        .route("/healthz", get(health::healthz))
        .nest("/api/v1", api)
        .nest("/openrosa", openrosa::routes())
        .fallback(not_found)
        .layer(axum::middleware::from_fn(refuse_nul))
}

/// No identifier or filter contains a NUL character; PostgreSQL could not even compare one, so
/// it is refused here with a clear 400 rather than reaching the database.
async fn refuse_nul(request: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    use axum::response::IntoResponse;
    let uri = request.uri();
    let target = format!("{}?{}", uri.path(), uri.query().unwrap_or(""));
    let decoded = form_urlencoded::parse(target.as_bytes()).any(|(k, v)| k.contains('\0') || v.contains('\0'));
    if decoded || target.to_ascii_lowercase().contains("%00") {
        return ApiError::BadRequest("the address contains a NUL character".into(), vec![]).into_response();
    }
    next.run(request).await
}

async fn not_found() -> ApiError {
    ApiError::NotFound
}
