//! A supervisor's decision on a submitted version of the plan: approved, or returned with a
//! comment. It names the exact content it decided on by hash, and lands only while that is
//! still the plan's content. Never changed afterwards.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const DECISIONS: &[&str] = &["approved", "returned"];

pub const SCHEMA: &[FieldSpec] = &[
    f("plan_id", FieldType::Id, true),
    f("version_id", FieldType::Id, true),
    f("content_hash", FieldType::Text { max: 64 }, true),
    f("decision", FieldType::Choice(DECISIONS), true),
    // Required when the plan is returned: the case manager must learn why.
    f("comment", NOTE, false),
    f("decided_at", FieldType::PastInstant, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanDecision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version_id: Option<Uuid>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub content_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_at: Option<DateTime<Utc>>,
}

impl TypedRecord for PlanDecision {
    const KIND: RecordKind = RecordKind::PlanDecision;
}

impl PlanDecision {
    pub fn approves(&self) -> bool {
        self.decision.as_deref() == Some("approved")
    }
}
