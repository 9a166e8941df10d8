//! The claims and benefits register (the plans' "Regjistro kërkesat dhe përfitimet"): per
//! person, the scheme applied for, when, what was decided, and the amount and period where
//! there is one.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMES: &[&str] = &[
    "social_assistance",
    "unemployment_support",
    "health_insurance",
    "business_grant",
    "wage_subsidy",
    "vocational_training",
    "other",
];
pub const CLAIM_OUTCOMES: &[&str] = &["pending", "approved", "rejected"];

pub const SCHEMA: &[FieldSpec] = &[
    f("member_id", FieldType::Id, true),
    f("scheme", FieldType::Choice(SCHEMES), true),
    // "Other": a service of the municipality's catalogue.
    f("service_id", FieldType::Id, false),
    f("applied_on", FieldType::PastDate, true),
    f("outcome", FieldType::Choice(CLAIM_OUTCOMES), true),
    f("decided_on", FieldType::PastDate, false),
    f(
        "amount",
        FieldType::Number {
            min: 0.0,
            max: 1_000_000.0,
        },
        false,
    ),
    f("period_from", FieldType::Date, false),
    f("period_to", FieldType::Date, false),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Benefit {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub applied_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_to: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for Benefit {
    const KIND: RecordKind = RecordKind::Benefit;
}
