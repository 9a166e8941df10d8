//! Storage of photo and signature bytes: resumable pieces, assembled once their hash matches.
//! Same pattern as [`super::sql`]: one SQL text, expanded per dialect.

use super::{AuditEvent, PostgresStorage, Result, SqliteStorage};
use chrono::{DateTime, Utc};
use sqlx::Row;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlobRow {
    pub sha256: String,
    pub size: i64,
    pub content_type: String,
    pub received: i64,
    pub complete: bool,
}

#[async_trait::async_trait]
pub trait BlobStore: Send + Sync {
    async fn blob(&self, sha256: &str) -> Result<Option<BlobRow>>;
    async fn start_blob(&self, sha256: &str, size: i64, content_type: &str, now: DateTime<Utc>) -> Result<()>;
    /// Stores a piece at `offset`; a piece already stored at that offset is kept.
    async fn put_chunk(&self, sha256: &str, offset: i64, data: &[u8]) -> Result<()>;
    async fn chunks(&self, sha256: &str) -> Result<Vec<(i64, Vec<u8>)>>;
    /// Keeps the assembled bytes and drops the pieces.
    /// Keeps the checked bytes and drops the pieces, with the audit row, once: a second
    /// completion of the same bytes changes nothing.
    async fn complete_blob(&self, sha256: &str, data: &[u8], now: DateTime<Utc>, audit: &[AuditEvent]) -> Result<()>;
    /// Drops the pieces (the assembled bytes did not match the hash).
    async fn discard_chunks(&self, sha256: &str) -> Result<()>;
    async fn blob_data(&self, sha256: &str) -> Result<Option<Vec<u8>>>;
}

macro_rules! blob_store {
    ($name:ident) => {
        #[async_trait::async_trait]
        impl BlobStore for $name {
            async fn blob(&self, sha256: &str) -> Result<Option<BlobRow>> {
                let row = sqlx::query(
                    "SELECT b.sha256, b.size, b.content_type, b.completed_at IS NOT NULL AS complete, \
                     COALESCE((SELECT SUM(length(c.data)) FROM attachment_chunk c WHERE c.sha256 = b.sha256), 0) \
                     AS received FROM attachment_blob b WHERE b.sha256 = $1",
                )
                .bind(sha256)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                let size: i64 = row.try_get("size")?;
                let complete: bool = row.try_get("complete")?;
                Ok(Some(BlobRow {
                    sha256: row.try_get("sha256")?,
                    size,
                    content_type: row.try_get("content_type")?,
                    received: if complete { size } else { row.try_get("received")? },
                    complete,
                }))
            }

            async fn start_blob(&self, sha256: &str, size: i64, content_type: &str, now: DateTime<Utc>) -> Result<()> {
                sqlx::query(
                    "INSERT INTO attachment_blob (sha256, size, content_type, created_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (sha256) DO NOTHING",
                )
                .bind(sha256)
                .bind(size)
                .bind(content_type)
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn put_chunk(&self, sha256: &str, offset: i64, data: &[u8]) -> Result<()> {
                sqlx::query(
                    "INSERT INTO attachment_chunk (sha256, offset_bytes, data) VALUES ($1, $2, $3) \
                     ON CONFLICT (sha256, offset_bytes) DO NOTHING",
                )
                .bind(sha256)
                .bind(offset)
                .bind(data)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn chunks(&self, sha256: &str) -> Result<Vec<(i64, Vec<u8>)>> {
                let rows = sqlx::query(
                    "SELECT offset_bytes, data FROM attachment_chunk WHERE sha256 = $1 ORDER BY offset_bytes",
                )
                .bind(sha256)
                .fetch_all(&self.pool)
                .await?;
                rows.iter().map(|r| Ok((r.try_get("offset_bytes")?, r.try_get("data")?))).collect()
            }

            async fn complete_blob(
                &self,
                sha256: &str,
                data: &[u8],
                now: DateTime<Utc>,
                audit: &[AuditEvent],
            ) -> Result<()> {
                let mut tx = self.pool.begin().await?;
                // Only the first of two completions at once (a last piece sent twice) takes it
                // and writes the audit row.
                let done = sqlx::query(
                    "UPDATE attachment_blob SET data = $2, completed_at = $3 \
                     WHERE sha256 = $1 AND completed_at IS NULL",
                )
                .bind(sha256)
                .bind(data)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query("DELETE FROM attachment_chunk WHERE sha256 = $1")
                    .bind(sha256)
                    .execute(&mut *tx)
                    .await?;
                if done.rows_affected() == 1 {
                    insert_audits!(audit, tx);
                }
                tx.commit().await?;
                Ok(())
            }

            async fn discard_chunks(&self, sha256: &str) -> Result<()> {
                sqlx::query("DELETE FROM attachment_chunk WHERE sha256 = $1")
                    .bind(sha256)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn blob_data(&self, sha256: &str) -> Result<Option<Vec<u8>>> {
                let row = sqlx::query("SELECT data FROM attachment_blob WHERE sha256 = $1 AND completed_at IS NOT NULL")
                    .bind(sha256)
                    .fetch_optional(&self.pool)
                    .await?;
                row.map(|r| r.try_get("data")).transpose().map_err(Into::into).map(Option::flatten)
            }
        }
    };
}

blob_store!(SqliteStorage);
blob_store!(PostgresStorage);
