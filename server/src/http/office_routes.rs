//! `/api/v1`: the office's online actions, which are not sync: follow-ups, referral answers
//! and days, duplicate people, reassigning a case, appointing its case manager, the catalogue of
//! services (`docs/office-v1.md`).

use super::extract::{Actor, JsonBody, Path, Query};
use super::ApiState;
use crate::export::ExportFormat;
use app::api::ApiError;
use app::domain::audit::{AuditFilter, AuditRow};
use app::domain::device::{DeviceKey, DeviceKeyRequest, DeviceSummary, MarkLost};
use app::domain::duplicate::DuplicateView;
use app::domain::follow_up::ReferralDays;
use app::domain::indicator::{
    Adopt, CasesBehind, IndicatorDef, NationalView, PlanSummary, Report, Side, TemplateSummary,
};
use app::domain::protection::RestrictionChange;
use app::domain::referral::{self, IncomingReferral};
use app::domain::school::{EarlyWarning, School, SchoolInput, Thresholds};
use app::domain::service::{Service, ServiceInput};
use app::domain::sync::{self, FollowUpView};
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

type Answer<T> = Result<Json<T>, ApiError>;

/// Where the office's routes live.
pub const OFFICE_ROOT: &str = app::domain::sync::OFFICE_ROOT;

crate::body_limit!(referral::Answer, 16 * 1024, "{\"state\": …, \"feedback\": …}");

crate::body_limit!(sync::Reassign, 4096, "{\"field_worker_id\": …}");

crate::body_limit!(sync::Reopen, 4096, "{\"reason\": …}");

crate::body_limit!(RestrictionChange, 8192, "{\"restricted\": …, \"reason\": …}");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetDays {
    kind: String,
    days: u32,
}

crate::body_limit!(SetDays, 4096, "{\"kind\": …, \"days\": …}");

crate::body_limit!(
    crate::plans::Appointment,
    4096,
    "{\"case_manager_id\": …, \"decision\": …, \"decided_on\": …}"
);

crate::body_limit!(
    ServiceInput,
    8192,
    "{\"area\": …, \"names\": {\"sq\", \"sr\", \"tr\", \"en\"}, \"institution_id\": …, \"typical_days\": …}"
);

crate::body_limit!(
    SchoolInput,
    16 * 1024,
    "{\"name\": …, \"classes\": […], \"retired\": false}"
);

crate::body_limit!(
    Thresholds,
    4096,
    "{\"absent_days\": …, \"absence_run\": …, \"not_enrolled_days\": …, \"repeated_grade\": …, \"certificate_missing_days\": …}"
);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Retire {
    retired: bool,
}

crate::body_limit!(Retire, 1024, "{\"retired\": true}");

crate::body_limit!(DeviceKeyRequest, 1024, "{\"device_id\": \"…\"}");

crate::body_limit!(MarkLost, 4096, "{\"reason\": \"…\"}");

crate::body_limit!(
    IndicatorDef,
    16 * 1024,
    "{\"code\", \"objective\", \"title\", \"unit\", \"numerator\", \"denominator\", \"baseline\", \"targets\"}"
);

crate::body_limit!(Adopt, 1024, "{\"template\": \"obiliq-2026\"}");

/// A figure typed by hand for a period.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ByHand {
    code: String,
    from: NaiveDate,
    to: NaiveDate,
    value: f64,
}

crate::body_limit!(ByHand, 4096, "{\"code\": …, \"from\": …, \"to\": …, \"value\": …}");

#[derive(Deserialize)]
struct PeriodQuery {
    from: NaiveDate,
    to: NaiveDate,
}

#[derive(Deserialize)]
struct CasesQuery {
    code: String,
    side: Side,
    from: NaiveDate,
    to: NaiveDate,
}

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/follow-ups", get(follow_ups))
        .route("/referrals/incoming", get(incoming_referrals))
        .route("/referrals/{id}/answer", post(answer_referral))
        .route("/referral-days", get(referral_days).put(set_referral_days))
        .route("/duplicates", get(duplicates))
        .route("/duplicates/{id}/dismiss", post(dismiss_duplicate))
        .route("/duplicates/{id}/merge", post(merge_duplicate))
        .route("/cases/{id}/reassign", post(reassign))
        .route("/cases/{id}/case-manager", post(appoint_case_manager))
        .route("/cases/{id}/reopen", post(reopen_case))
        .route("/cases/{id}/restriction", post(change_restriction))
        .route("/audit", get(audit_trail))
        .route("/audit.csv", get(audit_export))
        .route("/device-key", post(device_key))
        .route("/devices", get(devices))
        .route("/devices/{id}/lost", post(mark_device_lost))
        .route("/services", get(services).post(add_service))
        .route("/services/{id}", put(change_service))
        .route("/services/{id}/retire", post(retire_service))
        .route("/schools", get(schools).post(add_school))
        .route("/schools/{id}", put(change_school))
        .route("/early-warning", get(early_warning).put(set_early_warning))
        .route("/dashboard.html", get(dashboard_html))
        .route("/exports/{file}", get(export_list))
        .route("/indicators/plans", get(indicator_plans).post(adopt_plan))
        .route("/indicators/templates", get(indicator_templates))
        .route("/indicators/national", get(national_indicators))
        .route("/indicators/plans/{id}/report", get(indicator_report))
        .route(
            "/indicators/plans/{id}/report.csv",
            get(|s, a, p, q| indicator_export(s, a, p, q, ExportFormat::Csv)),
        )
        .route(
            "/indicators/plans/{id}/report.xlsx",
            get(|s, a, p, q| indicator_export(s, a, p, q, ExportFormat::Xlsx)),
        )
        .route("/indicators/plans/{id}/cases", get(indicator_cases))
        .route(
            "/indicators/plans/{id}/cases.csv",
            get(|s, a, p, q| indicator_cases_export(s, a, p, q, ExportFormat::Csv)),
        )
        .route(
            "/indicators/plans/{id}/cases.xlsx",
            get(|s, a, p, q| indicator_cases_export(s, a, p, q, ExportFormat::Xlsx)),
        )
        .route("/indicators/plans/{id}/indicators/{code}", put(edit_indicator))
        .route("/indicators/plans/{id}/by-hand", put(type_by_hand))
}

async fn follow_ups(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<FollowUpView>> {
    Ok(Json(s.follow_ups.list(&a, chrono::Utc::now()).await?))
}

async fn incoming_referrals(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<IncomingReferral>> {
    Ok(Json(s.referrals.incoming(&a).await?))
}

async fn answer_referral(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(answer): JsonBody<referral::Answer>,
) -> Answer<IncomingReferral> {
    Ok(Json(s.referrals.answer(&a, id, answer, chrono::Utc::now()).await?))
}

async fn referral_days(State(s): State<ApiState>, Actor(a): Actor) -> Answer<ReferralDays> {
    Ok(Json(s.referrals.days(&a).await?))
}

async fn set_referral_days(
    State(s): State<ApiState>,
    Actor(a): Actor,
    JsonBody(r): JsonBody<SetDays>,
) -> Answer<ReferralDays> {
    Ok(Json(
        s.referrals.set_days(&a, &r.kind, r.days, chrono::Utc::now()).await?,
    ))
}

async fn duplicates(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<DuplicateView>> {
    Ok(Json(s.duplicates.list(&a).await?))
}

async fn dismiss_duplicate(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
) -> Result<StatusCode, ApiError> {
    s.duplicates.dismiss(&a, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn merge_duplicate(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
) -> Answer<serde_json::Value> {
    let kept = s.cases.merge_duplicate(&a, id, chrono::Utc::now()).await?;
    Ok(Json(serde_json::json!({ "kept": kept })))
}

async fn reassign(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<sync::Reassign>,
) -> Result<StatusCode, ApiError> {
    s.cases.reassign(&a, id, r.field_worker_id, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn appoint_case_manager(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<crate::plans::Appointment>,
) -> Result<StatusCode, ApiError> {
    s.plans.appoint(&a, id, &r, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn reopen_case(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<sync::Reopen>,
) -> Result<StatusCode, ApiError> {
    s.case_ends.reopen(&a, id, &r).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn change_restriction(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<RestrictionChange>,
) -> Result<StatusCode, ApiError> {
    s.cases.change_restriction(&a, id, &r).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The device key, once per password sign-in: the session's grant is taken whatever the answer.
async fn device_key(
    State(s): State<ApiState>,
    Actor(a): Actor,
    session: tower_sessions::Session,
    JsonBody(r): JsonBody<DeviceKeyRequest>,
) -> Answer<DeviceKey> {
    let granted = session
        .remove::<bool>(app::api::ssr::KEY_GRANT)
        .await
        .map_err(app::api::ssr::internal)?
        .unwrap_or(false);
    Ok(Json(s.devices.hand_key(&a, r.device_id, granted).await?))
}

async fn devices(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<DeviceSummary>> {
    Ok(Json(s.devices.list(&a).await?))
}

async fn mark_device_lost(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<MarkLost>,
) -> Result<StatusCode, ApiError> {
    s.devices.mark_lost(&a, id, &r.reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn audit_trail(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Query(f): Query<AuditFilter>,
) -> Answer<Vec<AuditRow>> {
    Ok(Json(s.audit.list(&a, &f).await?))
}

/// The trail as a CSV file that opens in Excel and LibreOffice.
async fn audit_export(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Query(f): Query<AuditFilter>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let bytes = s.audit.export_csv(&a, &f).await?;
    let name = format!(
        "attachment; filename=\"audit-{}.csv\"",
        chrono::Utc::now().format("%Y%m%d-%H%M")
    );
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (axum::http::header::CONTENT_DISPOSITION, name),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    ))
}

async fn services(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<Service>> {
    Ok(Json(s.plans.services(&a).await?))
}

async fn add_service(
    State(s): State<ApiState>,
    Actor(a): Actor,
    JsonBody(input): JsonBody<ServiceInput>,
) -> Answer<Service> {
    Ok(Json(s.plans.save_service(&a, None, &input).await?))
}

async fn change_service(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<ServiceInput>,
) -> Answer<Service> {
    Ok(Json(s.plans.save_service(&a, Some(id), &input).await?))
}

async fn retire_service(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<Retire>,
) -> Answer<Service> {
    Ok(Json(s.plans.retire_service(&a, id, r.retired).await?))
}

async fn schools(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<School>> {
    Ok(Json(s.schools.list(&a).await?))
}

async fn add_school(
    State(s): State<ApiState>,
    Actor(a): Actor,
    JsonBody(input): JsonBody<SchoolInput>,
) -> Answer<School> {
    Ok(Json(s.schools.save(&a, None, &input, chrono::Utc::now()).await?))
}

async fn change_school(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(input): JsonBody<SchoolInput>,
) -> Answer<School> {
    Ok(Json(s.schools.save(&a, Some(id), &input, chrono::Utc::now()).await?))
}

async fn early_warning(State(s): State<ApiState>, Actor(a): Actor) -> Answer<EarlyWarning> {
    let (thresholds, defaults) = s.schools.thresholds(&a).await?;
    Ok(Json(EarlyWarning { thresholds, defaults }))
}

async fn set_early_warning(
    State(s): State<ApiState>,
    Actor(a): Actor,
    JsonBody(t): JsonBody<Thresholds>,
) -> Answer<EarlyWarning> {
    let thresholds = s.schools.set_thresholds(&a, t, chrono::Utc::now()).await?;
    Ok(Json(EarlyWarning {
        thresholds,
        defaults: false,
    }))
}

async fn indicator_plans(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<PlanSummary>> {
    Ok(Json(s.indicators.plans(&a).await?))
}

async fn indicator_report(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodQuery>,
) -> Answer<Report> {
    Ok(Json(s.indicators.report(&a, id, q.from, q.to).await?))
}

/// A spreadsheet download: its type, its name, never cached.
fn download(format: ExportFormat, name: &str, bytes: Vec<u8>) -> impl axum::response::IntoResponse {
    (
        [
            (axum::http::header::CONTENT_TYPE, format.content_type().to_string()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_string()),
        ],
        bytes,
    )
}

async fn indicator_export(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    Query(q): Query<PeriodQuery>,
    format: ExportFormat,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let (name, bytes) = s.indicators.export_report(&a, id, q.from, q.to, format).await?;
    Ok(download(format, &name, bytes))
}

async fn indicator_cases(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    Query(q): Query<CasesQuery>,
) -> Answer<CasesBehind> {
    Ok(Json(
        s.indicators.cases_behind(&a, id, &q.code, q.side, q.from, q.to).await?,
    ))
}

async fn indicator_cases_export(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    Query(q): Query<CasesQuery>,
    format: ExportFormat,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let (name, bytes) = s
        .indicators
        .export_cases(&a, id, &q.code, q.side, q.from, q.to, format)
        .await?;
    Ok(download(format, &name, bytes))
}

async fn edit_indicator(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path((id, code)): Path<(Uuid, String)>,
    JsonBody(def): JsonBody<IndicatorDef>,
) -> Result<StatusCode, ApiError> {
    if def.code != code {
        return Err(ApiError::BadRequest("the body's code must be the path's".into()));
    }
    s.indicators.edit(&a, id, &def).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn type_by_hand(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(b): JsonBody<ByHand>,
) -> Result<StatusCode, ApiError> {
    s.indicators
        .type_by_hand(&a, id, &b.code, b.from, b.to, b.value)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The supervisor's dashboard as an HTML fragment (charts as SVG with their numbers).
async fn dashboard_html(
    State(s): State<ApiState>,
    Actor(a): Actor,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let html = s.dashboards.html(&a).await?;
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (axum::http::header::CACHE_CONTROL, "no-store"),
        ],
        html,
    ))
}

async fn national_indicators(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Query(q): Query<PeriodQuery>,
) -> Answer<NationalView> {
    Ok(Json(s.indicators.national(&a, q.from, q.to).await?))
}

/// A list as a spreadsheet: `cases`, `follow-ups`, `referrals` or `plans`, `.xlsx` or `.csv`.
async fn export_list(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(file): Path<String>,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let (list, format) = crate::exports::List::parse(&file).ok_or(ApiError::NotFound)?;
    let (name, bytes) = s.exports.export(&a, list, format).await?;
    Ok(download(format, &name, bytes))
}

async fn indicator_templates(State(s): State<ApiState>, Actor(a): Actor) -> Answer<Vec<TemplateSummary>> {
    Ok(Json(s.indicators.templates(&a).await?))
}

async fn adopt_plan(State(s): State<ApiState>, Actor(a): Actor, JsonBody(b): JsonBody<Adopt>) -> Answer<PlanSummary> {
    Ok(Json(s.indicators.adopt(&a, &b.template).await?))
}
