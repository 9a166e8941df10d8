use clap::Parser;
use reintegra::config::{Cli, Command, LogFormat, Settings};
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::http::{self, AppState};
use reintegra::storage::{self, Pool, Storage};
use reintegra::users::Users;
use reintegra::{seed, sign_in_policy, ServerError};
use std::io::BufRead;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions_sqlx_store::{PostgresStore, SqliteStore};

/// The plans' clock's pass, as named in `clock_pass`.
const CLOCK: &str = "plans";

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing(cli.settings.log_format);
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(cli.settings).await,
        Command::CreateAdmin {
            municipality_code,
            municipality_name,
            username,
            display_name,
            national,
        } => {
            let role = if national {
                app::domain::Role::National
            } else {
                app::domain::Role::Admin
            };
            create_admin(
                &cli.settings,
                (&municipality_code, &municipality_name),
                &username,
                &display_name,
                role,
            )
            .await
        }
        Command::Backup { to } => backup(&cli.settings, &to).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "stopped");
            ExitCode::FAILURE
        }
    }
}

async fn backup(settings: &Settings, to: &std::path::Path) -> Result<(), ServerError> {
    let (_, pool) = storage::connect(&settings.database_url).await?;
    storage::backup(&pool, to).await?;
    tracing::info!(to = %to.display(), "backup written");
    Ok(())
}

fn init_tracing(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match format {
        LogFormat::Json => builder.json().init(),
        LogFormat::Text => builder.init(),
    }
}

async fn serve(settings: Settings) -> Result<(), ServerError> {
    let (store, pool) = storage::connect(&settings.database_url).await?;
    tracing::info!(database = %redact(&settings.database_url), "database ready");
    if settings.demo {
        if seed::load_demo(store.as_ref()).await? {
            seed::suggest_demo_duplicates(store.clone()).await?;
            tracing::info!("demo data loaded (users and passwords: see README)");
        } else {
            tracing::info!("database already holds users: demo data not loaded");
        }
    }
    tokio::spawn(keep_follow_ups(
        FollowUps::new(Ctx::new(store.clone())),
        reintegra::sync::SyncService::new(Ctx::new(store.clone())),
        store.clone(),
    ));
    let backend = Arc::new(Users::new(Ctx::new(store.clone()), sign_in_policy(&settings)));
    let state = AppState {
        store,
        backend,
        leptos: http::leptos_options(&settings),
        settings: settings.clone(),
        build: http::build_id(),
    };
    let app = match pool {
        Pool::Sqlite(pool) => {
            let sessions = SqliteStore::new(pool);
            sessions.migrate().await?;
            tokio::spawn(
                sessions
                    .clone()
                    .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
            );
            http::router(state, sessions)
        }
        Pool::Postgres(pool) => {
            let sessions = PostgresStore::new(pool);
            sessions.migrate().await?;
            tokio::spawn(
                sessions
                    .clone()
                    .continuously_delete_expired(tokio::time::Duration::from_secs(3600)),
            );
            http::router(state, sessions)
        }
    };
    let listener = tokio::net::TcpListener::bind(settings.addr).await?;
    tracing::info!(addr = %settings.addr, "listening");
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// The plans' clock: writes reschedule their own case at once; this pass first finishes what a
/// crash left undone after a commit (duplicate checks, rescheduling), then turns what fell due
/// into overdue and escalates it, and keeps each case's indicator figures, every ten minutes
/// (first at start-up). Several instances on one database run the pass once per period: each
/// claims it in the database first (the after-writes are idempotent and every instance may
/// finish them).
async fn keep_follow_ups(follow_ups: FollowUps, sync: reintegra::sync::SyncService, store: Arc<dyn Storage>) {
    const EVERY: std::time::Duration = std::time::Duration::from_secs(600);
    let instance = format!("{}-{}", std::process::id(), uuid::Uuid::now_v7());
    let mut tick = tokio::time::interval(EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        match sync.finish_after_writes().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(changes = n, "after-writes a crash left undone finished"),
            Err(e) => tracing::error!(error = %e, "finishing after-writes failed"),
        }
        let now = chrono::Utc::now();
        // A minute's slack, so this instance's own next tick is never refused.
        let last_before = now - chrono::Duration::from_std(EVERY).unwrap_or_default() + chrono::Duration::minutes(1);
        match store.claim_clock_pass(CLOCK, &instance, now, last_before).await {
            Ok(true) => {}
            Ok(false) => {
                tracing::debug!("another instance ran the clock's pass");
                continue;
            }
            Err(e) => {
                tracing::error!(error = %e, "claiming the clock's pass failed");
                continue;
            }
        }
        match follow_ups.schedule_all(now).await {
            Ok(run) => tracing::info!(
                cases = run.cases,
                changed = run.changed,
                escalated = run.escalated,
                "follow-ups scheduled"
            ),
            Err(e) => tracing::error!(error = %e, "scheduling follow-ups failed"),
        }
    }
}

/// Finishes the requests in flight on SIGTERM (service managers) or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

async fn create_admin(
    settings: &Settings,
    (code, name): (&str, &str),
    username: &str,
    display_name: &str,
    role: app::domain::Role,
) -> Result<(), ServerError> {
    let password = match std::env::var("REINTEGRA_ADMIN_PASSWORD") {
        Ok(p) => p,
        Err(_) => {
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line.trim_end_matches(['\r', '\n']).to_string()
        }
    };
    let (store, _) = storage::connect(&settings.database_url).await?;
    let municipality = seed::ensure_municipality(store.as_ref(), code, name).await?;
    let user = seed::create_user(
        store.as_ref(),
        &municipality,
        username,
        display_name,
        &[role],
        None,
        &password,
    )
    .await?;
    tracing::info!(username = %user.username, municipality = %municipality.name, role = %role, "user created");
    Ok(())
}

/// The database URL without its password, for the log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{}:***{}", &url[..scheme + 3], user, &url[at..])
        }
        _ => url.to_string(),
    }
}
