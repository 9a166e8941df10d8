//! A meeting of the dropout prevention and response team: who came, which children were
//! discussed, what was decided. Each decision for a child is also a [`super::SchoolAction`]
//! naming the meeting, with its own follow-up day. A meeting belongs to no case: its record is
//! its own root.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("held_on", FieldType::PastDate, true),
    f(
        "participants",
        FieldType::TextList {
            max_items: 30,
            max: 200,
        },
        true,
    ),
    // Schooling records of the children discussed.
    f("children", FieldType::IdList, false),
    f(
        "decisions",
        FieldType::TextList {
            max_items: 30,
            max: 1000,
        },
        false,
    ),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct TeamMeeting {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub held_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub participants: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Uuid>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<String>,
}

impl TypedRecord for TeamMeeting {
    const KIND: RecordKind = RecordKind::TeamMeeting;
}
