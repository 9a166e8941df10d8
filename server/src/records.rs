//! What the server's use cases read off a stored record (through its kind's typed struct), and
//! the office's own edit of one.

use crate::storage::{CaseScope, StoredRecord};
use app::api::ApiError;
use app::domain::access::Target;
use app::domain::access::{case_scope, Scope};
use app::domain::assessment::MemberFacts;
use app::domain::duplicate::{MatchFacts, MemberSummary};
use app::domain::record::{Case, Member, RecordError, TypedRecord};
use app::domain::sync;
use app::domain::SessionUser;
use app::domain::{Fields, RecordKind};
use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The record as its kind's struct.
pub fn typed<T: TypedRecord>(r: &StoredRecord) -> Result<T, RecordError> {
    T::from_fields(&r.fields)
}

/// A case merged into another is kept only as a pointer to it.
pub fn merged_into(case: &StoredRecord) -> Option<Uuid> {
    typed::<Case>(case).ok()?.merged_into
}

/// The member, unless they were found to be another person already registered and merged into
/// them (then `None`: they take part in nothing more).
pub fn live_member(r: &StoredRecord) -> Result<Option<Member>, RecordError> {
    let m: Member = typed(r)?;
    Ok(m.merged_into.is_none().then_some(m))
}

/// The case as a target of the permission table.
pub fn case_target(case: &StoredRecord) -> Target {
    typed::<Case>(case)
        .unwrap_or_default()
        .target(case.municipality_id, case.field_worker_id)
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
        .map(|r| Member::facts(r.id, &r.fields))
        .collect()
}

pub fn member_summary(r: &StoredRecord, m: Member) -> MemberSummary {
    MemberSummary {
        id: r.id,
        case_id: r.case_id,
        personal_number: m.personal_number().map(str::to_string),
        first_name: m.first_name,
        last_name: m.last_name,
        birth_date: m.birth_date,
    }
}

pub fn match_facts(m: &Member) -> MatchFacts {
    MatchFacts {
        first_name: m.first_name.clone(),
        last_name: m.last_name.clone(),
        birth_date: m.birth_date,
        personal_number: m.personal_number().map(str::to_string),
    }
}

/// The person a record is about, for the audit trail: a member, or the member a record names.
pub fn person_of(record: &StoredRecord) -> Option<Uuid> {
    if record.kind == RecordKind::Member {
        return Some(record.id);
    }
    record
        .fields
        .get("member_id")
        .and_then(|v| v.as_str())
        .and_then(|s| Uuid::parse_str(s).ok())
}

/// The cases `actor` sees, as a storage filter (the permission table's scope of `view_case`).
pub fn case_filter(actor: &SessionUser) -> Result<CaseScope, ApiError> {
    match case_scope(actor) {
        Some(Scope::OwnCases) => Ok(CaseScope {
            municipality_id: actor.municipality_id,
            own_cases_of: Some(actor.id),
        }),
        Some(_) => Ok(CaseScope {
            municipality_id: actor.municipality_id,
            own_cases_of: None,
        }),
        None => Err(ApiError::Forbidden),
    }
}
