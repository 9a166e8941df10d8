//! Housing, claims and the end of a case on the server: the checks their records must pass
//! beyond their schema (a commission's decision only on the application it read and not before
//! it, the final assessment from the 17th month, a closure only once nothing is open, one
//! request at a time, a supervisor's decision only on the request's exact content), what an
//! approved closure does (the case closes, or moves to the municipality the family moved to),
//! and the supervisor's reopening of a closed case.

use crate::context::{Ctx, RACE_RETRIES};
use crate::plans::Refused;
use crate::records::{case_target, office_edit, typed};
use crate::storage::{CommitResult, StoredRecord};
use app::api::ApiError;
use app::domain::closure::{application_hash, closure_hash, final_assessment_opens, CaseEnd};
use app::domain::follow_up::{facts_from_records, local_today};
use app::domain::record::{
    Anamnesis, Benefit, Case, Closure, ClosureDecision, CommissionDecision, FinalAssessment, HousingApplication,
};
use app::domain::sync::{Rejection, Reopen};
use app::domain::{Action, FieldError, Fields, Problem, RecordKind, SessionUser};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use uuid::Uuid;

/// What a checked write needs beside itself: records that must keep their versions until it
/// commits, and records it changes with it.
#[derive(Debug, Default)]
pub struct Effects {
    pub unchanged: Vec<(Uuid, i64)>,
    pub also: Vec<(StoredRecord, i64)>,
    /// The write itself goes to another municipality with its case (a move approved).
    pub moves_to: Option<Uuid>,
}

fn records_of(rs: &[StoredRecord]) -> impl Iterator<Item = (RecordKind, Uuid, &Fields)> + Clone {
    rs.iter().map(|r| (r.kind, r.id, &r.fields))
}

fn invalid(field: &str, problem: Problem) -> Result<Result<Effects, Refused>, ApiError> {
    Ok(Err((Rejection::Invalid, vec![FieldError::new(field, problem)])))
}

/// Checks a housing, claims or closure record about to be written to its case (`case_records`
/// are the case's other records, the case row included).
pub async fn check_write(
    ctx: &Ctx,
    actor: &SessionUser,
    record: &StoredRecord,
    before: Option<&StoredRecord>,
    case_records: &[StoredRecord],
) -> Result<Result<Effects, Refused>, ApiError> {
    let find = |kind: RecordKind, id: Option<Uuid>| {
        case_records
            .iter()
            .find(|r| r.kind == kind && Some(r.id) == id && r.id != record.id)
    };
    match record.kind {
        RecordKind::CommissionDecision => {
            let d = typed::<CommissionDecision>(record).map_err(ApiError::from)?;
            let Some(stored) = find(RecordKind::HousingApplication, d.application_id) else {
                return invalid("application_id", Problem::UnknownReference);
            };
            let application = typed::<HousingApplication>(stored).map_err(ApiError::from)?;
            if application_hash(&application) != d.application_hash {
                return Ok(Err((Rejection::DecisionOutdated, vec![])));
            }
            // An appeal is decided after it was lodged; a first decision after the application.
            let since = if d.on_appeal() {
                let Some(appealed) = application.appealed_on else {
                    return invalid("appealed_on", Problem::Required);
                };
                appealed
            } else {
                application.applied_on.unwrap_or_default()
            };
            if d.decided_on.is_some_and(|on| on < since) {
                return invalid("decided_on", Problem::BeforeApplication);
            }
            Ok(Ok(Effects {
                unchanged: vec![(stored.id, stored.version)],
                ..Effects::default()
            }))
        }
        RecordKind::FinalAssessment => {
            let fa = typed::<FinalAssessment>(record).map_err(ApiError::from)?;
            let returned = facts_from_records(record.case_id, records_of(case_records)).returned_on;
            if let (Some(returned), Some(on)) = (returned, fa.done_on) {
                if on < final_assessment_opens(returned) {
                    return invalid("done_on", Problem::TooEarly);
                }
            }
            Ok(Ok(Effects::default()))
        }
        RecordKind::Anamnesis => {
            let a = typed::<Anamnesis>(record).map_err(ApiError::from)?;
            if find(RecordKind::Assessment, a.assessment_id).is_none() {
                return invalid("assessment_id", Problem::UnknownReference);
            }
            Ok(Ok(Effects::default()))
        }
        RecordKind::Benefit => {
            let b = typed::<Benefit>(record).map_err(ApiError::from)?;
            if let Some(service) = b.service_id {
                let known = ctx
                    .store
                    .services(record.municipality_id)
                    .await?
                    .iter()
                    .any(|s| s.id == service);
                if !known {
                    return invalid("service_id", Problem::UnknownReference);
                }
            }
            Ok(Ok(Effects::default()))
        }
        RecordKind::Closure => check_request(ctx, record, before, case_records).await,
        RecordKind::ClosureDecision => check_decision(ctx, actor, record, case_records).await,
        _ => Ok(Ok(Effects::default())),
    }
}

async fn check_request(
    ctx: &Ctx,
    record: &StoredRecord,
    before: Option<&StoredRecord>,
    case_records: &[StoredRecord],
) -> Result<Result<Effects, Refused>, ApiError> {
    // The case as stored: an edited request is there in its earlier version, a new one is not.
    let end = CaseEnd::read(records_of(case_records));
    if before.is_some() && end.is_decided(record.id) {
        // A decided request is history: a new one is asked for instead.
        let errors = record
            .fields
            .keys()
            .map(|f| FieldError::new(f, Problem::ReadOnly))
            .collect();
        return Ok(Err((Rejection::Invalid, errors)));
    }
    if before.is_none() && end.pending().is_some() {
        return Ok(Err((Rejection::ClosurePending, vec![])));
    }
    if !end.blockers.is_empty() {
        return Ok(Err((Rejection::ClosureBlocked, end.blockers.errors())));
    }
    let c = typed::<Closure>(record).map_err(ApiError::from)?;
    if let Some(to) = c.to_municipality_id {
        let known = receiving_municipalities(ctx).await?.iter().any(|m| m.id == to);
        if !known || to == record.municipality_id {
            return invalid("to_municipality_id", Problem::UnknownReference);
        }
    }
    if c.final_assessment_id.is_some()
        && !case_records
            .iter()
            .any(|r| r.kind == RecordKind::FinalAssessment && Some(r.id) == c.final_assessment_id)
    {
        return invalid("final_assessment_id", Problem::UnknownReference);
    }
    Ok(Ok(Effects::default()))
}

async fn check_decision(
    ctx: &Ctx,
    actor: &SessionUser,
    record: &StoredRecord,
    case_records: &[StoredRecord],
) -> Result<Result<Effects, Refused>, ApiError> {
    let d = typed::<ClosureDecision>(record).map_err(ApiError::from)?;
    let Some(request) = case_records
        .iter()
        .find(|r| r.kind == RecordKind::Closure && Some(r.id) == d.closure_id)
    else {
        return invalid("closure_id", Problem::UnknownReference);
    };
    let end = CaseEnd::read(records_of(case_records));
    let closure = typed::<Closure>(request).map_err(ApiError::from)?;
    // The request must still say what the supervisor read, and not be decided already.
    if end.is_decided(request.id) || closure_hash(&closure) != d.content_hash {
        return Ok(Err((Rejection::DecisionOutdated, vec![])));
    }
    let mut effects = Effects {
        unchanged: vec![(request.id, request.version)],
        ..Effects::default()
    };
    if !d.approves() {
        return Ok(Ok(effects));
    }
    // Something opened since the request (a referral sent, the plan edited): not yet.
    if !end.blockers.is_empty() {
        return Ok(Err((Rejection::ClosureBlocked, end.blockers.errors())));
    }
    let Some(case) = case_records
        .iter()
        .find(|r| r.kind == RecordKind::Case && r.id == record.case_id)
    else {
        return Err(ApiError::NotFound);
    };
    let at = ctx.now();
    let decided_at = d.decided_at.unwrap_or(at);
    match closure.to_municipality_id.filter(|_| closure.moves()) {
        // The family moved: the case goes to that municipality's supervisor, unassigned, with
        // everything in it; the phones here forget it at their next sync.
        Some(to) => {
            effects.moves_to = Some(to);
            for r in case_records {
                let mut moved = if r.id == case.id {
                    let changes: Fields = [
                        ("status", json!("open")),
                        ("transferred_from", json!(case.municipality_id)),
                        ("transferred_at", json!(at)),
                        ("case_manager_id", Value::Null),
                        ("case_manager_decision", Value::Null),
                        ("case_manager_decided_on", Value::Null),
                        ("previous_worker_id", Value::Null),
                        ("reassigned_at", Value::Null),
                    ]
                    .into_iter()
                    .map(|(k, v)| (k.to_string(), v))
                    .collect();
                    let mut c = office_edit(r, changes, actor.id, at);
                    c.field_worker_id = None;
                    c
                } else {
                    StoredRecord {
                        updated_by: actor.id,
                        updated_at: at,
                        ..r.clone()
                    }
                };
                moved.municipality_id = to;
                effects.also.push((moved, r.version));
            }
        }
        None => {
            let changes: Fields = [
                ("status".to_string(), json!("closed")),
                ("closed_on".to_string(), json!(local_today(decided_at))),
                ("closure_id".to_string(), json!(request.id)),
            ]
            .into_iter()
            .collect();
            effects
                .also
                .push((office_edit(case, changes, actor.id, at), case.version));
        }
    }
    // The case row is rewritten: no separate guard on it.
    effects.unchanged.retain(|(id, _)| *id != case.id);
    Ok(Ok(effects))
}

/// When the case was closed, if it is: the approving decision's instant. A change made on a
/// phone before then is still taken (it was queued before anyone closed the case).
pub fn closed_at(case_records: &[StoredRecord]) -> Option<DateTime<Utc>> {
    let case = case_records.iter().find(|r| r.kind == RecordKind::Case)?;
    if !typed::<Case>(case).ok()?.is_closed() {
        return None;
    }
    let end = CaseEnd::read(records_of(case_records));
    Some(
        end.approved()
            .and_then(|(_, _, d)| d.decided_at)
            .unwrap_or(case.updated_at),
    )
}

/// The office's part of a case's end: reopening.
#[derive(Clone)]
pub struct CaseEnds {
    ctx: Ctx,
    follow_ups: crate::follow_ups::FollowUps,
}

impl CaseEnds {
    pub fn new(ctx: Ctx) -> Self {
        Self {
            follow_ups: crate::follow_ups::FollowUps::new(ctx.clone()),
            ctx,
        }
    }

    /// Reopens a closed case (supervisors) with the reason; its follow-ups come back at once.
    pub async fn reopen(&self, actor: &SessionUser, case_id: Uuid, r: &Reopen) -> Result<(), ApiError> {
        reopen(&self.ctx, actor, case_id, r).await?;
        if let Err(e) = self.follow_ups.schedule_case(case_id, self.ctx.now()).await {
            // Reopened; the timer's next pass schedules the case.
            tracing::error!(error = %e, case = %case_id, "scheduling failed");
        }
        Ok(())
    }
}

/// Reopens a closed case, with the reason. Every record of the case gets a new place in the
/// change counter, so the phones that forgot it pull it whole again.
async fn reopen(ctx: &Ctx, actor: &SessionUser, case_id: Uuid, r: &Reopen) -> Result<(), ApiError> {
    let reason = r.reason.trim();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(ApiError::BadRequest(
            "reopening needs a reason (at most 1000 characters)".into(),
        ));
    }
    for _ in 0..RACE_RETRIES {
        let records = ctx.store.records_of_case(case_id).await?;
        let Some(case) = records.iter().find(|r| r.id == case_id && r.kind == RecordKind::Case) else {
            return Err(ApiError::NotFound);
        };
        ctx.require(actor, Action::ReopenCase, case_target(case)).await?;
        if !typed::<Case>(case).map_err(ApiError::from)?.is_closed() {
            return Err(ApiError::BadRequest("the case is already open".into()));
        }
        let at = ctx.now();
        let changes: Fields = [
            ("status".to_string(), json!("open")),
            ("closed_on".to_string(), Value::Null),
            ("closure_id".to_string(), Value::Null),
            ("reopened_at".to_string(), json!(at)),
            ("reopen_reason".to_string(), json!(reason)),
        ]
        .into_iter()
        .collect();
        let mut rewrite = vec![(office_edit(case, changes, actor.id, at), case.version)];
        rewrite.extend(
            records
                .iter()
                .filter(|r| r.id != case_id)
                .map(|r| (r.clone(), r.version)),
        );
        let audit = ctx.event(
            Some(actor),
            None,
            "case.reopen",
            "case",
            Some(case_id.to_string()),
            reason.to_string(),
        );
        if ctx.store.rewrite(&rewrite, &[audit]).await? == CommitResult::Done {
            return Ok(());
        }
    }
    Err(ApiError::Busy)
}

/// The municipalities a family can be handed to: every one but the ministry's own (whose users
/// hold the national role only).
pub async fn receiving_municipalities(ctx: &Ctx) -> Result<Vec<crate::storage::Municipality>, ApiError> {
    let ministries = ctx.store.national_offices().await?;
    let mut all = ctx.store.municipalities().await?;
    all.retain(|m| !ministries.contains(&m.id));
    Ok(all)
}
