//! People who may be registered twice: each arriving member is compared with the
//! municipality's, a likely match is kept as a suggestion, and the office lists and dismisses
//! them (merging is in [`crate::cases`]). Nothing here ever merges.

use crate::context::Ctx;
use crate::records::{live_member, match_facts, member_summary, typed};
use crate::storage::DuplicateRow;
use app::api::ApiError;
use app::domain::access::permits;
use app::domain::duplicate::{self, DuplicateView, MatchReason};
use app::domain::record::Case;
use app::domain::{Action, RecordKind, SessionUser, Target};
use uuid::Uuid;

/// A suggestion as the permission table sees it: restricted when either person's case is.
pub async fn suggestion_target(ctx: &Ctx, d: &DuplicateRow) -> Result<Target, ApiError> {
    let mut restricted = false;
    for member in [d.member_id, d.other_member_id] {
        if let Some(m) = ctx.store.record(member).await? {
            restricted |= case_restricted(ctx, m.case_id).await?;
        }
    }
    Ok(Target::Duplicate {
        municipality_id: d.municipality_id,
        restricted,
    })
}

async fn case_restricted(ctx: &Ctx, case_id: Uuid) -> Result<bool, ApiError> {
    Ok(match ctx.store.record(case_id).await? {
        Some(case) => typed::<Case>(&case).is_ok_and(|c| c.is_restricted()),
        None => false,
    })
}

#[derive(Clone)]
pub struct Duplicates {
    ctx: Ctx,
}

impl Duplicates {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// Compares the members who just arrived with every member of their municipality and keeps
    /// a suggestion for each likely match. Each municipality's members are read once for the
    /// whole batch: a push of 40 people is one read, not 40 (issue 16's push budget).
    pub async fn look_for_all(&self, member_ids: &[Uuid]) -> Result<(), ApiError> {
        let store = &self.ctx.store;
        let mut arrived: Vec<(crate::storage::StoredRecord, duplicate::MatchFacts)> = Vec::new();
        for id in member_ids {
            let Some(member) = store.record(*id).await? else {
                continue;
            };
            if arrived.iter().any(|(m, _)| m.id == member.id) {
                continue;
            }
            let Some(me) = live_member(&member)? else { continue };
            arrived.push((member, match_facts(&me)));
        }
        let municipalities: std::collections::BTreeSet<Uuid> = arrived.iter().map(|(m, _)| m.municipality_id).collect();
        for municipality_id in municipalities {
            let mut everyone = Vec::new();
            for other in store.records_of_kind(municipality_id, RecordKind::Member).await? {
                if let Some(them) = live_member(&other)? {
                    everyone.push((other.id, match_facts(&them)));
                }
            }
            for (member, me) in arrived.iter().filter(|(m, _)| m.municipality_id == municipality_id) {
                for (other_id, them) in &everyone {
                    if *other_id == member.id {
                        continue;
                    }
                    let Some(reason) = duplicate::same_person(me, them) else {
                        continue;
                    };
                    let (a, b) = if member.id < *other_id {
                        (member.id, *other_id)
                    } else {
                        (*other_id, member.id)
                    };
                    store
                        .insert_duplicate(&DuplicateRow {
                            id: Uuid::now_v7(),
                            municipality_id,
                            member_id: a,
                            other_member_id: b,
                            reason: match reason {
                                MatchReason::PersonalNumber => "personal_number".into(),
                                MatchReason::NamesAndBirthDate => "names_and_birth_date".into(),
                            },
                            created_at: self.ctx.now(),
                            decided_at: None,
                            decided_by: None,
                            decision: None,
                        })
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Open suggestions of the caller's municipality (supervisors and case managers).
    pub async fn list(&self, actor: &SessionUser) -> Result<Vec<DuplicateView>, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ViewDuplicates,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let store = &self.ctx.store;
        let mut out = Vec::new();
        // Whether each case is restricted, read once however many suggestions name it.
        let mut restricted = std::collections::HashMap::new();
        for d in store.open_duplicates(actor.municipality_id).await? {
            let (Some(a), Some(b)) = (store.record(d.member_id).await?, store.record(d.other_member_id).await?) else {
                continue;
            };
            let mut either = false;
            for case_id in [a.case_id, b.case_id] {
                if let std::collections::hash_map::Entry::Vacant(e) = restricted.entry(case_id) {
                    e.insert(case_restricted(&self.ctx, case_id).await?);
                }
                either |= restricted.get(&case_id) == Some(&true);
            }
            // A victim's case is not in a colleague's list.
            let target = Target::Duplicate {
                municipality_id: d.municipality_id,
                restricted: either,
            };
            if !permits(actor, Action::ViewDuplicates, target) {
                continue;
            }
            let (Some(member), Some(other)) = (live_member(&a)?, live_member(&b)?) else {
                // One of them was merged with a third person meanwhile: the pair is moot.
                continue;
            };
            let reason = if d.reason == "personal_number" {
                MatchReason::PersonalNumber
            } else {
                MatchReason::NamesAndBirthDate
            };
            out.push(DuplicateView {
                id: d.id,
                reason,
                member: member_summary(&a, member),
                other: member_summary(&b, other),
            });
        }
        self.ctx
            .audit_read(
                actor,
                "duplicate.read",
                "member",
                out.len(),
                format!("{} suggestions", out.len()),
            )
            .await?;
        Ok(out)
    }

    /// Dismisses a suggestion: the two are different people.
    pub async fn dismiss(&self, actor: &SessionUser, id: Uuid) -> Result<(), ApiError> {
        let d = self.ctx.store.duplicate(id).await?.ok_or(ApiError::NotFound)?;
        self.ctx
            .require(actor, Action::DismissDuplicate, suggestion_target(&self.ctx, &d).await?)
            .await?;
        let audit = self.ctx.event(
            Some(actor),
            None,
            "duplicate.dismiss",
            "member",
            Some(d.member_id.to_string()),
            d.other_member_id.to_string(),
        );
        // Dismissed already: nothing written, nothing to audit.
        self.ctx
            .store
            .decide_duplicate(id, actor.id, self.ctx.now(), "dismissed", &[audit])
            .await?;
        Ok(())
    }
}
