//! Storage: one trait, two SQL dialects (SQLite embedded, PostgreSQL national), one behaviour.
//!
//! Both implementations are generated from the same source in [`sql`], so a query cannot drift
//! between the two; `tests/storage.rs` runs one suite against both.

/// Inserts the audit rows of a write inside its own transaction: the write and its rows commit
/// together or not at all.
/// `insert_audits!(events, tx, " ON CONFLICT (id) DO NOTHING")` keeps a row already there.
macro_rules! insert_audits {
    ($events:expr, $tx:expr) => {
        insert_audits!($events, $tx, "")
    };
    ($events:expr, $tx:expr, $on_conflict:literal) => {
        for e in $events {
            sqlx::query(concat!(
                "INSERT INTO audit_event (id, at, actor_id, municipality_id, action, entity, entity_id, detail, \
                 case_id, person_id, device_id, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                $on_conflict
            ))
            .bind(e.id)
            .bind(e.at)
            .bind(e.actor_id)
            .bind(e.municipality_id)
            .bind(&e.action)
            .bind(&e.entity)
            .bind(&e.entity_id)
            .bind(&e.detail)
            .bind(e.case_id)
            .bind(e.person_id)
            .bind(e.device_id)
            .bind(&e.reason)
            .execute(&mut *$tx)
            .await?;
        }
    };
}

mod blob;
mod device;
mod follow_up;
mod indicator;
mod record;
mod school;
mod service;
mod sql;

use app::domain::{Institution, Role};
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions};
use sqlx::{PgPool, SqlitePool};
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

pub use blob::{BlobRow, BlobStore};
pub use device::{DeviceStore, LostDevice};
pub use follow_up::{FollowUpRow, FollowUpStore};
pub use indicator::{FiguresRow, IndicatorStore, PlanRow};
pub use record::{
    AfterWrite, AppliedChange, CaseScope, Commit, CommitResult, ConflictRow, DuplicateRow, RecordStore, StoredRecord,
};
pub use school::SchoolStore;
pub use service::ServiceStore;
pub use sql::{PostgresStorage, SqliteStorage};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("unsupported database URL {0:?}: use sqlite://… or postgres://…")]
    UnsupportedUrl(String),
    #[error("a record with the same unique value already exists")]
    Duplicate,
    #[error("stored value is not valid: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("creating the data directory: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Backup(String),
}

impl StorageError {
    /// The database could not take the request now but may a moment later: every connection in
    /// use, SQLite's lock held past its wait, PostgreSQL's serialisation or deadlock refusals.
    pub fn is_busy(&self) -> bool {
        match self {
            StorageError::Database(sqlx::Error::PoolTimedOut) => true,
            StorageError::Database(sqlx::Error::Database(db)) => db.code().is_some_and(|code| {
                // SQLite: SQLITE_BUSY (5), SQLITE_LOCKED (6) and their extended codes.
                let sqlite = code.parse::<i32>().is_ok_and(|n| matches!(n & 0xff, 5 | 6));
                sqlite || matches!(code.as_ref(), "40001" | "40P01" | "55P03" | "53300")
            }),
            _ => false,
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Municipality {
    pub id: Uuid,
    pub code: String,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

/// A user as stored, with the password hash: never leaves the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub municipality_name: String,
    pub institution_id: Option<Uuid>,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub locale: String,
    pub active: bool,
    pub roles: Vec<Role>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub window_started_at: DateTime<Utc>,
    pub locked_until: Option<DateTime<Utc>>,
}

/// One row of the audit trail. Rows are only ever inserted: no query of this crate updates or
/// deletes one, and the database refuses it too (migration `0008`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditEvent {
    pub id: Uuid,
    pub at: DateTime<Utc>,
    pub actor_id: Option<Uuid>,
    pub municipality_id: Option<Uuid>,
    /// What happened, e.g. `sign_in`, `user.create`.
    pub action: String,
    /// The kind of record touched, e.g. `user`, `case`.
    pub entity: String,
    pub entity_id: Option<String>,
    /// Free text for people reading the trail; no secrets.
    pub detail: String,
    /// The case the row is about, to filter the trail by case.
    pub case_id: Option<Uuid>,
    /// The person (member) the row is about.
    pub person_id: Option<Uuid>,
    /// The phone or tablet the change or read came from.
    pub device_id: Option<Uuid>,
    /// Why, where a reason was asked (lifting a restriction, reopening a case).
    pub reason: Option<String>,
}

impl AuditEvent {
    pub fn on_case(mut self, case_id: Uuid) -> Self {
        self.case_id = Some(case_id);
        self
    }

    pub fn about_person(mut self, person_id: Option<Uuid>) -> Self {
        self.person_id = person_id;
        self
    }

    pub fn from_device(mut self, device_id: Uuid) -> Self {
        self.device_id = Some(device_id);
        self
    }

    pub fn because(mut self, reason: &str) -> Self {
        self.reason = Some(reason.to_string());
        self
    }
}

/// What the audit screen asks for: one municipality's rows, narrowed by any of the rest.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub municipality_id: Uuid,
    pub case_id: Option<Uuid>,
    pub person_id: Option<Uuid>,
    pub actor_id: Option<Uuid>,
    /// An action or the start of one (`record`, `case.read`).
    pub action: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    pub limit: i64,
}

#[async_trait::async_trait]
pub trait Storage:
    RecordStore
    + FollowUpStore
    + BlobStore
    + ServiceStore
    + SchoolStore
    + DeviceStore
    + IndicatorStore
    + Send
    + Sync
    + 'static
{
    async fn ping(&self) -> Result<()>;
    /// True once any user exists: demo data never goes into a database in use.
    async fn has_users(&self) -> Result<bool>;

    async fn insert_municipality(&self, m: &Municipality) -> Result<()>;
    async fn municipality_by_code(&self, code: &str) -> Result<Option<Municipality>>;
    /// Every municipality of the deployment, by name (a family may move to any of them).
    async fn municipalities(&self) -> Result<Vec<Municipality>>;

    async fn insert_institution(&self, i: &Institution) -> Result<()>;
    async fn institutions(&self, municipality_id: Uuid) -> Result<Vec<Institution>>;
    async fn institution(&self, id: Uuid) -> Result<Option<Institution>>;

    /// Inserts the user and their roles with the audit rows in one transaction; `Duplicate` if the
    /// username is taken.
    async fn insert_user(&self, u: &UserRecord, audit: &[AuditEvent]) -> Result<()>;
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>>;
    async fn user_by_id(&self, id: Uuid) -> Result<Option<UserRecord>>;
    async fn users_in(&self, municipality_id: Uuid) -> Result<Vec<UserRecord>>;
    /// With its audit rows; returns false (and writes nothing) when no such user exists.
    async fn set_user_active(&self, id: Uuid, active: bool, now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<bool>;
    /// Replaces the user's roles atomically, with the audit rows. Returns false (and writes
    /// nothing) when no such user exists.
    async fn set_user_roles(&self, id: Uuid, roles: &[Role], now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<bool>;
    async fn set_user_locale(&self, id: Uuid, locale: &str, now: DateTime<Utc>) -> Result<()>;

    async fn throttle(&self, key: &str) -> Result<Option<ThrottleRow>>;
    async fn save_throttle(&self, row: &ThrottleRow) -> Result<()>;
    async fn clear_throttle(&self, key: &str) -> Result<()>;

    async fn append_audit(&self, e: &AuditEvent) -> Result<()> {
        self.append_audits(std::slice::from_ref(e)).await
    }
    /// In one transaction.
    async fn append_audits(&self, events: &[AuditEvent]) -> Result<()>;
    /// Newest first.
    async fn audit_events(&self, municipality_id: Uuid, limit: i64) -> Result<Vec<AuditEvent>>;
    /// The rows matching `q`, newest first.
    async fn audit_trail(&self, q: &AuditQuery) -> Result<Vec<AuditEvent>>;
}

/// The pool behind the storage, for the parts that need the driver itself (the session store).
#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Writes a consistent copy of a live SQLite database to `to` (SQLite's `VACUUM INTO`: one
/// read transaction, so writers carry on and the copy is the database at one instant). A
/// PostgreSQL database is copied with its own tools (`pg_dump`, see the README).
pub async fn backup(pool: &Pool, to: &std::path::Path) -> Result<()> {
    match pool {
        Pool::Sqlite(p) => {
            if to.exists() {
                return Err(StorageError::Backup(format!("{} exists already", to.display())));
            }
            let to = to
                .to_str()
                .ok_or_else(|| StorageError::Backup("the backup path is not UTF-8".into()))?;
            sqlx::query("VACUUM INTO $1").bind(to).execute(p).await?;
            Ok(())
        }
        Pool::Postgres(_) => Err(StorageError::Backup(
            "a PostgreSQL database is backed up with pg_dump (see the README)".into(),
        )),
    }
}

/// Connects to `url`, applies the pending migrations of its dialect, and returns the storage.
pub async fn connect(url: &str) -> Result<(Arc<dyn Storage>, Pool)> {
    if url.starts_with("sqlite:") {
        let opts = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10));
        if let Some(dir) = opts.get_filename().parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let pool = SqlitePoolOptions::new().max_connections(8).connect_with(opts).await?;
        sqlx::migrate!("./migrations/sqlite").run(&pool).await?;
        Ok((Arc::new(SqliteStorage::new(pool.clone())), Pool::Sqlite(pool)))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        let opts = PgConnectOptions::from_str(url)?;
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(opts)
            .await?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok((Arc::new(PostgresStorage::new(pool.clone())), Pool::Postgres(pool)))
    } else {
        Err(StorageError::UnsupportedUrl(url.to_string()))
    }
}
