//! A child's schooling, kept by the municipality's school inclusion team: who the child is (only
//! what schooling needs, copied from the case when the team accepts the schooling referral), the
//! knowledge assessment, the enrolment, the certificates and their nostrification, the support
//! given, the end, and a flag the team sets by hand. Never psychosocial, health, protection or
//! housing data: the team does not see the case. A child the team enrolled itself, without a
//! referral, has no case: its schooling is its own root (`case_id` = its ID), and its absences
//! and actions hang on it.

use super::{f, server, FieldSpec, FieldType, RecordKind, TypedRecord, NAME, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Languages of instruction in Kosovo's schools.
pub const INSTRUCTION_LANGUAGES: &[&str] = &["sq", "sr", "tr", "bs"];
pub const END_REASONS: &[&str] = &["completed_year", "moved", "left_school"];
const GRADE: FieldType = FieldType::Int { min: 0, max: 13 };

pub const SCHEMA: &[FieldSpec] = &[
    f("first_name", NAME, true),
    f("last_name", NAME, true),
    f("birth_date", FieldType::PastDate, false),
    f("languages", FieldType::TextList { max_items: 6, max: 40 }, false),
    f("parents", FieldType::Text { max: 200 }, false),
    f("parent_phone", FieldType::Text { max: 40 }, false),
    f("address", FieldType::Text { max: 200 }, false),
    // The day the family returned: the "not enrolled after return" warning counts from it.
    f("returned_on", FieldType::PastDate, false),
    f("last_grade_abroad", GRADE, false),
    f("school_history", NOTE, false),
    // Knowledge assessment.
    f("assessed_on", FieldType::PastDate, false),
    f("assessment_result", NOTE, false),
    f("recommended_grade", GRADE, false),
    // Enrolment: a school of the municipality's registry (checked by the server).
    f("school_id", FieldType::Id, false),
    f("grade", GRADE, false),
    f("class_name", FieldType::Text { max: 40 }, false),
    f("instruction_language", FieldType::Choice(INSTRUCTION_LANGUAGES), false),
    f("enrolled_on", FieldType::PastDate, false),
    f("repeated_grade", FieldType::Bool, false),
    // Certificates: each step with its day.
    f("certificate_missing_since", FieldType::PastDate, false),
    f("certificate_requested_on", FieldType::PastDate, false),
    f("certificate_received_on", FieldType::PastDate, false),
    f("certificate_translated_on", FieldType::PastDate, false),
    f("nostrified_on", FieldType::PastDate, false),
    // Support.
    f("language_course", FieldType::Bool, false),
    f("supplementary_classes", FieldType::Bool, false),
    f(
        "education_plan_goals",
        FieldType::TextList {
            max_items: 20,
            max: 500,
        },
        false,
    ),
    f("education_plan_review_on", FieldType::Date, false),
    // The end.
    f("ended_on", FieldType::PastDate, false),
    f("end_reason", FieldType::Choice(END_REASONS), false),
    // Required when the child left school.
    f("left_reason", NOTE, false),
    // The team's own flag, with its reason (required with it).
    f("at_risk_by_hand", FieldType::Bool, false),
    f("at_risk_reason", NOTE, false),
    f("at_risk_since", FieldType::PastDate, false),
    // Set by the server when the team accepts a schooling referral.
    server("referral_id", FieldType::Id),
    server("member_id", FieldType::Id),
];

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Schooling {
    pub first_name: String,
    pub last_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub languages: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parents: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_phone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub returned_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_grade_abroad: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_history: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessed_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_result: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub recommended_grade: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub school_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grade: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instruction_language: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enrolled_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repeated_grade: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_missing_since: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_requested_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_received_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate_translated_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nostrified_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_course: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub supplementary_classes: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub education_plan_goals: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education_plan_review_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ended_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub left_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_risk_by_hand: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_risk_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at_risk_since: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub referral_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_id: Option<Uuid>,
}

impl Schooling {
    pub fn name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    /// Enrolled and not (yet) ended.
    pub fn in_school(&self) -> bool {
        self.enrolled_on.is_some() && self.ended_on.is_none()
    }
}

impl TypedRecord for Schooling {
    const KIND: RecordKind = RecordKind::Schooling;
}
