//! A conflict settled by a person choosing the kept value or the proposed one.

use super::{conflict_view, SyncService};
use crate::context::RACE_RETRIES;
use crate::records::{case_target, members_of, office_edit};
use crate::storage::{Commit, CommitResult};
use app::api::ApiError;
use app::domain::record::{validate, Context};
use app::domain::sync::{Choice, ConflictView, Outcome, Rejection};
use app::domain::{Action, Fields, SessionUser};
use uuid::Uuid;

impl SyncService {
    /// Settles a conflict by choosing the kept value or the proposed one.
    pub async fn resolve(&self, actor: &SessionUser, id: Uuid, choice: Choice) -> Result<ConflictView, ApiError> {
        for _ in 0..RACE_RETRIES {
            let conflict = self.ctx.store.conflict(id).await?.ok_or(ApiError::NotFound)?;
            let record = self
                .ctx
                .store
                .record(conflict.record_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            let case = self
                .ctx
                .store
                .record(conflict.case_id)
                .await?
                .ok_or(ApiError::NotFound)?;
            // Outside the caller's view, the conflict does not exist for them.
            self.ctx
                .require(actor, Action::ResolveConflict, case_target(&case))
                .await?;
            if conflict.resolved_at.is_some() {
                return Ok(conflict_view(&conflict));
            }
            let at = self.ctx.now();
            let mut next = record.clone();
            let mut write = false;
            if choice == Choice::Proposed {
                let change: Fields = [(conflict.field.clone(), conflict.proposed.clone())].into();
                // Made as the office's edit: a choice made by a person is never itself a conflict.
                next = office_edit(&record, change, actor.id, at);
                let mut ctx = Context::at(at);
                ctx.members = members_of(&self.ctx.store.records_of_case(record.case_id).await?);
                let errors = validate(record.kind, &next.fields, &ctx);
                if !errors.is_empty() {
                    let message = match Outcome::rejected(Rejection::Invalid, errors) {
                        Outcome::Rejected { message, .. } => message,
                        _ => String::new(),
                    };
                    return Err(ApiError::BadRequest(message));
                }
                // The version moves on only when a value changed.
                write = next.version != record.version;
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
                unchanged: vec![],
                also: vec![],
                audit: vec![self.ctx.event(
                    Some(actor),
                    None,
                    "conflict.resolve",
                    record.kind.as_str(),
                    Some(record.id.to_string()),
                    format!("{}.{} kept {choice_text}", record.kind.as_str(), conflict.field),
                )],
            };
            if self.ctx.store.commit(&commit).await? == CommitResult::Done {
                if write {
                    self.follow_ups.schedule_case(record.case_id, at).await?;
                }
                let done = self.ctx.store.conflict(id).await?.ok_or(ApiError::NotFound)?;
                return Ok(conflict_view(&done));
            }
        }
        Err(ApiError::Busy)
    }
}
