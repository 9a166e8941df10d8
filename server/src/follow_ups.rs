//! The server keeps every case's follow-ups: after each write to a case and on a timer it runs the
//! same rules the phone runs ([`app::domain::follow_up::schedule`]) and stores the result. A
//! follow-up first found overdue is escalated: it is stamped, audited and listed for the
//! supervisor. Rebuilding from the records at the same instant gives exactly what is stored.

use crate::context::Ctx;
pub use crate::records::case_filter;
use crate::storage::{FollowUpRow, StoredRecord};
use app::api::ApiError;
use app::domain::follow_up::{self, FollowUp, FollowUpKind, ReferralDays, ReferralKind, Status};
use app::domain::school::Thresholds;
use app::domain::sync::FollowUpView;
use app::domain::{Action, SessionUser, Target};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// What one pass of the scheduler did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScheduleRun {
    pub cases: usize,
    /// Follow-ups written or removed.
    pub changed: usize,
    /// Follow-ups newly escalated to the supervisor.
    pub escalated: usize,
}

impl std::ops::AddAssign for ScheduleRun {
    fn add_assign(&mut self, o: Self) {
        self.cases += o.cases;
        self.changed += o.changed;
        self.escalated += o.escalated;
    }
}

fn to_row(f: &FollowUp, municipality_id: Uuid, escalated_at: Option<DateTime<Utc>>, at: DateTime<Utc>) -> FollowUpRow {
    FollowUpRow {
        case_id: f.case_id,
        key: f.key.clone(),
        municipality_id,
        kind: f.kind.code(),
        due_on: f.due_on,
        due_at: f.due_at,
        status: f.status.as_str().into(),
        done_by: f.done_by,
        late: f.late,
        escalated_at,
        updated_at: at,
    }
}

/// A stored follow-up as it stands at `now`: one whose day passed since the last pass of the
/// clock is overdue already. `None` when the row is not understood.
pub fn as_of(r: &FollowUpRow, now: DateTime<Utc>) -> Option<FollowUp> {
    let mut f = from_row(r)?;
    if f.status == Status::Due && f.passed_at(now) {
        f.status = Status::Overdue;
    }
    Some(f)
}

fn from_row(r: &FollowUpRow) -> Option<FollowUp> {
    Some(FollowUp {
        case_id: r.case_id,
        key: r.key.clone(),
        kind: FollowUpKind::parse(&r.kind)?,
        due_on: r.due_on,
        due_at: r.due_at,
        status: Status::parse(&r.status)?,
        done_by: r.done_by,
        late: r.late,
    })
}

/// The follow-ups of every case, kept by the rules.
#[derive(Clone)]
pub struct FollowUps {
    ctx: Ctx,
}

impl FollowUps {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// The municipality's referral days: its own numbers over the defaults.
    pub async fn referral_days_of(&self, municipality_id: Uuid) -> Result<ReferralDays, ApiError> {
        let own = self.ctx.store.referral_days(municipality_id).await?;
        Ok(ReferralDays::with_overrides(own.into_iter().filter_map(|(k, d)| {
            Some((ReferralKind::parse(&k)?, u32::try_from(d).ok()?))
        })))
    }

    /// The municipality's early-warning thresholds: its own, else the defaults.
    pub async fn thresholds_of(&self, municipality_id: Uuid) -> Result<Thresholds, ApiError> {
        Ok(self.ctx.store.thresholds(municipality_id).await?.unwrap_or_default())
    }

    /// Runs the rules on one case's records and stores what changed.
    pub async fn schedule_case(&self, case_id: Uuid, now: DateTime<Utc>) -> Result<ScheduleRun, ApiError> {
        let records = self.ctx.store.records_of_case(case_id).await?;
        let Some(case) = records.iter().find(|r| r.id == case_id) else {
            return Ok(ScheduleRun::default());
        };
        let days = self.referral_days_of(case.municipality_id).await?;
        let thresholds = self.thresholds_of(case.municipality_id).await?;
        let computed = self.computed(case_id, &records, &days, &thresholds, now);
        crate::indicators::keep_figures(&self.ctx, case, &records, &computed, &thresholds, now).await?;
        let stored: BTreeMap<String, FollowUpRow> = self
            .ctx
            .store
            .follow_ups_of_case(case_id)
            .await?
            .into_iter()
            .map(|r| (r.key.clone(), r))
            .collect();
        let mut run = ScheduleRun {
            cases: 1,
            ..Default::default()
        };
        let mut write = Vec::new();
        let mut newly_escalated = Vec::new();
        for f in &computed {
            let before = stored.get(&f.key);
            let escalated_at = match f.status {
                Status::Overdue => before.and_then(|b| b.escalated_at).or(Some(now)),
                _ => None,
            };
            let row = to_row(f, case.municipality_id, escalated_at, now);
            if before.is_some_and(|b| b.same_as(&row)) {
                continue;
            }
            if escalated_at == Some(now) {
                newly_escalated.push(row.clone());
            }
            write.push(row);
        }
        let gone: Vec<String> = stored
            .keys()
            .filter(|k| !computed.iter().any(|f| &f.key == *k))
            .cloned()
            .collect();
        if write.is_empty() && gone.is_empty() {
            return Ok(run);
        }
        // No person escalates: the clock does. The rows commit with the follow-ups they stamp,
        // and only the writer whose stamp stays writes one (another instance may race this one).
        let escalations: Vec<_> = newly_escalated
            .iter()
            .map(|row| {
                let mut e = self.ctx.event(
                    None,
                    Some(row.municipality_id),
                    "follow_up.escalate",
                    "case",
                    Some(case_id.to_string()),
                    format!("{} due {}", row.kind, row.due_on),
                );
                e.at = now;
                (row.key.clone(), e)
            })
            .collect();
        run.escalated = self
            .ctx
            .store
            .save_follow_ups(case_id, &write, &gone, &escalations)
            .await?;
        run.changed = write.len() + gone.len();
        Ok(run)
    }

    /// What the rules give for the case now (a rebuild: nothing is read from the stored list).
    pub fn computed(
        &self,
        case_id: Uuid,
        records: &[StoredRecord],
        days: &ReferralDays,
        thresholds: &Thresholds,
        now: DateTime<Utc>,
    ) -> Vec<FollowUp> {
        let facts = follow_up::facts_from_records(
            case_id,
            records
                .iter()
                .filter(|r| r.case_id == case_id)
                .map(|r| (r.kind, r.id, &r.fields)),
        );
        follow_up::schedule_with(&facts, days, thresholds, now)
    }

    pub async fn schedule_municipality(
        &self,
        municipality_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<ScheduleRun, ApiError> {
        let mut run = ScheduleRun::default();
        for (case_id, m) in self.ctx.store.all_cases().await? {
            if m == municipality_id {
                run += self.schedule_case(case_id, now).await?;
            }
        }
        Ok(run)
    }

    /// Every case of every municipality: the timer's pass, which turns due into overdue and
    /// escalates.
    pub async fn schedule_all(&self, now: DateTime<Utc>) -> Result<ScheduleRun, ApiError> {
        let mut run = ScheduleRun::default();
        for (case_id, _) in self.ctx.store.all_cases().await? {
            run += self.schedule_case(case_id, now).await?;
        }
        Ok(run)
    }

    /// The stored follow-ups of the caller's cases (supervisors and case managers: the whole
    /// municipality). A follow-up whose day has passed since the last pass shows as overdue.
    pub async fn list(&self, actor: &SessionUser, now: DateTime<Utc>) -> Result<Vec<FollowUpView>, ApiError> {
        self.ctx
            .require(actor, Action::ViewCase, Target::Municipality(actor.municipality_id))
            .await?;
        let scope = case_filter(actor)?;
        let rows = self.ctx.store.follow_ups_in(scope).await?;
        let mut workers: BTreeMap<Uuid, Option<Uuid>> = BTreeMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let Some(f) = as_of(row, now) else {
                tracing::warn!(case = %row.case_id, key = %row.key, "stored follow-up not understood");
                continue;
            };
            let worker = match workers.get(&row.case_id) {
                Some(w) => *w,
                None => {
                    let w = self
                        .ctx
                        .store
                        .record(row.case_id)
                        .await?
                        .and_then(|c| c.field_worker_id);
                    workers.insert(row.case_id, w);
                    w
                }
            };
            out.push(FollowUpView {
                follow_up: f,
                escalated_at: row.escalated_at,
                worker_id: worker,
            });
        }
        // One worker looked up per case read.
        let cases = workers.len();
        self.ctx
            .audit_read(
                actor,
                "follow_up.read",
                "case",
                out.len(),
                format!("{} follow-ups of {cases} cases", out.len()),
            )
            .await?;
        Ok(out)
    }
}
