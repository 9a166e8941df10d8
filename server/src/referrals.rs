//! Referrals seen from the office: the partner institution's list and answer, and the
//! municipality's days to follow up each kind of referral. The referral itself is made on the
//! phone and arrives by sync.

use crate::context::{Ctx, RACE_RETRIES};
use crate::follow_ups::FollowUps;
use crate::records::{office_edit, typed};
use crate::storage::{Commit, CommitResult, StoredRecord};
use app::api::ApiError;
use app::domain::follow_up::{self, ReferralDays, ReferralKind};
use app::domain::record::{Household, Member, Referral, TypedRecord};
use app::domain::referral::{self, IncomingReferral};
use app::domain::{Action, RecordKind, Role, SessionUser, Target};
use chrono::{DateTime, Utc};
use uuid::Uuid;

#[derive(Clone)]
pub struct Referrals {
    ctx: Ctx,
    follow_ups: FollowUps,
}

/// The referral as a target of the permission table: what was sent to one institution.
fn sent_to(r: &StoredRecord) -> Target {
    Target::Institution {
        municipality_id: r.municipality_id,
        institution_id: typed::<Referral>(r).ok().and_then(|x| x.institution_id),
    }
}

impl Referrals {
    pub fn new(ctx: Ctx) -> Self {
        Self {
            follow_ups: FollowUps::new(ctx.clone()),
            ctx,
        }
    }

    async fn incoming_view(&self, r: &StoredRecord) -> Result<IncomingReferral, ApiError> {
        let referral: Referral = typed(r)?;
        let case = self.ctx.store.records_of_case(r.case_id).await?;
        let mut members = Vec::new();
        for m in case.iter().filter(|x| x.kind == RecordKind::Member) {
            members.push(typed::<Member>(m)?);
        }
        let head = members.iter().find(|m| m.is_head()).or(members.first());
        let family = head
            .map(|m| format!("{} {}", m.first_name, m.last_name))
            .unwrap_or_default();
        let village = match case.iter().find(|x| x.kind == RecordKind::Household) {
            Some(h) => typed::<Household>(h)?.village,
            None => String::new(),
        };
        Ok(IncomingReferral {
            id: r.id,
            state: referral.state().to_string(),
            kind: referral.kind.unwrap_or_default(),
            sent_on: referral.sent_on.map(|d| d.to_string()).unwrap_or_default(),
            note: referral.note.unwrap_or_default(),
            feedback: referral.feedback.unwrap_or_default(),
            family,
            village,
        })
    }

    /// The referrals sent to the caller's institution, and nothing else of the case.
    pub async fn incoming(&self, actor: &SessionUser) -> Result<Vec<IncomingReferral>, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ViewIncomingReferrals,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let mut out = Vec::new();
        for r in self
            .ctx
            .store
            .records_of_kind(actor.municipality_id, RecordKind::Referral)
            .await?
        {
            if app::domain::access::permits(actor, Action::ViewIncomingReferrals, sent_to(&r)) {
                out.push(self.incoming_view(&r).await?);
            }
        }
        self.ctx
            .audit_read(
                actor,
                "referral.read",
                "referral",
                out.len(),
                format!("{} referrals", out.len()),
            )
            .await?;
        Ok(out)
    }

    /// The partner's answer: the next state, dated, with feedback. The case worker's phone
    /// receives it at its next pull.
    pub async fn answer(
        &self,
        actor: &SessionUser,
        id: Uuid,
        answer: referral::Answer,
        now_at: DateTime<Utc>,
    ) -> Result<IncomingReferral, ApiError> {
        for _ in 0..RACE_RETRIES {
            let r = match self.ctx.store.record(id).await? {
                Some(r) if r.kind == RecordKind::Referral => r,
                // Unknown and not-a-referral look the same as not-yours.
                _ => return Err(ApiError::NotFound),
            };
            self.ctx.require(actor, Action::AnswerReferral, sent_to(&r)).await?;
            let current = self.incoming_view(&r).await?.state;
            if !referral::partner_next(&current).contains(&answer.state.as_str()) {
                return Err(ApiError::BadRequest(format!(
                    "a referral that is {current} cannot become {}",
                    answer.state
                )));
            }
            if answer.feedback.chars().count() > 4000 {
                return Err(ApiError::BadRequest("feedback is longer than 4000 characters".into()));
            }
            let today = follow_up::local_today(now_at);
            // Each step keeps its own day (accepted_on, declined_on, service_given_on).
            let change = Referral {
                state: Some(answer.state.clone()),
                answered_on: Some(today),
                accepted_on: (answer.state == "accepted").then_some(today),
                declined_on: (answer.state == "declined").then_some(today),
                service_given_on: (answer.state == "service_given").then_some(today),
                feedback: Some(answer.feedback.trim().to_string()).filter(|f| !f.is_empty()),
                ..Default::default()
            }
            .to_fields();
            let next = office_edit(&r, change, actor.id, self.ctx.now());
            // The school team's acceptance opens the schooling of each child of school age.
            let opened = if answer.state == "accepted" && actor.has_role(Role::SchoolTeam) {
                let case_records = self.ctx.store.records_of_case(r.case_id).await?;
                crate::school::opened_by_acceptance(actor, &r, &case_records, now_at)?
            } else {
                Vec::new()
            };
            let mut audit = vec![self.ctx.event(
                Some(actor),
                None,
                "referral.answer",
                "referral",
                Some(id.to_string()),
                answer.state.clone(),
            )];
            for s in &opened {
                let detail = format!("opened by referral {id}");
                audit.push(self.ctx.event(
                    Some(actor),
                    None,
                    "record.create",
                    "schooling",
                    Some(s.id.to_string()),
                    detail,
                ));
            }
            let commit = Commit {
                record: next.clone(),
                expected_version: Some(r.version),
                write_record: true,
                change: None,
                conflicts: vec![],
                resolve: None,
                unchanged: vec![],
                also: opened.into_iter().map(|s| (s, 0)).collect(),
                audit,
            };
            if self.ctx.store.commit(&commit).await? == CommitResult::Done {
                self.follow_ups.schedule_case(next.case_id, now_at).await?;
                return self.incoming_view(&next).await;
            }
        }
        Err(ApiError::Busy)
    }

    /// The municipality's days, for anyone of it who works with referrals.
    pub async fn days(&self, actor: &SessionUser) -> Result<ReferralDays, ApiError> {
        self.ctx
            .require(
                actor,
                Action::ViewReferralDays,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        self.follow_ups.referral_days_of(actor.municipality_id).await
    }

    /// A supervisor (or the administrator) sets the municipality's days for one kind of referral;
    /// every case's follow-ups are rescheduled at once.
    pub async fn set_days(
        &self,
        actor: &SessionUser,
        kind: &str,
        days: u32,
        now: DateTime<Utc>,
    ) -> Result<ReferralDays, ApiError> {
        self.ctx
            .require(
                actor,
                Action::SetReferralDays,
                Target::Municipality(actor.municipality_id),
            )
            .await?;
        let kind = ReferralKind::parse(kind)
            .ok_or_else(|| ApiError::BadRequest(format!("{kind:?} is not a kind of referral")))?;
        if !ReferralDays::RANGE.contains(&days) {
            return Err(ApiError::BadRequest(format!(
                "days must be from {} to {}",
                ReferralDays::RANGE.start(),
                ReferralDays::RANGE.end()
            )));
        }
        let as_i32 = i32::try_from(days).map_err(|_| ApiError::BadRequest("days out of range".into()))?;
        let audit = self.ctx.event(
            Some(actor),
            None,
            "referral_days.set",
            "municipality",
            Some(actor.municipality_id.to_string()),
            format!("{} {days}", kind.as_str()),
        );
        self.ctx
            .store
            .set_referral_days(actor.municipality_id, kind.as_str(), as_i32, actor.id, now, &[audit])
            .await?;
        self.follow_ups
            .schedule_municipality(actor.municipality_id, now)
            .await?;
        self.follow_ups.referral_days_of(actor.municipality_id).await
    }
}
