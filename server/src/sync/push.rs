//! Push: each change applied exactly once, merged field by field, its conflicts and its audit
//! row committed with it.

use super::{conflict_view, SyncService};
use crate::context::RACE_RETRIES;
use crate::records::{case_target, members_of, merged_into, typed};
use crate::storage::{AfterWrite, AppliedChange, Commit, CommitResult, ConflictRow, StorageError, StoredRecord};
use crate::{case_end, plans, protection, records, school};
use app::api::ApiError;
use app::domain::access::{may_finish_queued_edit, permits};
use app::domain::record::{check_change_fields, validate, Case, Context, Referral};
use app::domain::sync::{self, Change, ChangeResult, Outcome, PushRequest, PushResponse, Rejection};
use app::domain::{Action, FieldError, Fields, Problem, RecordKind, Role, SessionUser, Target};
use serde_json::Value;
use uuid::Uuid;

impl SyncService {
    /// Applies each change in order; one bad change never stops the others.
    pub async fn push(&self, actor: &SessionUser, request: PushRequest) -> Result<PushResponse, ApiError> {
        self.ctx
            .require(actor, Action::EditCase, Target::Municipality(actor.municipality_id))
            .await?;
        self.push_in(actor, request).await
    }

    /// The school team's push: the same exactly-once path, each change still checked on its own.
    pub async fn push_school(&self, actor: &SessionUser, request: PushRequest) -> Result<PushResponse, ApiError> {
        self.ctx
            .require(
                actor,
                Action::WorkOnSchooling,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        self.push_in(actor, request).await
    }

    async fn push_in(&self, actor: &SessionUser, request: PushRequest) -> Result<PushResponse, ApiError> {
        if request.changes.len() > sync::MAX_BATCH {
            return Err(ApiError::BadRequest(format!(
                "at most {} changes per push",
                sync::MAX_BATCH
            )));
        }
        if request.reads.len() > sync::MAX_READS {
            return Err(ApiError::BadRequest(format!(
                "at most {} reads per push",
                sync::MAX_READS
            )));
        }
        let mut results = Vec::with_capacity(request.changes.len());
        let mut writes = Vec::new();
        for raw in request.changes {
            let change: Change = match serde_json::from_value(raw.clone()) {
                Ok(c) => c,
                Err(e) => {
                    let id = |k: &str| raw.get(k).and_then(Value::as_str).and_then(|s| Uuid::parse_str(s).ok());
                    let mut outcome = Outcome::rejected(Rejection::Malformed, Change::envelope_errors(&raw));
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
            match &outcome {
                // Its audit row and its after-write were committed with it. A resent change
                // redoes its effects: whatever a crash left undone is done now.
                Outcome::Applied { .. } | Outcome::Conflict { .. } | Outcome::AlreadyApplied { .. } => {
                    writes.push(AfterWrite {
                        change_id: change.change_id,
                        record_id: change.record_id,
                        case_id: change.case_id,
                        kind: change.kind,
                    });
                }
                Outcome::Rejected {
                    reason: Rejection::Forbidden,
                    ..
                } => {
                    tracing::warn!(user = %actor.id, record = %change.record_id, "push refused: forbidden");
                    let detail = format!("refused {}", change.kind.as_str());
                    self.ctx
                        .audit_by(
                            actor,
                            "record.refused",
                            change.kind.as_str(),
                            Some(change.record_id.to_string()),
                            detail,
                        )
                        .await?;
                }
                _ => {}
            }
            results.push(ChangeResult {
                change_id: Some(change.change_id),
                record_id: Some(change.record_id),
                outcome,
            });
        }
        if let Err(e) = self.after_writes(&writes).await {
            // The changes are stored with their after-writes: the next pass finishes them.
            tracing::error!(error = %e, "after-write effects failed; left for the next pass");
        }
        self.record_reads(actor, &request.reads).await?;
        Ok(PushResponse { results, wipe: None })
    }

    /// The cases the phone opened, offline or not, into the trail: one row each, with the
    /// phone's time and device, once however often sent. Only cases of the user's municipality
    /// are taken (a read names a case the phone held, perhaps since given to a colleague).
    async fn record_reads(&self, actor: &SessionUser, reads: &[sync::CaseRead]) -> Result<(), ApiError> {
        let now = self.ctx.now();
        // Each case looked up once: a phone often opened the same case several times.
        let mut ours = std::collections::HashMap::new();
        for read in reads {
            if let std::collections::hash_map::Entry::Vacant(e) = ours.entry(read.case_id) {
                let case = self.ctx.store.record(read.case_id).await?;
                e.insert(case.is_some_and(|c| c.municipality_id == actor.municipality_id));
            }
        }
        let mut events = Vec::new();
        for read in reads.iter().filter(|r| ours.get(&r.case_id) == Some(&true)) {
            let mut event = self
                .ctx
                .event(
                    Some(actor),
                    None,
                    "case.read_on_phone",
                    "case",
                    Some(read.case_id.to_string()),
                    format!("opened on the phone at {}", read.at.to_rfc3339()),
                )
                .on_case(read.case_id)
                .from_device(read.device_id);
            event.id = read.id;
            event.at = read.at.min(now);
            events.push(event);
        }
        self.ctx.audit_all(&events).await
    }

    async fn apply(&self, actor: &SessionUser, change: &Change) -> Result<Outcome, ApiError> {
        for _ in 0..RACE_RETRIES {
            if let Some(done) = self.ctx.store.applied_change(change.change_id).await? {
                // Someone else's change ID: whoever may not write to the case learns nothing of it.
                if done.user_id != actor.id && !self.may_write(actor, change).await? {
                    return Ok(Outcome::rejected(Rejection::Forbidden, vec![]));
                }
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

    async fn may_write(&self, actor: &SessionUser, change: &Change) -> Result<bool, ApiError> {
        let case = self.ctx.store.record(change.case_id).await?;
        Ok(case.is_some_and(|c| {
            let target = if c.kind.is_own_root() || (c.kind == RecordKind::Schooling && c.id == c.case_id) {
                Target::Municipality(c.municipality_id)
            } else {
                case_target(&c)
            };
            permits(actor, Action::to_write(change.kind), target)
        }))
    }

    /// A change made on the phone for a case that has since been merged into another goes to
    /// that other case: queued work is never refused for a merge the phone did not know of.
    /// Also returns the merged case, whose worker may still send what was queued before the merge.
    async fn redirected(&self, change: &Change) -> Result<(Change, Option<StoredRecord>), ApiError> {
        if change.kind != RecordKind::Case {
            if let Some(case) = self.ctx.store.record(change.case_id).await? {
                if let Some(target) = merged_into(&case) {
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
    ) -> Result<Attempt, ApiError> {
        let reject = |r: Rejection, errors: Vec<FieldError>| Ok(Attempt::Decided(Outcome::rejected(r, errors)));
        let errors = check_change_fields(change.kind, &change.fields);
        if !errors.is_empty() {
            return reject(Rejection::Invalid, errors);
        }
        // A case, a team meeting and an adult of the literacy list are their own roots.
        let root = change.kind == RecordKind::Case || change.kind.is_own_root();
        // So is the schooling of a child the school team enrolled itself, without a referral.
        let child_without_case = change.kind == RecordKind::Schooling && change.record_id == change.case_id;
        if root != (change.record_id == change.case_id) && !child_without_case {
            return reject(Rejection::Mismatch, vec![]);
        }
        let at = self.ctx.now();
        let existing = self.ctx.store.record(change.record_id).await?;
        // The case this record belongs to, and whether the actor may work on it.
        // `no_case`: a root of its own, of the municipality as a whole.
        let (municipality_id, field_worker_id, case_records, no_case) =
            if change.kind.is_own_root() || child_without_case {
                match &existing {
                    Some(r) => (r.municipality_id, None, vec![], true),
                    None => (actor.municipality_id, None, vec![], true),
                }
            } else if change.kind == RecordKind::Case {
                match &existing {
                    Some(case) => (case.municipality_id, case.field_worker_id, vec![case.clone()], false),
                    None => {
                        let field_worker = actor.has_role(Role::FieldWorker).then_some(actor.id);
                        (actor.municipality_id, field_worker, vec![], false)
                    }
                }
            } else {
                let records = self.ctx.store.records_of_case(change.case_id).await?;
                let case = records
                    .iter()
                    .find(|r| r.kind == RecordKind::Case && r.id == change.case_id);
                // The absences and actions of a child enrolled without a case hang on its schooling.
                let child = records
                    .iter()
                    .find(|r| r.kind == RecordKind::Schooling && r.id == change.case_id);
                match (case, child) {
                    (Some(case), _) => (case.municipality_id, case.field_worker_id, records, false),
                    (None, Some(child)) if change.kind.is_school() => (child.municipality_id, None, records, true),
                    // Perhaps the case is still on its way: the phone keeps the change and resends it.
                    _ => return reject(Rejection::UnknownCase, vec![]),
                }
            };
        let case_record = case_records
            .iter()
            .find(|r| r.kind == RecordKind::Case && r.id == change.case_id);
        let queued_before_reassignment = case_record.and_then(|c| typed::<Case>(c).ok()).is_some_and(|c| {
            may_finish_queued_edit(
                actor,
                municipality_id,
                c.previous_worker_id,
                c.reassigned_at,
                change.made_at,
            )
        });
        let queued_before_merge = merged_case.is_some_and(|m| {
            permits(actor, Action::EditCase, case_target(m))
                && typed::<Case>(m)
                    .ok()
                    .and_then(|c| c.merged_at)
                    .is_some_and(|t| change.made_at <= t)
        });
        let case = match case_record {
            Some(c) => case_target(c),
            None if no_case => Target::Municipality(municipality_id),
            None => Target::Case {
                municipality_id,
                field_worker_id,
                case_manager_id: None,
                restricted: false,
            },
        };
        // Field work queued before a reassignment or a merge is still sent; plans and decisions
        // need their own grant.
        let action = Action::to_write(change.kind);
        let queued = action == Action::EditCase && (queued_before_reassignment || queued_before_merge);
        if !permits(actor, action, case) && !queued {
            return reject(Rejection::Forbidden, vec![]);
        }
        // A closed case is read-only; what a phone queued before it was closed still lands.
        if case_end::closed_at(&case_records).is_some_and(|closed| change.made_at > closed) {
            return reject(Rejection::CaseClosed, vec![]);
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
            (Some(_), Some(_)) if change.kind.is_append_only() => {
                let errors = change
                    .fields
                    .keys()
                    .map(|f| FieldError::new(f, Problem::ReadOnly))
                    .collect();
                return reject(Rejection::Invalid, errors);
            }
            (None, Some(_)) => return reject(Rejection::UnknownRecord, vec![]),
            (None, None) => {
                let errors = validate(change.kind, &change.fields, &ctx);
                if !errors.is_empty() {
                    return reject(Rejection::Invalid, errors);
                }
                let mut record = StoredRecord {
                    kind: change.kind,
                    id: change.record_id,
                    case_id: change.case_id,
                    municipality_id,
                    field_worker_id: if change.kind == RecordKind::Case {
                        field_worker_id
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
                protection::stamp_author(&mut record, actor);
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
            let institution = typed::<Referral>(&record).ok().and_then(|r| r.institution_id);
            let known = match institution {
                Some(id) => self
                    .ctx
                    .store
                    .institution(id)
                    .await?
                    .is_some_and(|i| i.municipality_id == record.municipality_id),
                None => false,
            };
            if !known {
                return reject(
                    Rejection::Invalid,
                    vec![FieldError::new("institution_id", Problem::UnknownReference)],
                );
            }
        }
        let mut unchanged = match plans::check_write(&self.ctx, &record, existing.as_ref(), &case_records).await? {
            Ok(unchanged) => unchanged,
            Err((rejection, errors)) => return reject(rejection, errors),
        };
        if record.kind.is_school() {
            if let Err((rejection, errors)) = school::check_write(&self.ctx, &record, &case_records).await? {
                return reject(rejection, errors);
            }
        }
        let effects = match case_end::check_write(&self.ctx, actor, &record, existing.as_ref(), &case_records).await? {
            Ok(effects) => effects,
            Err((rejection, errors)) => return reject(rejection, errors),
        };
        unchanged.extend(effects.unchanged);
        let closes = record.kind == RecordKind::ClosureDecision && !effects.also.is_empty();
        let mut also = effects.also;
        let mut audit = Vec::new();
        // A protected category noted or ended restricts or frees the case with it.
        if let Some((case, restricted)) = protection::restriction_after(&record, &case_records, actor.id, at)? {
            let detail = if restricted {
                "restricted"
            } else {
                "no longer restricted"
            };
            let id = Some(record.case_id.to_string());
            audit.push(
                self.ctx
                    .event(Some(actor), None, "case.restriction", "case", id, detail.into())
                    .on_case(record.case_id),
            );
            also.push(case);
        }
        let mut record = record;
        if let Some(to) = effects.moves_to {
            record.municipality_id = to;
            let detail = format!("handed over to municipality {to}");
            let id = Some(record.case_id.to_string());
            audit.push(self.ctx.event(Some(actor), None, "case.transfer", "case", id, detail));
        } else if closes {
            let id = Some(record.case_id.to_string());
            let detail = format!("closed by decision {}", record.id);
            audit.push(self.ctx.event(Some(actor), None, "case.close", "case", id, detail));
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
        let person = records::person_of(&record);
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
            unchanged,
            also,
            audit: [self
                .ctx
                .event(
                    Some(actor),
                    None,
                    if change.base_version.is_none() {
                        "record.create"
                    } else {
                        "record.update"
                    },
                    change.kind.as_str(),
                    Some(change.record_id.to_string()),
                    format!(
                        "{} v{} fields {}",
                        change.kind.as_str(),
                        outcome_version(&outcome),
                        field_list(&change.fields)
                    ),
                )
                .on_case(change.case_id)
                .from_device(change.device_id)
                .about_person(person)]
            .into_iter()
            .chain(audit)
            .collect(),
        };
        Ok(match self.ctx.store.commit(&commit).await? {
            CommitResult::Done => Attempt::Decided(outcome),
            CommitResult::Raced => Attempt::Raced,
        })
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

fn outcome_version(o: &Outcome) -> i64 {
    match o {
        Outcome::Applied { version } | Outcome::Conflict { version, .. } | Outcome::AlreadyApplied { version } => {
            *version
        }
        Outcome::Rejected { .. } => 0,
    }
}

fn field_list(fields: &Fields) -> String {
    fields.keys().cloned().collect::<Vec<_>>().join(",")
}
