//! Photo and signature bytes: resumable uploads checked against their SHA-256, and downloads,
//! each through the attachment record that names the hash.

use super::SyncService;
use crate::records::{case_target, typed};
use crate::storage::StoredRecord;
use app::api::ApiError;
use app::domain::access::permits;
use app::domain::record::Attachment;
use app::domain::sync::BlobStatus;
use app::domain::{Action, SessionUser};
use sha2::{Digest, Sha256};

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl SyncService {
    /// The attachment record (in the caller's view) that describes the bytes with this hash.
    async fn attachment_for(
        &self,
        actor: &SessionUser,
        action: Action,
        sha256: &str,
    ) -> Result<StoredRecord, ApiError> {
        if !is_sha256(sha256) {
            return Err(ApiError::BadRequest("not a lower-case hex SHA-256".into()));
        }
        let mut outside = None;
        for a in self.ctx.store.attachments_with_hash(sha256).await? {
            if let Some(case) = self.ctx.store.record(a.case_id).await? {
                if permits(actor, action, case_target(&case)) {
                    return Ok(a);
                }
                outside = Some(case);
            }
        }
        match outside {
            // Someone else's photo: refused (and audited) as not found.
            Some(case) => {
                self.ctx.require(actor, action, case_target(&case)).await?;
                Err(ApiError::NotFound)
            }
            // Unknown looks the same from outside.
            None => Err(ApiError::NotFound),
        }
    }

    pub async fn blob_status(&self, actor: &SessionUser, sha256: &str) -> Result<BlobStatus, ApiError> {
        let a = self.attachment_for(actor, Action::ViewCase, sha256).await?;
        let size = typed::<Attachment>(&a)?.size.unwrap_or(0);
        Ok(match self.ctx.store.blob(sha256).await? {
            Some(b) => BlobStatus {
                sha256: b.sha256,
                received: b.received,
                size: b.size,
                complete: b.complete,
            },
            None => BlobStatus {
                sha256: sha256.into(),
                received: 0,
                size,
                complete: false,
            },
        })
    }

    /// Takes the piece of the bytes starting at `offset`. The phone asks for the status first
    /// and continues where the server stopped; the bytes are kept once they match their hash.
    pub async fn upload(
        &self,
        actor: &SessionUser,
        sha256: &str,
        offset: i64,
        piece: &[u8],
    ) -> Result<BlobStatus, ApiError> {
        let a = self.attachment_for(actor, Action::EditCase, sha256).await?;
        let described: Attachment = typed(&a)?;
        let size = described.size.unwrap_or(0);
        let content_type = described.content_type();
        self.ctx
            .store
            .start_blob(sha256, size, content_type, self.ctx.now())
            .await?;
        let status = self.blob_status(actor, sha256).await?;
        if status.complete {
            return Ok(status);
        }
        if offset != status.received {
            return Err(ApiError::WrongOffset(status));
        }
        // Every byte arrived but the server died before it checked them: an empty piece at the
        // end (what the phone sends when `received` is `size`) finishes the upload.
        let finishing_only = piece.is_empty() && offset == size && size > 0;
        if !finishing_only && (piece.is_empty() || offset + piece.len() as i64 > size) {
            return Err(ApiError::BadRequest(format!(
                "the piece must be 1 to {} bytes",
                size - offset
            )));
        }
        if !piece.is_empty() {
            self.ctx.store.put_chunk(sha256, offset, piece).await?;
        }
        if offset + piece.len() as i64 == size {
            let bytes: Vec<u8> = self
                .ctx
                .store
                .chunks(sha256)
                .await?
                .into_iter()
                .flat_map(|(_, d)| d)
                .collect();
            if bytes.len() as i64 != size || sha256_hex(&bytes) != sha256 {
                self.ctx.store.discard_chunks(sha256).await?;
                tracing::warn!(user = %actor.id, sha256, "uploaded bytes did not match their hash");
                return Err(ApiError::HashMismatch);
            }
            let audit = self.ctx.event(
                Some(actor),
                None,
                "attachment.upload",
                "attachment",
                Some(a.id.to_string()),
                format!("{size} bytes"),
            );
            self.ctx
                .store
                .complete_blob(sha256, &bytes, self.ctx.now(), &[audit])
                .await?;
        }
        self.blob_status(actor, sha256).await
    }

    pub async fn download(&self, actor: &SessionUser, sha256: &str) -> Result<(String, Vec<u8>), ApiError> {
        let a = self.attachment_for(actor, Action::ViewCase, sha256).await?;
        let bytes = self.ctx.store.blob_data(sha256).await?.ok_or(ApiError::NotFound)?;
        let content_type = typed::<Attachment>(&a)?.content_type().to_string();
        self.ctx
            .audit_by(
                actor,
                "attachment.read",
                "attachment",
                Some(a.id.to_string()),
                String::new(),
            )
            .await?;
        Ok((content_type, bytes))
    }
}
