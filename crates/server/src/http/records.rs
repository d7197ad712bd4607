//! The records kept on a case: the same four endpoints for every kind (add, list, read,
//! correct), each a thin adapter over `homeward_service::records`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use homeward_domain::records::*;
use homeward_service::Services;
use homeward_service::records::{self as svc, Correction};
use homeward_service::views::RecordView;

use crate::error::{ApiResult, ErrorBody};
use crate::extract::{Auth, Body, Idempotency};

/// The four endpoints of one kind, with their OpenAPI descriptions.
macro_rules! record_endpoints {
    ($module:ident, $ty:ident, $op:literal, $ops:literal, $tag:literal, $collection:literal, $item:literal) => {
        pub mod $module {
            use super::*;

            #[utoipa::path(post, path = $collection, operation_id = concat!("add_", $op), tag = $tag, params(("id" = String, Path, description = "case id"),
                    ("Idempotency-Key" = Option<String>, Header, description = "names this creation: sent again, it answers the record made the first time")),
                request_body = $ty,
                responses((status = 201, body = RecordView<$ty>), (status = 400, body = ErrorBody),
                    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                    (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn create(State(s): State<Services>, Auth(caller): Auth, Path(id): Path<String>, Idempotency(key): Idempotency, Body(body): Body<$ty>)
                -> ApiResult<(StatusCode, Json<RecordView<$ty>>)> {
                Ok((StatusCode::CREATED, Json(svc::create_once::<$ty>(&s, &caller, &id, body, key).await?)))
            }

            #[utoipa::path(get, path = $collection, operation_id = concat!("list_", $ops), tag = $tag, params(("id" = String, Path, description = "case id")),
                responses((status = 200, body = [RecordView<$ty>]), (status = 401, body = ErrorBody),
                    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn list(State(s): State<Services>, Auth(caller): Auth, Path(id): Path<String>)
                -> ApiResult<Json<Vec<RecordView<$ty>>>> {
                Ok(Json(svc::list::<$ty>(&s, &caller, &id).await?))
            }

            #[utoipa::path(get, path = $item, operation_id = concat!("read_", $op), tag = $tag,
                params(("id" = String, Path, description = "case id"), ("record_id" = String, Path)),
                responses((status = 200, body = RecordView<$ty>), (status = 401, body = ErrorBody),
                    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn read(State(s): State<Services>, Auth(caller): Auth, Path((id, record_id)): Path<(String, String)>)
                -> ApiResult<Json<RecordView<$ty>>> {
                Ok(Json(svc::read::<$ty>(&s, &caller, &id, &record_id).await?))
            }

            #[utoipa::path(put, path = $item, operation_id = concat!("correct_", $op), tag = $tag,
                params(("id" = String, Path, description = "case id"), ("record_id" = String, Path)),
                request_body = Correction<$ty>,
                responses((status = 200, body = RecordView<$ty>), (status = 400, body = ErrorBody),
                    (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
                    (status = 409, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody)),
                security(("bearer" = [])))]
            pub async fn update(State(s): State<Services>, Auth(caller): Auth, Path((id, record_id)): Path<(String, String)>,
                Body(body): Body<Correction<$ty>>) -> ApiResult<Json<RecordView<$ty>>> {
                Ok(Json(svc::update::<$ty>(&s, &caller, &id, &record_id, body).await?))
            }

            pub fn routes() -> Router<Services> {
                let strip = |p: &str| p.trim_start_matches("/api/v1").to_string();
                Router::new()
                    .route(&strip($collection), post(create).get(list))
                    .route(&strip($item), get(read).put(update))
            }
        }
    };
}

record_endpoints!(
    household_members,
    HouseholdMember,
    "household_member",
    "household_members",
    "household",
    "/api/v1/cases/{id}/household-members",
    "/api/v1/cases/{id}/household-members/{record_id}"
);
record_endpoints!(
    consents,
    ConsentRecord,
    "consent",
    "consents",
    "consents",
    "/api/v1/cases/{id}/consents",
    "/api/v1/cases/{id}/consents/{record_id}"
);
record_endpoints!(
    counselling_sessions,
    CounsellingSession,
    "counselling_session",
    "counselling_sessions",
    "counselling",
    "/api/v1/cases/{id}/counselling-sessions",
    "/api/v1/cases/{id}/counselling-sessions/{record_id}"
);
record_endpoints!(
    vulnerability_assessments,
    VulnerabilityAssessment,
    "vulnerability_assessment",
    "vulnerability_assessments",
    "assessments",
    "/api/v1/cases/{id}/vulnerability-assessments",
    "/api/v1/cases/{id}/vulnerability-assessments/{record_id}"
);
record_endpoints!(
    risk_assessments,
    RiskAssessment,
    "risk_assessment",
    "risk_assessments",
    "assessments",
    "/api/v1/cases/{id}/risk-assessments",
    "/api/v1/cases/{id}/risk-assessments/{record_id}"
);
record_endpoints!(
    skills_assessments,
    SkillsAssessment,
    "skills_assessment",
    "skills_assessments",
    "assessments",
    "/api/v1/cases/{id}/skills-assessments",
    "/api/v1/cases/{id}/skills-assessments/{record_id}"
);
record_endpoints!(
    feasibility_checks,
    FeasibilityCheck,
    "feasibility_check",
    "feasibility_checks",
    "plans",
    "/api/v1/cases/{id}/feasibility-checks",
    "/api/v1/cases/{id}/feasibility-checks/{record_id}"
);
record_endpoints!(
    assistance,
    Assistance,
    "assistance",
    "assistance",
    "assistance",
    "/api/v1/cases/{id}/assistance",
    "/api/v1/cases/{id}/assistance/{record_id}"
);
record_endpoints!(
    follow_ups,
    FollowUp,
    "follow_up",
    "follow_ups",
    "follow-ups",
    "/api/v1/cases/{id}/follow-ups",
    "/api/v1/cases/{id}/follow-ups/{record_id}"
);
record_endpoints!(
    sensitive_notes,
    SensitiveNote,
    "sensitive_note",
    "sensitive_notes",
    "sensitive notes",
    "/api/v1/cases/{id}/sensitive-notes",
    "/api/v1/cases/{id}/sensitive-notes/{record_id}"
);
record_endpoints!(
    unmet_needs,
    UnmetNeed,
    "unmet_need",
    "unmet_needs",
    "unmet needs",
    "/api/v1/cases/{id}/unmet-needs",
    "/api/v1/cases/{id}/unmet-needs/{record_id}"
);

/// Every record kind's routes.
pub fn routes() -> Router<Services> {
    Router::new()
        .merge(household_members::routes())
        .merge(consents::routes())
        .merge(counselling_sessions::routes())
        .merge(vulnerability_assessments::routes())
        .merge(risk_assessments::routes())
        .merge(skills_assessments::routes())
        .merge(feasibility_checks::routes())
        .merge(assistance::routes())
        .merge(follow_ups::routes())
        .merge(sensitive_notes::routes())
        .merge(unmet_needs::routes())
}
