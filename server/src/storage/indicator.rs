//! Storage of the indicators: each case's figures (one JSON row per case, written only when it
//! changed), the municipal plans with their indicators, and the figures typed by hand. Same
//! pattern as [`super::sql`]: one SQL text, expanded per dialect.

use super::{AuditEvent, PostgresStorage, Result, SqliteStorage, StorageError};
use app::domain::indicator::IndicatorDef;
use chrono::{DateTime, NaiveDate, Utc};
use sqlx::Row;
use uuid::Uuid;

/// A municipal plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRow {
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub code: String,
    pub name: String,
    pub starts_year: i32,
    pub ends_year: i32,
}

/// One case's figures as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FiguresRow {
    pub case_id: Uuid,
    pub municipality_id: Uuid,
    pub restricted: bool,
    /// [`app::domain::indicator::CaseFigures`] as JSON.
    pub figures: String,
}

#[async_trait::async_trait]
pub trait IndicatorStore: Send + Sync {
    /// Keeps the case's figures; true when they changed.
    async fn save_case_figures(&self, row: &FiguresRow, at: DateTime<Utc>) -> Result<bool>;
    async fn remove_case_figures(&self, case_id: Uuid) -> Result<()>;
    /// The figures of every case of the municipality, or of every municipality.
    async fn case_figures(&self, municipality_id: Option<Uuid>) -> Result<Vec<FiguresRow>>;
    /// The municipality's literacy list: ID, fields as JSON, the day each entry was made.
    async fn literacy_list(&self, municipality_id: Option<Uuid>) -> Result<Vec<(Uuid, Uuid, String, DateTime<Utc>)>>;
    /// The municipalities whose users all hold the national role only: the ministry's own,
    /// which takes no families.
    async fn national_offices(&self) -> Result<Vec<Uuid>>;
    /// Adds a plan with its indicators in this order (a plan already there is left as it is).
    async fn add_plan(&self, plan: &PlanRow, indicators: &[IndicatorDef], at: DateTime<Utc>) -> Result<()>;
    async fn plans(&self, municipality_id: Option<Uuid>) -> Result<Vec<PlanRow>>;
    async fn plan(&self, id: Uuid) -> Result<Option<PlanRow>>;
    async fn indicators(&self, plan_id: Uuid) -> Result<Vec<IndicatorDef>>;
    /// Replaces one indicator's definition (it must exist), with the audit rows.
    async fn save_indicator(
        &self,
        plan_id: Uuid,
        def: &IndicatorDef,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &[AuditEvent],
    ) -> Result<bool>;
    /// The figures typed for exactly this period, by indicator code.
    async fn by_hand(&self, plan_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<(String, f64)>>;
    #[allow(clippy::too_many_arguments)]
    async fn save_by_hand(
        &self,
        plan_id: Uuid,
        code: &str,
        from: NaiveDate,
        to: NaiveDate,
        value: f64,
        by: Uuid,
        at: DateTime<Utc>,
        audit: &[AuditEvent],
    ) -> Result<()>;
}

fn to_json(def: &IndicatorDef) -> Result<String> {
    serde_json::to_string(def).map_err(|e| StorageError::Corrupt(e.to_string()))
}

macro_rules! plan_of {
    ($r:expr) => {
        PlanRow {
            id: $r.try_get("id")?,
            municipality_id: $r.try_get("municipality_id")?,
            code: $r.try_get("code")?,
            name: $r.try_get("name")?,
            starts_year: i32::try_from($r.try_get::<i64, _>("starts_year")?).unwrap_or_default(),
            ends_year: i32::try_from($r.try_get::<i64, _>("ends_year")?).unwrap_or_default(),
        }
    };
}

const PLAN_COLUMNS: &str = "id, municipality_id, code, name, starts_year, ends_year";

macro_rules! indicator_store {
    ($name:ident) => {
        #[async_trait::async_trait]
        impl IndicatorStore for $name {
            async fn save_case_figures(&self, row: &FiguresRow, at: DateTime<Utc>) -> Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO case_figures (case_id, municipality_id, restricted, figures, updated_at) \
                     VALUES ($1, $2, $3, $4, $5) \
                     ON CONFLICT (case_id) DO UPDATE SET municipality_id = excluded.municipality_id, \
                     restricted = excluded.restricted, figures = excluded.figures, updated_at = excluded.updated_at \
                     WHERE case_figures.figures <> excluded.figures OR case_figures.restricted <> excluded.restricted \
                     OR case_figures.municipality_id <> excluded.municipality_id",
                )
                .bind(row.case_id)
                .bind(row.municipality_id)
                .bind(row.restricted)
                .bind(&row.figures)
                .bind(at)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() > 0)
            }

            async fn remove_case_figures(&self, case_id: Uuid) -> Result<()> {
                sqlx::query("DELETE FROM case_figures WHERE case_id = $1")
                    .bind(case_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn case_figures(&self, municipality_id: Option<Uuid>) -> Result<Vec<FiguresRow>> {
                let rows = sqlx::query(
                    "SELECT case_id, municipality_id, restricted, figures FROM case_figures \
                     WHERE ($1 IS NULL OR municipality_id = $1) ORDER BY case_id",
                )
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok(FiguresRow {
                            case_id: r.try_get("case_id")?,
                            municipality_id: r.try_get("municipality_id")?,
                            restricted: r.try_get("restricted")?,
                            figures: r.try_get("figures")?,
                        })
                    })
                    .collect()
            }

            async fn literacy_list(
                &self,
                municipality_id: Option<Uuid>,
            ) -> Result<Vec<(Uuid, Uuid, String, DateTime<Utc>)>> {
                let rows = sqlx::query(
                    "SELECT id, municipality_id, fields, created_at FROM record \
                     WHERE kind = 'literacy' AND ($1 IS NULL OR municipality_id = $1) ORDER BY id",
                )
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter()
                    .map(|r| {
                        Ok((
                            r.try_get("id")?,
                            r.try_get("municipality_id")?,
                            r.try_get("fields")?,
                            r.try_get("created_at")?,
                        ))
                    })
                    .collect()
            }

            async fn national_offices(&self) -> Result<Vec<Uuid>> {
                let rows = sqlx::query(
                    "SELECT u.municipality_id FROM app_user u JOIN user_role r ON r.user_id = u.id \
                     GROUP BY u.municipality_id \
                     HAVING SUM(CASE WHEN r.role = 'national' THEN 0 ELSE 1 END) = 0",
                )
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(r.try_get("municipality_id")?)).collect()
            }

            async fn add_plan(&self, plan: &PlanRow, indicators: &[IndicatorDef], at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                let added = sqlx::query(
                    "INSERT INTO indicator_plan (id, municipality_id, code, name, starts_year, ends_year, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (municipality_id, code) DO NOTHING",
                )
                .bind(plan.id)
                .bind(plan.municipality_id)
                .bind(&plan.code)
                .bind(&plan.name)
                .bind(i64::from(plan.starts_year))
                .bind(i64::from(plan.ends_year))
                .bind(at)
                .execute(&mut *tx)
                .await?;
                if added.rows_affected() == 0 {
                    return Ok(());
                }
                for (position, def) in indicators.iter().enumerate() {
                    sqlx::query(
                        "INSERT INTO indicator (plan_id, code, position, definition, updated_by, updated_at) \
                         VALUES ($1, $2, $3, $4, NULL, $5)",
                    )
                    .bind(plan.id)
                    .bind(&def.code)
                    .bind(position as i64)
                    .bind(to_json(def)?)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn plans(&self, municipality_id: Option<Uuid>) -> Result<Vec<PlanRow>> {
                let rows = sqlx::query(&format!(
                    "SELECT {PLAN_COLUMNS} FROM indicator_plan \
                     WHERE ($1 IS NULL OR municipality_id = $1) ORDER BY starts_year DESC, code"
                ))
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok(plan_of!(r))).collect()
            }

            async fn plan(&self, id: Uuid) -> Result<Option<PlanRow>> {
                let row = sqlx::query(&format!("SELECT {PLAN_COLUMNS} FROM indicator_plan WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| Ok(plan_of!(r))).transpose()
            }

            async fn indicators(&self, plan_id: Uuid) -> Result<Vec<IndicatorDef>> {
                let rows = sqlx::query("SELECT definition FROM indicator WHERE plan_id = $1 ORDER BY position")
                    .bind(plan_id)
                    .fetch_all(&self.pool)
                    .await?;
                rows.iter()
                    .map(|r| serde_json::from_str(&r.try_get::<String, _>("definition")?).map_err(|e| StorageError::Corrupt(e.to_string())))
                    .collect()
            }

            async fn save_indicator(
                &self,
                plan_id: Uuid,
                def: &IndicatorDef,
                by: Uuid,
                at: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE indicator SET definition = $3, updated_by = $4, updated_at = $5 \
                     WHERE plan_id = $1 AND code = $2",
                )
                .bind(plan_id)
                .bind(&def.code)
                .bind(to_json(def)?)
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 0 {
                    return Ok(false);
                }
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(true)
            }

            async fn by_hand(&self, plan_id: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Vec<(String, f64)>> {
                let rows = sqlx::query(
                    "SELECT code, value FROM indicator_by_hand \
                     WHERE plan_id = $1 AND period_from = $2 AND period_to = $3 ORDER BY code",
                )
                .bind(plan_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok((r.try_get("code")?, r.try_get("value")?))).collect()
            }

            async fn save_by_hand(
                &self,
                plan_id: Uuid,
                code: &str,
                from: NaiveDate,
                to: NaiveDate,
                value: f64,
                by: Uuid,
                at: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO indicator_by_hand (plan_id, code, period_from, period_to, value, entered_by, entered_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7) \
                     ON CONFLICT (plan_id, code, period_from, period_to) DO UPDATE SET \
                     value = excluded.value, entered_by = excluded.entered_by, entered_at = excluded.entered_at",
                )
                .bind(plan_id)
                .bind(code)
                .bind(from)
                .bind(to)
                .bind(value)
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

indicator_store!(SqliteStorage);
indicator_store!(PostgresStorage);
