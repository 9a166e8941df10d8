//! The office's moves on whole cases: a supervisor gives a case to another field worker, or
//! merges a person registered twice. Both rewrite records on the server and give each a new
//! place in the change counter, so every phone that may see them pulls them again; a phone that
//! may no longer see a case forgets it once it has sent what it queued for it.

use crate::context::{Ctx, RACE_RETRIES};
use crate::follow_ups::FollowUps;
use crate::records::{case_target, live_member, merged_into, office_edit, typed};
use crate::storage::{CommitResult, StoredRecord};
use app::api::ApiError;
use app::domain::record::{Case, Member, TypedRecord};
use app::domain::{Action, RecordKind, Role, SessionUser};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Clone)]
pub struct Cases {
    ctx: Ctx,
    follow_ups: FollowUps,
}

impl Cases {
    pub fn new(ctx: Ctx) -> Self {
        Self {
            follow_ups: FollowUps::new(ctx.clone()),
            ctx,
        }
    }

    /// A supervisor marks the case restricted or lifts its restriction, with a reason
    /// ([`crate::protection`]).
    pub async fn change_restriction(
        &self,
        actor: &SessionUser,
        case_id: Uuid,
        change: &app::domain::protection::RestrictionChange,
    ) -> Result<(), ApiError> {
        crate::protection::change_restriction(&self.ctx, actor, case_id, change).await?;
        // Its figures say whether the national view may count it.
        self.follow_ups.schedule_case(case_id, self.ctx.now()).await?;
        Ok(())
    }

    /// Gives the case to another field worker of the municipality (supervisors). The new
    /// worker's phone receives the whole case at its next sync; the old one keeps sending the
    /// edits it made before now, then forgets the case.
    pub async fn reassign(
        &self,
        actor: &SessionUser,
        case_id: Uuid,
        to: Uuid,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        for _ in 0..RACE_RETRIES {
            let records = self.ctx.store.records_of_case(case_id).await?;
            let Some(case) = records.iter().find(|r| r.id == case_id && r.kind == RecordKind::Case) else {
                return Err(ApiError::NotFound);
            };
            self.ctx.require(actor, Action::ReassignCase, case_target(case)).await?;
            if merged_into(case).is_some() {
                return Err(ApiError::BadRequest("this case was merged into another".into()));
            }
            let worker = self.ctx.store.user_by_id(to).await?;
            let fit = worker.as_ref().is_some_and(|w| {
                w.active && w.municipality_id == actor.municipality_id && w.roles.contains(&Role::FieldWorker)
            });
            if !fit {
                return Err(ApiError::BadRequest(
                    "a case can only go to an active field worker of the municipality".into(),
                ));
            }
            if case.field_worker_id == Some(to) {
                return Ok(());
            }
            let changes = Case {
                reassigned_at: Some(at),
                previous_worker_id: case.field_worker_id,
                ..Default::default()
            };
            let mut moved = office_edit(case, changes.to_fields(), actor.id, at);
            moved.field_worker_id = Some(to);
            let mut rewrite = vec![(moved, case.version)];
            rewrite.extend(
                records
                    .iter()
                    .filter(|r| r.id != case_id)
                    .map(|r| (r.clone(), r.version)),
            );
            let from = case.field_worker_id.map(|u| u.to_string()).unwrap_or_default();
            let audit = self.ctx.event(
                Some(actor),
                None,
                "case.reassign",
                "case",
                Some(case_id.to_string()),
                format!("from {from} to {to}"),
            );
            if self.ctx.store.rewrite(&rewrite, &[audit]).await? == CommitResult::Done {
                // Its figures name the worker whose load it is.
                self.follow_ups.schedule_case(case_id, self.ctx.now()).await?;
                return Ok(());
            }
        }
        Err(ApiError::Busy)
    }

    /// Merges the two people of a duplicate suggestion. The person registered first is kept; the
    /// other is marked as merged into them. When they are in different cases, everything of the
    /// second case (household, members, returns, visits, assessments, referrals, photos) moves
    /// into the first, and the second case is kept only as a pointer. Nothing is deleted.
    pub async fn merge_duplicate(&self, actor: &SessionUser, id: Uuid, at: DateTime<Utc>) -> Result<Uuid, ApiError> {
        let d = self.ctx.store.duplicate(id).await?.ok_or(ApiError::NotFound)?;
        self.ctx
            .require(
                actor,
                Action::MergePeople,
                crate::duplicates::suggestion_target(&self.ctx, &d).await?,
            )
            .await?;
        if d.decided_at.is_some() {
            return Err(ApiError::BadRequest("this suggestion was already decided".into()));
        }
        for _ in 0..RACE_RETRIES {
            let (Some(a), Some(b)) = (
                self.ctx.store.record(d.member_id).await?,
                self.ctx.store.record(d.other_member_id).await?,
            ) else {
                return Err(ApiError::NotFound);
            };
            let (keep, drop) = if (a.created_at, a.id) <= (b.created_at, b.id) {
                (a, b)
            } else {
                (b, a)
            };
            let (Some(kept), Some(dropped)) = (live_member(&keep)?, live_member(&drop)?) else {
                return Err(ApiError::BadRequest("one of the two was already merged".into()));
            };
            let (keep_household, drop_household) = (kept.household_id, dropped.household_id);
            let mut rewrite: Vec<(StoredRecord, i64)> = Vec::new();
            let merged_member = office_edit(
                &drop,
                Member {
                    merged_into: Some(keep.id),
                    ..Default::default()
                }
                .to_fields(),
                actor.id,
                at,
            );
            if keep.case_id == drop.case_id {
                rewrite.push((merged_member, drop.version));
            } else {
                let target = keep.case_id;
                for r in self.ctx.store.records_of_case(drop.case_id).await? {
                    let version = r.version;
                    let next = if r.kind == RecordKind::Case {
                        let closed = Case {
                            status: Some("merged".into()),
                            merged_into: Some(target),
                            merged_at: Some(at),
                            ..Default::default()
                        };
                        office_edit(&r, closed.to_fields(), actor.id, at)
                    } else {
                        let base = if r.id == drop.id {
                            merged_member.clone()
                        } else {
                            r.clone()
                        };
                        // The people of the second household join the first one.
                        let same_household = typed::<Member>(&base).is_ok_and(|m| m.household_id == drop_household);
                        let mut moved = if r.kind == RecordKind::Member && same_household {
                            let to = Member {
                                household_id: keep_household,
                                ..Default::default()
                            };
                            office_edit(&base, to.to_fields(), actor.id, at)
                        } else {
                            base
                        };
                        moved.case_id = target;
                        moved
                    };
                    rewrite.push((next, version));
                }
            }
            let audit = self.ctx.event(
                Some(actor),
                None,
                "person.merge",
                "member",
                Some(keep.id.to_string()),
                format!(
                    "{} merged into it; case {} into {}",
                    drop.id, drop.case_id, keep.case_id
                ),
            );
            if self.ctx.store.rewrite(&rewrite, &[audit]).await? != CommitResult::Done {
                continue;
            }
            self.ctx
                .store
                .decide_duplicate(id, actor.id, self.ctx.now(), "merged", &[])
                .await?;
            for case_id in [keep.case_id, drop.case_id] {
                self.follow_ups.schedule_case(case_id, at).await?;
            }
            return Ok(keep.id);
        }
        Err(ApiError::Busy)
    }
}
