//! The housing track of a case, one per case: where the family lives now and the rent the
//! reintegration programme pays (from, to, monthly amount, landlord). When the rent ends the
//! family needs social housing or its own means: the housing review says which.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NAME, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const SITUATIONS: &[&str] = &[
    "own_house",
    "rent_by_programme",
    "rent_own_means",
    "with_relatives",
    "social_housing",
    "collective_centre",
    "no_shelter",
    "other",
];

pub const SCHEMA: &[FieldSpec] = &[
    f("situation", FieldType::Choice(SITUATIONS), true),
    f("rent_from", FieldType::PastDate, false),
    // The end of a rent already agreed lies ahead.
    f("rent_to", FieldType::Date, false),
    f(
        "rent_monthly",
        FieldType::Number {
            min: 0.0,
            max: 100_000.0,
        },
        false,
    ),
    f("landlord", NAME, false),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Housing {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub situation: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rent_from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rent_to: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rent_monthly: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub landlord: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for Housing {
    const KIND: RecordKind = RecordKind::Housing;
}

impl Housing {
    /// The programme pays the rent: the situation says so, or a rent period is recorded.
    pub fn rent_by_programme(&self) -> bool {
        self.situation.as_deref() == Some("rent_by_programme") || self.rent_from.is_some()
    }
}
