//! Absences of one child over a week or a month, entered by the school team from the class
//! register.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

const DAYS: FieldType = FieldType::Int { min: 0, max: 31 };

pub const SCHEMA: &[FieldSpec] = &[
    f("schooling_id", FieldType::Id, true),
    f("period_from", FieldType::PastDate, true),
    f("period_to", FieldType::PastDate, true),
    // Days the school held classes in the period.
    f("school_days", FieldType::Int { min: 1, max: 31 }, true),
    f("absent_days", DAYS, true),
    // The longest run of consecutive absent school days in the period.
    f("longest_absence_run", DAYS, false),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Attendance {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schooling_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_from: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_to: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub absent_days: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub longest_absence_run: Option<i64>,
}

impl TypedRecord for Attendance {
    const KIND: RecordKind = RecordKind::Attendance;
}
