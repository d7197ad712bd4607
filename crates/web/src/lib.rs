//! The web app for case workers, served by `homeward serve` beside the API: server-rendered
//! HTML that works without JavaScript, in the user's language (`data/i18n`). Every page calls the
//! operations of `homeward-service`, so access rules, validation and audit are the API's.
//!
//! - `layout`: what every page shares (rendering, the message page, failures); `session`:
//!   the cookie and CSRF; `sign_in`;
//! - `caseload`, `case_page`, `register`, `case_records` (record forms as data, `forms`),
//!   `consents`, `follow_ups`, `survey`, `plan` (the editor, checklists, printable plan),
//!   `referrals`, `closure`, `packets` (what a partner sees);
//! - `indicators`, `dashboard` (its model and workbook), `report` (workbook helpers);
//! - `admin` (accounts, offices, directory, the programme's data, one's own settings).

mod admin;
mod case_page;
mod case_records;
mod caseload;
mod caseload_import;
mod closure;
mod collect;
mod communities;
mod compress;
mod consents;
mod dashboard;
mod documents;
mod exports;
mod follow_ups;
mod form_view;
mod handovers;
mod imports;
mod indicators;
mod layout;
mod mentoring;
mod merge;
mod own_file;
mod packets;
mod plan;
mod progress;
mod referrals;
mod register;
mod report;
pub mod session;

// Languages and record forms are shared with the API and the command line; the pages reach them
// by their old paths.
pub use homeward_present::{forms, i18n};
mod sign_in;
mod stakeholders;
mod structures;
mod survey;
mod upload;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use homeward_service::Services;

const STYLESHEET: &str = include_str!("../static/homeward.css");
const SURVEY_SCRIPT: &str = include_str!("../static/survey.js");
const DRAFTS_SCRIPT: &str = include_str!("../static/drafts.js");
const SUGGEST_SCRIPT: &str = include_str!("../static/suggest.js");
const CHOOSE_SCRIPT: &str = include_str!("../static/choose.js");

/// The API and the web app together, with the default time limits and no trusted proxy.
pub fn app(state: Services) -> Router {
    app_with(state, &homeward_server::hardening::Hardening::default())
}

/// The API and the web app together, hardened as the deployment says (see
/// `homeward_server::hardening`).
pub fn app_with(state: Services, hardening: &homeward_server::hardening::Hardening) -> Router {
    let pages = Router::new()
        .route("/", get(caseload::caseload))
        .route("/sign-in", get(sign_in::sign_in_form).post(sign_in::sign_in))
        .route("/sign-out", post(sign_in::sign_out))
        .route("/cases/new", get(register::form).post(register::register))
        .route("/cases/{id}", get(case_page::case))
        .route("/cases/{id}/edit", get(register::edit_form).post(register::edit))
        .route("/cases/{id}/move", post(case_page::move_case))
        .route("/cases/{id}/merge", get(merge::review).post(merge::merge))
        .route("/cases/{id}/consents", post(consents::record))
        .route("/cases/{id}/follow-ups", post(follow_ups::record))
        .route("/cases/{id}/plan", get(plan::show))
        .route("/cases/{id}/plan/start", post(plan::start))
        .route("/cases/{id}/plan/print", get(plan::print))
        .route("/cases/{id}/plan/checks", post(plan::check))
        .route("/cases/{id}/plan/{plan_id}", post(plan::save))
        .route("/cases/{id}/plan/{plan_id}/step", post(plan::step))
        .route("/cases/{id}/referrals", get(referrals::show).post(referrals::propose))
        .route("/cases/{id}/referrals/{referral_id}/step", post(referrals::step))
        .route("/settings", get(admin::settings))
        .route("/settings/language", post(admin::set_language))
        .route("/admin/users", get(admin::users_list).post(admin::user_create))
        .route("/admin/users/{username}", get(admin::user_form).post(admin::user_change))
        .route("/admin/grants/{id}", post(admin::grant_decide))
        .route("/admin/offices", get(admin::offices).post(admin::office_add))
        .route("/admin/offices/{name}", get(admin::office_form).post(admin::office_edit))
        .route("/admin/installations", get(admin::installations).post(admin::installation_add))
        .route("/admin/directory", get(admin::directory).post(admin::provider_add))
        .route("/admin/directory/{id}", get(admin::provider_form).post(admin::provider_edit))
        .route("/admin/grid", get(admin::grid))
        .route("/admin/timing", get(admin::timing))
        .route("/admin/programme", get(admin::programme))
        .route("/admin/programme/rescore", post(admin::rescore))
        .route("/indicators", get(indicators::show))
        .route("/dashboard", get(dashboard::show))
        .route("/dashboard.xlsx", get(dashboard::workbook))
        .route("/indicators.xlsx", get(indicators::workbook))
        .route("/packets", get(packets::show))
        .route("/packets/{referral_id}", get(packets::one))
        .route("/packets/{referral_id}/step", post(packets::step))
        .route("/cases/{id}/close", get(closure::form).post(closure::close))
        .route("/cases/{id}/records/{kind}", get(case_records::show).post(case_records::add))
        .route("/cases/{id}/records/{kind}/{record_id}", get(case_records::edit_form).post(case_records::edit))
        .route("/cases/{id}/surveys/new", get(survey::form))
        .route("/cases/{id}/surveys", post(survey::save))
        .route("/static/survey.js", get(|| async { script(SURVEY_SCRIPT) }))
        .route("/static/drafts.js", get(|| async { script(DRAFTS_SCRIPT) }))
        .route("/static/suggest.js", get(|| async { script(SUGGEST_SCRIPT) }))
        .route("/static/choose.js", get(|| async { script(CHOOSE_SCRIPT) }))
        .route("/suggest", get(caseload::suggest))
        .route("/forms/rss.xlsx", get(collect::rss_xlsform))
        .route("/forms/cases.csv", get(collect::case_list))
        .merge(imports::routes())
        .merge(caseload_import::routes())
        .merge(exports::routes())
        .merge(communities::routes())
        .merge(stakeholders::routes())
        .merge(structures::routes())
        .merge(mentoring::routes())
        .merge(documents::routes())
        .merge(handovers::routes())
        .route("/cases/{id}/own-file", get(own_file::page))
        .route("/cases/{id}/own-file.json", get(own_file::json))
        .route("/cases/{id}/consents/{consent_id}/withdraw", post(consents::withdraw))
        .route("/static/homeward.css", get(stylesheet))
        .layer(axum::middleware::from_fn(compress::gzip))
        .with_state(state.clone());
    let all = homeward_server::logging::with_request_log(homeward_server::routes(state).merge(pages));
    homeward_server::hardening::harden(all, hardening)
}

async fn stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], STYLESHEET)
}

/// A vendored script, cached by the browser for a day.
fn script(body: &'static str) -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=86400")], body)
}
