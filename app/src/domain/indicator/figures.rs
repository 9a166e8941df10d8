//! What the indicators count about one case, read once from its records whenever the case is
//! written (and on the plans' clock) and kept beside it, so a report reads one small row per case
//! instead of every record.

use crate::domain::closure::CaseEnd;
use crate::domain::follow_up::{self, FollowUp, FollowUpKind};
use crate::domain::plan::{PlanRecords, PlanState};
use crate::domain::record::{
    Anamnesis, Assessment, Benefit, Case, CommissionDecision, FinalAssessment, Housing, HousingApplication, Literacy,
    Monitoring, Plan, Referral, TypedRecord, Vulnerability,
};
use crate::domain::school::{self, Thresholds};
use crate::domain::{Fields, RecordKind};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Housing situations that count as permanent: the family no longer depends on the
/// programme's rent.
pub const PERMANENT_HOUSING: &[&str] = &["own_house", "social_housing", "rent_own_means"];

/// One case's figures. Dates are Kosovo's local days.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CaseFigures {
    pub case_id: Uuid,
    /// Whose caseload holds the case.
    pub field_worker_id: Option<Uuid>,
    /// The plan's content waits for the supervisor's approval.
    pub plan_waiting: bool,
    /// A closure request waits for the supervisor's decision.
    pub closure_waiting: bool,
    /// The day the case was registered.
    pub opened_on: Option<NaiveDate>,
    pub returned_on: Option<NaiveDate>,
    /// The first visit on or after the return.
    pub first_visit_on: Option<NaiveDate>,
    /// That visit came after its deadline, as the plans' clock decided it (72 elapsed hours
    /// when the return's hour is known); `None` in figures kept before the clock said so.
    pub first_visit_late: Option<bool>,
    /// The first completed needs assessment.
    pub assessed_on: Option<NaiveDate>,
    pub anamnesis_on: Option<NaiveDate>,
    pub plan_written_on: Option<NaiveDate>,
    pub plan_approved_on: Option<NaiveDate>,
    pub case_manager_decided_on: Option<NaiveDate>,
    /// The plan's items (each answers a need), with the first monitoring that found the service
    /// received.
    pub needs: Vec<NeedFigure>,
    pub monitoring: Vec<DueFigure>,
    pub reviews: Vec<DueFigure>,
    pub referrals: Vec<ReferralFigure>,
    pub claims: Vec<ClaimFigure>,
    pub housing_applications: Vec<NaiveDate>,
    /// Commission decisions: the day and whether it approved.
    pub housing_decisions: Vec<(NaiveDate, bool)>,
    /// The family's housing situation now is one of [`PERMANENT_HOUSING`].
    pub permanent_housing: bool,
    pub final_assessed_on: Option<NaiveDate>,
    /// The final assessment found reintegration sustainable overall.
    pub sustainable: bool,
    pub closed_on: Option<NaiveDate>,
    pub children: Vec<ChildFigure>,
    /// The people's vulnerable categories (each person once per category).
    pub categories: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct NeedFigure {
    pub served_on: Option<NaiveDate>,
}

/// A follow-up that falls due on a day, done on another (or not yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DueFigure {
    pub due_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

impl DueFigure {
    pub fn on_time(&self) -> bool {
        self.done_on.is_some_and(|d| d <= self.due_on)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralFigure {
    /// The destination (a referral kind's code).
    pub kind: String,
    pub institution_id: Option<Uuid>,
    pub sent_on: NaiveDate,
    pub due_on: NaiveDate,
    pub answered: bool,
    /// `sent`, `accepted`, `declined`, `service_given` or `closed`.
    pub state: String,
    pub service_given: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimFigure {
    pub scheme: String,
    pub applied_on: NaiveDate,
    pub approved: bool,
}

/// One child known to the school team.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ChildFigure {
    pub known_on: Option<NaiveDate>,
    pub enrolled_on: Option<NaiveDate>,
    pub ended_on: Option<NaiveDate>,
    pub language_or_supplementary: bool,
    pub certificate_needed: bool,
    pub nostrified_on: Option<NaiveDate>,
    pub at_risk_since: Option<NaiveDate>,
    /// The team's dropout-prevention actions, by day.
    pub actions: Vec<NaiveDate>,
}

/// An adult on the literacy list.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct LiteracyFigure {
    pub id: Uuid,
    pub listed_on: Option<NaiveDate>,
    pub started_on: Option<NaiveDate>,
    pub finished_on: Option<NaiveDate>,
    pub completed: bool,
}

impl LiteracyFigure {
    pub fn of(id: Uuid, l: &Literacy, listed_on: NaiveDate) -> Self {
        Self {
            id,
            listed_on: Some(listed_on),
            started_on: l.started_on,
            finished_on: l.finished_on,
            completed: l.outcome.as_deref() == Some("completed"),
        }
    }
}

/// A record as the figures read it: its kind, ID, fields and the local day it was created.
pub type RecordIn<'a> = (RecordKind, Uuid, &'a Fields, NaiveDate);

impl CaseFigures {
    /// The figures of `case_id` from its records and the follow-ups the rules gave them on
    /// `today` (whose dates say what was on time).
    pub fn of(
        case_id: Uuid,
        records: &[RecordIn<'_>],
        follow_ups: &[FollowUp],
        thresholds: &Thresholds,
        today: NaiveDate,
    ) -> Self {
        let facts = follow_up::facts_from_records(case_id, records.iter().map(|(k, id, f, _)| (*k, *id, *f)));
        let mut out = CaseFigures {
            case_id,
            returned_on: facts.returned_on,
            closed_on: facts.closed_on,
            plan_approved_on: facts.plan_active_since,
            first_visit_on: follow_up::first_visit_after(&facts).map(|v| v.on),
            first_visit_late: follow_ups
                .iter()
                .find(|f| f.kind == FollowUpKind::FirstVisit && f.done_by.is_some())
                .map(|f| f.late),
            ..Default::default()
        };
        let done_on: BTreeMap<Uuid, NaiveDate> = facts
            .monitorings
            .iter()
            .chain(&facts.reviews)
            .map(|(id, on)| (*id, *on))
            .collect();
        for f in follow_ups {
            let due = DueFigure {
                due_on: f.due_on,
                done_on: f.done_by.and_then(|id| done_on.get(&id).copied()),
            };
            match f.kind {
                FollowUpKind::Monitoring => out.monitoring.push(due),
                FollowUpKind::QuarterlyReview => out.reviews.push(due),
                _ => {}
            }
        }
        let mut served: BTreeMap<Uuid, NaiveDate> = BTreeMap::new();
        let mut items = Vec::new();
        let earliest = |slot: &mut Option<NaiveDate>, on: NaiveDate| {
            *slot = Some(slot.map_or(on, |s| s.min(on)));
        };
        for (kind, _id, fields, created_on) in records {
            match kind {
                RecordKind::Case => {
                    if let Ok(c) = Case::from_fields(fields) {
                        out.opened_on = Some(*created_on);
                        out.case_manager_decided_on = c.case_manager_decided_on;
                    }
                }
                RecordKind::Assessment => {
                    if let Some(at) = Assessment::from_fields(fields).ok().and_then(|a| a.completed_at) {
                        earliest(&mut out.assessed_on, follow_up::local_today(at));
                    }
                }
                RecordKind::Anamnesis => {
                    if let Ok(a) = Anamnesis::from_fields(fields) {
                        earliest(&mut out.anamnesis_on, a.written_on.unwrap_or(*created_on));
                    }
                }
                RecordKind::Plan => {
                    if let Ok(p) = Plan::from_fields(fields) {
                        earliest(&mut out.plan_written_on, *created_on);
                        items.extend(p.items.iter().map(|i| i.id));
                    }
                }
                RecordKind::Monitoring => {
                    if let Ok(m) = Monitoring::from_fields(fields) {
                        let Some(on) = m.done_on else { continue };
                        for s in m.services.iter().filter(|s| s.received == "yes") {
                            let slot = served.entry(s.item_id).or_insert(on);
                            *slot = (*slot).min(on);
                        }
                    }
                }
                RecordKind::Benefit => {
                    if let Ok(b) = Benefit::from_fields(fields) {
                        if let (Some(scheme), Some(applied_on)) = (b.scheme, b.applied_on) {
                            let approved = b.outcome.as_deref() == Some("approved");
                            out.claims.push(ClaimFigure {
                                scheme,
                                applied_on,
                                approved,
                            });
                        }
                    }
                }
                RecordKind::HousingApplication => {
                    if let Some(on) = HousingApplication::from_fields(fields).ok().and_then(|a| a.applied_on) {
                        out.housing_applications.push(on);
                    }
                }
                RecordKind::CommissionDecision => {
                    if let Ok(d) = CommissionDecision::from_fields(fields) {
                        if let Some(on) = d.decided_on {
                            out.housing_decisions
                                .push((on, d.decision.as_deref() == Some("approved")));
                        }
                    }
                }
                RecordKind::Housing => {
                    if let Ok(h) = Housing::from_fields(fields) {
                        out.permanent_housing = h.situation.as_deref().is_some_and(|s| PERMANENT_HOUSING.contains(&s));
                    }
                }
                RecordKind::FinalAssessment => {
                    if let Ok(a) = FinalAssessment::from_fields(fields) {
                        if let Some(on) = a.done_on {
                            if out.final_assessed_on.is_none_or(|d| on < d) {
                                out.final_assessed_on = Some(on);
                                out.sustainable = a.overall.as_deref() == Some("sustainable");
                            }
                        }
                    }
                }
                RecordKind::Vulnerability => {
                    if let Some(c) = Vulnerability::from_fields(fields).ok().and_then(|v| v.category) {
                        out.categories.push(c);
                    }
                }
                RecordKind::Referral => {
                    let Ok(r) = Referral::from_fields(fields) else { continue };
                    if let (Some(kind), Some(sent_on)) = (r.kind(), r.sent_on) {
                        let due_on = follow_ups
                            .iter()
                            .find(|f| f.key == format!("referral:{_id}"))
                            .map_or(sent_on, |f| f.due_on);
                        out.referrals.push(ReferralFigure {
                            kind: kind.as_str().into(),
                            institution_id: r.institution_id,
                            sent_on,
                            due_on,
                            answered: r.partner_answered(),
                            state: r.state().into(),
                            service_given: r.service_given_on.is_some() || r.state() == "service_given",
                        });
                    }
                }
                _ => {}
            }
        }
        let plain = || records.iter().map(|(k, id, f, _)| (*k, *id, *f));
        out.plan_waiting = PlanRecords::read(plain()).status().state == PlanState::WaitingForApproval;
        out.closure_waiting = CaseEnd::read(plain()).pending().is_some();
        out.needs = items
            .iter()
            .map(|id| NeedFigure {
                served_on: served.get(id).copied(),
            })
            .collect();
        for child in &facts.schooling {
            let s = &child.schooling;
            let created = records.iter().find(|(_, id, _, _)| *id == child.id).map(|r| r.3);
            let risks = school::risks(s, &child.attendance, thresholds, today);
            let mut actions: Vec<NaiveDate> = child.actions.iter().filter_map(|(_, a)| a.done_on).collect();
            actions.sort();
            out.children.push(ChildFigure {
                known_on: created,
                enrolled_on: s.enrolled_on,
                ended_on: s.ended_on,
                language_or_supplementary: s.language_course == Some(true) || s.supplementary_classes == Some(true),
                certificate_needed: s.certificate_missing_since.is_some(),
                nostrified_on: s.nostrified_on,
                at_risk_since: school::flagged_since(&risks),
                actions,
            });
        }
        out.categories.sort();
        out.categories.dedup();
        out.housing_applications.sort();
        out.housing_decisions.sort();
        out
    }

    /// Open on any day of `[from, to]`.
    pub fn open_during(&self, from: NaiveDate, to: NaiveDate) -> bool {
        self.opened_on.is_none_or(|o| o <= to) && self.closed_on.is_none_or(|c| c >= from)
    }

    /// The first visit came within 72 hours of the return: as the clock decided, else (older
    /// figures) by the third day after it.
    pub fn visited_in_72_hours(&self) -> bool {
        match (self.returned_on, self.first_visit_on, self.first_visit_late) {
            (Some(_), Some(_), Some(late)) => !late,
            (Some(r), Some(v), None) => v <= r + Days::new(3),
            _ => false,
        }
    }
}
