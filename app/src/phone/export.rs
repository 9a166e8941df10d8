//! The last resort for queued work: what waits in a user's outbox (with the photos and
//! signatures it names) written to a file sealed under a passphrase, and taken in on another
//! device. Change IDs travel with the changes, so a change sent from both devices is applied
//! once. This module is the file's layout and the merge; the sealing is [`super::vault`].

use super::model::{OutboxItem, PendingBlob, SendState};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The first bytes of a sealed file, then the PBKDF2 iterations (u32, big-endian), the salt,
/// the AES-GCM IV and the ciphertext.
pub const SEALED_MAGIC: &[u8; 8] = b"RNTGSEAL";
pub const SALT_LEN: usize = 16;
pub const IV_LEN: usize = 12;
/// The first bytes of the plaintext: then the length of the JSON header (u32, big-endian), the
/// header, and each photo's bytes in the header's order.
const PLAIN_MAGIC: &[u8; 8] = b"RNTGOUT1";

/// What the file holds besides the photos' bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxExport {
    /// Whose changes they are: only that user may send them.
    pub user_id: Uuid,
    pub user_name: String,
    pub device_id: Uuid,
    pub exported_at: DateTime<Utc>,
    pub items: Vec<OutboxItem>,
    pub blobs: Vec<PendingBlob>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    #[error("not a file of this application")]
    NotOurs,
    #[error("the file is damaged or the passphrase is wrong")]
    Unreadable,
    #[error("the changes belong to another user")]
    OtherUser,
}

/// The sealed file's parts, as laid out by [`sealed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed<'a> {
    pub iterations: u32,
    pub salt: &'a [u8],
    pub iv: &'a [u8],
    pub ciphertext: &'a [u8],
}

pub fn sealed(iterations: u32, salt: &[u8], iv: &[u8], ciphertext: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + 4 + salt.len() + iv.len() + ciphertext.len());
    out.extend_from_slice(SEALED_MAGIC);
    out.extend_from_slice(&iterations.to_be_bytes());
    out.extend_from_slice(salt);
    out.extend_from_slice(iv);
    out.extend_from_slice(ciphertext);
    out
}

pub fn parse_sealed(bytes: &[u8]) -> Result<Sealed<'_>, ExportError> {
    let head = 8 + 4 + SALT_LEN + IV_LEN;
    if bytes.len() <= head || &bytes[..8] != SEALED_MAGIC {
        return Err(ExportError::NotOurs);
    }
    let iterations = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
    Ok(Sealed {
        iterations,
        salt: &bytes[12..12 + SALT_LEN],
        iv: &bytes[12 + SALT_LEN..head],
        ciphertext: &bytes[head..],
    })
}

/// The plaintext of a file: the header, then the bytes of each photo it lists.
pub fn pack(export: &OutboxExport, blob_bytes: &[Vec<u8>]) -> Vec<u8> {
    let header = serde_json::to_vec(export).unwrap_or_default();
    let mut out = Vec::new();
    out.extend_from_slice(PLAIN_MAGIC);
    out.extend_from_slice(&(header.len() as u32).to_be_bytes());
    out.extend_from_slice(&header);
    for b in blob_bytes {
        out.extend_from_slice(b);
    }
    out
}

/// The header and each photo's bytes, checked against the sizes the header gives.
pub fn unpack(bytes: &[u8]) -> Result<(OutboxExport, Vec<Vec<u8>>), ExportError> {
    if bytes.len() < 12 || &bytes[..8] != PLAIN_MAGIC {
        return Err(ExportError::Unreadable);
    }
    let len = u32::from_be_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]) as usize;
    let header = bytes.get(12..12 + len).ok_or(ExportError::Unreadable)?;
    let export: OutboxExport = serde_json::from_slice(header).map_err(|_| ExportError::Unreadable)?;
    let mut at = 12 + len;
    let mut blobs = Vec::new();
    for b in &export.blobs {
        let size = usize::try_from(b.size).map_err(|_| ExportError::Unreadable)?;
        let part = bytes.get(at..at + size).ok_or(ExportError::Unreadable)?;
        blobs.push(part.to_vec());
        at += size;
    }
    if at != bytes.len() {
        return Err(ExportError::Unreadable);
    }
    Ok((export, blobs))
}

/// Takes the file's changes into `outbox` for `me`: those not already there (by change ID), in
/// the order they were made, waiting to be sent. Another user's file is refused whole.
pub fn merge_import(
    outbox: &mut Vec<OutboxItem>,
    export: &OutboxExport,
    me: Uuid,
) -> Result<Vec<OutboxItem>, ExportError> {
    if export.user_id != me {
        return Err(ExportError::OtherUser);
    }
    let mut added = Vec::new();
    for item in &export.items {
        if item.user_id != me || outbox.iter().any(|o| o.change.change_id == item.change.change_id) {
            continue;
        }
        let item = OutboxItem {
            state: SendState::Waiting {
                note: None,
                reason: None,
            },
            ..item.clone()
        };
        outbox.push(item.clone());
        added.push(item);
    }
    // UUID v7 change IDs sort in the order the changes were made.
    outbox.sort_by_key(|i| i.change.change_id);
    Ok(added)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::sync::Change;
    use crate::domain::RecordKind;

    fn item(user: Uuid, made: &str) -> OutboxItem {
        OutboxItem {
            change: Change {
                change_id: Uuid::now_v7(),
                device_id: Uuid::now_v7(),
                kind: RecordKind::Visit,
                record_id: Uuid::now_v7(),
                case_id: Uuid::now_v7(),
                base_version: None,
                fields: [("village".to_string(), serde_json::json!("Plemetin / Племетина"))]
                    .into_iter()
                    .collect(),
                made_at: made.parse().unwrap(),
            },
            user_id: user,
            state: SendState::Refused {
                message: "x".into(),
                reason: None,
            },
            attempts: 3,
        }
    }

    fn export(user: Uuid, items: Vec<OutboxItem>, blobs: Vec<PendingBlob>) -> OutboxExport {
        OutboxExport {
            user_id: user,
            user_name: "Arta Krasniqi".into(),
            device_id: Uuid::now_v7(),
            exported_at: "2026-11-24T10:00:00Z".parse().unwrap(),
            items,
            blobs,
        }
    }

    #[test]
    fn a_file_holds_the_changes_and_every_photo_byte_exactly() {
        let me = Uuid::now_v7();
        let photo = |sha: &str, size: i64| PendingBlob {
            sha256: sha.into(),
            attachment_id: Uuid::now_v7(),
            size,
            user_id: me,
            uploaded: false,
        };
        let e = export(
            me,
            vec![item(me, "2026-11-20T09:00:00Z")],
            vec![photo("aa", 3), photo("bb", 2)],
        );
        let bytes = pack(&e, &[vec![1, 2, 3], vec![250, 0]]);
        assert_eq!(unpack(&bytes), Ok((e.clone(), vec![vec![1, 2, 3], vec![250, 0]])));
        // A byte short, a byte more, another file: refused, never half read.
        assert_eq!(unpack(&bytes[..bytes.len() - 1]), Err(ExportError::Unreadable));
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(unpack(&longer), Err(ExportError::Unreadable));
        assert_eq!(unpack(b"PK\x03\x04 a zip file"), Err(ExportError::Unreadable));
    }

    #[test]
    fn the_sealed_layout_reads_back_its_parts() {
        let (salt, iv) = ([7u8; SALT_LEN], [9u8; IV_LEN]);
        let file = sealed(600_000, &salt, &iv, b"ciphertext");
        assert_eq!(
            parse_sealed(&file),
            Ok(Sealed {
                iterations: 600_000,
                salt: &salt,
                iv: &iv,
                ciphertext: b"ciphertext"
            })
        );
        assert_eq!(parse_sealed(b"RNTGSEAL"), Err(ExportError::NotOurs));
        assert_eq!(parse_sealed(&file[1..]), Err(ExportError::NotOurs));
    }

    #[test]
    fn an_import_adds_only_what_is_missing_waiting_and_in_order_and_only_for_its_owner() {
        let (me, other) = (Uuid::now_v7(), Uuid::now_v7());
        let first = item(me, "2026-11-20T09:00:00Z");
        let second = item(me, "2026-11-20T09:05:00Z");
        let mut outbox = vec![second.clone()];
        let e = export(me, vec![first.clone(), second.clone()], vec![]);
        let added = merge_import(&mut outbox, &e, me).unwrap();
        assert_eq!(added.len(), 1);
        assert_eq!(added[0].change.change_id, first.change.change_id);
        assert_eq!(
            added[0].state,
            SendState::Waiting {
                note: None,
                reason: None
            }
        );
        let order: Vec<_> = outbox.iter().map(|i| i.change.change_id).collect();
        assert_eq!(order, vec![first.change.change_id, second.change.change_id]);
        // Taken in again: nothing more.
        assert!(merge_import(&mut outbox, &e, me).unwrap().is_empty());
        assert_eq!(outbox.len(), 2);
        // Another user's file is theirs to send.
        assert_eq!(merge_import(&mut outbox, &e, other), Err(ExportError::OtherUser));
        assert_eq!(outbox.len(), 2);
    }
}
