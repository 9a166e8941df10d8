//! The sync protocol's server side (`/api/sync/v1`, `docs/sync-v1.md`): applies pushed changes
//! exactly once and merges them field by field ([`push`]), serves pull pages ([`pull`]), settles
//! conflicts ([`conflict`]) and takes photo and signature bytes ([`blob`]). Nothing else: the
//! office's actions are their own use cases.

mod after_write;
mod blob;
mod conflict;
mod pull;
mod push;

pub use blob::sha256_hex;

use crate::context::Ctx;
use crate::duplicates::Duplicates;
use crate::follow_ups::FollowUps;
use crate::storage::{ConflictRow, StoredRecord};
use app::domain::sync::{ConflictView, RecordState};
use app::domain::{Fields, RecordKind};
use serde_json::Value;

#[derive(Clone)]
pub struct SyncService {
    ctx: Ctx,
    follow_ups: FollowUps,
    duplicates: Duplicates,
}

impl SyncService {
    pub fn new(ctx: Ctx) -> Self {
        Self {
            follow_ups: FollowUps::new(ctx.clone()),
            duplicates: Duplicates::new(ctx.clone()),
            ctx,
        }
    }
}

pub fn state_of(r: &StoredRecord) -> RecordState {
    RecordState {
        kind: r.kind,
        id: r.id,
        case_id: r.case_id,
        version: r.version,
        fields: public_fields(r),
        updated_at: r.updated_at,
    }
}

/// The fields a phone sees: for a case, also its status and assignment.
fn public_fields(r: &StoredRecord) -> Fields {
    let mut fields = r.fields.clone();
    if r.kind == RecordKind::Case {
        if let Some(a) = r.field_worker_id {
            fields.insert("field_worker_id".into(), Value::String(a.to_string()));
        }
        fields
            .entry("status".into())
            .or_insert_with(|| Value::String("open".into()));
    }
    fields
}

pub fn conflict_view(c: &ConflictRow) -> ConflictView {
    ConflictView {
        id: c.id,
        kind: c.kind,
        record_id: c.record_id,
        case_id: c.case_id,
        field: c.field.clone(),
        current: c.current.clone(),
        proposed: c.proposed.clone(),
        proposed_by: c.proposed_by_name.clone(),
        created_at: c.created_at,
        resolved: c.resolved_at.is_some(),
    }
}
