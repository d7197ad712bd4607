//! The community level (handbook Module 3): community profiles, and community-based projects with
//! their screening, moves, participants and ledger.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use homeward_domain::community::{
    CommunityProfile, LedgerLine, NewParticipant, ProjectProposal, SatisfactionAnswer, Stakeholder,
};
use homeward_service::Services;
use homeward_service::communities::{self as community, CommunityView, ProfileCorrection};
use homeward_service::community_projects::{
    self as projects, Ledger, ParticipantView, Participants, ProjectStep, ProjectView, Satisfaction, ScreeningInput,
};
use homeward_service::stakeholders::{self, StakeholderCorrection, StakeholderView};

/// Records a community's profile (Table 3.1).
#[utoipa::path(post, path = "/api/v1/communities", operation_id = "create_community", tag = "communities",
    request_body = CommunityProfile,
    responses((status = 201, body = CommunityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(profile): Body<CommunityProfile>,
) -> ApiResult<(StatusCode, Json<CommunityView>)> {
    Ok((StatusCode::CREATED, Json(community::create(&state, &caller, profile).await?)))
}

/// The communities of the caller's offices.
#[utoipa::path(get, path = "/api/v1/communities", operation_id = "list_communities", tag = "communities",
    responses((status = 200, body = Vec<CommunityView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<CommunityView>>> {
    Ok(Json(community::list(&state, &caller).await?))
}

/// A community's profile and, for those who see names, the returnees whose community it is.
#[utoipa::path(get, path = "/api/v1/communities/{community_id}", operation_id = "read_community", tag = "communities",
    params(("community_id" = String, Path)),
    responses((status = 200, body = CommunityView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<CommunityView>> {
    Ok(Json(community::read(&state, &caller, &id).await?))
}

/// Corrects a community's profile, with the version last read.
#[utoipa::path(put, path = "/api/v1/communities/{community_id}", operation_id = "update_community", tag = "communities",
    params(("community_id" = String, Path)), request_body = ProfileCorrection,
    responses((status = 200, body = CommunityView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(correction): Body<ProfileCorrection>,
) -> ApiResult<Json<CommunityView>> {
    Ok(Json(community::update(&state, &caller, &id, correction).await?))
}

/// Proposes a community-based project in a community of the caller's offices.
#[utoipa::path(post, path = "/api/v1/community-projects", operation_id = "propose_project", tag = "communities",
    request_body = ProjectProposal,
    responses((status = 201, body = ProjectView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn propose(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(proposal): Body<ProjectProposal>,
) -> ApiResult<(StatusCode, Json<ProjectView>)> {
    Ok((StatusCode::CREATED, Json(projects::propose(&state, &caller, proposal).await?)))
}

/// The projects of the caller's offices, newest first.
#[utoipa::path(get, path = "/api/v1/community-projects", operation_id = "list_projects", tag = "communities",
    responses((status = 200, body = Vec<ProjectView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_projects(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<ProjectView>>> {
    Ok(Json(projects::list(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/community-projects/{project_id}", operation_id = "read_project", tag = "communities",
    params(("project_id" = String, Path)),
    responses((status = 200, body = ProjectView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_project(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(projects::read(&state, &caller, &id).await?))
}

/// Records the project's screening against Table 3.2: every criterion met or not, with a reason.
#[utoipa::path(put, path = "/api/v1/community-projects/{project_id}/screening", operation_id = "screen_project",
    tag = "communities", params(("project_id" = String, Path)), request_body = ScreeningInput,
    responses((status = 200, body = ProjectView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn screen(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(input): Body<ScreeningInput>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(projects::screen(&state, &caller, &id, input).await?))
}

/// Approves, starts, completes or abandons a project (409 for a move its state does not allow;
/// 422 for an approval of a project meeting a negative criterion without a justification).
#[utoipa::path(post, path = "/api/v1/community-projects/{project_id}/moves", operation_id = "move_project",
    tag = "communities", params(("project_id" = String, Path)), request_body = ProjectStep,
    responses((status = 200, body = ProjectView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn step(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(step): Body<ProjectStep>,
) -> ApiResult<Json<ProjectView>> {
    Ok(Json(projects::step(&state, &caller, &id, step).await?))
}

/// Adds a participant: a returnee by a case of the caller's offices, or a community member.
#[utoipa::path(post, path = "/api/v1/community-projects/{project_id}/participants", operation_id = "add_participant",
    tag = "communities", params(("project_id" = String, Path)), request_body = NewParticipant,
    responses((status = 201, body = ParticipantView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_participant(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(participant): Body<NewParticipant>,
) -> ApiResult<(StatusCode, Json<ParticipantView>)> {
    Ok((StatusCode::CREATED, Json(projects::add_participant(&state, &caller, &id, participant).await?)))
}

/// The project's participants with their counts (names only for those who see them).
#[utoipa::path(get, path = "/api/v1/community-projects/{project_id}/participants", operation_id = "list_participants",
    tag = "communities", params(("project_id" = String, Path)),
    responses((status = 200, body = Participants), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn participants(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Participants>> {
    Ok(Json(projects::participants(&state, &caller, &id).await?))
}

/// Adds a line to the project's ledger: planned (the budget) or spent (once approved).
#[utoipa::path(post, path = "/api/v1/community-projects/{project_id}/ledger", operation_id = "add_ledger_line",
    tag = "communities", params(("project_id" = String, Path)), request_body = LedgerLine,
    responses((status = 201, body = Ledger), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_ledger_line(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(line): Body<LedgerLine>,
) -> ApiResult<(StatusCode, Json<Ledger>)> {
    Ok((StatusCode::CREATED, Json(projects::add_ledger_line(&state, &caller, &id, line).await?)))
}

/// The project's ledger: its lines, and planned against spent per currency.
#[utoipa::path(get, path = "/api/v1/community-projects/{project_id}/ledger", operation_id = "project_ledger",
    tag = "communities", params(("project_id" = String, Path)),
    responses((status = 200, body = Ledger), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn ledger(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Ledger>> {
    Ok(Json(projects::ledger(&state, &caller, &id).await?))
}

/// Records an answer to the project's participant satisfaction survey (4 to 6 months after its
/// start): it feeds the community indicator.
#[utoipa::path(post, path = "/api/v1/community-projects/{project_id}/satisfaction", operation_id = "record_satisfaction",
    tag = "communities", params(("project_id" = String, Path)), request_body = SatisfactionAnswer,
    responses((status = 201, body = Satisfaction), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 415, body = ErrorBody),
        (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn record_satisfaction(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(answer): Body<SatisfactionAnswer>,
) -> ApiResult<(StatusCode, Json<Satisfaction>)> {
    Ok((StatusCode::CREATED, Json(projects::record_satisfaction(&state, &caller, &id, answer).await?)))
}

/// The project's participant satisfaction survey: its answers, and the community members satisfied.
#[utoipa::path(get, path = "/api/v1/community-projects/{project_id}/satisfaction", operation_id = "project_satisfaction",
    tag = "communities", params(("project_id" = String, Path)),
    responses((status = 200, body = Satisfaction), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn satisfaction(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Satisfaction>> {
    Ok(Json(projects::satisfaction(&state, &caller, &id).await?))
}

/// Adds a stakeholder to an office's map (Table 4.1, Annex 6).
#[utoipa::path(post, path = "/api/v1/stakeholders", operation_id = "add_stakeholder", tag = "communities",
    request_body = Stakeholder,
    responses((status = 201, body = StakeholderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn add_stakeholder(
    State(state): State<Services>,
    Auth(caller): Auth,
    Body(stakeholder): Body<Stakeholder>,
) -> ApiResult<(StatusCode, Json<StakeholderView>)> {
    Ok((StatusCode::CREATED, Json(stakeholders::create(&state, &caller, stakeholder).await?)))
}

/// The stakeholder map of the caller's offices.
#[utoipa::path(get, path = "/api/v1/stakeholders", operation_id = "list_stakeholders", tag = "communities",
    responses((status = 200, body = Vec<StakeholderView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list_stakeholders(
    State(state): State<Services>,
    Auth(caller): Auth,
) -> ApiResult<Json<Vec<StakeholderView>>> {
    Ok(Json(stakeholders::list(&state, &caller).await?))
}

#[utoipa::path(get, path = "/api/v1/stakeholders/{stakeholder_id}", operation_id = "read_stakeholder", tag = "communities",
    params(("stakeholder_id" = String, Path)),
    responses((status = 200, body = StakeholderView), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn read_stakeholder(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<StakeholderView>> {
    Ok(Json(stakeholders::read(&state, &caller, &id).await?))
}

/// Corrects a stakeholder, with the version last read.
#[utoipa::path(put, path = "/api/v1/stakeholders/{stakeholder_id}", operation_id = "update_stakeholder", tag = "communities",
    params(("stakeholder_id" = String, Path)), request_body = StakeholderCorrection,
    responses((status = 200, body = StakeholderView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
        (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn update_stakeholder(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
    Body(correction): Body<StakeholderCorrection>,
) -> ApiResult<Json<StakeholderView>> {
    Ok(Json(stakeholders::update(&state, &caller, &id, correction).await?))
}
