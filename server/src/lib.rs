//! The Reintegra server: configuration, storage, sign-in and the HTTP surface.

pub mod auth;
pub mod case;
pub mod config;
pub mod follow_up;
pub mod http;
pub mod seed;
pub mod service;
pub mod storage;
pub mod sync;
pub mod sync_api;

use auth::throttle;
use chrono::Duration;
use config::Settings;
use service::SignInPolicy;

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error(transparent)]
    Storage(#[from] storage::StorageError),
    #[error(transparent)]
    Seed(#[from] seed::SeedError),
    #[error("session store: {0}")]
    Sessions(#[from] tower_sessions_sqlx_store::sqlx::Error),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Config(String),
}

pub fn sign_in_policy(settings: &Settings) -> SignInPolicy {
    let minutes = Duration::minutes(settings.login_lockout_minutes);
    SignInPolicy {
        per_account: throttle::Policy {
            max_failures: settings.login_max_failures,
            window: minutes,
            lockout: minutes,
        },
        per_address: throttle::Policy {
            max_failures: settings.login_max_failures_per_address,
            window: minutes,
            lockout: minutes,
        },
    }
}
