//! `/api/sync/v1`: push, pull, conflicts and photo bytes, and nothing else (`docs/sync-v1.md`).

use super::extract::{Actor, Bytes, Departing, JsonBody, Path, Query};
use super::ApiState;
use app::api::ApiError;
use app::domain::sync::{self, BlobStatus, ConflictView, PullPage, PushRequest, PushResponse, ResolveRequest};
use app::domain::SessionUser;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use uuid::Uuid;

type Answer<T> = Result<Json<T>, ApiError>;

crate::body_limit!(PushRequest, sync::MAX_PUSH_BYTES, "{\"changes\": [...]}");

crate::body_limit!(ResolveRequest, 4096, "{\"choice\": \"current\" | \"proposed\"}");

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/push", post(push))
        .route("/school/push", post(push_school))
        .route("/pull", get(pull))
        .route("/school/pull", get(pull_school))
        .route("/conflicts/{id}/resolve", post(resolve))
        .route("/blobs/{sha256}", get(download).put(upload))
        .route("/blobs/{sha256}/status", get(blob_status))
}

async fn push_school(
    State(s): State<ApiState>,
    Departing(a): Departing,
    JsonBody(r): JsonBody<PushRequest>,
) -> Answer<PushResponse> {
    push_then_wipe(&s, a, r, true).await
}

async fn push(
    State(s): State<ApiState>,
    Departing(a): Departing,
    JsonBody(r): JsonBody<PushRequest>,
) -> Answer<PushResponse> {
    push_then_wipe(&s, a, r, false).await
}

/// A push, and whether the device must then remove the user's data. A user disabled since
/// sign-in still sends what their phone queued while they worked: it is applied as theirs
/// (their roles and cases as they are), audited as a departing push, and answered with the wipe.
async fn push_then_wipe(s: &ApiState, user: SessionUser, r: PushRequest, school: bool) -> Answer<PushResponse> {
    let wipe = s.devices.wipe_reason(&user, r.device_id).await?;
    let departing = !user.active;
    let actor = as_when_queued(user);
    if departing {
        let detail = format!("{} changes sent after the account was disabled", r.changes.len());
        s.devices.audit_departing(&actor, r.device_id, detail).await?;
    }
    let mut answer = if school {
        s.sync.push_school(&actor, r).await?
    } else {
        s.sync.push(&actor, r).await?
    };
    answer.wipe = wipe;
    Ok(Json(answer))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PullQuery {
    #[serde(default)]
    cursor: String,
    limit: Option<i64>,
}

async fn pull_school(State(s): State<ApiState>, Actor(a): Actor, Query(q): Query<PullQuery>) -> Answer<PullPage> {
    Ok(Json(s.sync.pull_school(&a, &q.cursor, q.limit).await?))
}

async fn pull(State(s): State<ApiState>, Actor(a): Actor, Query(q): Query<PullQuery>) -> Answer<PullPage> {
    Ok(Json(s.sync.pull(&a, &q.cursor, q.limit).await?))
}

async fn resolve(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<ResolveRequest>,
) -> Answer<ConflictView> {
    Ok(Json(s.sync.resolve(&a, id, r.choice).await?))
}

/// A departing user's phone still sends the photos its records name (see `push_then_wipe`).
async fn blob_status(
    State(s): State<ApiState>,
    Departing(a): Departing,
    Path(sha256): Path<String>,
) -> Answer<BlobStatus> {
    Ok(Json(s.sync.blob_status(&as_when_queued(a), &sha256).await?))
}

/// A user disabled since sign-in, as they were when their phone queued its work.
fn as_when_queued(user: SessionUser) -> SessionUser {
    SessionUser { active: true, ..user }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UploadQuery {
    offset: i64,
}

async fn upload(
    State(s): State<ApiState>,
    Departing(a): Departing,
    Path(sha256): Path<String>,
    Query(q): Query<UploadQuery>,
    Bytes(piece): Bytes<{ sync::MAX_CHUNK_BYTES }>,
) -> Answer<BlobStatus> {
    Ok(Json(
        s.sync.upload(&as_when_queued(a), &sha256, q.offset, &piece).await?,
    ))
}

async fn download(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let (content_type, bytes) = s.sync.download(&a, &sha256).await?;
    let headers = [
        (header::CONTENT_TYPE, content_type),
        (header::CACHE_CONTROL, "private, max-age=86400".into()),
    ];
    Ok((headers, bytes).into_response())
}
