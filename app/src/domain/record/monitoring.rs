//! The monthly monitoring of an approved plan (the plans' "Monitoro në baza mujore zbatimin e
//! PIR"): per plan item whether the service was received, and what the school, the employment
//! office and the centre for social work report. Marks the month's monitoring done.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const RECEIVED: &[&str] = &["yes", "partly", "no"];

pub const SCHEMA: &[FieldSpec] = &[
    f("plan_id", FieldType::Id, true),
    f("done_on", FieldType::PastDate, true),
    f("services", FieldType::ServiceChecks, false),
    f("school_attendance", NOTE, false),
    f("jobseeker_status", NOTE, false),
    f("social_programmes", NOTE, false),
    f("notes", NOTE, false),
];

/// Whether one plan item's service was received this month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCheck {
    pub item_id: Uuid,
    /// One of [`RECEIVED`].
    pub received: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Monitoring {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub services: Vec<ServiceCheck>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_attendance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobseeker_status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_programmes: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for Monitoring {
    const KIND: RecordKind = RecordKind::Monitoring;
}
