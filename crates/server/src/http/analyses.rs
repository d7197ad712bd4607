//! The M&E analyses on the database: summary, change between rounds, regression. Aggregates
//! only; see `homeward_service::analyses`.

use axum::Json;
use axum::extract::State;
use homeward_analytics::summary::Summary;
use homeward_service::Services;
use homeward_service::analyses::{self as svc, ChangeQuery, ChangeView, RegressionQuery, RegressionView, SummaryQuery};

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Params};

/// Summarises an RSS score over the scored surveys of a period.
#[utoipa::path(get, path = "/api/v1/analyses/summary", operation_id = "summarise_scores", tag = "monitoring", params(SummaryQuery),
    responses((status = 200, body = Object), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn summary(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(q): Params<SummaryQuery>,
) -> ApiResult<Json<Summary>> {
    Ok(Json(svc::summary(&state, &caller, q).await?))
}

/// The change of an RSS score between two survey rounds, overall and by group.
#[utoipa::path(get, path = "/api/v1/analyses/change", operation_id = "measure_change", tag = "monitoring", params(ChangeQuery),
    responses((status = 200, body = ChangeView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn change(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(q): Params<ChangeQuery>,
) -> ApiResult<Json<ChangeView>> {
    Ok(Json(svc::change(&state, &caller, q).await?))
}

/// Fits a score on the returnees' attributes.
#[utoipa::path(get, path = "/api/v1/analyses/regression", operation_id = "fit_regression", tag = "monitoring", params(RegressionQuery),
    responses((status = 200, body = RegressionView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn regression(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(q): Params<RegressionQuery>,
) -> ApiResult<Json<RegressionView>> {
    Ok(Json(svc::regression(&state, &caller, q).await?))
}
