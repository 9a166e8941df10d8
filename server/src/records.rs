//! What the server's use cases read off a stored record, and the office's own edit of one.

use crate::storage::StoredRecord;
use app::domain::access::Target;
use app::domain::assessment::MemberFacts;
use app::domain::duplicate::{PersonFacts, PersonSummary};
use app::domain::sync;
use app::domain::{Fields, RecordKind};
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;
use uuid::Uuid;

/// A text field, empty when absent.
pub fn text(r: &StoredRecord, key: &str) -> String {
    r.fields
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// A field map from pairs, for the office's edits.
pub fn fields(pairs: &[(&str, Value)]) -> Fields {
    pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
}

/// A case merged into another is kept only as a pointer to it.
pub fn merged_into(case: &StoredRecord) -> Option<Uuid> {
    Uuid::parse_str(&text(case, "merged_into")).ok()
}

/// The case as a target of the permission table.
pub fn case_target(case: &StoredRecord) -> Target {
    Target::Case {
        municipality_id: case.municipality_id,
        field_worker_id: case.field_worker_id,
    }
}

/// `record` with `changes` applied by the office (no device): the version moves on and the
/// fields keep their per-field stamps, so a phone's later edit merges as usual.
pub fn office_edit(record: &StoredRecord, changes: Fields, by: Uuid, at: DateTime<Utc>) -> StoredRecord {
    let m = sync::merge(
        &record.fields,
        &record.stamps,
        record.version,
        record.version,
        Uuid::nil(),
        &changes,
    );
    StoredRecord {
        fields: m.fields,
        stamps: m.stamps,
        version: m.version,
        updated_by: by,
        updated_at: at,
        ..record.clone()
    }
}

/// The members of a case as the validation rules see them.
pub fn members_of(records: &[StoredRecord]) -> Vec<MemberFacts> {
    records
        .iter()
        .filter(|r| r.kind == RecordKind::Member)
        .map(|r| MemberFacts {
            id: r.id,
            birth_date: NaiveDate::parse_from_str(&text(r, "birth_date"), "%Y-%m-%d").ok(),
        })
        .collect()
}

pub fn person_summary(r: &StoredRecord) -> PersonSummary {
    PersonSummary {
        id: r.id,
        case_id: r.case_id,
        first_name: text(r, "first_name"),
        last_name: text(r, "last_name"),
        birth_date: NaiveDate::parse_from_str(&text(r, "birth_date"), "%Y-%m-%d").ok(),
        personal_number: Some(text(r, "personal_number")).filter(|s| !s.trim().is_empty()),
    }
}

pub fn person_facts(r: &StoredRecord) -> PersonFacts {
    let s = person_summary(r);
    PersonFacts {
        first_name: s.first_name,
        last_name: s.last_name,
        birth_date: s.birth_date,
        personal_number: s.personal_number,
    }
}
