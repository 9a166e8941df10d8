//! Referrals seen from the office: the partner institution's list and answer, and the
//! municipality's days to follow up each kind of referral. The referral itself is made on the
//! phone and arrives by sync.

use crate::context::{Ctx, RACE_RETRIES};
use crate::follow_ups::FollowUps;
use crate::records::{office_edit, text};
use crate::storage::{Commit, CommitResult, StoredRecord};
use app::api::ApiError;
use app::domain::follow_up::{self, ReferralDays, ReferralKind};
use app::domain::referral::{self, IncomingReferral};
use app::domain::{Action, Fields, RecordKind, SessionUser, Target};
use chrono::{DateTime, Utc};
use serde_json::Value;
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
        institution_id: Uuid::parse_str(&text(r, "institution_id")).ok(),
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
        let case = self.ctx.store.records_of_case(r.case_id).await?;
        let members: Vec<&StoredRecord> = case.iter().filter(|x| x.kind == RecordKind::Member).collect();
        let head = members
            .iter()
            .find(|m| text(m, "relationship") == "head")
            .or(members.first());
        let family = head
            .map(|m| format!("{} {}", text(m, "first_name"), text(m, "last_name")))
            .unwrap_or_default();
        let village = case
            .iter()
            .find(|x| x.kind == RecordKind::Household)
            .map(|h| text(h, "village"))
            .unwrap_or_default();
        Ok(IncomingReferral {
            id: r.id,
            kind: text(r, "kind"),
            state: referral::state_of(&r.fields).to_string(),
            sent_on: text(r, "sent_on"),
            note: text(r, "note"),
            feedback: text(r, "feedback"),
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
            let mut change = Fields::new();
            change.insert("state".into(), Value::String(answer.state.clone()));
            let today = Value::String(follow_up::local_today(now_at).to_string());
            change.insert("answered_on".into(), today.clone());
            // Each step keeps its own day (accepted_on, declined_on, service_given_on).
            change.insert(format!("{}_on", answer.state), today);
            if !answer.feedback.trim().is_empty() {
                change.insert("feedback".into(), Value::String(answer.feedback.trim().to_string()));
            }
            let next = office_edit(&r, change, actor.id, self.ctx.now());
            let commit = Commit {
                record: next.clone(),
                expected_version: Some(r.version),
                write_record: true,
                change: None,
                conflicts: vec![],
                resolve: None,
                audit: vec![self.ctx.event(
                    Some(actor),
                    None,
                    "referral.answer",
                    "referral",
                    Some(id.to_string()),
                    answer.state.clone(),
                )],
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
        self.ctx
            .store
            .set_referral_days(actor.municipality_id, kind.as_str(), as_i32, actor.id, now)
            .await?;
        self.ctx
            .audit_by(
                actor,
                "referral_days.set",
                "municipality",
                Some(actor.municipality_id.to_string()),
                format!("{} {days}", kind.as_str()),
            )
            .await?;
        self.follow_ups
            .schedule_municipality(actor.municipality_id, now)
            .await?;
        self.follow_ups.referral_days_of(actor.municipality_id).await
    }
}
