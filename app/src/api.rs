//! Server functions: the typed calls the screens make to the server.
//!
//! The bodies run only on the server (`ssr`); they reach storage through the [`ssr::Backend`]
//! trait that the `server` crate implements, so this crate never links a database driver.

use crate::domain::sync::BlobStatus;
use crate::domain::{Institution, NewUser, Role, SessionUser, UserInputError, UserSummary};
use leptos::prelude::*;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Every way a call can fail, as the person using the app needs to hear it: the one error type
/// of server functions and of the REST routes (`/api/sync/v1`, `/api/v1`) alike. Its HTTP status
/// is decided once, in [`ApiError::status_code`]; its stable name once, in [`ApiError::code`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum ApiError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("not allowed")]
    Forbidden,
    #[error("wrong username or password")]
    WrongCredentials,
    #[error("too many sign-in attempts; try again in {retry_after_secs} seconds")]
    Throttled { retry_after_secs: u64 },
    #[error("invalid input: {0}")]
    Invalid(UserInputError),
    /// A request the server cannot take as sent; the text says what was expected.
    #[error("{0}")]
    BadRequest(String),
    #[error("the request is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("upload must continue at byte {}", .0.received)]
    WrongOffset(BlobStatus),
    #[error("the uploaded bytes do not match their SHA-256; upload again")]
    HashMismatch,
    #[error("the records kept changing meanwhile; try again")]
    Busy,
    #[error("this username is already taken")]
    UsernameTaken,
    #[error("not found")]
    NotFound,
    /// A REST path called with a method it does not take.
    #[error("this path does not take this method")]
    MethodNotAllowed,
    #[error("the server could not complete the request")]
    Internal,
    #[error("could not reach the server: {0}")]
    Transport(String),
    /// A restriction mark or lift the rule refuses (not a supervisor, no reason, no change).
    #[error("{0}")]
    Restriction(crate::domain::protection::RestrictionRefusal),
    /// The device was marked lost: its keys are never handed over again.
    #[error("this device was marked lost")]
    DeviceLost,
    /// The device key is handed over once per online sign-in, and this session used it.
    #[error("sign in again to open this phone's data")]
    KeyNotGranted,
    /// An indicator's definition, a figure typed by hand or a report's period the rules refuse.
    #[error("{0}")]
    Indicator(crate::domain::indicator::IndicatorError),
}

impl ApiError {
    /// The HTTP status a refusal answers with, so proxies, scripts and logs can tell a missing
    /// session or a bad input from a server fault (the body still carries the typed error).
    pub fn status_code(&self) -> u16 {
        match self {
            ApiError::NotSignedIn | ApiError::WrongCredentials => 401,
            ApiError::BadRequest(_) => 400,
            ApiError::Forbidden | ApiError::DeviceLost | ApiError::KeyNotGranted => 403,
            ApiError::NotFound => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::UsernameTaken | ApiError::WrongOffset(_) => 409,
            ApiError::TooLarge { .. } => 413,
            ApiError::Invalid(_) | ApiError::HashMismatch | ApiError::Restriction(_) | ApiError::Indicator(_) => 422,
            ApiError::Throttled { .. } => 429,
            ApiError::Internal => 500,
            ApiError::Transport(_) => 502,
            ApiError::Busy => 503,
        }
    }

    /// The stable name REST clients read (`{"error": code, "message": …}`, `docs/sync-v1.md`).
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::NotSignedIn => "not_signed_in",
            ApiError::Forbidden => "forbidden",
            ApiError::WrongCredentials => "wrong_credentials",
            ApiError::Throttled { .. } => "throttled",
            ApiError::Invalid(_) => "invalid",
            ApiError::BadRequest(_) => "bad_request",
            ApiError::TooLarge { .. } => "too_large",
            ApiError::WrongOffset(_) => "wrong_offset",
            ApiError::HashMismatch => "hash_mismatch",
            ApiError::Busy => "busy",
            ApiError::UsernameTaken => "username_taken",
            ApiError::NotFound => "not_found",
            ApiError::MethodNotAllowed => "method_not_allowed",
            ApiError::Internal => "internal",
            ApiError::Transport(_) => "transport",
            ApiError::Restriction(_) => "restriction",
            ApiError::DeviceLost => "device_lost",
            ApiError::KeyNotGranted => "key_not_granted",
            ApiError::Indicator(_) => "invalid_indicator",
        }
    }
}

/// A stored record that does not read as its kind is the server's fault (it was validated on
/// the way in): answered as "internal".
impl From<crate::domain::record::RecordError> for ApiError {
    #[cfg_attr(not(feature = "ssr"), allow(unused_variables))]
    fn from(e: crate::domain::record::RecordError) -> Self {
        #[cfg(feature = "ssr")]
        tracing::error!(error = %e, "stored record does not read");
        ApiError::Internal
    }
}

impl From<crate::domain::Refusal> for ApiError {
    fn from(r: crate::domain::Refusal) -> Self {
        match r {
            crate::domain::Refusal::NotFound => ApiError::NotFound,
            crate::domain::Refusal::Forbidden => ApiError::Forbidden,
        }
    }
}

impl FromServerFnError for ApiError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        ApiError::Transport(value.to_string())
    }
}

impl From<crate::domain::indicator::IndicatorError> for ApiError {
    fn from(e: crate::domain::indicator::IndicatorError) -> Self {
        ApiError::Indicator(e)
    }
}

impl From<UserInputError> for ApiError {
    fn from(e: UserInputError) -> Self {
        ApiError::Invalid(e)
    }
}

/// The session's user, or `None` when the session has none. A user disabled since sign-in
/// comes with `active: false`: every page but the field screen reads that as signed out, and the
/// field screen sends what the phone queued, then removes the user's data from it.
#[server(endpoint = "me")]
pub async fn current_user() -> Result<Option<SessionUser>, ApiError> {
    let (backend, session) = (ssr::backend()?, ssr::session().await?);
    match session.get::<Uuid>(ssr::USER_KEY).await.map_err(ssr::internal)? {
        Some(id) => backend.session_user(id).await,
        None => Ok(None),
    }
}

#[server(endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), ApiError> {
    let (backend, session) = (ssr::backend()?, ssr::session().await?);
    let client = ssr::client_addr().await;
    let user = backend.sign_in(username.trim(), &password, &client).await?;
    // A new session ID on sign-in, so a planted cookie cannot ride along (session fixation).
    session.cycle_id().await.map_err(ssr::internal)?;
    session.insert(ssr::USER_KEY, user.id).await.map_err(ssr::internal)?;
    session.insert(ssr::KEY_GRANT, true).await.map_err(ssr::internal)?;
    ssr::set_locale_cookie(&user.locale);
    // No server redirect: the page loads "/" itself, as a full load, so the service worker keeps
    // the signed-in page for offline use. Without JavaScript the form post returns to the
    // sign-in page, which sends a signed-in user on to "/".
    Ok(())
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), ApiError> {
    let session = ssr::session().await?;
    if let Ok(Some((backend, user))) = ssr::optional_user().await {
        backend.signed_out(&user).await?;
    }
    session.flush().await.map_err(ssr::internal)?;
    Ok(())
}

/// Remembers the interface language for the signed-in user (a no-op when signed out: the cookie
/// set by the language picker is enough then).
#[server(endpoint = "locale")]
pub async fn save_locale(locale: String) -> Result<(), ApiError> {
    if !crate::i18n_support::is_supported(&locale) {
        return Err(ApiError::NotFound);
    }
    if let Some((backend, user)) = ssr::optional_user().await? {
        backend.set_locale(&user, &locale).await?;
    }
    Ok(())
}

#[server(endpoint = "users/list")]
pub async fn list_users() -> Result<Vec<UserSummary>, ApiError> {
    let (backend, user) = ssr::require_user().await?;
    backend.list_users(&user).await
}

#[server(endpoint = "users/create")]
pub async fn create_user(new_user: NewUser, institution_id: Option<Uuid>) -> Result<UserSummary, ApiError> {
    let (backend, user) = ssr::require_user().await?;
    let new_user = new_user.normalized()?;
    backend.create_user(&user, new_user, institution_id).await
}

#[server(endpoint = "users/active")]
pub async fn set_user_active(user_id: Uuid, active: bool) -> Result<UserSummary, ApiError> {
    let (backend, user) = ssr::require_user().await?;
    backend.set_user_active(&user, user_id, active).await
}

#[server(endpoint = "users/roles")]
pub async fn set_user_roles(user_id: Uuid, roles: Vec<Role>) -> Result<UserSummary, ApiError> {
    let (backend, user) = ssr::require_user().await?;
    if roles.is_empty() {
        return Err(UserInputError::NoRole.into());
    }
    backend.set_user_roles(&user, user_id, roles).await
}

#[server(endpoint = "institutions")]
pub async fn list_institutions() -> Result<Vec<Institution>, ApiError> {
    let (backend, user) = ssr::require_user().await?;
    backend.list_institutions(&user).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    //! The server side of the calls: session access and the storage-facing trait.

    use super::ApiError;
    use crate::domain::{Institution, NewUser, Role, SessionUser, UserSummary};
    use leptos::prelude::*;
    use std::sync::Arc;
    use tower_sessions::Session;
    use uuid::Uuid;

    /// Session key holding the signed-in user's ID.
    pub const USER_KEY: &str = "user_id";
    /// Session key set by a password sign-in and taken by the one handover of the device key
    /// it allows (`POST /api/v1/device-key`).
    pub const KEY_GRANT: &str = "key_grant";
    /// Cookie leptos_i18n reads to choose the interface language.
    pub const LOCALE_COOKIE: &str = "i18n_pref_locale";

    /// What the server functions need from the server crate. Every method that takes an `actor`
    /// checks the actor's role and municipality itself: callers cannot skip the check.
    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        async fn sign_in(&self, username: &str, password: &str, client: &str) -> Result<SessionUser, ApiError>;
        /// The active user with this ID, or `None` (unknown or disabled).
        async fn user(&self, id: Uuid) -> Result<Option<SessionUser>, ApiError>;
        /// The user a session names, disabled or not (`active` says), or `None` (unknown).
        async fn session_user(&self, id: Uuid) -> Result<Option<SessionUser>, ApiError>;
        async fn signed_out(&self, actor: &SessionUser) -> Result<(), ApiError>;
        async fn set_locale(&self, actor: &SessionUser, locale: &str) -> Result<(), ApiError>;
        async fn list_users(&self, actor: &SessionUser) -> Result<Vec<UserSummary>, ApiError>;
        async fn create_user(
            &self,
            actor: &SessionUser,
            new_user: NewUser,
            institution_id: Option<Uuid>,
        ) -> Result<UserSummary, ApiError>;
        async fn set_user_active(
            &self,
            actor: &SessionUser,
            user_id: Uuid,
            active: bool,
        ) -> Result<UserSummary, ApiError>;
        async fn set_user_roles(
            &self,
            actor: &SessionUser,
            user_id: Uuid,
            roles: Vec<Role>,
        ) -> Result<UserSummary, ApiError>;
        async fn list_institutions(&self, actor: &SessionUser) -> Result<Vec<Institution>, ApiError>;
    }

    pub type SharedBackend = Arc<dyn Backend>;

    /// The caller's network address as the server decided it (peer or trusted proxy header);
    /// the server inserts it into every request's extensions.
    #[derive(Debug, Clone)]
    pub struct ClientAddr(pub String);

    pub fn internal(e: impl std::fmt::Display) -> ApiError {
        tracing::error!(error = %e, "server function failed");
        ApiError::Internal
    }

    pub fn backend() -> Result<SharedBackend, ApiError> {
        use_context::<SharedBackend>().ok_or_else(|| internal("backend missing from context"))
    }

    pub async fn session() -> Result<Session, ApiError> {
        leptos_axum::extract::<Session>().await.map_err(internal)
    }

    pub async fn client_addr() -> String {
        leptos_axum::extract::<axum::Extension<ClientAddr>>()
            .await
            .map(|axum::Extension(a)| a.0)
            .unwrap_or_else(|_| "unknown".into())
    }

    pub async fn optional_user() -> Result<Option<(SharedBackend, SessionUser)>, ApiError> {
        let backend = backend()?;
        let session = session().await?;
        let Some(id) = session.get::<Uuid>(USER_KEY).await.map_err(internal)? else {
            return Ok(None);
        };
        // Disabled since sign-in: no call goes through, but the session stays, so the phone
        // can still send what it queued before it wipes (see `current_user`).
        Ok(backend.user(id).await?.map(|user| (backend, user)))
    }

    pub async fn require_user() -> Result<(SharedBackend, SessionUser), ApiError> {
        optional_user().await?.ok_or(ApiError::NotSignedIn)
    }

    /// The answer of a REST route that refuses: the status from [`ApiError::status_code`] and
    /// `{"error": code, "message": text}`; a wrong upload offset answers the blob's status so the
    /// phone continues from `received`.
    impl axum::response::IntoResponse for ApiError {
        fn into_response(self) -> axum::response::Response {
            use axum::http::StatusCode;
            let status = StatusCode::from_u16(self.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            if let ApiError::WrongOffset(blob) = self {
                return (status, axum::Json(blob)).into_response();
            }
            let reason = match &self {
                ApiError::Indicator(e) => Some(e.code().to_string()),
                _ => None,
            };
            let body = crate::domain::sync::ErrorBody {
                error: self.code().into(),
                message: self.to_string(),
                reason,
            };
            // Busy: come back in a moment (the phone keeps what it sent and tries again).
            if let ApiError::Busy = self {
                return (status, [(axum::http::header::RETRY_AFTER, "2")], axum::Json(body)).into_response();
            }
            (status, axum::Json(body)).into_response()
        }
    }

    pub fn set_locale_cookie(locale: &str) {
        if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
            let cookie = format!("{LOCALE_COOKIE}={locale}; Path=/; Max-Age=31536000; SameSite=Lax");
            if let Ok(v) = axum::http::HeaderValue::from_str(&cookie) {
                res.append_header(axum::http::header::SET_COOKIE, v);
            }
        }
    }
}
