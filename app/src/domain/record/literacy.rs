//! The adult literacy list: an adult of a returned family who cannot read or write, and the
//! course they attend. Kept by the school team; its record is its own root (the team does not
//! see the case).

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const LITERACY_OUTCOMES: &[&str] = &["waiting", "attending", "completed", "dropped"];

pub const SCHEMA: &[FieldSpec] = &[
    f("first_name", NAME, true),
    f("last_name", NAME, true),
    f("birth_year", FieldType::Int { min: 1900, max: 2100 }, false),
    f("address", FieldType::Text { max: 200 }, false),
    f("course", FieldType::Text { max: 200 }, false),
    f("started_on", FieldType::PastDate, false),
    f("finished_on", FieldType::PastDate, false),
    f("outcome", FieldType::Choice(LITERACY_OUTCOMES), true),
    f("note", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Literacy {
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl TypedRecord for Literacy {
    const KIND: RecordKind = RecordKind::Literacy;
}
