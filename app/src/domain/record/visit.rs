//! A visit to the family, with who was there and, with consent, where.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME, NOTE};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("visited_at", FieldType::PastInstant, true),
    f("kind", FieldType::Choice(super::VISIT_KINDS), true),
    f("village", NAME, true),
    f("gps_consent", FieldType::Bool, false),
    f("latitude", FieldType::Number { min: -90.0, max: 90.0 }, false),
    f(
        "longitude",
        FieldType::Number {
            min: -180.0,
            max: 180.0,
        },
        false,
    ),
    f("present", FieldType::IdList, false),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Visit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub visited_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub village: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gps_consent: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub present: Vec<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for Visit {
    const KIND: RecordKind = RecordKind::Visit;
}

impl Visit {
    /// A monitoring visit fulfils the month's monitoring follow-up.
    pub fn is_monitoring(&self) -> bool {
        self.kind.as_deref() == Some("monitoring")
    }
}
