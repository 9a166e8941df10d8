//! Storage of the municipality's schools and its early-warning thresholds. Same pattern as
//! [`super::sql`]: one SQL text, expanded per dialect.

use super::{AuditEvent, PostgresStorage, Result, SqliteStorage, StorageError};
use app::domain::school::{School, Thresholds};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait SchoolStore: Send + Sync {
    /// The registry of a municipality, retired schools included, by name.
    async fn schools(&self, municipality_id: Uuid) -> Result<Vec<School>>;
    async fn school(&self, id: Uuid) -> Result<Option<School>>;
    /// Inserts or replaces a school (its retirement included), with the audit rows.
    async fn save_school(&self, s: &School, now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<()>;
    /// The municipality's own thresholds; `None` while the defaults apply.
    async fn thresholds(&self, municipality_id: Uuid) -> Result<Option<Thresholds>>;
    async fn set_thresholds(
        &self,
        municipality_id: Uuid,
        t: &Thresholds,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &[AuditEvent],
    ) -> Result<()>;
}

const SCHOOL_COLUMNS: &str = "id, municipality_id, name, classes, retired_at IS NOT NULL AS retired";

fn count(row_value: i64) -> u32 {
    u32::try_from(row_value).unwrap_or(0)
}

macro_rules! school_store {
    ($name:ident, $row:ty) => {
        impl $name {
            fn school_from_row(row: &$row) -> Result<School> {
                let classes: String = row.try_get("classes")?;
                Ok(School {
                    id: row.try_get("id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    name: row.try_get("name")?,
                    classes: serde_json::from_str(&classes)
                        .map_err(|e| StorageError::Corrupt(format!("school classes: {e}")))?,
                    retired: row.try_get("retired")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl SchoolStore for $name {
            async fn schools(&self, municipality_id: Uuid) -> Result<Vec<School>> {
                let sql = format!("SELECT {SCHOOL_COLUMNS} FROM school WHERE municipality_id = $1 ORDER BY name, id");
                let rows = sqlx::query(&sql)
                    .bind(municipality_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::school_from_row).collect()
            }

            async fn school(&self, id: Uuid) -> Result<Option<School>> {
                let sql = format!("SELECT {SCHOOL_COLUMNS} FROM school WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                row.as_ref().map(Self::school_from_row).transpose()
            }

            async fn save_school(&self, s: &School, now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<()> {
                let classes = serde_json::to_string(&s.classes).map_err(|e| StorageError::Corrupt(e.to_string()))?;
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO school (id, municipality_id, name, classes, retired_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO UPDATE SET name = $3, classes = $4, \
                     retired_at = CASE WHEN $7 THEN COALESCE(school.retired_at, $6) ELSE NULL END",
                )
                .bind(s.id)
                .bind(s.municipality_id)
                .bind(&s.name)
                .bind(&classes)
                .bind(s.retired.then_some(now))
                .bind(now)
                .bind(s.retired)
                .execute(&mut *tx)
                .await?;
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(())
            }

            async fn thresholds(&self, municipality_id: Uuid) -> Result<Option<Thresholds>> {
                let row = sqlx::query(
                    "SELECT absent_days, absence_run, not_enrolled_days, repeated_grade, certificate_missing_days \
                     FROM early_warning WHERE municipality_id = $1",
                )
                .bind(municipality_id)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| -> Result<Thresholds> {
                    Ok(Thresholds {
                        absent_days: count(r.try_get("absent_days")?),
                        absence_run: count(r.try_get("absence_run")?),
                        not_enrolled_days: count(r.try_get("not_enrolled_days")?),
                        repeated_grade: r.try_get("repeated_grade")?,
                        certificate_missing_days: count(r.try_get("certificate_missing_days")?),
                    })
                })
                .transpose()
            }

            async fn set_thresholds(
                &self,
                municipality_id: Uuid,
                t: &Thresholds,
                by: Uuid,
                at: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO early_warning (municipality_id, absent_days, absence_run, not_enrolled_days, \
                     repeated_grade, certificate_missing_days, updated_by, updated_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (municipality_id) DO UPDATE SET absent_days = $2, absence_run = $3, \
                     not_enrolled_days = $4, repeated_grade = $5, certificate_missing_days = $6, \
                     updated_by = $7, updated_at = $8",
                )
                .bind(municipality_id)
                .bind(i64::from(t.absent_days))
                .bind(i64::from(t.absence_run))
                .bind(i64::from(t.not_enrolled_days))
                .bind(t.repeated_grade)
                .bind(i64::from(t.certificate_missing_days))
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

school_store!(SqliteStorage, sqlx::sqlite::SqliteRow);
school_store!(PostgresStorage, sqlx::postgres::PgRow);
