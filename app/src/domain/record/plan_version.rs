//! A version of the plan the case manager submitted for approval: a copy of the plan's content
//! and its hash, never changed afterwards. The history of a plan is its versions and decisions.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord};
use crate::domain::plan::PlanContent;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("plan_id", FieldType::Id, true),
    f("content", FieldType::PlanContent, true),
    f("content_hash", FieldType::Text { max: 64 }, true),
    f("submitted_at", FieldType::PastInstant, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanVersion {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<Uuid>,
    pub content: PlanContent,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub content_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<DateTime<Utc>>,
}

impl TypedRecord for PlanVersion {
    const KIND: RecordKind = RecordKind::PlanVersion;
}
