//! Pull: the caller's records after a cursor, page by page, with what the phone needs beside
//! them (open conflicts, institutions, workers, referral days, the caseload's case list).

use super::{conflict_view, state_of, SyncService};
use crate::follow_ups::case_filter;
use crate::records::{merged_into, typed};
use crate::storage::CaseScope;
use app::api::ApiError;
use app::domain::access::permits;
use app::domain::record::Case;
use app::domain::sync::{self, PullPage};
use app::domain::{Action, Role, SessionUser, Target};
use uuid::Uuid;

impl SyncService {
    /// The caller's records written after `cursor`, at most `limit`, and every open conflict.
    pub async fn pull(&self, actor: &SessionUser, cursor: &str, limit: Option<i64>) -> Result<PullPage, ApiError> {
        self.ctx
            .require(actor, Action::ViewCase, Target::Municipality(actor.municipality_id))
            .await?;
        let scope = case_filter(actor)?;
        self.pull_in(actor, scope, false, cursor, limit).await
    }

    /// The school team's pull: the municipality's schooling, attendance, actions, meetings and
    /// literacy list, and nothing else of a case.
    pub async fn pull_school(
        &self,
        actor: &SessionUser,
        cursor: &str,
        limit: Option<i64>,
    ) -> Result<PullPage, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ViewSchooling,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let scope = CaseScope {
            municipality_id: actor.municipality_id,
            own_cases_of: None,
        };
        self.pull_in(actor, scope, true, cursor, limit).await
    }

    async fn pull_in(
        &self,
        actor: &SessionUser,
        scope: CaseScope,
        school_only: bool,
        cursor: &str,
        limit: Option<i64>,
    ) -> Result<PullPage, ApiError> {
        let after: i64 = if cursor.is_empty() {
            0
        } else {
            cursor
                .parse()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| ApiError::BadRequest("cursor is not one this server gave".into()))?
        };
        let limit = limit.unwrap_or(sync::DEFAULT_PULL_LIMIT).clamp(1, sync::MAX_PULL_LIMIT);
        let records = if school_only {
            self.ctx
                .store
                .pull_school(actor.municipality_id, after, limit + 1)
                .await?
        } else {
            self.ctx.store.pull(scope, after, limit + 1).await?
        };
        let more = records.len() as i64 > limit;
        let records: Vec<_> = records.into_iter().take(limit as usize).collect();
        let next = records.last().map_or(after, |r| r.seq);
        let mut conflicts = self.ctx.store.open_conflicts(scope).await?;
        if school_only {
            conflicts.retain(|c| c.kind.is_school());
        }
        let institutions = self.ctx.store.institutions(actor.municipality_id).await?;
        // The catalogue plans are drafted from, offline: once, with the last page.
        let may_see_services = permits(actor, Action::ViewServices, Target::Municipality(actor.municipality_id));
        let services = if !more && may_see_services && !school_only {
            self.ctx.store.services(actor.municipality_id).await?
        } else {
            Vec::new()
        };
        // Supervisors see the municipality's field workers and case managers, to give a case to
        // one and appoint the other.
        let (workers, case_managers) = if scope.own_cases_of.is_none() && !school_only {
            let users = self.ctx.store.users_in(actor.municipality_id).await?;
            let of = |role: Role| {
                users
                    .iter()
                    .filter(|u| u.active && u.roles.contains(&role))
                    .map(|u| sync::FieldWorker {
                        id: u.id,
                        name: u.display_name.clone(),
                    })
                    .collect::<Vec<_>>()
            };
            (of(Role::FieldWorker), of(Role::CaseManager))
        } else {
            (Vec::new(), Vec::new())
        };
        let (referral_days, cases) = if more {
            (None, None)
        } else if school_only {
            let cases = self.ctx.store.school_case_ids(actor.municipality_id).await?;
            (
                Some(self.follow_ups.referral_days_of(actor.municipality_id).await?),
                Some(cases),
            )
        } else {
            let cases = self
                .ctx
                .store
                .cases_in(scope)
                .await?
                .iter()
                .filter(|c| merged_into(c).is_none())
                // A closed case leaves the phones of those who worked it; supervisors keep
                // seeing it, to read it and reopen it.
                .filter(|c| scope.own_cases_of.is_none() || !typed::<Case>(c).is_ok_and(|c| c.is_closed()))
                .map(|c| c.id)
                .collect();
            (
                Some(self.follow_ups.referral_days_of(actor.municipality_id).await?),
                Some(cases),
            )
        };
        let may_close = permits(
            actor,
            Action::RequestClosure,
            Target::Municipality(actor.municipality_id),
        );
        let municipalities = if !more && may_close {
            let all = crate::case_end::receiving_municipalities(&self.ctx).await?;
            all.into_iter()
                .filter(|m| m.id != actor.municipality_id)
                .map(|m| sync::MunicipalityRef { id: m.id, name: m.name })
                .collect()
        } else {
            Vec::new()
        };
        let (schools, thresholds) = if more {
            (Vec::new(), None)
        } else {
            (
                self.ctx.store.schools(actor.municipality_id).await?,
                Some(self.follow_ups.thresholds_of(actor.municipality_id).await?),
            )
        };
        // Every case read leaves its own row, so the trail filtered by case shows who read it.
        let mut read = std::collections::BTreeMap::<Uuid, usize>::new();
        for r in &records {
            *read.entry(r.case_id).or_default() += 1;
        }
        for c in &conflicts {
            read.entry(c.case_id).or_default();
        }
        let (action, entity) = if school_only {
            ("schooling.pull", "schooling")
        } else {
            ("caseload.pull", "case")
        };
        let events: Vec<_> = read
            .iter()
            .map(|(case_id, n)| {
                let detail = format!("{n} records after {after}");
                self.ctx
                    .event(Some(actor), None, action, entity, Some(case_id.to_string()), detail)
                    .on_case(*case_id)
            })
            .collect();
        self.ctx.audit_all(&events).await?;
        Ok(PullPage {
            user_id: actor.id,
            records: records.iter().map(state_of).collect(),
            conflicts: conflicts.iter().map(conflict_view).collect(),
            institutions,
            services,
            workers,
            case_managers,
            referral_days,
            cases,
            municipalities,
            schools,
            thresholds,
            next_cursor: next.to_string(),
            more,
        })
    }
}
