//! A dropout-prevention action for one child (the plans' "interventions"): who did what, when,
//! with what outcome, and the day the team looks again (on its agenda, escalated when late).
//! A decision of a team meeting is an action that names the meeting.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHOOL_ACTIONS: &[&str] = &[
    "call_parents",
    "home_visit",
    "parents_meeting",
    "teacher_plan",
    "supplementary_classes",
    "referral_social_worker",
    "referral_psychosocial",
    "other",
];

pub const SCHEMA: &[FieldSpec] = &[
    f("schooling_id", FieldType::Id, true),
    f("action", FieldType::Choice(SCHOOL_ACTIONS), true),
    f("done_on", FieldType::PastDate, true),
    f("done_by", FieldType::Text { max: 200 }, true),
    f("outcome", NOTE, false),
    // Required when the action is "other".
    f("note", NOTE, false),
    f("follow_up_on", FieldType::Date, false),
    f("meeting_id", FieldType::Id, false),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SchoolAction {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schooling_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub follow_up_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meeting_id: Option<Uuid>,
}

impl TypedRecord for SchoolAction {
    const KIND: RecordKind = RecordKind::SchoolAction;
}
