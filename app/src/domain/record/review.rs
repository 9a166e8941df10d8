//! The quarterly review of an approved plan (the plans' "Vlerëso në baza tremujore"): progress
//! per goal and recommendations. A change it leads to is an edit of the plan, approved again.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("plan_id", FieldType::Id, true),
    f("done_on", FieldType::PastDate, true),
    f("progress", NOTE, true),
    f("recommendations", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Review {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub progress: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<String>,
}

impl TypedRecord for Review {
    const KIND: RecordKind = RecordKind::Review;
}
