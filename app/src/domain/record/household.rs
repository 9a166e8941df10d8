//! The household: where the family lives and how to reach it.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME, NOTE};
use serde::{Deserialize, Serialize};

pub const SCHEMA: &[FieldSpec] = &[
    f("village", NAME, true),
    f("address", FieldType::Text { max: 200 }, true),
    f("phone", FieldType::Text { max: 30 }, false),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Household {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub village: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for Household {
    const KIND: RecordKind = RecordKind::Household;
}
