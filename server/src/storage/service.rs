//! Storage of the municipality's catalogue of standard services. Same pattern as [`super::sql`]:
//! one SQL text, expanded per dialect.

use super::{AuditEvent, PostgresStorage, Result, SqliteStorage};
use app::domain::service::{Service, ServiceNames};
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

#[async_trait::async_trait]
pub trait ServiceStore: Send + Sync {
    /// The catalogue of a municipality, retired services included, by area and name.
    async fn services(&self, municipality_id: Uuid) -> Result<Vec<Service>>;
    async fn service(&self, id: Uuid) -> Result<Option<Service>>;
    /// Inserts or replaces a service (its retirement included), with the audit rows.
    async fn save_service(&self, s: &Service, now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<()>;
}

const SERVICE_COLUMNS: &str = "id, municipality_id, area, name_sq, name_sr, name_tr, name_en, institution_id, \
     typical_days, retired_at IS NOT NULL AS retired";

macro_rules! service_store {
    ($name:ident, $row:ty) => {
        impl $name {
            fn service_from_row(row: &$row) -> Result<Service> {
                let days: i64 = row.try_get("typical_days")?;
                Ok(Service {
                    id: row.try_get("id")?,
                    municipality_id: row.try_get("municipality_id")?,
                    area: row.try_get("area")?,
                    names: ServiceNames {
                        sq: row.try_get("name_sq")?,
                        sr: row.try_get("name_sr")?,
                        tr: row.try_get("name_tr")?,
                        en: row.try_get("name_en")?,
                    },
                    institution_id: row.try_get("institution_id")?,
                    typical_days: u32::try_from(days).unwrap_or(0),
                    retired: row.try_get("retired")?,
                })
            }
        }

        #[async_trait::async_trait]
        impl ServiceStore for $name {
            async fn services(&self, municipality_id: Uuid) -> Result<Vec<Service>> {
                let sql = format!(
                    "SELECT {SERVICE_COLUMNS} FROM service WHERE municipality_id = $1 ORDER BY area, name_sq, id"
                );
                let rows = sqlx::query(&sql)
                    .bind(municipality_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter().map(Self::service_from_row).collect()
            }

            async fn service(&self, id: Uuid) -> Result<Option<Service>> {
                let sql = format!("SELECT {SERVICE_COLUMNS} FROM service WHERE id = $1");
                let row = sqlx::query(&sql).bind(id).fetch_optional(&self.pool).await?;
                row.as_ref().map(Self::service_from_row).transpose()
            }

            async fn save_service(&self, s: &Service, now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO service (id, municipality_id, area, name_sq, name_sr, name_tr, name_en, \
                     institution_id, typical_days, retired_at, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) \
                     ON CONFLICT (id) DO UPDATE SET area = $3, name_sq = $4, name_sr = $5, name_tr = $6, \
                     name_en = $7, institution_id = $8, typical_days = $9, \
                     retired_at = CASE WHEN $12 THEN COALESCE(service.retired_at, $11) ELSE NULL END",
                )
                .bind(s.id)
                .bind(s.municipality_id)
                .bind(&s.area)
                .bind(&s.names.sq)
                .bind(&s.names.sr)
                .bind(&s.names.tr)
                .bind(&s.names.en)
                .bind(s.institution_id)
                .bind(i64::from(s.typical_days))
                .bind(s.retired.then_some(now))
                .bind(now)
                .bind(s.retired)
                .execute(&mut *tx)
                .await?;
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

service_store!(SqliteStorage, sqlx::sqlite::SqliteRow);
service_store!(PostgresStorage, sqlx::postgres::PgRow);
