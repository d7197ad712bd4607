//! Programme data a client needs to build forms and read a case's calendar: the feasibility grid
//! of Annex 5 and what falls due in a case under its timing schedule.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::Auth;
use axum::Json;
use axum::extract::{Path, State};
use homeward_service::Services;
use homeward_service::catalogue as svc;
use homeward_service::catalogue::*;

/// The feasibility grid: the interventions plan components and feasibility checks refer to.
#[utoipa::path(get, path = "/api/v1/feasibility-grid", operation_id = "feasibility_grid", tag = "plans",
    responses((status = 200, body = Vec<InterventionView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn grid(State(state): State<Services>, Auth(caller): Auth) -> ApiResult<Json<Vec<InterventionView>>> {
    Ok(Json(svc::grid(&state, &caller).await?))
}

/// What falls due in the case under its schedule (plan, follow-ups, reports, RSS rounds),
/// counted from its return and, once agreed, its plan. Rules counted from the plan appear once
/// the plan is agreed.
#[utoipa::path(get, path = "/api/v1/cases/{id}/due-dates", operation_id = "case_due_dates", tag = "cases", params(("id" = String, Path)),
    responses((status = 200, body = Vec<DueView>), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn due_dates(
    State(state): State<Services>,
    Auth(caller): Auth,
    Path(id): Path<String>,
) -> ApiResult<Json<Vec<DueView>>> {
    Ok(Json(svc::due_dates(&state, &caller, &id).await?))
}
