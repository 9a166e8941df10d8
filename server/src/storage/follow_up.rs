//! Storage of the follow-ups the rules give for each case, and of each municipality's referral
//! days. Same pattern as [`super::sql`]: one SQL text, expanded per dialect.

use super::record::CaseScope;
use super::{AuditEvent, PostgresStorage, Result, SqliteStorage};
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use uuid::Uuid;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpRow {
    pub case_id: Uuid,
    pub key: String,
    pub municipality_id: Uuid,
    /// [`app::domain::follow_up::FollowUpKind::code`].
    pub kind: String,
    pub due_on: NaiveDate,
    /// The instant it falls overdue when that is not the end of `due_on` (a first visit after a
    /// return at a known hour).
    pub due_at: Option<DateTime<Utc>>,
    /// [`app::domain::follow_up::Status::as_str`].
    pub status: String,
    pub done_by: Option<Uuid>,
    /// Done after its deadline (recorded for the first visit).
    pub late: bool,
    pub escalated_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

impl FollowUpRow {
    /// Equal in everything the rules decide (not in when it was written).
    pub fn same_as(&self, other: &FollowUpRow) -> bool {
        FollowUpRow {
            updated_at: other.updated_at,
            ..self.clone()
        } == *other
    }
}

#[async_trait::async_trait]
pub trait FollowUpStore: Send + Sync {
    async fn follow_ups_of_case(&self, case_id: Uuid) -> Result<Vec<FollowUpRow>>;
    /// Writes `rows` (insert or replace) and deletes the `gone` keys of the case in one
    /// transaction. A row's first escalation is kept (never moved by a later writer), and an
    /// escalation's audit row, given by the follow-up's key, is written only by the writer whose
    /// stamp stayed: two writers (two server instances, a push and the clock) escalate once.
    /// Returns how many follow-ups this call escalated.
    async fn save_follow_ups(
        &self,
        case_id: Uuid,
        rows: &[FollowUpRow],
        gone: &[String],
        escalations: &[(String, AuditEvent)],
    ) -> Result<usize>;
    /// The follow-ups of the cases in `scope`, by due day.
    async fn follow_ups_in(&self, scope: CaseScope) -> Result<Vec<FollowUpRow>>;
    /// Every case: (case, municipality).
    async fn all_cases(&self) -> Result<Vec<(Uuid, Uuid)>>;
    /// Claims the clock's pass named `name` for `instance` at `now` when the last pass started
    /// at or before `last_before` (or never): true for exactly one of several instances asking
    /// at once.
    async fn claim_clock_pass(
        &self,
        name: &str,
        instance: &str,
        now: DateTime<Utc>,
        last_before: DateTime<Utc>,
    ) -> Result<bool>;
    /// How many passes of `name` were claimed.
    async fn clock_passes(&self, name: &str) -> Result<i64>;
    /// The municipality's own days, by referral kind.
    async fn referral_days(&self, municipality_id: Uuid) -> Result<Vec<(String, i32)>>;
    async fn set_referral_days(
        &self,
        municipality_id: Uuid,
        kind: &str,
        days: i32,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &[AuditEvent],
    ) -> Result<()>;
}

const FOLLOW_UP_COLUMNS: &str = "f.case_id, f.key, f.municipality_id, f.kind, f.due_on, f.due_at, f.status, \
     f.done_by, f.late, f.escalated_at, f.updated_at";

macro_rules! follow_up_store {
    ($name:ident, $row:ty) => {
        impl $name {
            fn follow_up_from_row(row: &$row) -> Result<FollowUpRow> {
                Ok(FollowUpRow {
                    case_id: row.try_get("case_id")?,
                    key: row.try_get("key")?,
                    municipality_id: row.try_get("municipality_id")?,
                    kind: row.try_get("kind")?,
                    due_on: row.try_get("due_on")?,
                    due_at: row.try_get("due_at")?,
                    status: row.try_get("status")?,
                    done_by: row.try_get("done_by")?,
                    late: row.try_get("late")?,
                    escalated_at: row.try_get("escalated_at")?,
                    updated_at: row.try_get("updated_at")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl FollowUpStore for $name {
            async fn follow_ups_of_case(&self, case_id: Uuid) -> Result<Vec<FollowUpRow>> {
                let sql = format!("SELECT {FOLLOW_UP_COLUMNS} FROM follow_up f WHERE f.case_id = $1 ORDER BY f.key");
                let rows = sqlx::query(&sql).bind(case_id).fetch_all(&self.pool).await?;
                rows.iter().map(Self::follow_up_from_row).collect()
            }

            async fn save_follow_ups(
                &self,
                case_id: Uuid,
                rows: &[FollowUpRow],
                gone: &[String],
                escalations: &[(String, AuditEvent)],
            ) -> Result<usize> {
                let mut tx = self.pool.begin().await?;
                for key in gone {
                    sqlx::query("DELETE FROM follow_up WHERE case_id = $1 AND key = $2")
                        .bind(case_id)
                        .bind(key)
                        .execute(&mut *tx)
                        .await?;
                }
                let mut escalated = 0;
                for f in rows {
                    // An escalation already stamped stays (COALESCE): under a concurrent writer the
                    // second upsert waits for the first and keeps its stamp.
                    let kept: Option<DateTime<Utc>> = sqlx::query_scalar(
                        "INSERT INTO follow_up (case_id, key, municipality_id, kind, due_on, due_at, status, \
                         done_by, late, escalated_at, updated_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                         ON CONFLICT (case_id, key) DO UPDATE SET municipality_id = excluded.municipality_id, \
                         kind = excluded.kind, due_on = excluded.due_on, due_at = excluded.due_at, \
                         status = excluded.status, done_by = excluded.done_by, late = excluded.late, \
                         escalated_at = CASE WHEN excluded.escalated_at IS NULL THEN NULL \
                         ELSE COALESCE(follow_up.escalated_at, excluded.escalated_at) END, \
                         updated_at = excluded.updated_at \
                         RETURNING escalated_at",
                    )
                    .bind(f.case_id)
                    .bind(&f.key)
                    .bind(f.municipality_id)
                    .bind(&f.kind)
                    .bind(f.due_on)
                    .bind(f.due_at)
                    .bind(&f.status)
                    .bind(f.done_by)
                    .bind(f.late)
                    .bind(f.escalated_at)
                    .bind(f.updated_at)
                    .fetch_one(&mut *tx)
                    .await?;
                    // PostgreSQL keeps microseconds: compare at that precision.
                    let micros = |t: Option<DateTime<Utc>>| t.map(|t| t.timestamp_micros());
                    let ours = kept.is_some() && micros(kept) == micros(f.escalated_at);
                    for (_, event) in escalations.iter().filter(|(key, _)| *key == f.key) {
                        if ours {
                            insert_audits!(std::iter::once(event), tx);
                            escalated += 1;
                        }
                    }
                }
                tx.commit().await?;
                Ok(escalated)
            }

            async fn follow_ups_in(&self, scope: CaseScope) -> Result<Vec<FollowUpRow>> {
                let sql = format!(
                    "SELECT {FOLLOW_UP_COLUMNS} FROM follow_up f JOIN record c ON c.id = f.case_id AND c.kind = 'case' \
                     WHERE f.municipality_id = $1 AND ($2 IS NULL OR c.field_worker_id = $2 OR c.case_manager_id = $2) \
                     ORDER BY f.due_on, f.case_id, f.key"
                );
                let rows = sqlx::query(&sql)
                    .bind(scope.municipality_id)
                    .bind(scope.own_cases_of)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::follow_up_from_row).collect()
            }

            async fn all_cases(&self) -> Result<Vec<(Uuid, Uuid)>> {
                let rows = sqlx::query("SELECT id, municipality_id FROM record WHERE kind = 'case' ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| Ok((r.try_get("id")?, r.try_get("municipality_id")?)))
                    .collect()
            }

            async fn claim_clock_pass(
                &self,
                name: &str,
                instance: &str,
                now: DateTime<Utc>,
                last_before: DateTime<Utc>,
            ) -> Result<bool> {
                // A concurrent claimer waits for the row, then finds the WHERE false.
                let done = sqlx::query(
                    "INSERT INTO clock_pass (name, started_at, instance, passes) VALUES ($1, $2, $3, 1) \
                     ON CONFLICT (name) DO UPDATE SET started_at = excluded.started_at, \
                     instance = excluded.instance, passes = clock_pass.passes + 1 \
                     WHERE clock_pass.started_at <= $4",
                )
                .bind(name)
                .bind(now)
                .bind(instance)
                .bind(last_before)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn clock_passes(&self, name: &str) -> Result<i64> {
                let n: Option<i64> = sqlx::query_scalar("SELECT passes FROM clock_pass WHERE name = $1")
                    .bind(name)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(n.unwrap_or(0))
            }

            async fn referral_days(&self, municipality_id: Uuid) -> Result<Vec<(String, i32)>> {
                let rows = sqlx::query("SELECT kind, days FROM referral_days WHERE municipality_id = $1 ORDER BY kind")
                    .bind(municipality_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(|r| Ok((r.try_get("kind")?, r.try_get("days")?))).collect()
            }

            async fn set_referral_days(
                &self,
                municipality_id: Uuid,
                kind: &str,
                days: i32,
                by: Uuid,
                at: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO referral_days (municipality_id, kind, days, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (municipality_id, kind) DO UPDATE SET \
                     days = excluded.days, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(municipality_id)
                .bind(kind)
                .bind(days)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

follow_up_store!(SqliteStorage, sqlx::sqlite::SqliteRow);
follow_up_store!(PostgresStorage, sqlx::postgres::PgRow);
