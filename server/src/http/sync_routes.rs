//! `/api/sync/v1`: push, pull, conflicts and photo bytes, and nothing else (`docs/sync-v1.md`).

use super::extract::{Actor, Bytes, Departing, JsonBody, Path, Query};
use super::ApiState;
use app::api::ApiError;
use app::domain::sync::{
    self, BlobStatus, ConflictView, ErrorBody, PullPage, PushRequest, PushResponse, ResolveRequest,
};
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

/// The protocol's OpenAPI description, made from the handlers and the message types below
/// (served at `/api/sync/v1/openapi.json`; `docs/sync-v1.md` says it in words).
#[derive(utoipa::OpenApi)]
#[openapi(
    info(title = "Reintegra sync protocol", version = "1", description = "Push, pull, conflicts and photo bytes: docs/sync-v1.md"),
    paths(push, push_school, pull, pull_school, resolve, download, upload, blob_status),
    modifiers(&SessionCookie),
    security(("session" = []))
)]
pub struct SyncApi;

/// Identity is the session cookie the sign-in sets.
struct SessionCookie;

impl utoipa::Modify for SessionCookie {
    fn modify(&self, api: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
        let components = api.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(super::SESSION_COOKIE))),
        );
    }
}

pub fn router() -> Router<ApiState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .route("/push", post(push))
        .route("/school/push", post(push_school))
        .route("/pull", get(pull))
        .route("/school/pull", get(pull_school))
        .route("/conflicts/{id}/resolve", post(resolve))
        .route("/blobs/{sha256}", get(download).put(upload))
        .route("/blobs/{sha256}/status", get(blob_status))
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    use utoipa::OpenApi;
    Json(SyncApi::openapi())
}

/// The school team's push: the same exactly-once path.
#[utoipa::path(post, path = "/api/sync/v1/school/push", request_body = PushRequest, responses(
    (status = 200, body = PushResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody),
))]
async fn push_school(
    State(s): State<ApiState>,
    Departing(a): Departing,
    JsonBody(r): JsonBody<PushRequest>,
) -> Answer<PushResponse> {
    push_then_wipe(&s, a, r, true).await
}

/// Each change applied exactly once, merged field by field.
#[utoipa::path(post, path = "/api/sync/v1/push", request_body = PushRequest, responses(
    (status = 200, body = PushResponse), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 503, body = ErrorBody),
))]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct PullQuery {
    #[serde(default)]
    cursor: String,
    limit: Option<i64>,
}

/// The school team's children, a page at a time.
#[utoipa::path(get, path = "/api/sync/v1/school/pull", params(PullQuery), responses(
    (status = 200, body = PullPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 503, body = ErrorBody),
))]
async fn pull_school(State(s): State<ApiState>, Actor(a): Actor, Query(q): Query<PullQuery>) -> Answer<PullPage> {
    Ok(Json(s.sync.pull_school(&a, &q.cursor, q.limit).await?))
}

/// The caller's caseload, a page at a time from `cursor`.
#[utoipa::path(get, path = "/api/sync/v1/pull", params(PullQuery), responses(
    (status = 200, body = PullPage), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 503, body = ErrorBody),
))]
async fn pull(State(s): State<ApiState>, Actor(a): Actor, Query(q): Query<PullQuery>) -> Answer<PullPage> {
    Ok(Json(s.sync.pull(&a, &q.cursor, q.limit).await?))
}

/// A person's choice between the two values of a conflict.
#[utoipa::path(post, path = "/api/sync/v1/conflicts/{id}/resolve", params(("id" = Uuid, Path)), request_body = ResolveRequest, responses(
    (status = 200, body = ConflictView), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody),
))]
async fn resolve(
    State(s): State<ApiState>,
    Actor(a): Actor,
    Path(id): Path<Uuid>,
    JsonBody(r): JsonBody<ResolveRequest>,
) -> Answer<ConflictView> {
    Ok(Json(s.sync.resolve(&a, id, r.choice).await?))
}

/// How much of a photo's bytes arrived. A departing user's phone still sends the photos its
/// records name (see `push_then_wipe`).
#[utoipa::path(get, path = "/api/sync/v1/blobs/{sha256}/status", params(("sha256" = String, Path, description = "lower-case hex SHA-256")), responses(
    (status = 200, body = BlobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody),
    (status = 503, body = ErrorBody),
))]
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

#[derive(Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
struct UploadQuery {
    offset: i64,
}

/// The next piece of a photo's bytes, from `offset`.
#[utoipa::path(put, path = "/api/sync/v1/blobs/{sha256}", params(("sha256" = String, Path, description = "lower-case hex SHA-256"), UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"), responses(
    (status = 200, body = BlobStatus), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 409, body = BlobStatus), (status = 413, body = ErrorBody),
    (status = 422, body = ErrorBody), (status = 503, body = ErrorBody),
))]
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

/// A photo's bytes, to whoever may see its case.
#[utoipa::path(get, path = "/api/sync/v1/blobs/{sha256}", params(("sha256" = String, Path, description = "lower-case hex SHA-256")), responses(
    (status = 200, content_type = "image/*", body = Vec<u8>), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
    (status = 404, body = ErrorBody), (status = 503, body = ErrorBody),
))]
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
