//! The HTTP surface: pages and server functions (leptos_axum), the REST routes
//! ([`sync_routes`] under `/api/sync/v1`, [`office_routes`] under `/api/v1`), static files, the
//! service worker, the health endpoint, and the layers every response goes through. What a
//! handler takes from a request is written once, in [`extract`]; every refusal is an
//! [`ApiError`], whose status is decided once, by [`ApiError::status_code`].

pub mod extract;
pub mod office_routes;
pub mod security;
pub mod sync_routes;

use crate::audit::AuditTrail;
use crate::case_end::CaseEnds;
use crate::cases::Cases;
use crate::config::Settings;
use crate::context::Ctx;
use crate::duplicates::Duplicates;
use crate::follow_ups::FollowUps;
use crate::plans::Plans;
use crate::referrals::Referrals;
use crate::school::Schools;
use crate::storage::Storage;
use crate::sync::SyncService;
use app::api::ssr::{ClientAddr, SharedBackend};
use app::api::ApiError;
use app::{shell, App};
use axum::extract::{ConnectInfo, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use leptos::config::LeptosOptions;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use std::net::SocketAddr;
use std::sync::Arc;
use tower::Layer;
use tower_http::compression::CompressionLayer;
use tower_http::decompression::RequestDecompressionLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::cookie::{time, SameSite};
use tower_sessions::{Expiry, SessionManagerLayer, SessionStore};

pub const SESSION_COOKIE: &str = "reintegra_session";

#[derive(Clone)]
pub struct AppState {
    pub store: Arc<dyn Storage>,
    pub backend: SharedBackend,
    pub leptos: LeptosOptions,
    pub settings: Settings,
    /// Identifies this build: the service worker's cache is named after it.
    pub build: String,
}

/// The use cases the REST routes call, and the backend that knows who is signed in.
#[derive(Clone)]
pub struct ApiState {
    pub sync: SyncService,
    pub cases: Cases,
    pub plans: Plans,
    pub case_ends: CaseEnds,
    pub duplicates: Duplicates,
    pub follow_ups: FollowUps,
    pub referrals: Referrals,
    pub schools: Schools,
    pub audit: AuditTrail,
    pub devices: crate::devices::Devices,
    pub indicators: crate::indicators::Indicators,
    pub dashboards: crate::dashboard::Dashboards,
    pub exports: crate::exports::Exports,
    pub backend: SharedBackend,
}

impl ApiState {
    pub fn new(store: Arc<dyn Storage>, backend: SharedBackend) -> Self {
        let ctx = Ctx::new(store);
        Self {
            sync: SyncService::new(ctx.clone()),
            cases: Cases::new(ctx.clone()),
            plans: Plans::new(ctx.clone()),
            case_ends: CaseEnds::new(ctx.clone()),
            duplicates: Duplicates::new(ctx.clone()),
            follow_ups: FollowUps::new(ctx.clone()),
            referrals: Referrals::new(ctx.clone()),
            schools: Schools::new(ctx.clone()),
            devices: crate::devices::Devices::new(ctx.clone()),
            indicators: crate::indicators::Indicators::new(ctx.clone()),
            dashboards: crate::dashboard::Dashboards::new(ctx.clone()),
            exports: crate::exports::Exports::new(ctx.clone()),
            audit: AuditTrail::new(ctx),
            backend,
        }
    }

    /// Both REST trees; the caller adds the session layer. Bodies are read with each message's
    /// own limit ([`extract::JsonBody`]), so a refusal is JSON like every other.
    pub fn routes<S: Clone + Send + Sync + 'static>(self) -> Router<S> {
        Router::new()
            .nest(app::domain::sync::API_ROOT, json_refusals(sync_routes::router()))
            .nest(app::domain::sync::OFFICE_ROOT, json_refusals(office_routes::router()))
            .layer(axum::extract::DefaultBodyLimit::disable())
            // The phone sends its pushes gzip-compressed (`Content-Encoding: gzip`); each
            // message's limit applies to what the body unpacks to. A body in an encoding not
            // taken here is read as it came, so it fails as JSON would: a JSON refusal.
            .layer(RequestDecompressionLayer::new().pass_through_unaccepted(true))
            .with_state(self)
    }
}

/// An unknown path or a wrong method under a REST tree is refused like everything else there:
/// `{"error", "message"}` with its status, never an empty body or the app's HTML page.
fn json_refusals(router: Router<ApiState>) -> Router<ApiState> {
    router
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
}

pub fn leptos_options(settings: &Settings) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("reintegra")
        .site_root(settings.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .env(leptos::config::Env::PROD)
        // cargo-leptos writes the build's hashes beside the binary; a binary built otherwise
        // (the tests') names the files without them rather than failing to render a page.
        .hash_files(hash_file().is_some())
        .build()
}

/// `hash.txt` beside the running binary, when cargo-leptos wrote one.
fn hash_file() -> Option<std::path::PathBuf> {
    let path = std::env::current_exe().ok()?.parent()?.join("hash.txt");
    path.exists().then_some(path)
}

/// The build identifier: the package version plus the content hashes cargo-leptos wrote beside
/// the binary, so every new wasm, JS or CSS gives a new service-worker cache.
pub fn build_id() -> String {
    let hashes = hash_file()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .map(|text| {
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .map(|(_, h)| h.trim().to_string())
                .collect::<Vec<_>>()
                .join("-")
        })
        .unwrap_or_default();
    if hashes.is_empty() {
        env!("CARGO_PKG_VERSION").to_string()
    } else {
        format!("{}-{}", env!("CARGO_PKG_VERSION"), hashes)
    }
}

pub fn router<S: SessionStore + Clone>(state: AppState, sessions: S) -> Router {
    let options = state.leptos.clone();
    let routes = generate_route_list(App);
    let api = ApiState::new(state.store.clone(), state.backend.clone());
    let backend = state.backend.clone();
    // leptos_axum gives every page a fresh nonce: its inline hydration script carries it, and
    // the page's content security policy (set by the shell) allows that script and no other.
    let context = move || provide_context(backend.clone());

    let session_layer = SessionManagerLayer::new(sessions)
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.settings.secure_cookies())
        .with_expiry(Expiry::OnInactivity(time::Duration::hours(
            state.settings.session_hours,
        )));

    let sw = service_worker_source(&state);
    let store = state.store.clone();
    let build = state.build.clone();
    let trust_proxy = state.settings.trust_proxy;
    let public: Arc<str> = state.settings.public_url.trim_end_matches('/').into();
    let https = state.settings.secure_cookies();

    Router::new()
        .route("/health", get(move || health(store.clone(), build.clone())))
        .route("/sw.js", get(move || service_worker(sw.clone())))
        // Hashed build files, served from the brotli-11 copies `cargo leptos build --release
        // --precompress` writes beside them (runtime brotli uses a fast level: the wasm would be
        // ~30% larger). Its gzip copies are larger than runtime gzip, so gzip stays on the fly.
        .nest_service(
            "/pkg",
            // Caches keep one copy per encoding (ServeDir leaves Vary out of precompressed answers).
            SetResponseHeaderLayer::if_not_present(header::VARY, HeaderValue::from_static("accept-encoding"))
                .layer(tower_http::services::ServeDir::new(state.settings.site_root.join("pkg")).precompressed_br()),
        )
        .merge(api.routes())
        .leptos_routes_with_context(&options, routes, context.clone(), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .fallback(leptos_axum::file_and_error_handler_with_context(context, shell))
        .with_state(options)
        .layer(session_layer)
        .layer(middleware::from_fn(server_fn_status))
        .layer(middleware::from_fn(move |req, next| {
            client_addr(trust_proxy, req, next)
        }))
        .layer(middleware::from_fn(cache_headers))
        .layer(middleware::from_fn(serbian_script))
        .layer(middleware::from_fn(page_redirects))
        .layer(middleware::from_fn(move |req, next| {
            same_origin(public.clone(), req, next)
        }))
        .layer(middleware::from_fn(move |req, next| {
            security::headers(https, req, next)
        }))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
}

/// Server functions answer every refusal with 500 and the typed error as JSON; this gives each
/// the status its [`ApiError`] names ([`ApiError::status_code`], the same the REST routes
/// answer), for every server function at once. A plain form post was already redirected back
/// (302) by leptos_axum and is left alone.
async fn server_fn_status(req: Request, next: Next) -> Response {
    let res = next.run(req).await;
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res
            .headers()
            .contains_key(leptos::server_fn::error::SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    // An error body is a short JSON value; anything larger is not one of ours.
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(status) = serde_json::from_slice::<ApiError>(&bytes)
        .ok()
        .and_then(|e| StatusCode::from_u16(e.status_code()).ok())
    {
        parts.status = status;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn health(store: Arc<dyn Storage>, build: String) -> Response {
    match store.ping().await {
        Ok(()) => Json(serde_json::json!({ "status": "ok", "database": "ok", "build": build })).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(serde_json::json!({ "status": "error", "database": "unreachable" })),
            )
                .into_response()
        }
    }
}

/// `public/sw.js` with this build's identifier written in, read once at start.
fn service_worker_source(state: &AppState) -> Arc<str> {
    let path = state.settings.site_root.join("sw.js");
    match std::fs::read_to_string(&path) {
        Ok(text) => text.replace("__BUILD__", &state.build).into(),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "service worker not found; offline shell disabled");
            Arc::from("")
        }
    }
}

async fn service_worker(source: Arc<str>) -> Response {
    if source.is_empty() {
        return StatusCode::NOT_FOUND.into_response();
    }
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        source.to_string(),
    )
        .into_response()
}

/// Files under `/pkg/` carry a content hash in their names: cache them for a year. Everything
/// else is revalidated, and pages (which show personal data) stay out of shared caches.
async fn cache_headers(req: Request, next: Next) -> Response {
    let hashed = req.uri().path().starts_with("/pkg/");
    let mut res = next.run(req).await;
    if !res.headers().contains_key(header::CACHE_CONTROL) {
        let is_html = res
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let value = if hashed && res.status().is_success() {
            "public, max-age=31536000, immutable"
        } else if is_html {
            "private, no-cache"
        } else {
            "no-cache"
        };
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    }
    res
}

/// leptos_axum records a page's redirect as a `Location` header but, for a streamed page,
/// leaves the status at 200; browsers without JavaScript (and crawlers of private pages) need
/// the real 302.
async fn page_redirects(req: Request, next: Next) -> Response {
    let is_page = req.method() == axum::http::Method::GET && !req.uri().path().starts_with("/api/");
    let mut res = next.run(req).await;
    if is_page && res.status() == StatusCode::OK && res.headers().contains_key(header::LOCATION) {
        *res.status_mut() = StatusCode::FOUND;
        res.headers_mut().remove("serverfnredirect");
    }
    res
}

/// A state-changing request sent from another site's page is refused (cross-site request
/// forgery, sign-in included): its `Origin`, which browsers send with every such request, must
/// be this server's, the host the request was sent to or the public URL. Requests without one
/// (scripts, tests) pass; the session cookie is `SameSite=Lax` as well.
async fn same_origin(public: Arc<str>, req: Request, next: Next) -> Response {
    use axum::http::Method;
    if !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        if let Some(origin) = req.headers().get(header::ORIGIN) {
            let origin = origin.to_str().unwrap_or("null");
            let host = req.headers().get(header::HOST).and_then(|v| v.to_str().ok());
            let origin_host = origin.split_once("://").map(|(_, h)| h);
            if origin != &*public && (origin_host.is_none() || origin_host != host) {
                tracing::warn!(origin, "cross-site request refused");
                return ApiError::Forbidden.into_response();
            }
        }
    }
    next.run(req).await
}

/// Serbian asked for without a script is Serbian in Cyrillic (`with_serbian_script`): the page
/// then opens in the first of the browser's languages the app has.
async fn serbian_script(mut req: Request, next: Next) -> Response {
    let rewritten = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(app::i18n_support::with_serbian_script)
        .and_then(|v| HeaderValue::from_str(&v).ok());
    if let Some(v) = rewritten {
        req.headers_mut().insert(header::ACCEPT_LANGUAGE, v);
    }
    next.run(req).await
}

/// Decides the caller's address once, for sign-in throttling and the audit trail.
async fn client_addr(trust_proxy: bool, mut req: Request, next: Next) -> Response {
    let forwarded = trust_proxy
        .then(|| req.headers().get("x-forwarded-for").and_then(|v| v.to_str().ok()))
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty());
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let addr = forwarded.or(peer).unwrap_or_else(|| "unknown".into());
    req.extensions_mut().insert(ClientAddr(addr));
    next.run(req).await
}
