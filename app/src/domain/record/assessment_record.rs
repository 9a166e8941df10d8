//! A needs assessment as a record: which form version it answers, when, and the answers (checked
//! against that form by [`crate::domain::assessment`]).

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("form_version", FieldType::Int { min: 1, max: 1000 }, true),
    f("visit_id", FieldType::Id, false),
    f("completed_at", FieldType::PastInstant, true),
    f("answers", FieldType::Answers, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Assessment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub form_version: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visit_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "serde_json::Value::is_null")]
    pub answers: serde_json::Value,
}

impl TypedRecord for Assessment {
    const KIND: RecordKind = RecordKind::Assessment;
}

impl Assessment {
    /// The needs identified, in the order they were written (a plan item names one by position).
    pub fn needs(&self) -> Vec<crate::domain::assessment::Need> {
        needs_of(&self.answers)
    }

    /// The latest assessment says whether the programme pays the family's rent (form v2).
    pub fn rent_paid_by_programme(&self) -> bool {
        self.answers
            .get("household")
            .and_then(|h| h.get("rent_paid_by_programme"))
            .and_then(serde_json::Value::as_bool)
            == Some(true)
    }
}

/// The needs in a form's answers; answers that do not read as needs give none.
pub fn needs_of(answers: &serde_json::Value) -> Vec<crate::domain::assessment::Need> {
    answers
        .get("needs")
        .and_then(|n| serde_json::from_value(n.clone()).ok())
        .unwrap_or_default()
}
