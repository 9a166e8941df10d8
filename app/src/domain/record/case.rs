//! The case: one per household, owning everything below; its ID is the case's ID. The office
//! sets its status and who works on it.

use super::{f, server, FieldSpec, FieldType, RecordKind, TypedRecord};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub const SCHEMA: &[FieldSpec] = &[
    f("household_id", FieldType::Id, true),
    server("status", FieldType::Choice(super::CASE_STATUSES)),
    server("field_worker_id", FieldType::Id),
    // The case manager, appointed by the supervisor's decision (its number and date).
    server("case_manager_id", FieldType::Id),
    server("case_manager_decision", FieldType::Text { max: 60 }),
    server("case_manager_decided_on", FieldType::PastDate),
    // Set when a supervisor gives the case to another worker: the one before may still send
    // what their phone queued before then.
    server("previous_worker_id", FieldType::Id),
    server("reassigned_at", FieldType::PastInstant),
    // Set when a supervisor approves its closure; cleared when one reopens it (with a reason).
    server("closed_on", FieldType::PastDate),
    server("closure_id", FieldType::Id),
    server("reopened_at", FieldType::PastInstant),
    server("reopen_reason", FieldType::Text { max: 1000 }),
    // Set when the family moved and the case was handed over from another municipality.
    server("transferred_from", FieldType::Id),
    server("transferred_at", FieldType::PastInstant),
    // Set when the case was merged into another (a person registered twice).
    server("merged_into", FieldType::Id),
    server("merged_at", FieldType::PastInstant),
    // Whether only the case's own workers and the supervisors may see it: kept by the server
    // from the rule in `protection` each time a category or a supervisor's decision changes.
    server("restricted", FieldType::Bool),
    // A supervisor's decision: "marked" restricted, or the restriction "lifted" (for the
    // protected categories in `restriction_lifted_for`), with its reason, who and when.
    server("restriction", FieldType::Choice(crate::domain::protection::DECISIONS)),
    server("restriction_reason", FieldType::Text { max: 1000 }),
    server("restriction_by", FieldType::Id),
    server("restriction_at", FieldType::PastInstant),
    server("restriction_lifted_for", FieldType::IdList),
];

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Case {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub household_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field_worker_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_manager_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_manager_decision: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case_manager_decided_on: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_worker_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reassigned_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_on: Option<chrono::NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closure_id: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopened_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopen_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_from: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transferred_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub merged_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restricted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction_reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction_by: Option<Uuid>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restriction_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub restriction_lifted_for: Vec<Uuid>,
}

impl TypedRecord for Case {
    const KIND: RecordKind = RecordKind::Case;
}

impl Case {
    /// Closed by an approved closure and not reopened since: read-only everywhere.
    pub fn is_closed(&self) -> bool {
        self.status.as_deref() == Some("closed")
    }

    /// Seen only by its own workers and the municipality's supervisors (as the server last
    /// decided it; the phone recomputes it with [`crate::domain::protection::restricted`]).
    pub fn is_restricted(&self) -> bool {
        self.restricted == Some(true)
    }

    /// The case as the permission table sees it. Who holds the caseload comes from the server's
    /// column (`field_worker_id`, copied into the phone's fields with each pull).
    pub fn target(&self, municipality_id: Uuid, field_worker_id: Option<Uuid>) -> crate::domain::Target {
        crate::domain::Target::Case {
            municipality_id,
            field_worker_id,
            case_manager_id: self.case_manager_id,
            restricted: self.is_restricted(),
        }
    }
}
