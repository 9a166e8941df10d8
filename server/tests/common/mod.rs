//! Fresh databases for the suites: a temporary SQLite file, and a new PostgreSQL database on the
//! server named by `REINTEGRA_TEST_POSTGRES_URL` (default: the local `test` database). A
//! PostgreSQL that cannot be reached fails the run; it is never skipped.
#![allow(dead_code)]

pub mod live;
pub mod world;

use reintegra::storage::{self, Pool, Storage};
use sqlx::Connection;
use std::sync::Arc;
use uuid::Uuid;

pub const DEFAULT_PG: &str = "postgres://postgres@127.0.0.1:5432/test";

pub async fn sqlite() -> (Arc<dyn Storage>, Pool) {
    storage::connect(&sqlite_url()).await.expect("sqlite storage")
}

pub async fn postgres() -> (Arc<dyn Storage>, Pool) {
    storage::connect(&postgres_url().await).await.expect("postgres storage")
}

/// A new SQLite file's URL (created on first connection).
pub fn sqlite_url() -> String {
    let path = std::env::temp_dir().join(format!("reintegra-test-{}.db", Uuid::now_v7()));
    format!("sqlite://{}", path.display())
}

/// A new, empty PostgreSQL database's URL.
pub async fn postgres_url() -> String {
    let admin_url = std::env::var("REINTEGRA_TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_PG.into());
    let mut admin = sqlx::PgConnection::connect(&admin_url)
        .await
        .unwrap_or_else(|e| panic!("PostgreSQL at {admin_url} is required for this suite: {e}"));
    let name = format!("reintegra_test_{}", Uuid::now_v7().simple());
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut admin)
        .await
        .expect("create test database");
    let base = admin_url.rsplit_once('/').map(|(b, _)| b).unwrap_or(&admin_url);
    format!("{base}/{name}")
}

/// The router the binary serves (pages, server functions, REST routes and every layer), on
/// `store`, with sessions in memory.
pub fn app_router(store: Arc<dyn Storage>) -> axum::Router {
    app_router_with(store, &[])
}

/// The settings of a server started with no flags (and a database URL it does not use).
pub fn settings() -> reintegra::config::Settings {
    use clap::Parser;
    reintegra::config::Cli::parse_from(["reintegra", "--database-url", "sqlite://unused"]).settings
}

/// [`app_router`] with more flags (`--public-url https://…`).
pub fn app_router_with(store: Arc<dyn Storage>, flags: &[&str]) -> axum::Router {
    use clap::Parser;
    use reintegra::context::Ctx;
    use reintegra::http::{self, AppState};
    let args = [
        "reintegra",
        "--database-url",
        "sqlite://unused",
        "--site-root",
        "/nonexistent",
    ]
    .into_iter()
    .chain(flags.iter().copied());
    let settings = reintegra::config::Cli::parse_from(args).settings;
    let policy = reintegra::sign_in_policy(&settings);
    let backend = Arc::new(reintegra::users::Users::new(Ctx::new(store.clone()), policy));
    let state = AppState {
        store,
        backend,
        leptos: http::leptos_options(&settings),
        settings,
        build: "test".into(),
    };
    http::router(state, tower_sessions::MemoryStore::default())
}

/// The REST routes alone, on `store`, with a test-only sign-in (`POST /test/sign-in/{id}`)
/// that leaves in the session what the real sign-in leaves: the user and the device-key grant.
pub fn api_router(store: Arc<dyn Storage>) -> axum::Router {
    use app::api::ssr::{SharedBackend, KEY_GRANT, USER_KEY};
    use reintegra::context::Ctx;
    let policy = reintegra::auth::throttle::Policy {
        max_failures: 5,
        window: chrono::Duration::minutes(15),
        lockout: chrono::Duration::minutes(15),
    };
    let backend: SharedBackend = Arc::new(reintegra::users::Users::new(
        Ctx::new(store.clone()),
        reintegra::users::SignInPolicy {
            per_account: policy,
            per_address: policy,
        },
    ));
    axum::Router::new()
        .merge(reintegra::http::ApiState::new(store, backend).routes())
        .route(
            "/test/sign-in/{id}",
            axum::routing::post(
                |session: tower_sessions::Session, axum::extract::Path(id): axum::extract::Path<Uuid>| async move {
                    session.insert(USER_KEY, id).await.unwrap();
                    session.insert(KEY_GRANT, true).await.unwrap();
                },
            ),
        )
        .layer(tower_sessions::SessionManagerLayer::new(tower_sessions::MemoryStore::default()).with_secure(false))
}

/// Runs `$suite(store)` once on SQLite and once on PostgreSQL, as two tests.
#[macro_export]
macro_rules! on_both_databases {
    ($($suite:ident),* $(,)?) => {
        $(
            mod $suite {
                #[tokio::test]
                async fn sqlite() {
                    super::$suite(super::common::sqlite().await.0).await;
                }
                #[tokio::test]
                async fn postgres() {
                    super::$suite(super::common::postgres().await.0).await;
                }
            }
        )*
    };
}
