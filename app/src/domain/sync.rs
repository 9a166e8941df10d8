//! The sync protocol's messages (`/api/sync/v1`, see `docs/sync-v1.md`) and the per-field merge
//! rule the server applies to every change.
//!
//! A change names the record version it was made on (`base_version`). Fields the server has not
//! changed since that version take the phone's value; a field that another device changed since
//! then, to a different value, becomes a [`ConflictView`]: the server keeps its value, stores
//! the phone's, and both the worker and the supervisor choose. Nothing is overwritten silently.

use super::record::{FieldError, Fields, RecordKind};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The sync protocol: push, pull, conflicts, photo bytes (`docs/sync-v1.md`).
pub const API_ROOT: &str = "/api/sync/v1";
/// The office's online actions, which are not sync (`docs/office-v1.md`).
pub const OFFICE_ROOT: &str = "/api/v1";
/// Most changes in one push; the phone sends larger outboxes in several batches.
pub const MAX_BATCH: usize = 100;
/// Largest push body the server reads.
pub const MAX_PUSH_BYTES: usize = 1024 * 1024;
/// Largest piece of a photo or signature in one upload request.
pub const MAX_CHUNK_BYTES: usize = 256 * 1024;
pub const DEFAULT_PULL_LIMIT: i64 = 200;
pub const MAX_PULL_LIMIT: i64 = 1000;

/// One edit made on a phone: the record's fields that changed, on top of `base_version`
/// (`None` when the phone created the record).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Change {
    /// Made on the phone (UUID v7): the server applies each change ID once, however often sent.
    pub change_id: Uuid,
    /// The phone's installation, so a device never conflicts with its own earlier edit.
    pub device_id: Uuid,
    pub kind: RecordKind,
    pub record_id: Uuid,
    /// The case the record belongs to (for a case itself, its own ID).
    pub case_id: Uuid,
    pub base_version: Option<i64>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub fields: Fields,
    pub made_at: DateTime<Utc>,
}

impl Change {
    /// What is wrong with each key of a change that does not read as one: the refusal names
    /// every field and why (missing, of the wrong type, unknown), not only the decoder's first
    /// complaint.
    pub fn envelope_errors(raw: &Value) -> Vec<crate::domain::FieldError> {
        use crate::domain::{FieldError, Problem};
        let Some(obj) = raw.as_object() else {
            return vec![FieldError::new("change", Problem::WrongType)];
        };
        let uuid = |v: &Value| v.as_str().is_some_and(|s| Uuid::parse_str(s).is_ok());
        // (key, required, what a right value looks like)
        type Check<'a> = (&'a str, bool, &'a dyn Fn(&Value) -> bool);
        let checks: [Check; 8] = [
            ("change_id", true, &uuid),
            ("device_id", true, &uuid),
            ("kind", true, &|v| v.as_str().and_then(RecordKind::parse).is_some()),
            ("record_id", true, &uuid),
            ("case_id", true, &uuid),
            ("base_version", false, &|v| v.is_null() || v.as_i64().is_some()),
            ("fields", true, &Value::is_object),
            ("made_at", true, &|v| {
                v.as_str().is_some_and(|s| DateTime::parse_from_rfc3339(s).is_ok())
            }),
        ];
        let mut errors = Vec::new();
        for (key, required, ok) in checks {
            match obj.get(key) {
                None if required => errors.push(FieldError::new(key, Problem::Required)),
                None => {}
                Some(v) if !ok(v) => errors.push(FieldError::new(key, Problem::WrongType)),
                Some(_) => {}
            }
        }
        for key in obj.keys() {
            if !checks.iter().any(|(k, ..)| k == key) {
                errors.push(FieldError::new(key.as_str(), Problem::Unknown));
            }
        }
        errors
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushRequest {
    /// Kept as raw JSON so that one malformed item is refused alone.
    #[cfg_attr(feature = "ssr", schema(value_type = Vec<Change>))]
    pub changes: Vec<Value>,
    /// Cases opened on the phone since the last push, so offline reads are in the audit trail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reads: Vec<CaseRead>,
    /// The sending device, so a device marked lost is told to wipe once its outbox is in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<Uuid>,
}

/// A case opened on the phone. Its ID (UUID v7, made on the phone) is the audit row's, so a
/// resent read is recorded once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CaseRead {
    pub id: Uuid,
    pub case_id: Uuid,
    pub device_id: Uuid,
    pub at: DateTime<Utc>,
}

/// At most this many reads in one push.
pub const MAX_READS: usize = 1000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PushResponse {
    pub results: Vec<ChangeResult>,
    /// Set when the account was disabled or the device marked lost: the phone removes this
    /// user's data once every change it queued has an answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wipe: Option<super::device::WipeReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangeResult {
    /// `None` only when the item was too malformed to carry one.
    pub change_id: Option<Uuid>,
    pub record_id: Option<Uuid>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Outcome {
    /// The record is now at `version`.
    Applied { version: i64 },
    /// This change ID was applied before; nothing changed now.
    AlreadyApplied { version: i64 },
    /// The fields without conflict were applied (the record is at `version`); the listed fields
    /// kept the server's value and wait for a person to choose.
    Conflict { version: i64, conflicts: Vec<ConflictView> },
    /// Nothing was applied.
    Rejected {
        reason: Rejection,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        errors: Vec<FieldError>,
    },
}

impl Outcome {
    pub fn rejected(reason: Rejection, errors: Vec<FieldError>) -> Self {
        let mut message = reason.describe().to_string();
        if !errors.is_empty() {
            let list = errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ");
            message = format!("{message}: {list}");
        }
        Outcome::Rejected {
            reason,
            message,
            errors,
        }
    }

    /// True when the server will answer the same however often the change is sent. Otherwise
    /// the phone keeps the change in its outbox and sends it again later.
    pub fn is_final(&self) -> bool {
        match self {
            Outcome::Rejected { reason, .. } => !reason.is_retryable(),
            _ => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Rejection {
    /// Not a change message (missing or mistyped envelope fields, unknown envelope keys).
    Malformed,
    /// A field is unknown, has the wrong type, is missing, or breaks a rule; see `errors`.
    Invalid,
    /// Outside the caller's municipality, caseload or role.
    Forbidden,
    /// The case does not exist (or is not visible to the caller).
    UnknownCase,
    /// An edit of a record the server does not have.
    UnknownRecord,
    /// The record ID exists with another kind or in another case.
    Mismatch,
    /// A create for a record ID that already exists (from another change).
    AlreadyExists,
    /// The base version is newer than the server's: the phone is confused and should re-pull.
    FutureBase,
    /// The server could not store it now; send again later.
    Busy,
    /// A submission or a decision names content the plan no longer has: it was edited before
    /// this arrived. Nothing was submitted or decided.
    PlanChanged,
    /// The case already has a plan: edit that one.
    PlanExists,
    /// A decision names a housing application or a closure request whose content changed
    /// before it arrived. Nothing was decided.
    DecisionOutdated,
    /// The case is closed: it is read-only until a supervisor reopens it.
    CaseClosed,
    /// Closure must wait: `errors` name the open referrals and unapproved plan changes.
    ClosureBlocked,
    /// The case already has a closure request waiting for the supervisor.
    ClosurePending,
}

impl Rejection {
    /// "Not yet" rather than "no": the case or record may still be on its way from the same
    /// phone (delivery out of order), or the server was busy.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            Rejection::Busy | Rejection::UnknownCase | Rejection::UnknownRecord | Rejection::FutureBase
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            Rejection::Malformed => "the change is not well formed",
            Rejection::Invalid => "the record is not valid",
            Rejection::Forbidden => "you may not change this record",
            Rejection::UnknownCase => "the case does not exist",
            Rejection::UnknownRecord => "the record does not exist",
            Rejection::Mismatch => "the record belongs to another kind or case",
            Rejection::AlreadyExists => "a record with this ID already exists",
            Rejection::FutureBase => "the phone's copy is newer than the server's; refresh the caseload",
            Rejection::Busy => "the server is busy; the change will be sent again",
            Rejection::PlanChanged => "the plan changed before this arrived; nothing was submitted or decided",
            Rejection::PlanExists => "the case already has a plan",
            Rejection::DecisionOutdated => "what the decision names changed before it arrived; nothing was decided",
            Rejection::CaseClosed => "the case is closed; a supervisor can reopen it",
            Rejection::ClosureBlocked => "the case cannot be closed yet",
            Rejection::ClosurePending => "the case already has a closure request waiting for a decision",
        }
    }
}

/// A record as the phone receives it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct RecordState {
    pub kind: RecordKind,
    pub id: Uuid,
    pub case_id: Uuid,
    pub version: i64,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub fields: Fields,
    pub updated_at: DateTime<Utc>,
}

/// Two values for one field, waiting for a person to choose.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConflictView {
    pub id: Uuid,
    pub kind: RecordKind,
    pub record_id: Uuid,
    pub case_id: Uuid,
    pub field: String,
    /// The value the server had (and still keeps until someone chooses).
    pub current: Value,
    /// The value the phone sent.
    pub proposed: Value,
    pub proposed_by: String,
    pub created_at: DateTime<Utc>,
    pub resolved: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum Choice {
    Current,
    Proposed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ResolveRequest {
    pub choice: Choice,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PullPage {
    /// Whose caseload this is: a phone that finds another user's cache starts afresh.
    pub user_id: Uuid,
    pub records: Vec<RecordState>,
    /// Every open conflict in the caller's view, on every page.
    pub conflicts: Vec<ConflictView>,
    /// The municipality's institutions, to refer to offline.
    #[serde(default)]
    pub institutions: Vec<super::Institution>,
    /// The municipality's catalogue of standard services, to draft plans from offline (on the
    /// last page only).
    #[serde(default)]
    pub services: Vec<super::service::Service>,
    /// For supervisors and case managers: the municipality's field workers, to show each one's
    /// load. Empty for a field worker.
    #[serde(default)]
    pub workers: Vec<FieldWorker>,
    /// For supervisors: the municipality's case managers, to appoint one to a case.
    #[serde(default)]
    pub case_managers: Vec<FieldWorker>,
    /// The municipality's days from a referral to its follow-up, so the phone's agenda matches
    /// the server's.
    #[serde(default)]
    pub referral_days: Option<super::follow_up::ReferralDays>,
    /// On the last page only: every case the caller may now see. A phone forgets the others (a
    /// case given to a colleague, or merged into another) once it has nothing left to send for
    /// them.
    #[serde(default)]
    pub cases: Option<Vec<Uuid>>,
    /// On the last page, for those who request closures: every municipality, to hand a case to
    /// the one a family moved to.
    #[serde(default)]
    pub municipalities: Vec<MunicipalityRef>,
    /// On the last page, for the school team and case workers: the municipality's schools.
    #[serde(default)]
    pub schools: Vec<super::school::School>,
    /// On the last page: the municipality's early-warning thresholds, so the phone flags a
    /// child as the server does.
    #[serde(default)]
    pub thresholds: Option<super::school::Thresholds>,
    /// Pass back as `cursor` for the next page; empty means "from the start".
    pub next_cursor: String,
    pub more: bool,
}

/// A municipality as a choice on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MunicipalityRef {
    pub id: Uuid,
    pub name: String,
}

/// A supervisor's reopening of a closed case (`POST /api/v1/cases/{id}/reopen`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reopen {
    pub reason: String,
}

/// A stored follow-up as the server lists it: with when it was escalated and whose it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUpView {
    #[serde(flatten)]
    pub follow_up: super::follow_up::FollowUp,
    /// When it was found overdue and put before the supervisor.
    pub escalated_at: Option<DateTime<Utc>>,
    /// The field worker holding the case.
    pub worker_id: Option<Uuid>,
}

/// A supervisor gives a case to another field worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reassign {
    pub field_worker_id: Uuid,
}

/// A supervisor's decision appointing a case's case manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Appointment {
    pub case_manager_id: Uuid,
    /// The decision's number, as written on the paper.
    pub decision: String,
    pub decided_on: chrono::NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldWorker {
    pub id: Uuid,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BlobStatus {
    pub sha256: String,
    pub received: i64,
    pub size: i64,
    pub complete: bool,
}

/// The body of every refusal of a whole request (not of one change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: String,
    pub message: String,
    /// The precise cause where a refusal has several (`unknown_measure`, `share_out_of_range`),
    /// for the phone to put into words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Which device last set a field, and in which record version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldStamp {
    pub version: i64,
    pub device: Uuid,
}

pub type Stamps = BTreeMap<String, FieldStamp>;

/// What merging a change into the stored record gives.
#[derive(Debug, Clone, PartialEq)]
pub struct Merge {
    pub fields: Fields,
    pub stamps: Stamps,
    /// Equal to the stored version when nothing changed.
    pub version: i64,
    pub changed: Vec<String>,
    /// (field, value kept, value proposed)
    pub conflicts: Vec<(String, Value, Value)>,
}

/// Merges `change` (made by `device` on top of `base_version`) into a record stored at
/// `version` with `fields` and `stamps`. Pure: the server calls it inside its transaction.
pub fn merge(
    fields: &Fields,
    stamps: &Stamps,
    version: i64,
    base_version: i64,
    device: Uuid,
    change: &Fields,
) -> Merge {
    let next = version + 1;
    let mut out = Merge {
        fields: fields.clone(),
        stamps: stamps.clone(),
        version,
        changed: vec![],
        conflicts: vec![],
    };
    for (name, proposed) in change {
        let current = fields.get(name).cloned().unwrap_or(Value::Null);
        if &current == proposed {
            continue;
        }
        let moved_elsewhere = stamps
            .get(name)
            .is_some_and(|s| s.version > base_version && s.device != device);
        if moved_elsewhere {
            out.conflicts.push((name.clone(), current, proposed.clone()));
        } else {
            if proposed.is_null() {
                out.fields.remove(name);
            } else {
                out.fields.insert(name.clone(), proposed.clone());
            }
            out.stamps.insert(name.clone(), FieldStamp { version: next, device });
            out.changed.push(name.clone());
        }
    }
    if !out.changed.is_empty() {
        out.version = next;
    }
    out
}

/// Stamps for a record created by `device`: every field at version 1.
pub fn created(fields: &Fields, device: Uuid) -> Stamps {
    fields
        .keys()
        .map(|k| (k.clone(), FieldStamp { version: 1, device }))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fields(v: Value) -> Fields {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_change_that_does_not_read_names_each_wrong_key() {
        use crate::domain::Problem;
        let good = json!({ "change_id": Uuid::now_v7(), "device_id": Uuid::now_v7(), "kind": "visit",
            "record_id": Uuid::now_v7(), "case_id": Uuid::now_v7(), "base_version": null,
            "fields": {}, "made_at": "2026-11-20T09:14:00Z" });
        assert!(serde_json::from_value::<Change>(good.clone()).is_ok());
        assert_eq!(Change::envelope_errors(&good), vec![]);
        let mut bad = good.clone();
        bad["made_at"] = json!("yesterday");
        bad["kind"] = json!("spaceship");
        bad.as_object_mut().unwrap().remove("case_id");
        bad["colour"] = json!("red");
        assert!(serde_json::from_value::<Change>(bad.clone()).is_err());
        let named: Vec<(String, Problem)> = Change::envelope_errors(&bad)
            .into_iter()
            .map(|e| (e.field, e.problem))
            .collect();
        assert_eq!(
            named,
            vec![
                ("kind".to_string(), Problem::WrongType),
                ("case_id".to_string(), Problem::Required),
                ("made_at".to_string(), Problem::WrongType),
                ("colour".to_string(), Problem::Unknown),
            ]
        );
        assert_eq!(
            Change::envelope_errors(&json!([1])),
            vec![FieldError::new("change", Problem::WrongType)]
        );
    }

    #[test]
    fn different_fields_from_the_same_base_merge() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let base = fields(json!({"village": "Plemetin", "address": "Rr. 1", "phone": "044"}));
        let stamps = created(&base, a);
        let first = merge(&base, &stamps, 1, 1, a, &fields(json!({"address": "Rr. 2"})));
        assert_eq!((first.version, first.changed.clone()), (2, vec!["address".to_string()]));
        let second = merge(&first.fields, &first.stamps, 2, 1, b, &fields(json!({"phone": "049"})));
        assert!(second.conflicts.is_empty());
        assert_eq!(second.version, 3);
        assert_eq!(
            second.fields,
            fields(json!({"village": "Plemetin", "address": "Rr. 2", "phone": "049"}))
        );
    }

    #[test]
    fn same_field_from_the_same_base_is_a_conflict_and_keeps_the_server_value() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let base = fields(json!({"village": "Plemetin", "address": "Rr. 1"}));
        let first = merge(&base, &created(&base, a), 1, 1, a, &fields(json!({"address": "Rr. 2"})));
        let second = merge(
            &first.fields,
            &first.stamps,
            2,
            1,
            b,
            &fields(json!({"address": "Rr. 3", "village": "Obiliq"})),
        );
        assert_eq!(
            second.conflicts,
            vec![("address".into(), json!("Rr. 2"), json!("Rr. 3"))]
        );
        assert_eq!(second.fields["address"], json!("Rr. 2"));
        assert_eq!(second.fields["village"], json!("Obiliq"));
        assert_eq!(second.version, 3);
    }

    #[test]
    fn the_same_value_or_the_same_device_is_no_conflict() {
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        let base = fields(json!({"address": "Rr. 1"}));
        let first = merge(&base, &created(&base, a), 1, 1, a, &fields(json!({"address": "Rr. 2"})));
        let same_value = merge(
            &first.fields,
            &first.stamps,
            2,
            1,
            b,
            &fields(json!({"address": "Rr. 2"})),
        );
        assert!(same_value.conflicts.is_empty() && same_value.changed.is_empty());
        assert_eq!(same_value.version, 2);
        // The phone sent two edits before it heard back about the first.
        let own = merge(
            &first.fields,
            &first.stamps,
            2,
            1,
            a,
            &fields(json!({"address": "Rr. 5"})),
        );
        assert!(own.conflicts.is_empty());
        assert_eq!(own.fields["address"], json!("Rr. 5"));
    }

    #[test]
    fn null_clears_a_field() {
        let a = Uuid::now_v7();
        let base = fields(json!({"phone": "044"}));
        let m = merge(&base, &created(&base, a), 1, 1, a, &fields(json!({"phone": null})));
        assert!(m.fields.is_empty());
        assert_eq!(m.version, 2);
    }

    #[test]
    fn outcomes_serialize_with_a_status_tag() {
        let r = ChangeResult {
            change_id: Some(Uuid::nil()),
            record_id: None,
            outcome: Outcome::rejected(
                Rejection::Invalid,
                vec![FieldError::new("sex", super::super::record::Problem::Required)],
            ),
        };
        let v = serde_json::to_value(&r).unwrap();
        assert_eq!(v["status"], "rejected");
        assert_eq!(v["reason"], "invalid");
        assert_eq!(v["message"], "the record is not valid: sex is required");
        let back: ChangeResult = serde_json::from_value(v).unwrap();
        assert_eq!(back, r);
    }
}
