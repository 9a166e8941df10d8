//! A request to close the case, by its case manager, with the reason. The supervisor's
//! decision ([`super::ClosureDecision`]) names this request's content by hash. Moving to
//! another municipality names it: the case is handed over there instead of closed.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const CLOSURE_REASONS: &[&str] = &[
    "stable_reintegration",
    "moved_municipality",
    "left_kosovo",
    "deceased",
    "unreachable",
    "other",
];

pub const SCHEMA: &[FieldSpec] = &[
    f("reason", FieldType::Choice(CLOSURE_REASONS), true),
    // Required for "other".
    f("note", NOTE, false),
    // Required for "moved_municipality".
    f("to_municipality_id", FieldType::Id, false),
    f("final_assessment_id", FieldType::Id, false),
    f("requested_at", FieldType::PastInstant, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Closure {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_municipality_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub final_assessment_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<DateTime<Utc>>,
}

impl TypedRecord for Closure {
    const KIND: RecordKind = RecordKind::Closure;
}

impl Closure {
    pub fn moves(&self) -> bool {
        self.reason.as_deref() == Some("moved_municipality")
    }
}
