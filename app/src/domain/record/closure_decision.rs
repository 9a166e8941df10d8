//! The supervisor's decision on a closure request: approved (the case closes, or is handed to
//! the municipality the family moved to) or returned with a comment. Bound to the request's
//! exact content by hash, like a plan's approval. Never changed afterwards.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::plan_decision::DECISIONS;

pub const SCHEMA: &[FieldSpec] = &[
    f("closure_id", FieldType::Id, true),
    f("content_hash", FieldType::Text { max: 64 }, true),
    f("decision", FieldType::Choice(DECISIONS), true),
    f("comment", NOTE, false),
    f("decided_at", FieldType::PastInstant, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClosureDecision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure_id: Option<Uuid>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub content_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl TypedRecord for ClosureDecision {
    const KIND: RecordKind = RecordKind::ClosureDecision;
}

impl ClosureDecision {
    pub fn approves(&self) -> bool {
        self.decision.as_deref() == Some("approved")
    }
}
