//! The server side of `/api/sync/v1`: applies pushed changes exactly once, merges them field by
//! field, records conflicts, serves pull pages and takes photo and signature bytes.
//!
//! Every method checks the caller's role and municipality against the case the record belongs
//! to, and writes the audit trail.

use crate::storage::{
    AppliedChange, AuditEvent, CaseScope, Commit, CommitResult, ConflictRow, DuplicateRow, Storage, StorageError,
    StoredRecord,
};
use app::domain::access::{case_view, may_finish_queued_edit, may_work_on_case, CaseView};
use app::domain::assessment::MemberFacts;
use app::domain::duplicate::{self, DuplicateView, MatchReason, PersonFacts, PersonSummary};
use app::domain::follow_up;
use app::domain::record::{check_change_fields, validate, Context};
use app::domain::referral::{self, IncomingReferral};
use app::domain::sync::{
    self, BlobStatus, Change, ChangeResult, Choice, ConflictView, Outcome, PullPage, PushRequest, PushResponse,
    RecordState, Rejection,
};
use app::domain::{FieldError, Fields, RecordKind, Role, SessionUser};
use chrono::{DateTime, NaiveDate, SubsecRound, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::sync::Arc;
use uuid::Uuid;

/// A whole request refused (as opposed to one change in it).
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("not signed in")]
    NotSignedIn,
    #[error("not allowed")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    BadRequest(String),
    #[error("the request is larger than {0} bytes")]
    TooLarge(usize),
    #[error("upload must continue at byte {}", .0.received)]
    WrongOffset(BlobStatus),
    #[error("the uploaded bytes do not match their SHA-256; upload again")]
    HashMismatch,
    #[error("the records kept changing meanwhile; try again")]
    Busy,
    #[error("storage: {0}")]
    Storage(#[from] StorageError),
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::NotSignedIn => "not_signed_in",
            SyncError::Forbidden => "forbidden",
            SyncError::NotFound => "not_found",
            SyncError::BadRequest(_) => "bad_request",
            SyncError::TooLarge(_) => "too_large",
            SyncError::WrongOffset(_) => "wrong_offset",
            SyncError::HashMismatch => "hash_mismatch",
            SyncError::Busy => "busy",
            SyncError::Storage(_) => "internal",
        }
    }
}

/// How often a change is re-read and retried when another writer changed the record meanwhile.
pub(crate) const RACE_RETRIES: usize = 5;

pub struct SyncService {
    pub(crate) store: Arc<dyn Storage>,
}

pub(crate) fn now() -> DateTime<Utc> {
    // PostgreSQL keeps microseconds: round so a value reads back equal on both databases.
    Utc::now().trunc_subsecs(6)
}

pub(crate) fn scope_of(actor: &SessionUser) -> Result<CaseScope, SyncError> {
    match case_view(actor) {
        Some(CaseView::Assigned) => Ok(CaseScope {
            municipality_id: actor.municipality_id,
            assignee_id: Some(actor.id),
        }),
        Some(CaseView::Municipality) => Ok(CaseScope {
            municipality_id: actor.municipality_id,
            assignee_id: None,
        }),
        None => Err(SyncError::Forbidden),
    }
}

pub fn state_of(r: &StoredRecord) -> RecordState {
    RecordState {
        kind: r.kind,
        id: r.id,
        case_id: r.case_id,
        version: r.version,
        fields: public_fields(r),
        updated_at: r.updated_at,
    }
}

/// The fields a phone sees: for a case, also its status and assignment.
fn public_fields(r: &StoredRecord) -> Fields {
    let mut fields = r.fields.clone();
    if r.kind == RecordKind::Case {
        if let Some(a) = r.assignee_id {
            fields.insert("field_worker_id".into(), Value::String(a.to_string()));
        }
        fields
            .entry("status".into())
            .or_insert_with(|| Value::String("open".into()));
    }
    fields
}

pub fn conflict_view(c: &ConflictRow) -> ConflictView {
    ConflictView {
        id: c.id,
        kind: c.kind,
        record_id: c.record_id,
        case_id: c.case_id,
        field: c.field.clone(),
        current: c.current.clone(),
        proposed: c.proposed.clone(),
        proposed_by: c.proposed_by_name.clone(),
        created_at: c.created_at,
        resolved: c.resolved_at.is_some(),
    }
}

fn members_of(records: &[StoredRecord]) -> Vec<MemberFacts> {
    records
        .iter()
        .filter(|r| r.kind == RecordKind::Member)
        .map(|r| MemberFacts {
            id: r.id,
            birth_date: r
                .fields
                .get("birth_date")
                .and_then(Value::as_str)
                .and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()),
        })
        .collect()
}

fn field_text(r: &StoredRecord, key: &str) -> String {
    r.fields
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

fn person_facts(r: &StoredRecord) -> PersonFacts {
    let s = person_summary(r);
    PersonFacts {
        first_name: s.first_name,
        last_name: s.last_name,
        birth_date: s.birth_date,
        personal_number: s.personal_number,
    }
}

fn person_summary(r: &StoredRecord) -> PersonSummary {
    PersonSummary {
        id: r.id,
        case_id: r.case_id,
        first_name: field_text(r, "first_name"),
        last_name: field_text(r, "last_name"),
        birth_date: NaiveDate::parse_from_str(&field_text(r, "birth_date"), "%Y-%m-%d").ok(),
        personal_number: Some(field_text(r, "personal_number")).filter(|s| !s.trim().is_empty()),
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

fn is_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl SyncService {
    pub fn new(store: Arc<dyn Storage>) -> Self {
        Self { store }
    }

    pub(crate) async fn audit(
        &self,
        actor: &SessionUser,
        action: &str,
        entity: &str,
        id: Option<String>,
        detail: String,
    ) {
        let event = AuditEvent {
            id: Uuid::now_v7(),
            at: now(),
            actor_id: Some(actor.id),
            municipality_id: Some(actor.municipality_id),
            action: action.into(),
            entity: entity.into(),
            entity_id: id,
            detail,
        };
        if let Err(e) = self.store.append_audit(&event).await {
            // The write itself succeeded; a lost audit row is logged loudly, not hidden.
            tracing::error!(error = %e, action, "audit row not written");
        }
    }

    /// Applies each change in order; one bad change never stops the others.
    pub async fn push(&self, actor: &SessionUser, request: PushRequest) -> Result<PushResponse, SyncError> {
        scope_of(actor)?;
        if request.changes.len() > sync::MAX_BATCH {
            return Err(SyncError::BadRequest(format!(
                "at most {} changes per push",
                sync::MAX_BATCH
            )));
        }
        let mut results = Vec::with_capacity(request.changes.len());
        let mut touched = std::collections::BTreeSet::new();
        for raw in request.changes {
            let change: Change = match serde_json::from_value(raw.clone()) {
                Ok(c) => c,
                Err(e) => {
                    let id = |k: &str| raw.get(k).and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok());
                    let mut outcome = Outcome::rejected(Rejection::Malformed, vec![]);
                    if let Outcome::Rejected { message, .. } = &mut outcome {
                        message.push_str(&format!(": {e}"));
                    }
                    results.push(ChangeResult {
                        change_id: id("change_id"),
                        record_id: id("record_id"),
                        outcome,
                    });
                    continue;
                }
            };
            let outcome = match self.apply(actor, &change).await {
                Ok(o) => o,
                Err(e) => {
                    tracing::error!(error = %e, change = %change.change_id, "change not stored");
                    Outcome::rejected(Rejection::Busy, vec![])
                }
            };
            if change.kind == RecordKind::Member
                && matches!(outcome, Outcome::Applied { .. } | Outcome::Conflict { .. })
            {
                if let Err(e) = self.look_for_duplicates(change.record_id).await {
                    // The change is stored; a missed suggestion is logged, not a failed push.
                    tracing::error!(error = %e, member = %change.record_id, "duplicate check failed");
                }
            }
            match &outcome {
                Outcome::Applied { version } | Outcome::Conflict { version, .. } => {
                    touched.insert(change.case_id);
                    let action = if change.base_version.is_none() {
                        "record.create"
                    } else {
                        "record.update"
                    };
                    let detail = format!(
                        "{} v{version} fields {}",
                        change.kind.as_str(),
                        field_list(&change.fields)
                    );
                    self.audit(
                        actor,
                        action,
                        change.kind.as_str(),
                        Some(change.record_id.to_string()),
                        detail,
                    )
                    .await;
                }
                Outcome::Rejected {
                    reason: Rejection::Forbidden,
                    ..
                } => {
                    tracing::warn!(user = %actor.id, record = %change.record_id, "push refused: forbidden");
                    let detail = format!("refused {}", change.kind.as_str());
                    self.audit(
                        actor,
                        "record.refused",
                        change.kind.as_str(),
                        Some(change.record_id.to_string()),
                        detail,
                    )
                    .await;
                }
                _ => {}
            }
            results.push(ChangeResult {
                change_id: Some(change.change_id),
                record_id: Some(change.record_id),
                outcome,
            });
        }
        for case_id in touched {
            // A merged case's changes went to the case it was merged into: schedule that one.
            let case_id = match self.store.record(case_id).await? {
                Some(c) => crate::case::merged_into(&c).unwrap_or(case_id),
                None => case_id,
            };
            if let Err(e) = self.schedule_case(case_id, now()).await {
                // The changes are stored; the timer's next pass schedules the case.
                tracing::error!(error = %e, case = %case_id, "scheduling failed");
            }
        }
        Ok(PushResponse { results })
    }

    async fn apply(&self, actor: &SessionUser, change: &Change) -> Result<Outcome, SyncError> {
        for _ in 0..RACE_RETRIES {
            if let Some(done) = self.store.applied_change(change.change_id).await? {
                return Ok(already_applied(actor, &done));
            }
            let (change, merged_case) = self.redirected(change).await?;
            let outcome = self.try_apply(actor, &change, merged_case.as_ref()).await?;
            match outcome {
                Attempt::Decided(o) => return Ok(o),
                Attempt::Raced => continue,
            }
        }
        Ok(Outcome::rejected(Rejection::Busy, vec![]))
    }

    /// A change made on the phone for a case that has since been merged into another goes to
    /// that other case: queued work is never refused for a merge the phone did not know of.
    /// Also returns the merged case, whose worker may still send what was queued before the merge.
    async fn redirected(&self, change: &Change) -> Result<(Change, Option<StoredRecord>), SyncError> {
        if change.kind != RecordKind::Case {
            if let Some(case) = self.store.record(change.case_id).await? {
                if let Some(target) = crate::case::merged_into(&case) {
                    let change = Change {
                        case_id: target,
                        ..change.clone()
                    };
                    return Ok((change, Some(case)));
                }
            }
        }
        Ok((change.clone(), None))
    }

    async fn try_apply(
        &self,
        actor: &SessionUser,
        change: &Change,
        merged_case: Option<&StoredRecord>,
    ) -> Result<Attempt, SyncError> {
        let reject = |r: Rejection, errors: Vec<FieldError>| Ok(Attempt::Decided(Outcome::rejected(r, errors)));
        let errors = check_change_fields(change.kind, &change.fields);
        if !errors.is_empty() {
            return reject(Rejection::Invalid, errors);
        }
        if (change.kind == RecordKind::Case) != (change.record_id == change.case_id) {
            return reject(Rejection::Mismatch, vec![]);
        }
        let at = now();
        let existing = self.store.record(change.record_id).await?;
        // The case this record belongs to, and whether the actor may work on it.
        let (municipality_id, assignee_id, case_records) = if change.kind == RecordKind::Case {
            match &existing {
                Some(case) => (case.municipality_id, case.assignee_id, vec![case.clone()]),
                None => {
                    let assignee = actor.has_role(Role::FieldWorker).then_some(actor.id);
                    (actor.municipality_id, assignee, vec![])
                }
            }
        } else {
            let records = self.store.records_of_case(change.case_id).await?;
            let Some(case) = records
                .iter()
                .find(|r| r.kind == RecordKind::Case && r.id == change.case_id)
            else {
                // Perhaps the case is still on its way: the phone keeps the change and resends it.
                return reject(Rejection::UnknownCase, vec![]);
            };
            (case.municipality_id, case.assignee_id, records)
        };
        let case_record = case_records
            .iter()
            .find(|r| r.kind == RecordKind::Case && r.id == change.case_id);
        let queued_before_reassignment = case_record.is_some_and(|c| {
            may_finish_queued_edit(
                actor,
                municipality_id,
                Uuid::parse_str(&field_text(c, "previous_worker_id")).ok(),
                DateTime::parse_from_rfc3339(&field_text(c, "reassigned_at"))
                    .ok()
                    .map(|t| t.with_timezone(&Utc)),
                change.made_at,
            )
        });
        let queued_before_merge = merged_case.is_some_and(|m| {
            may_work_on_case(actor, m.municipality_id, m.assignee_id)
                && DateTime::parse_from_rfc3339(&field_text(m, "merged_at")).is_ok_and(|t| change.made_at <= t)
        });
        if !may_work_on_case(actor, municipality_id, assignee_id) && !queued_before_reassignment && !queued_before_merge
        {
            return reject(Rejection::Forbidden, vec![]);
        }
        let case_records: Vec<StoredRecord> = case_records
            .into_iter()
            .filter(|r| change.kind != RecordKind::Case || r.kind != RecordKind::Case)
            .collect();
        let mut ctx = Context::at(at);
        ctx.members = members_of(&case_records);
        if change.kind == RecordKind::Member {
            ctx.members.retain(|m| m.id != change.record_id);
        }

        let (record, expected, merged, conflicts) = match (&existing, change.base_version) {
            (Some(r), _) if r.kind != change.kind || r.case_id != change.case_id => {
                return reject(Rejection::Mismatch, vec![]);
            }
            (Some(_), None) => return reject(Rejection::AlreadyExists, vec![]),
            (None, Some(_)) => return reject(Rejection::UnknownRecord, vec![]),
            (None, None) => {
                let errors = validate(change.kind, &change.fields, &ctx);
                if !errors.is_empty() {
                    return reject(Rejection::Invalid, errors);
                }
                let record = StoredRecord {
                    kind: change.kind,
                    id: change.record_id,
                    case_id: change.case_id,
                    municipality_id,
                    assignee_id: if change.kind == RecordKind::Case {
                        assignee_id
                    } else {
                        None
                    },
                    version: 1,
                    fields: change.fields.clone(),
                    stamps: sync::created(&change.fields, change.device_id),
                    seq: 0,
                    created_by: actor.id,
                    created_at: at,
                    updated_by: actor.id,
                    updated_at: at,
                };
                (record, None, true, vec![])
            }
            (Some(current), Some(base)) => {
                if base > current.version || base < 1 {
                    return reject(Rejection::FutureBase, vec![]);
                }
                let m = sync::merge(
                    &current.fields,
                    &current.stamps,
                    current.version,
                    base,
                    change.device_id,
                    &change.fields,
                );
                let errors = validate(change.kind, &m.fields, &ctx);
                if !errors.is_empty() {
                    return reject(Rejection::Invalid, errors);
                }
                let changed = !m.changed.is_empty();
                let mut record = current.clone();
                record.fields = m.fields;
                record.stamps = m.stamps;
                record.version = m.version;
                if changed {
                    record.updated_by = actor.id;
                    record.updated_at = at;
                }
                let conflicts = m
                    .conflicts
                    .into_iter()
                    .map(|(field, current_value, proposed)| ConflictRow {
                        id: Uuid::now_v7(),
                        record_id: record.id,
                        case_id: record.case_id,
                        municipality_id: record.municipality_id,
                        kind: record.kind,
                        field,
                        current: current_value,
                        proposed,
                        change_id: change.change_id,
                        proposed_by: actor.id,
                        proposed_by_name: actor.display_name.clone(),
                        created_at: at,
                        resolved_at: None,
                        resolved_by: None,
                        choice: None,
                    })
                    .collect::<Vec<_>>();
                (record, Some(current.version), changed, conflicts)
            }
        };
        if record.kind == RecordKind::Referral {
            // Only to an institution of the case's own municipality.
            let institution = record
                .fields
                .get("institution_id")
                .and_then(Value::as_str)
                .and_then(|s| Uuid::parse_str(s).ok());
            let known = match institution {
                Some(id) => self
                    .store
                    .institution(id)
                    .await?
                    .is_some_and(|i| i.municipality_id == record.municipality_id),
                None => false,
            };
            if !known {
                return reject(
                    Rejection::Invalid,
                    vec![FieldError::new("institution_id", app::domain::Problem::Unknown)],
                );
            }
        }
        let outcome = if conflicts.is_empty() {
            Outcome::Applied {
                version: record.version,
            }
        } else {
            Outcome::Conflict {
                version: record.version,
                conflicts: conflicts.iter().map(conflict_view).collect(),
            }
        };
        let stored_outcome = serde_json::to_string(&outcome).map_err(|e| StorageError::Corrupt(e.to_string()))?;
        let commit = Commit {
            record,
            expected_version: expected,
            write_record: merged,
            change: Some(AppliedChange {
                change_id: change.change_id,
                user_id: actor.id,
                device_id: change.device_id,
                record_id: change.record_id,
                outcome: stored_outcome,
                received_at: at,
            }),
            conflicts,
            resolve: None,
        };
        Ok(match self.store.commit(&commit).await? {
            CommitResult::Done => Attempt::Decided(outcome),
            CommitResult::Raced => Attempt::Raced,
        })
    }

    /// The caller's records written after `cursor`, at most `limit`, and every open conflict.
    pub async fn pull(&self, actor: &SessionUser, cursor: &str, limit: Option<i64>) -> Result<PullPage, SyncError> {
        let scope = scope_of(actor)?;
        let after: i64 = if cursor.is_empty() {
            0
        } else {
            cursor
                .parse()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| SyncError::BadRequest("cursor is not one this server gave".into()))?
        };
        let limit = limit.unwrap_or(sync::DEFAULT_PULL_LIMIT).clamp(1, sync::MAX_PULL_LIMIT);
        let records = self.store.pull(scope, after, limit + 1).await?;
        let more = records.len() as i64 > limit;
        let records: Vec<_> = records.into_iter().take(limit as usize).collect();
        let next = records.last().map_or(after, |r| r.seq);
        let conflicts = self.store.open_conflicts(scope).await?;
        let institutions = self.store.institutions(actor.municipality_id).await?;
        let workers = if scope.assignee_id.is_none() {
            self.store
                .users_in(actor.municipality_id)
                .await?
                .into_iter()
                .filter(|u| u.active && u.roles.contains(&Role::FieldWorker))
                .map(|u| sync::Worker {
                    id: u.id,
                    name: u.display_name,
                })
                .collect()
        } else {
            Vec::new()
        };
        let (referral_days, cases) = if more {
            (None, None)
        } else {
            let cases = self
                .store
                .cases_in(scope)
                .await?
                .iter()
                .filter(|c| crate::case::merged_into(c).is_none())
                .map(|c| c.id)
                .collect();
            (Some(self.referral_days_of(actor.municipality_id).await?), Some(cases))
        };
        if !records.is_empty() {
            let cases: std::collections::BTreeSet<Uuid> = records.iter().map(|r| r.case_id).collect();
            let detail = format!("{} records of {} cases after {after}", records.len(), cases.len());
            self.audit(actor, "caseload.pull", "case", None, detail).await;
        }
        Ok(PullPage {
            user_id: actor.id,
            records: records.iter().map(state_of).collect(),
            conflicts: conflicts.iter().map(conflict_view).collect(),
            institutions,
            workers,
            referral_days,
            cases,
            next_cursor: next.to_string(),
            more,
        })
    }

    /// Compares a member who just arrived with every member of the municipality and keeps a
    /// suggestion for each likely match. Never merges.
    async fn look_for_duplicates(&self, member_id: Uuid) -> Result<(), SyncError> {
        let Some(member) = self.store.record(member_id).await? else {
            return Ok(());
        };
        if !field_text(&member, "merged_into").is_empty() {
            return Ok(());
        }
        let me = person_facts(&member);
        for other in self
            .store
            .records_of_kind(member.municipality_id, RecordKind::Member)
            .await?
        {
            if other.id == member.id || !field_text(&other, "merged_into").is_empty() {
                continue;
            }
            if let Some(reason) = duplicate::same_person(&me, &person_facts(&other)) {
                let (a, b) = if member.id < other.id {
                    (member.id, other.id)
                } else {
                    (other.id, member.id)
                };
                self.store
                    .insert_duplicate(&DuplicateRow {
                        id: Uuid::now_v7(),
                        municipality_id: member.municipality_id,
                        member_id: a,
                        other_member_id: b,
                        reason: match reason {
                            MatchReason::PersonalNumber => "personal_number".into(),
                            MatchReason::NamesAndBirthDate => "names_and_birth_date".into(),
                        },
                        created_at: now(),
                        decided_at: None,
                        decided_by: None,
                        decision: None,
                    })
                    .await?;
            }
        }
        Ok(())
    }

    /// Open duplicate suggestions of the caller's municipality (supervisors and case managers).
    pub async fn duplicates(&self, actor: &SessionUser) -> Result<Vec<DuplicateView>, SyncError> {
        if case_view(actor) != Some(CaseView::Municipality) {
            return Err(SyncError::Forbidden);
        }
        let mut out = Vec::new();
        for d in self.store.open_duplicates(actor.municipality_id).await? {
            let (Some(a), Some(b)) = (
                self.store.record(d.member_id).await?,
                self.store.record(d.other_member_id).await?,
            ) else {
                continue;
            };
            if !field_text(&a, "merged_into").is_empty() || !field_text(&b, "merged_into").is_empty() {
                // One of them was merged with a third person meanwhile: the pair is moot.
                continue;
            }
            let reason = if d.reason == "personal_number" {
                MatchReason::PersonalNumber
            } else {
                MatchReason::NamesAndBirthDate
            };
            out.push(DuplicateView {
                id: d.id,
                reason,
                member: person_summary(&a),
                other: person_summary(&b),
            });
        }
        if !out.is_empty() {
            self.audit(
                actor,
                "duplicate.read",
                "member",
                None,
                format!("{} suggestions", out.len()),
            )
            .await;
        }
        Ok(out)
    }

    /// Dismisses a suggestion: the two are different people.
    pub async fn dismiss_duplicate(&self, actor: &SessionUser, id: Uuid) -> Result<(), SyncError> {
        let d = self.store.duplicate(id).await?.ok_or(SyncError::NotFound)?;
        if case_view(actor) != Some(CaseView::Municipality) || d.municipality_id != actor.municipality_id {
            return Err(SyncError::NotFound);
        }
        if self.store.decide_duplicate(id, actor.id, now(), "dismissed").await? {
            self.audit(
                actor,
                "duplicate.dismiss",
                "member",
                Some(d.member_id.to_string()),
                d.other_member_id.to_string(),
            )
            .await;
        }
        Ok(())
    }

    /// The partner institution of the caller (partners only).
    async fn partner_institution(&self, actor: &SessionUser) -> Result<Uuid, SyncError> {
        if !actor.active || !actor.has_role(Role::Partner) {
            return Err(SyncError::Forbidden);
        }
        let user = self.store.user_by_id(actor.id).await?.ok_or(SyncError::Forbidden)?;
        user.institution_id.ok_or(SyncError::Forbidden)
    }

    async fn incoming_view(&self, r: &StoredRecord) -> Result<IncomingReferral, SyncError> {
        let case = self.store.records_of_case(r.case_id).await?;
        let members: Vec<&StoredRecord> = case.iter().filter(|x| x.kind == RecordKind::Member).collect();
        let head = members
            .iter()
            .find(|m| field_text(m, "relationship") == "head")
            .or(members.first());
        let family = head
            .map(|m| format!("{} {}", field_text(m, "first_name"), field_text(m, "last_name")))
            .unwrap_or_default();
        let village = case
            .iter()
            .find(|x| x.kind == RecordKind::Household)
            .map(|h| field_text(h, "village"))
            .unwrap_or_default();
        Ok(IncomingReferral {
            id: r.id,
            kind: field_text(r, "kind"),
            state: referral::state_of(&r.fields).to_string(),
            sent_on: field_text(r, "sent_on"),
            note: field_text(r, "note"),
            feedback: field_text(r, "feedback"),
            family,
            village,
        })
    }

    /// The referrals sent to the caller's institution, and nothing else of the case.
    pub async fn incoming_referrals(&self, actor: &SessionUser) -> Result<Vec<IncomingReferral>, SyncError> {
        let institution = self.partner_institution(actor).await?.to_string();
        let mut out = Vec::new();
        for r in self
            .store
            .records_of_kind(actor.municipality_id, RecordKind::Referral)
            .await?
        {
            if field_text(&r, "institution_id") == institution {
                out.push(self.incoming_view(&r).await?);
            }
        }
        self.audit(
            actor,
            "referral.read",
            "referral",
            None,
            format!("{} referrals", out.len()),
        )
        .await;
        Ok(out)
    }

    /// The partner's answer: the next state, dated, with feedback. The case worker's phone
    /// receives it at its next pull.
    pub async fn answer_referral(
        &self,
        actor: &SessionUser,
        id: Uuid,
        answer: referral::Answer,
        now_at: DateTime<Utc>,
    ) -> Result<IncomingReferral, SyncError> {
        let institution = self.partner_institution(actor).await?.to_string();
        for _ in 0..RACE_RETRIES {
            let r = self.store.record(id).await?.ok_or(SyncError::NotFound)?;
            if r.kind != RecordKind::Referral || field_text(&r, "institution_id") != institution {
                return Err(SyncError::NotFound);
            }
            let current = self.incoming_view(&r).await?.state;
            if !referral::partner_next(&current).contains(&answer.state.as_str()) {
                return Err(SyncError::BadRequest(format!(
                    "a referral that is {current} cannot become {}",
                    answer.state
                )));
            }
            if answer.feedback.chars().count() > 4000 {
                return Err(SyncError::BadRequest("feedback is longer than 4000 characters".into()));
            }
            let mut change = Fields::new();
            change.insert("state".into(), Value::String(answer.state.clone()));
            let today = Value::String(follow_up::local_today(now_at).to_string());
            change.insert("answered_on".into(), today.clone());
            // Each step keeps its own day (accepted_on, declined_on, service_given_on).
            change.insert(format!("{}_on", answer.state), today);
            if !answer.feedback.trim().is_empty() {
                change.insert("feedback".into(), Value::String(answer.feedback.trim().to_string()));
            }
            let next = crate::case::office_edit(&r, change, actor.id, now());
            let commit = Commit {
                record: next.clone(),
                expected_version: Some(r.version),
                write_record: true,
                change: None,
                conflicts: vec![],
                resolve: None,
            };
            if self.store.commit(&commit).await? == CommitResult::Done {
                self.audit(
                    actor,
                    "referral.answer",
                    "referral",
                    Some(id.to_string()),
                    answer.state.clone(),
                )
                .await;
                self.schedule_case(next.case_id, now_at).await?;
                return self.incoming_view(&next).await;
            }
        }
        Err(SyncError::Busy)
    }

    /// Settles a conflict by choosing the kept value or the proposed one.
    pub async fn resolve(&self, actor: &SessionUser, id: Uuid, choice: Choice) -> Result<ConflictView, SyncError> {
        for _ in 0..RACE_RETRIES {
            let conflict = self.store.conflict(id).await?.ok_or(SyncError::NotFound)?;
            let record = self
                .store
                .record(conflict.record_id)
                .await?
                .ok_or(SyncError::NotFound)?;
            let case = self.store.record(conflict.case_id).await?.ok_or(SyncError::NotFound)?;
            if !may_work_on_case(actor, case.municipality_id, case.assignee_id) {
                // Outside the caller's view, the conflict does not exist for them.
                return Err(SyncError::NotFound);
            }
            if conflict.resolved_at.is_some() {
                return Ok(conflict_view(&conflict));
            }
            let at = now();
            let mut next = record.clone();
            let mut write = false;
            if choice == Choice::Proposed {
                let change: Fields = [(conflict.field.clone(), conflict.proposed.clone())].into();
                // The server's own device ID: a choice made by a person is never itself a conflict.
                let m = sync::merge(
                    &record.fields,
                    &record.stamps,
                    record.version,
                    record.version,
                    Uuid::nil(),
                    &change,
                );
                let mut ctx = Context::at(at);
                ctx.members = members_of(&self.store.records_of_case(record.case_id).await?);
                let errors = validate(record.kind, &m.fields, &ctx);
                if !errors.is_empty() {
                    return Err(SyncError::BadRequest(
                        Outcome::rejected(Rejection::Invalid, errors).to_message(),
                    ));
                }
                write = !m.changed.is_empty();
                next.fields = m.fields;
                next.stamps = m.stamps;
                next.version = m.version;
                next.updated_by = actor.id;
                next.updated_at = at;
            }
            let choice_text = match choice {
                Choice::Current => "current",
                Choice::Proposed => "proposed",
            };
            let commit = Commit {
                record: next,
                expected_version: Some(record.version),
                write_record: write,
                change: None,
                conflicts: vec![],
                resolve: Some((id, actor.id, at, choice_text.into())),
            };
            if self.store.commit(&commit).await? == CommitResult::Done {
                let detail = format!("{}.{} kept {choice_text}", record.kind.as_str(), conflict.field);
                self.audit(
                    actor,
                    "conflict.resolve",
                    record.kind.as_str(),
                    Some(record.id.to_string()),
                    detail,
                )
                .await;
                if write {
                    self.schedule_case(record.case_id, at).await?;
                }
                let done = self.store.conflict(id).await?.ok_or(SyncError::NotFound)?;
                return Ok(conflict_view(&done));
            }
        }
        Err(SyncError::Busy)
    }

    /// The attachment record (in the caller's view) that describes the bytes with this hash.
    async fn attachment_for(&self, actor: &SessionUser, sha256: &str) -> Result<StoredRecord, SyncError> {
        if !is_sha256(sha256) {
            return Err(SyncError::BadRequest("not a lower-case hex SHA-256".into()));
        }
        for a in self.store.attachments_with_hash(sha256).await? {
            if let Some(case) = self.store.record(a.case_id).await? {
                if may_work_on_case(actor, case.municipality_id, case.assignee_id) {
                    return Ok(a);
                }
            }
        }
        // Unknown and not-yours look the same from outside.
        Err(SyncError::NotFound)
    }

    pub async fn blob_status(&self, actor: &SessionUser, sha256: &str) -> Result<BlobStatus, SyncError> {
        let a = self.attachment_for(actor, sha256).await?;
        let size = a.fields.get("size").and_then(Value::as_i64).unwrap_or(0);
        Ok(match self.store.blob(sha256).await? {
            Some(b) => BlobStatus {
                sha256: b.sha256,
                received: b.received,
                size: b.size,
                complete: b.complete,
            },
            None => BlobStatus {
                sha256: sha256.into(),
                received: 0,
                size,
                complete: false,
            },
        })
    }

    /// Takes the piece of the bytes starting at `offset`. The phone asks for the status first
    /// and continues where the server stopped; the bytes are kept once they match their hash.
    pub async fn upload(
        &self,
        actor: &SessionUser,
        sha256: &str,
        offset: i64,
        piece: &[u8],
    ) -> Result<BlobStatus, SyncError> {
        let a = self.attachment_for(actor, sha256).await?;
        let size = a.fields.get("size").and_then(Value::as_i64).unwrap_or(0);
        let content_type = a
            .fields
            .get("content_type")
            .and_then(Value::as_str)
            .unwrap_or("image/jpeg");
        self.store.start_blob(sha256, size, content_type, now()).await?;
        let status = self.blob_status(actor, sha256).await?;
        if status.complete {
            return Ok(status);
        }
        if offset != status.received {
            return Err(SyncError::WrongOffset(status));
        }
        if piece.is_empty() || offset + piece.len() as i64 > size {
            return Err(SyncError::BadRequest(format!(
                "the piece must be 1 to {} bytes",
                size - offset
            )));
        }
        self.store.put_chunk(sha256, offset, piece).await?;
        if offset + piece.len() as i64 == size {
            let bytes: Vec<u8> = self
                .store
                .chunks(sha256)
                .await?
                .into_iter()
                .flat_map(|(_, d)| d)
                .collect();
            if bytes.len() as i64 != size || sha256_hex(&bytes) != sha256 {
                self.store.discard_chunks(sha256).await?;
                tracing::warn!(user = %actor.id, sha256, "uploaded bytes did not match their hash");
                return Err(SyncError::HashMismatch);
            }
            self.store.complete_blob(sha256, &bytes, now()).await?;
            self.audit(
                actor,
                "attachment.upload",
                "attachment",
                Some(a.id.to_string()),
                format!("{size} bytes"),
            )
            .await;
        }
        self.blob_status(actor, sha256).await
    }

    pub async fn download(&self, actor: &SessionUser, sha256: &str) -> Result<(String, Vec<u8>), SyncError> {
        let a = self.attachment_for(actor, sha256).await?;
        let bytes = self.store.blob_data(sha256).await?.ok_or(SyncError::NotFound)?;
        let content_type = a
            .fields
            .get("content_type")
            .and_then(Value::as_str)
            .unwrap_or("image/jpeg")
            .to_string();
        self.audit(
            actor,
            "attachment.read",
            "attachment",
            Some(a.id.to_string()),
            String::new(),
        )
        .await;
        Ok((content_type, bytes))
    }
}

enum Attempt {
    Decided(Outcome),
    Raced,
}

/// The answer to a resend: the version the first delivery produced. A change ID sent by
/// another user is not theirs to confirm.
fn already_applied(actor: &SessionUser, done: &AppliedChange) -> Outcome {
    if done.user_id != actor.id {
        return Outcome::rejected(Rejection::Mismatch, vec![]);
    }
    match serde_json::from_str::<Outcome>(&done.outcome) {
        Ok(Outcome::Applied { version } | Outcome::Conflict { version, .. }) => Outcome::AlreadyApplied { version },
        Ok(Outcome::AlreadyApplied { version }) => Outcome::AlreadyApplied { version },
        _ => Outcome::AlreadyApplied { version: 0 },
    }
}

fn field_list(fields: &Fields) -> String {
    fields.keys().cloned().collect::<Vec<_>>().join(",")
}

trait ToMessage {
    fn to_message(&self) -> String;
}

impl ToMessage for Outcome {
    fn to_message(&self) -> String {
        match self {
            Outcome::Rejected { message, .. } => message.clone(),
            _ => String::new(),
        }
    }
}
