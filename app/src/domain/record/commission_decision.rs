//! A decision of the municipal reintegration commission, or of the appeals commission, on a
//! housing application. It names the application's content by hash and lands only while that
//! is still what the application says. Never changed afterwards.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const BODIES: &[&str] = &["commission", "appeals_commission"];
pub const OUTCOMES: &[&str] = &["approved", "rejected"];

pub const SCHEMA: &[FieldSpec] = &[
    f("application_id", FieldType::Id, true),
    f("application_hash", FieldType::Text { max: 64 }, true),
    f("body", FieldType::Choice(BODIES), true),
    f("decision", FieldType::Choice(OUTCOMES), true),
    // Required when rejected: the family may appeal against it.
    f("reason", NOTE, false),
    f("decided_on", FieldType::PastDate, true),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct CommissionDecision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub application_id: Option<Uuid>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub application_hash: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<NaiveDate>,
}

impl TypedRecord for CommissionDecision {
    const KIND: RecordKind = RecordKind::CommissionDecision;
}

impl CommissionDecision {
    pub fn approves(&self) -> bool {
        self.decision.as_deref() == Some("approved")
    }

    pub fn on_appeal(&self) -> bool {
        self.body.as_deref() == Some("appeals_commission")
    }
}
