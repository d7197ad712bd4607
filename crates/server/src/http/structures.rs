//! The structural level (handbook section 4.1): coordination agreements, and capacity-building
//! activities with their participants' questionnaires before and after.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::structures::{Agreement, CapacityActivity, Questionnaire};
use homeward_service::Services;
use homeward_service::agreements::{self, AgreementCorrection, AgreementView};
use homeward_service::capacity::{self, ActivityView, NewActivityParticipant};

/// Records an agreement: SOP, MoU, data-sharing agreement (only by those who keep the
/// directory) or coordination body.
#[utoipa::path(post, path = "/api/v1/agreements", operation_id = "create_agreement", tag = "structures",
    request_body = Agreement,
    responses((status = 201, body = AgreementView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_agreement(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(agreement): Body<Agreement>,
) -> ApiResult<(StatusCode, Json<AgreementView>)> {
    Ok((StatusCode::CREATED, Json(agreements::create(&state, &caller, agreement).await?)))
}

/// The agreements of the caller's offices, each with where it stands today.
#[utoipa::path(get, path = "/api/v1/agreements", operation_id = "list_agreements", tag = "structures",
    responses((status = 200, body = Vec<AgreementView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_agreements(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<AgreementView>>> {
    Ok(Json(agreements::list(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/agreements/{agreement_id}", operation_id = "read_agreement", tag = "structures",
    params(("agreement_id" = String, Path)),
    responses((status = 200, body = AgreementView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_agreement(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<AgreementView>> {
    Ok(Json(agreements::read(&state, &caller, &id).await?))
}

/// Corrects or renews an agreement, with the version last read.
#[utoipa::path(put, path = "/api/v1/agreements/{agreement_id}", operation_id = "update_agreement", tag = "structures",
    params(("agreement_id" = String, Path)), request_body = AgreementCorrection,
    responses((status = 200, body = AgreementView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_agreement(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(correction): Body<AgreementCorrection>,
) -> ApiResult<Json<AgreementView>> {
    Ok(Json(agreements::update(&state, &caller, &id, correction).await?))
}

/// Records a capacity-building activity (Table 4.6).
#[utoipa::path(post, path = "/api/v1/capacity-activities", operation_id = "create_capacity_activity", tag = "structures",
    request_body = CapacityActivity,
    responses((status = 201, body = ActivityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create_activity(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(activity): Body<CapacityActivity>,
) -> ApiResult<(StatusCode, Json<ActivityView>)> {
    Ok((StatusCode::CREATED, Json(capacity::create(&state, &caller, activity).await?)))
}

/// The capacity-building activities of the caller's offices, latest first.
#[utoipa::path(get, path = "/api/v1/capacity-activities", operation_id = "list_capacity_activities", tag = "structures",
    responses((status = 200, body = Vec<ActivityView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_activities(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<ActivityView>>> {
    Ok(Json(capacity::list(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/capacity-activities/{activity_id}", operation_id = "read_capacity_activity", tag = "structures",
    params(("activity_id" = String, Path)),
    responses((status = 200, body = ActivityView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_activity(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(capacity::read(&state, &caller, &id).await?))
}

/// Adds a stakeholder of the office's map to an activity's participants.
#[utoipa::path(post, path = "/api/v1/capacity-activities/{activity_id}/participants", operation_id = "add_capacity_participant", tag = "structures",
    params(("activity_id" = String, Path)), request_body = NewActivityParticipant,
    responses((status = 200, body = ActivityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_participant(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(participant): Body<NewActivityParticipant>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(capacity::add_participant(&state, &caller, &id, participant).await?))
}

/// Records a participant's questionnaire before or after the activity (again: corrects it).
#[utoipa::path(put, path = "/api/v1/capacity-activities/{activity_id}/participants/{stakeholder_id}/questionnaire",
    operation_id = "answer_capacity_questionnaire", tag = "structures",
    params(("activity_id" = String, Path), ("stakeholder_id" = String, Path)), request_body = Questionnaire,
    responses((status = 200, body = ActivityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn answer(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path((id, stakeholder)): Path<(String, String)>,
    Body(questionnaire): Body<Questionnaire>,
) -> ApiResult<Json<ActivityView>> {
    Ok(Json(capacity::answer(&state, &caller, &id, &stakeholder, questionnaire).await?))
}
