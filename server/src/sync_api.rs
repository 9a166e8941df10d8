//! `/api/sync/v1` over HTTP: JSON in and out, the session cookie for identity. The messages
//! are in `app::domain::sync`; `docs/sync-v1.md` describes each one and every error.

use crate::sync::{SyncError, SyncService};
use app::api::ssr::{SharedBackend, USER_KEY};
use app::domain::sync::{self, ErrorBody, PushRequest, ResolveRequest};
use app::domain::SessionUser;
use axum::body::{Body, Bytes};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use std::sync::Arc;
use tower_sessions::Session;
use uuid::Uuid;

#[derive(Clone)]
pub struct SyncState {
    pub sync: Arc<SyncService>,
    pub backend: SharedBackend,
}

impl IntoResponse for SyncError {
    fn into_response(self) -> Response {
        let status = match &self {
            SyncError::NotSignedIn => StatusCode::UNAUTHORIZED,
            SyncError::Forbidden => StatusCode::FORBIDDEN,
            SyncError::NotFound => StatusCode::NOT_FOUND,
            SyncError::BadRequest(_) => StatusCode::BAD_REQUEST,
            SyncError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            SyncError::WrongOffset(_) => StatusCode::CONFLICT,
            SyncError::HashMismatch => StatusCode::UNPROCESSABLE_ENTITY,
            SyncError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            SyncError::Storage(e) => {
                tracing::error!(error = %e, "sync request failed");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        if let SyncError::WrongOffset(blob) = self {
            // The phone continues from `received`.
            return (status, Json(blob)).into_response();
        }
        let message = match &self {
            SyncError::Storage(_) => "the server could not complete the request".to_string(),
            other => other.to_string(),
        };
        (
            status,
            Json(ErrorBody {
                error: self.code().into(),
                message,
            }),
        )
            .into_response()
    }
}

/// Routes under `/api/sync/v1`; the caller adds the session layer.
pub fn router<S: Clone + Send + Sync + 'static>(state: SyncState) -> Router<S> {
    Router::new()
        .route("/push", post(push))
        .route("/pull", get(pull))
        .route("/conflicts/{id}/resolve", post(resolve))
        .route("/follow-ups", get(follow_ups))
        .route("/referrals/incoming", get(incoming_referrals))
        .route("/referrals/{id}/answer", post(answer_referral))
        .route("/duplicates", get(duplicates))
        .route("/duplicates/{id}/dismiss", post(dismiss_duplicate))
        .route("/duplicates/{id}/merge", post(merge_duplicate))
        .route("/cases/{id}/reassign", post(reassign))
        .route("/referral-days", get(referral_days).put(set_referral_days))
        .route("/blobs/{sha256}", get(download).put(upload))
        .route("/blobs/{sha256}/status", get(blob_status))
        // Bodies are read with explicit limits below, so the refusal is JSON like every other.
        .layer(DefaultBodyLimit::disable())
        .with_state(state)
}

async fn actor(session: &Session, backend: &SharedBackend) -> Result<SessionUser, SyncError> {
    let id = session
        .get::<Uuid>(USER_KEY)
        .await
        .map_err(|e| SyncError::Storage(crate::storage::StorageError::Corrupt(e.to_string())))?
        .ok_or(SyncError::NotSignedIn)?;
    match backend.user(id).await {
        Ok(Some(u)) => Ok(u),
        Ok(None) => Err(SyncError::NotSignedIn),
        Err(_) => Err(SyncError::Storage(crate::storage::StorageError::Corrupt(
            "user lookup failed".into(),
        ))),
    }
}

async fn read_body(body: Body, limit: usize) -> Result<Bytes, SyncError> {
    axum::body::to_bytes(body, limit)
        .await
        .map_err(|_| SyncError::TooLarge(limit))
}

async fn push(State(s): State<SyncState>, session: Session, body: Body) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let bytes = read_body(body, sync::MAX_PUSH_BYTES).await?;
    let request: PushRequest = serde_json::from_slice(&bytes)
        .map_err(|e| SyncError::BadRequest(format!("expected {{\"changes\": [...]}}: {e}")))?;
    Ok(Json(s.sync.push(&user, request).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    #[serde(default)]
    cursor: String,
    limit: Option<i64>,
}

async fn pull(
    State(s): State<SyncState>,
    session: Session,
    query: Result<Query<PullQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let Query(q) = query.map_err(|e| SyncError::BadRequest(e.body_text()))?;
    Ok(Json(s.sync.pull(&user, &q.cursor, q.limit).await?).into_response())
}

async fn follow_ups(State(s): State<SyncState>, session: Session) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    Ok(Json(s.sync.follow_ups(&user, chrono::Utc::now()).await?).into_response())
}

async fn incoming_referrals(State(s): State<SyncState>, session: Session) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    Ok(Json(s.sync.incoming_referrals(&user).await?).into_response())
}

async fn answer_referral(
    State(s): State<SyncState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let bytes = read_body(body, 16 * 1024).await?;
    let answer: app::domain::referral::Answer = serde_json::from_slice(&bytes)
        .map_err(|e| SyncError::BadRequest(format!("expected {{\"state\": …, \"feedback\": …}}: {e}")))?;
    Ok(Json(s.sync.answer_referral(&user, id, answer, chrono::Utc::now()).await?).into_response())
}

async fn duplicates(State(s): State<SyncState>, session: Session) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    Ok(Json(s.sync.duplicates(&user).await?).into_response())
}

async fn dismiss_duplicate(
    State(s): State<SyncState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    s.sync.dismiss_duplicate(&user, id).await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn merge_duplicate(
    State(s): State<SyncState>,
    session: Session,
    Path(id): Path<Uuid>,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let kept = s.sync.merge_duplicate(&user, id, chrono::Utc::now()).await?;
    Ok(Json(serde_json::json!({ "kept": kept })).into_response())
}

async fn reassign(
    State(s): State<SyncState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let bytes = read_body(body, 4096).await?;
    let request: sync::Reassign = serde_json::from_slice(&bytes)
        .map_err(|e| SyncError::BadRequest(format!("expected {{\"field_worker_id\": …}}: {e}")))?;
    s.sync
        .reassign(&user, id, request.field_worker_id, chrono::Utc::now())
        .await?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

async fn referral_days(State(s): State<SyncState>, session: Session) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    Ok(Json(s.sync.referral_days_of(user.municipality_id).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SetDays {
    kind: String,
    days: u32,
}

async fn set_referral_days(State(s): State<SyncState>, session: Session, body: Body) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let bytes = read_body(body, 4096).await?;
    let request: SetDays = serde_json::from_slice(&bytes)
        .map_err(|e| SyncError::BadRequest(format!("expected {{\"kind\": …, \"days\": …}}: {e}")))?;
    let days = s
        .sync
        .set_referral_days(&user, &request.kind, request.days, chrono::Utc::now())
        .await?;
    Ok(Json(days).into_response())
}

async fn resolve(
    State(s): State<SyncState>,
    session: Session,
    Path(id): Path<Uuid>,
    body: Body,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let bytes = read_body(body, 4096).await?;
    let request: ResolveRequest = serde_json::from_slice(&bytes)
        .map_err(|e| SyncError::BadRequest(format!("expected {{\"choice\": \"current\" | \"proposed\"}}: {e}")))?;
    Ok(Json(s.sync.resolve(&user, id, request.choice).await?).into_response())
}

async fn blob_status(
    State(s): State<SyncState>,
    session: Session,
    Path(sha256): Path<String>,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    Ok(Json(s.sync.blob_status(&user, &sha256).await?).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    offset: i64,
}

async fn upload(
    State(s): State<SyncState>,
    session: Session,
    Path(sha256): Path<String>,
    query: Result<Query<UploadQuery>, axum::extract::rejection::QueryRejection>,
    body: Body,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let Query(q) = query.map_err(|e| SyncError::BadRequest(e.body_text()))?;
    let piece = read_body(body, sync::MAX_CHUNK_BYTES).await?;
    Ok(Json(s.sync.upload(&user, &sha256, q.offset, &piece).await?).into_response())
}

async fn download(
    State(s): State<SyncState>,
    session: Session,
    Path(sha256): Path<String>,
) -> Result<Response, SyncError> {
    let user = actor(&session, &s.backend).await?;
    let (content_type, bytes) = s.sync.download(&user, &sha256).await?;
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "private, max-age=86400".into()),
        ],
        bytes,
    )
        .into_response())
}
