//! Storage of the devices' keys and of the devices marked lost. Same pattern as [`super::sql`]:
//! one SQL text, expanded per dialect.

use super::{AuditEvent, PostgresStorage, Result, SqliteStorage};
use app::domain::device::DeviceSummary;
use chrono::{DateTime, Utc};
use sqlx::Row;
use uuid::Uuid;

/// A device marked lost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LostDevice {
    pub device_id: Uuid,
    pub municipality_id: Uuid,
    pub marked_by: Uuid,
    pub marked_at: DateTime<Utc>,
    pub reason: String,
}

#[async_trait::async_trait]
pub trait DeviceStore: Send + Sync {
    /// The key of `user_id` on `device_id`: the one kept, else `fresh` (kept from now on).
    /// Notes when it was handed over, and writes the audit rows with it.
    async fn hand_device_key(
        &self,
        user_id: Uuid,
        device_id: Uuid,
        fresh: &[u8],
        at: DateTime<Utc>,
        audit: &[AuditEvent],
    ) -> Result<Vec<u8>>;
    async fn lost_device(&self, device_id: Uuid) -> Result<Option<LostDevice>>;
    /// Marks a device lost (a second mark changes nothing), with the audit rows.
    async fn mark_device_lost(&self, lost: &LostDevice, audit: &[AuditEvent]) -> Result<()>;
    /// The devices that hold a key of the municipality's users, the last handed over first.
    async fn devices_in(&self, municipality_id: Uuid) -> Result<Vec<DeviceSummary>>;
}

macro_rules! device_store {
    ($name:ident) => {
        #[async_trait::async_trait]
        impl DeviceStore for $name {
            async fn hand_device_key(
                &self,
                user_id: Uuid,
                device_id: Uuid,
                fresh: &[u8],
                at: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<Vec<u8>> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO device_key (user_id, device_id, secret, created_at, handed_at) \
                     VALUES ($1, $2, $3, $4, $4) \
                     ON CONFLICT (user_id, device_id) DO UPDATE SET handed_at = $4",
                )
                .bind(user_id)
                .bind(device_id)
                .bind(fresh)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                let secret: Vec<u8> =
                    sqlx::query_scalar("SELECT secret FROM device_key WHERE user_id = $1 AND device_id = $2")
                        .bind(user_id)
                        .bind(device_id)
                        .fetch_one(&mut *tx)
                        .await?;
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(secret)
            }

            async fn lost_device(&self, device_id: Uuid) -> Result<Option<LostDevice>> {
                let row = sqlx::query(
                    "SELECT device_id, municipality_id, marked_by, marked_at, reason \
                     FROM lost_device WHERE device_id = $1",
                )
                .bind(device_id)
                .fetch_optional(&self.pool)
                .await?;
                row.map(|r| -> Result<LostDevice> {
                    Ok(LostDevice {
                        device_id: r.try_get("device_id")?,
                        municipality_id: r.try_get("municipality_id")?,
                        marked_by: r.try_get("marked_by")?,
                        marked_at: r.try_get("marked_at")?,
                        reason: r.try_get("reason")?,
                    })
                })
                .transpose()
            }

            async fn mark_device_lost(&self, lost: &LostDevice, audit: &[AuditEvent]) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO lost_device (device_id, municipality_id, marked_by, marked_at, reason) \
                     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (device_id) DO NOTHING",
                )
                .bind(lost.device_id)
                .bind(lost.municipality_id)
                .bind(lost.marked_by)
                .bind(lost.marked_at)
                .bind(&lost.reason)
                .execute(&mut *tx)
                .await?;
                insert_audits!(audit, tx);
                tx.commit().await?;
                Ok(())
            }

            async fn devices_in(&self, municipality_id: Uuid) -> Result<Vec<DeviceSummary>> {
                let rows = sqlx::query(
                    "SELECT k.device_id, u.display_name, k.handed_at, l.marked_at, l.reason \
                     FROM device_key k JOIN app_user u ON u.id = k.user_id \
                     LEFT JOIN lost_device l ON l.device_id = k.device_id \
                     WHERE u.municipality_id = $1 ORDER BY k.handed_at DESC, u.display_name",
                )
                .bind(municipality_id)
                .fetch_all(&self.pool)
                .await?;
                let mut out: Vec<DeviceSummary> = Vec::new();
                for r in rows {
                    let device_id: Uuid = r.try_get("device_id")?;
                    let name: String = r.try_get("display_name")?;
                    if let Some(d) = out.iter_mut().find(|d| d.device_id == device_id) {
                        d.users.push(name);
                        continue;
                    }
                    out.push(DeviceSummary {
                        device_id,
                        users: vec![name],
                        last_key_at: r.try_get("handed_at")?,
                        lost_at: r.try_get("marked_at")?,
                        lost_reason: r.try_get("reason")?,
                    });
                }
                Ok(out)
            }
        }
    };
}

device_store!(SqliteStorage);
device_store!(PostgresStorage);
