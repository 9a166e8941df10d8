//! The quarterly review of an approved plan (the plans' "Vlerëso në baza tremujore"): progress
//! towards each goal of the plan, a summary and recommendations. A change it leads to is an
//! edit of the plan, approved again.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How far a goal has come.
pub const PROGRESS: &[&str] = &["achieved", "on_track", "delayed", "not_started"];

pub const SCHEMA: &[FieldSpec] = &[
    f("plan_id", FieldType::Id, true),
    f("done_on", FieldType::PastDate, true),
    f("goals", FieldType::GoalProgress, false),
    f("summary", NOTE, true),
    f("recommendations", NOTE, false),
];

/// Progress towards the goal of one plan item.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct GoalProgress {
    pub item_id: Uuid,
    /// One of [`PROGRESS`].
    pub progress: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Review {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub goals: Vec<GoalProgress>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommendations: Option<String>,
}

impl TypedRecord for Review {
    const KIND: RecordKind = RecordKind::Review;
}
