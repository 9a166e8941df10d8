//! The final assessment at 18 months (the plans' measure 1.5): per area the level of
//! reintegration reached, and overall. Its own record: no other assessment completes the step.

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const LEVELS: &[&str] = &["sustainable", "partly", "not_sustainable"];
/// The areas assessed, in the order of the needs assessment.
pub const AREAS: &[&str] = &[
    "documents",
    "housing",
    "education",
    "health",
    "psychosocial",
    "employment",
    "social_assistance",
];

const LEVEL: FieldType = FieldType::Choice(LEVELS);

pub const SCHEMA: &[FieldSpec] = &[
    f("done_on", FieldType::PastDate, true),
    f("documents", LEVEL, true),
    f("housing", LEVEL, true),
    f("education", LEVEL, true),
    f("health", LEVEL, true),
    f("psychosocial", LEVEL, true),
    f("employment", LEVEL, true),
    f("social_assistance", LEVEL, true),
    f("overall", LEVEL, true),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct FinalAssessment {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub done_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub housing: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub education: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub psychosocial: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub employment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub social_assistance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overall: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for FinalAssessment {
    const KIND: RecordKind = RecordKind::FinalAssessment;
}

impl FinalAssessment {
    /// Each area with the level reached, in [`AREAS`] order.
    pub fn levels(&self) -> [(&'static str, Option<&str>); 7] {
        [
            ("documents", self.documents.as_deref()),
            ("housing", self.housing.as_deref()),
            ("education", self.education.as_deref()),
            ("health", self.health.as_deref()),
            ("psychosocial", self.psychosocial.as_deref()),
            ("employment", self.employment.as_deref()),
            ("social_assistance", self.social_assistance.as_deref()),
        ]
    }
}
