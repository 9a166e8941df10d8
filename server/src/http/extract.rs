//! What every REST handler takes from the request, written once: the signed-in [`Actor`] and a
//! JSON body within its size limit ([`JsonBody`]). Each refuses with the one [`ApiError`], so a
//! refusal is JSON with its status like every other.

use super::ApiState;
use app::api::ssr::USER_KEY;
use app::api::ApiError;
use app::domain::SessionUser;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;
use tower_sessions::Session;
use uuid::Uuid;

/// The signed-in, active user making the request.
pub struct Actor(pub SessionUser);

/// The signed-in user, or one whose account was disabled since sign-in (`active: false`). Only
/// the push takes them: a phone sends what it queued before it removes that user's data.
pub struct Departing(pub SessionUser);

/// The session's user, active or not.
async fn session_user(parts: &mut Parts, state: &ApiState) -> Result<Option<SessionUser>, ApiError> {
    let session = Session::from_request_parts(parts, state).await.map_err(|(_, why)| {
        tracing::error!(why, "session layer missing");
        ApiError::Internal
    })?;
    let id = session
        .get::<Uuid>(USER_KEY)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "session store failed");
            ApiError::Internal
        })?
        .ok_or(ApiError::NotSignedIn)?;
    state.backend.session_user(id).await
}

impl FromRequestParts<ApiState> for Actor {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        // Disabled since sign-in reads as signed out.
        match session_user(parts, state).await? {
            Some(u) if u.active => Ok(Actor(u)),
            _ => Err(ApiError::NotSignedIn),
        }
    }
}

impl FromRequestParts<ApiState> for Departing {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        session_user(parts, state)
            .await?
            .map(Departing)
            .ok_or(ApiError::NotSignedIn)
    }
}

/// How large a body a route takes: the message types name their own limits.
pub trait BodyLimit {
    const LIMIT: usize;
    /// What the body should look like, for the refusal's message.
    const EXPECTED: &'static str;
}

/// `body_limit!(Type, limit, "what it should look like")`: the route takes `Type` as a JSON body.
#[macro_export]
macro_rules! body_limit {
    ($t:ty, $limit:expr, $expected:expr) => {
        impl $crate::http::extract::BodyLimit for $t {
            const LIMIT: usize = $limit;
            const EXPECTED: &'static str = $expected;
        }
    };
}

/// A JSON body of `T`, read up to `T::LIMIT` bytes.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned + BodyLimit> FromRequest<ApiState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &ApiState) -> Result<Self, ApiError> {
        let bytes = axum::body::to_bytes(req.into_body(), T::LIMIT)
            .await
            .map_err(|_| ApiError::TooLarge { limit: T::LIMIT })?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::BadRequest(format!("expected {}: {e}", T::EXPECTED)))
    }
}

/// A raw body of at most `LIMIT` bytes (a piece of a photo).
pub struct Bytes<const LIMIT: usize>(pub axum::body::Bytes);

impl<const LIMIT: usize> FromRequest<ApiState> for Bytes<LIMIT> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &ApiState) -> Result<Self, ApiError> {
        axum::body::to_bytes(req.into_body(), LIMIT)
            .await
            .map(Bytes)
            .map_err(|_| ApiError::TooLarge { limit: LIMIT })
    }
}

/// The query string as `T`; a bad one is a JSON refusal.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<ApiState> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Query(q.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}

/// The path's parameters as `T` (an ID that is not a UUID is a JSON refusal, not plain text).
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequestParts<ApiState> for Path<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &ApiState) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Path(p.0))
            .map_err(|e| ApiError::BadRequest(e.body_text()))
    }
}
