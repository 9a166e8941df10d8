//! An application to the municipal reintegration commission (reconstruction, furniture, rent,
//! social housing) with its dossier, the appeal if there is one, and the execution. The
//! decisions on it are their own records ([`super::CommissionDecision`]), bound to what the
//! application said when it was decided.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const APPLICATION_KINDS: &[&str] = &["reconstruction", "furniture", "rent", "social_housing"];

pub const SCHEMA: &[FieldSpec] = &[
    f("kind", FieldType::Choice(APPLICATION_KINDS), true),
    f("applied_on", FieldType::PastDate, true),
    // The dossier's documents, by name (their photos are attachments owned by the application).
    f(
        "documents",
        FieldType::TextList {
            max_items: 30,
            max: 200,
        },
        false,
    ),
    f("appealed_on", FieldType::PastDate, false),
    f("executed_on", FieldType::PastDate, false),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HousingApplication {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appealed_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub executed_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for HousingApplication {
    const KIND: RecordKind = RecordKind::HousingApplication;
}
