//! The individual plan of a case: the reintegration plan (PIR) for returnees, the integration
//! plan (PII) for foreigners. One per case, edited offline like every record; its items say who
//! gets which service, from whom, and by when. The rules on plans are in [`crate::domain::plan`].

use super::{f, FieldSpec, FieldType, RecordKind, TypedRecord, NOTE};
use crate::domain::plan::PlanItem;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const PLAN_TYPES: &[&str] = &["pir", "pii"];

pub const SCHEMA: &[FieldSpec] = &[
    f("plan_type", FieldType::Choice(PLAN_TYPES), true),
    // The assessment whose needs the plan was drafted from.
    f("assessment_id", FieldType::Id, false),
    f("items", FieldType::PlanItems, false),
    f("notes", NOTE, false),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Plan {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assessment_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<PlanItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl TypedRecord for Plan {
    const KIND: RecordKind = RecordKind::Plan;
}
