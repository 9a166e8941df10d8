//! The Reintegra server: one module per use case over a shared [`context::Ctx`] (store, clock,
//! audit, permission check), the HTTP boundary in [`http`], storage in [`storage`].
//!
//! Imports run one way: `context` and `records` ← `indicators` (each case's figures) ←
//! `follow_ups` ← `duplicates`, `referrals`, `cases`, `school`, `sync` ← `http`; `export` writes
//! spreadsheets for any of them.

pub mod audit;
pub mod auth;
pub mod case_end;
pub mod cases;
pub mod config;
pub mod context;
pub mod dashboard;
pub mod devices;
pub mod duplicates;
pub mod export;
pub mod exports;
pub mod follow_ups;
pub mod http;
pub mod indicators;
pub mod plans;
pub mod protection;
pub mod records;
pub mod referrals;
pub mod school;
pub mod seed;
pub mod storage;
pub mod sync;
pub mod users;

use auth::throttle;
use chrono::Duration;
use config::Settings;
use users::SignInPolicy;

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
