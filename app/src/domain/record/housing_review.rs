//! The 12-month housing review (Prizren's "12 aylık sürenin ardından vakaların sevk
//! edilmesi"): what happens when the programme's rent ends. Only this record completes the
//! 12-month step.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const AFTER_RENT: &[&str] = &["social_housing_application", "own_means", "other"];

pub const SCHEMA: &[FieldSpec] = &[
    f("done_on", FieldType::PastDate, true),
    f("after_rent", FieldType::Choice(AFTER_RENT), true),
    // Required when the answer is "other".
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct HousingReview {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after_rent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for HousingReview {
    const KIND: RecordKind = RecordKind::HousingReview;
}
