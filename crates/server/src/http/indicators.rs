//! The programme's indicators for a period (the results framework of the handbook's Table 5.4,
//! `data/programme/results-framework.toml`), computed from the case records by
//! `homeward-analytics`, each with its target, progress and breakdowns, small groups suppressed.
//! Only aggregates leave: the endpoint suits an M&E officer, who sees no names.

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Params};
use axum::Json;
use axum::extract::State;
use homeward_service::Services;
use homeward_service::indicators as svc;
use homeward_service::indicators::*;

/// Every indicator of the results framework for a period.
#[utoipa::path(get, path = "/api/v1/indicators", operation_id = "compute_indicators", tag = "monitoring", params(Period),
    responses((status = 200, body = IndicatorsView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
        (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<Services>,
    Auth(caller): Auth,
    Params(period): Params<Period>,
) -> ApiResult<Json<IndicatorsView>> {
    Ok(Json(svc::list(&state, &caller, period).await?))
}
