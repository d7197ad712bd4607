//! Mentoring (seed 002): mentors, the mentorships of a case with their selection and sessions.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::mentoring::{Mentor, MentoringSession, MentorshipStart};
use homeward_service::Services;
use homeward_service::mentoring::{
    self, MentorCorrection, MentorView, MentorshipClosing, MentorshipLine, MentorshipView,
};

/// Adds a mentor from the community.
#[utoipa::path(post, path = "/api/v1/mentors", operation_id = "create_mentor", tag = "mentoring",
    request_body = Mentor,
    responses((status = 201, body = MentorView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_mentor(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(mentor): Body<Mentor>,
) -> ApiResult<(StatusCode, Json<MentorView>)> {
    Ok((StatusCode::CREATED, Json(mentoring::create_mentor(&state, &caller, mentor).await?)))
}

/// The mentors of the caller's offices.
#[utoipa::path(get, path = "/api/v1/mentors", operation_id = "list_mentors", tag = "mentoring",
    responses((status = 200, body = Vec<MentorView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_mentors(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<MentorView>>> {
    Ok(Json(mentoring::mentors(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/mentors/{mentor_id}", operation_id = "read_mentor", tag = "mentoring",
    params(("mentor_id" = String, Path)),
    responses((status = 200, body = MentorView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_mentor(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<MentorView>> {
    Ok(Json(mentoring::read_mentor(&state, &caller, &id).await?))
}

/// Corrects a mentor, with the version last read.
#[utoipa::path(put, path = "/api/v1/mentors/{mentor_id}", operation_id = "update_mentor", tag = "mentoring",
    params(("mentor_id" = String, Path)), request_body = MentorCorrection,
    responses((status = 200, body = MentorView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_mentor(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(correction): Body<MentorCorrection>,
) -> ApiResult<Json<MentorView>> {
    Ok(Json(mentoring::update_mentor(&state, &caller, &id, correction).await?))
}

/// The mentorships of the caller's offices (case numbers, mentors, dates).
#[utoipa::path(get, path = "/api/v1/mentorships", operation_id = "list_mentorships", tag = "mentoring",
    responses((status = 200, body = Vec<MentorshipLine>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_mentorships(
    State(state): State<Services>,
    Auth(caller): Auth,
) -> ApiResult<Json<Vec<MentorshipLine>>> {
    Ok(Json(mentoring::mentorships(&state, &caller).await?))
}

/// A case's mentorships with their sessions (the psychosocial part only with that section).
#[utoipa::path(get, path = "/api/v1/cases/{case_id}/mentorships", operation_id = "list_case_mentorships", tag = "mentoring",
    params(("case_id" = String, Path)),
    responses((status = 200, body = Vec<MentorshipView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn of_case(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
) -> ApiResult<Json<Vec<MentorshipView>>> {
    Ok(Json(mentoring::of_case(&state, &caller, &case_id).await?))
}

/// Starts a mentorship after the selection (location and willingness must hold).
#[utoipa::path(post, path = "/api/v1/cases/{case_id}/mentorships", operation_id = "start_mentorship", tag = "mentoring",
    params(("case_id" = String, Path)), request_body = MentorshipStart,
    responses((status = 201, body = MentorshipView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn start(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(case_id): Path<String>,
    Body(start): Body<MentorshipStart>,
) -> ApiResult<(StatusCode, Json<MentorshipView>)> {
    Ok((StatusCode::CREATED, Json(mentoring::start(&state, &caller, &case_id, start).await?)))
}

/// Ends a mentorship, with the version last read.
#[utoipa::path(post, path = "/api/v1/cases/{case_id}/mentorships/{mentorship_id}/end", operation_id = "end_mentorship", tag = "mentoring",
    params(("case_id" = String, Path), ("mentorship_id" = String, Path)), request_body = MentorshipClosing,
    responses((status = 200, body = MentorshipView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn end(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, id)): Path<(String, String)>,
    Body(closing): Body<MentorshipClosing>,
) -> ApiResult<Json<MentorshipView>> {
    Ok(Json(mentoring::end(&state, &caller, &case_id, &id, closing).await?))
}

/// Records a mentoring session's notes.
#[utoipa::path(post, path = "/api/v1/cases/{case_id}/mentorships/{mentorship_id}/sessions", operation_id = "add_mentoring_session", tag = "mentoring",
    params(("case_id" = String, Path), ("mentorship_id" = String, Path)), request_body = MentoringSession,
    responses((status = 201, body = MentorshipView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_session(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((case_id, id)): Path<(String, String)>,
    Body(session): Body<MentoringSession>,
) -> ApiResult<(StatusCode, Json<MentorshipView>)> {
    Ok((StatusCode::CREATED, Json(mentoring::add_session(&state, &caller, &case_id, &id, session).await?)))
}
