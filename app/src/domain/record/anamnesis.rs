//! The social anamnesis report, written by the social worker from an assessment and signed
//! (the signature is an attachment owned by the report): family history, the situation now,
//! the needs and the worker's professional opinion.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("assessment_id", FieldType::Id, true),
    f("written_on", FieldType::PastDate, true),
    f("family_history", NOTE, true),
    f("current_situation", NOTE, true),
    f("needs", NOTE, true),
    f("opinion", NOTE, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Anamnesis {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub written_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub family_history: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub current_situation: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub needs: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub opinion: String,
}

impl TypedRecord for Anamnesis {
    const KIND: RecordKind = RecordKind::Anamnesis;
}
