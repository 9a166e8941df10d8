//! A return (or, for foreigners, the protection or permit decision): the 72-hour clock starts
//! on its `event_date`.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("household_id", FieldType::Id, true),
    f("category", FieldType::Choice(super::RETURN_CATEGORIES), true),
    // From which country (returnees) or the country of origin (foreigners).
    f("country", NAME, true),
    // Returnees: the day of return. Foreigners: the day of the protection or permit decision.
    // The 72-hour visit deadline runs from this date.
    f("event_date", FieldType::PastDate, true),
    f("airport_registration", FieldType::Text { max: 40 }, false),
    f("members", FieldType::IdList, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ReturnEvent {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub airport_registration: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Uuid>,
}

impl TypedRecord for ReturnEvent {
    const KIND: RecordKind = RecordKind::ReturnEvent;
}
