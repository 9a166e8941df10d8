//! The plans' clock: what is due on a case, and when, computed from its records.
//!
//! One pure function, [`schedule`], turns the facts of a case into its follow-ups. The phone
//! runs it on its own copy the moment a record is saved offline; the server runs it on what it
//! stores. Calendar dates are Kosovo's (Europe/Belgrade): a follow-up due on a day is overdue
//! from the next local midnight, whatever the daylight-saving change in between.

use super::record::{
    Assessment, Attendance, Case, Fields, FinalAssessment, Housing, HousingReview, Monitoring, PlanDecision,
    RecordKind, Referral, ReturnEvent, Review, SchoolAction, Schooling, TypedRecord, Visit,
};
use super::school::{self, Thresholds};
use chrono::{DateTime, Days, Months, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Belgrade;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use super::record::referral::ReferralKind;

/// Days from sending a referral to its follow-up. The plans give no numbers: these defaults are
/// ours, and each municipality can change them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReferralDays(pub Vec<(ReferralKind, u32)>);

impl Default for ReferralDays {
    fn default() -> Self {
        use ReferralKind::*;
        ReferralDays(vec![
            (Psychosocial, 7),
            (Housing, 30),
            (Schooling, 14),
            (CivilDocuments, 30),
            (Employment, 30),
            (Health, 14),
            (SocialAssistance, 30),
        ])
    }
}

impl ReferralDays {
    /// The range a municipality may set: a day at least, a year at most.
    pub const RANGE: std::ops::RangeInclusive<u32> = 1..=365;

    pub fn days(&self, kind: ReferralKind) -> u32 {
        self.0.iter().find(|(k, _)| *k == kind).map_or(30, |(_, d)| *d)
    }

    /// The defaults with a municipality's own numbers over them (out-of-range ones ignored).
    pub fn with_overrides(overrides: impl IntoIterator<Item = (ReferralKind, u32)>) -> Self {
        let mut days = Self::default();
        for (kind, n) in overrides {
            if Self::RANGE.contains(&n) {
                if let Some(slot) = days.0.iter_mut().find(|(k, _)| *k == kind) {
                    slot.1 = n;
                }
            }
        }
        days
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "of")]
pub enum FollowUpKind {
    /// The home visit within 72 hours of the return (foreigners: of the decision).
    FirstVisit,
    /// Monthly monitoring while an individual plan is active.
    Monitoring,
    /// The quarterly review of the plan's impact.
    QuarterlyReview,
    /// At 12 months, where the programme pays the family's rent.
    HousingReview,
    /// The final assessment and closure at 18 months.
    FinalAssessment,
    /// The programme's rent ends soon and nobody has said what comes after it.
    RentEnd,
    /// A child of the family is flagged at risk of leaving school: the case worker visits.
    SchoolRisk,
    /// The school team looks again at a dropout-prevention action on its follow-up day.
    SchoolAction,
    Referral(ReferralKind),
}

impl FollowUpKind {
    /// The stored name: `first_visit`, …, `referral:housing`.
    pub fn code(self) -> String {
        match self {
            FollowUpKind::FirstVisit => "first_visit".into(),
            FollowUpKind::Monitoring => "monitoring".into(),
            FollowUpKind::QuarterlyReview => "quarterly_review".into(),
            FollowUpKind::HousingReview => "housing_review".into(),
            FollowUpKind::FinalAssessment => "final_assessment".into(),
            FollowUpKind::RentEnd => "rent_end".into(),
            FollowUpKind::SchoolRisk => "school_risk".into(),
            FollowUpKind::SchoolAction => "school_action".into(),
            FollowUpKind::Referral(k) => format!("referral:{}", k.as_str()),
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "first_visit" => FollowUpKind::FirstVisit,
            "monitoring" => FollowUpKind::Monitoring,
            "quarterly_review" => FollowUpKind::QuarterlyReview,
            "housing_review" => FollowUpKind::HousingReview,
            "final_assessment" => FollowUpKind::FinalAssessment,
            "rent_end" => FollowUpKind::RentEnd,
            "school_risk" => FollowUpKind::SchoolRisk,
            "school_action" => FollowUpKind::SchoolAction,
            _ => FollowUpKind::Referral(ReferralKind::parse(s.strip_prefix("referral:")?)?),
        })
    }
}

impl FollowUpKind {
    /// The key of its name in the locale files: one per kind, a referral's whatever its
    /// destination.
    pub fn label_key(self) -> &'static str {
        match self {
            FollowUpKind::FirstVisit => "fu_first_visit",
            FollowUpKind::Monitoring => "fu_monitoring",
            FollowUpKind::QuarterlyReview => "fu_quarterly_review",
            FollowUpKind::HousingReview => "fu_housing_review",
            FollowUpKind::RentEnd => "fu_rent_end",
            FollowUpKind::FinalAssessment => "fu_final_assessment",
            FollowUpKind::SchoolRisk => "fu_school_risk",
            FollowUpKind::SchoolAction => "fu_school_action",
            FollowUpKind::Referral(_) => "fu_referral",
        }
    }

    /// The kind as people count it: [`Self::code`] without a referral's destination.
    pub fn family(self) -> &'static str {
        self.label_key().trim_start_matches("fu_")
    }

    /// The school team's own follow-ups; the others are the case workers'.
    pub fn is_school_teams(self) -> bool {
        self == FollowUpKind::SchoolAction
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Due,
    Done,
    Overdue,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 4] = [Status::Due, Status::Done, Status::Overdue, Status::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Due => "due",
            Status::Done => "done",
            Status::Overdue => "overdue",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowUp {
    pub case_id: Uuid,
    /// Stable identity within the case (`first_visit`, `monitoring:3`, `referral:<id>`), so a
    /// rebuild finds the same follow-up again.
    pub key: String,
    pub kind: FollowUpKind,
    /// The last local day it is on time.
    pub due_on: NaiveDate,
    /// The instant it falls overdue, when that is not the end of `due_on` (the first visit
    /// after a return whose hour is known: 72 elapsed hours).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
    pub status: Status,
    /// The record that fulfilled it.
    pub done_by: Option<Uuid>,
    /// Done, but after its deadline: a late first visit stays late for the indicators. Only the
    /// first visit records it (the other follow-ups are done by whichever record came next).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub late: bool,
}

/// When the first visit after a return is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstVisitDeadline {
    /// The return's hour is known: 72 elapsed hours after it.
    At(DateTime<Utc>),
    /// Only its day is known: through the third local day after it.
    EndOf(NaiveDate),
}

impl FirstVisitDeadline {
    pub fn of(returned_on: NaiveDate, returned_at: Option<DateTime<Utc>>) -> Self {
        match returned_at {
            Some(at) => FirstVisitDeadline::At(at + chrono::Duration::hours(72)),
            None => FirstVisitDeadline::EndOf(returned_on + Days::new(3)),
        }
    }

    /// The local day it falls on.
    pub fn day(self) -> NaiveDate {
        match self {
            FirstVisitDeadline::At(at) => local_today(at),
            FirstVisitDeadline::EndOf(day) => day,
        }
    }

    /// `t` is past the deadline.
    pub fn passed_at(self, t: DateTime<Utc>) -> bool {
        match self {
            FirstVisitDeadline::At(at) => t > at,
            FirstVisitDeadline::EndOf(day) => t >= overdue_from(day),
        }
    }

    /// A visit at `visited_at` came in time.
    pub fn met_by(self, visited_at: DateTime<Utc>) -> bool {
        !self.passed_at(visited_at)
    }

    /// The exact instant, when the rule has one.
    pub fn instant(self) -> Option<DateTime<Utc>> {
        match self {
            FirstVisitDeadline::At(at) => Some(at),
            FirstVisitDeadline::EndOf(_) => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitFact {
    pub id: Uuid,
    /// Its local day.
    pub on: NaiveDate,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferralFact {
    pub id: Uuid,
    pub kind: ReferralKind,
    pub sent_on: NaiveDate,
    /// The partner answered (accepted or declined), with the record that says so.
    pub answered: Option<Uuid>,
    pub cancelled: bool,
}

/// What the rules need to know about a case.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CaseFacts {
    pub case_id: Uuid,
    /// The day of the return (foreigners: of the protection or permit decision).
    pub returned_on: Option<NaiveDate>,
    /// Its instant, when the earliest return's hour is known.
    pub returned_at: Option<DateTime<Utc>>,
    pub visits: Vec<VisitFact>,
    /// Monthly monitoring records, by day.
    pub monitorings: Vec<(Uuid, NaiveDate)>,
    /// Quarterly review records, by day.
    pub reviews: Vec<(Uuid, NaiveDate)>,
    /// The day the plan was first approved: its clock starts there.
    pub plan_active_since: Option<NaiveDate>,
    pub rent_paid_by_programme: bool,
    /// The last day of the programme's rent, when it is agreed.
    pub rent_ends_on: Option<NaiveDate>,
    /// Housing review records, by day: only they complete the 12-month step.
    pub housing_reviews: Vec<(Uuid, NaiveDate)>,
    /// Final assessment records, by day: only they complete the 18-month step.
    pub final_assessments: Vec<(Uuid, NaiveDate)>,
    pub closed_on: Option<NaiveDate>,
    pub referrals: Vec<ReferralFact>,
    /// The children's schooling, with their absences and the team's actions.
    pub schooling: Vec<SchoolFacts>,
}

/// One child's schooling as the rules see it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SchoolFacts {
    pub id: Uuid,
    pub schooling: Schooling,
    pub attendance: Vec<Attendance>,
    pub actions: Vec<(Uuid, SchoolAction)>,
}

/// Days from a child's flag to the case worker's visit.
pub const SCHOOL_RISK_VISIT_DAYS: u64 = 7;

/// Today in Kosovo.
pub fn local_today(now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&Belgrade).date_naive()
}

/// The time of day in Kosovo, `HH:MM`.
pub fn local_hhmm(at: DateTime<Utc>) -> String {
    at.with_timezone(&Belgrade).format("%H:%M").to_string()
}

/// The instant a follow-up due on `day` becomes overdue: the next local midnight.
pub fn overdue_from(day: NaiveDate) -> DateTime<Utc> {
    let next = day + Days::new(1);
    let midnight = next.and_hms_opt(0, 0, 0).unwrap_or_default();
    // Midnight always exists in Belgrade (the clocks change at 02:00 and 03:00).
    Belgrade
        .from_local_datetime(&midnight)
        .earliest()
        .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
}

fn status(due_on: NaiveDate, done: Option<Uuid>, cancelled: bool, now: DateTime<Utc>) -> Status {
    status_from(now >= overdue_from(due_on), done, cancelled)
}

fn status_from(passed: bool, done: Option<Uuid>, cancelled: bool) -> Status {
    if done.is_some() {
        Status::Done
    } else if cancelled {
        Status::Cancelled
    } else if passed {
        Status::Overdue
    } else {
        Status::Due
    }
}

/// How far ahead recurring follow-ups are listed.
const HORIZON_MONTHS: u32 = 3;

/// Every follow-up of the case as of `now`. Deterministic: the same facts and instant give the
/// same list, so rebuilding from the records reproduces what is stored.
pub fn schedule(facts: &CaseFacts, days: &ReferralDays, now: DateTime<Utc>) -> Vec<FollowUp> {
    schedule_with(facts, days, &Thresholds::default(), now)
}

/// [`schedule`] with the municipality's early-warning thresholds.
pub fn schedule_with(
    facts: &CaseFacts,
    days: &ReferralDays,
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> Vec<FollowUp> {
    let mut out = Vec::new();
    let mut first_visit = None;
    let closed = facts.closed_on.is_some();
    let mut push = |key: String, kind, due_on, done_by: Option<Uuid>| {
        let cancelled = closed && done_by.is_none();
        out.push(FollowUp {
            case_id: facts.case_id,
            key,
            kind,
            due_on,
            due_at: None,
            status: status(due_on, done_by, cancelled, now),
            done_by,
            late: false,
        });
    };
    let horizon = local_today(now) + Months::new(HORIZON_MONTHS);

    if let Some(returned) = facts.returned_on {
        // 72 elapsed hours from the return when its hour is known, else through the third day.
        let deadline = FirstVisitDeadline::of(returned, facts.returned_at);
        let first = first_visit_after(facts);
        first_visit = Some(FollowUp {
            case_id: facts.case_id,
            key: "first_visit".into(),
            kind: FollowUpKind::FirstVisit,
            due_on: deadline.day(),
            due_at: deadline.instant(),
            status: status_from(deadline.passed_at(now), first.map(|v| v.id), closed && first.is_none()),
            done_by: first.map(|v| v.id),
            late: first.is_some_and(|v| !deadline.met_by(v.at)),
        });

        let final_due = returned + Months::new(18);
        let opens = super::closure::final_assessment_opens(returned);
        let final_done = facts
            .final_assessments
            .iter()
            .filter(|(_, on)| *on >= opens)
            .min_by_key(|(id, on)| (*on, *id))
            .map(|(id, _)| *id);
        push(
            "final_assessment".into(),
            FollowUpKind::FinalAssessment,
            final_due,
            final_done,
        );

        if facts.rent_paid_by_programme {
            let reviewed = facts
                .housing_reviews
                .iter()
                .min_by_key(|(id, on)| (*on, *id))
                .map(|(id, _)| *id);
            push(
                "housing_review".into(),
                FollowUpKind::HousingReview,
                returned + Months::new(12),
                reviewed,
            );
        }
    }

    // A month before the rent ends someone must have said what comes after it.
    if let Some(ends) = facts.rent_ends_on {
        let said = facts
            .housing_reviews
            .iter()
            .max_by_key(|(id, on)| (*on, *id))
            .map(|(id, _)| *id);
        push("rent_end".into(), FollowUpKind::RentEnd, ends - Months::new(1), said);
    }

    if let Some(start) = facts.plan_active_since {
        let end = facts.closed_on.unwrap_or(horizon).min(horizon);
        let months: Vec<u32> = (1u32..).take_while(|n| start + Months::new(*n) <= end).collect();
        let window = |from: u32, to: u32| (start + Months::new(from), start + Months::new(to));
        let monthly: Vec<_> = months.iter().map(|n| window(n - 1, *n)).collect();
        let quarters: Vec<_> = months
            .iter()
            .filter(|n| *n % 3 == 0)
            .map(|n| window(n - 3, *n))
            .collect();
        let monitored = fulfil(&monthly, &facts.monitorings);
        let reviewed = fulfil(&quarters, &facts.reviews);
        let mut reviewed = reviewed.into_iter();
        for (n, done) in months.iter().zip(monitored) {
            let due = start + Months::new(*n);
            push(format!("monitoring:{n}"), FollowUpKind::Monitoring, due, done);
            if n % 3 == 0 {
                let review = reviewed.next().flatten();
                push(
                    format!("quarterly_review:{}", n / 3),
                    FollowUpKind::QuarterlyReview,
                    due,
                    review,
                );
            }
        }
    }

    let mut school_actions = Vec::new();
    for child in &facts.schooling {
        let today = local_today(now);
        let risks = school::risks(&child.schooling, &child.attendance, thresholds, today);
        // Flagged: the case worker visits the family within a week, any visit from the flag on.
        if let Some(since) = school::flagged_since(&risks) {
            let visited = facts.visits.iter().find(|v| v.on >= since).map(|v| v.id);
            push(
                format!("school_risk:{}", child.id),
                FollowUpKind::SchoolRisk,
                since + Days::new(SCHOOL_RISK_VISIT_DAYS),
                visited,
            );
        }
        // Each action's follow-up day is done by the next action on the child.
        for (id, action) in &child.actions {
            let (Some(due), Some(on)) = (action.follow_up_on, action.done_on) else {
                continue;
            };
            let next = child
                .actions
                .iter()
                .filter(|(other, a)| other != id && a.done_on.is_some_and(|d| d > on))
                .min_by_key(|(other, a)| (a.done_on, *other))
                .map(|(other, _)| *other);
            let ended = child.schooling.ended_on.is_some();
            school_actions.push(FollowUp {
                case_id: facts.case_id,
                key: format!("school_action:{id}"),
                kind: FollowUpKind::SchoolAction,
                due_on: due,
                due_at: None,
                status: status(due, next, ended || closed, now),
                done_by: next,
                late: false,
            });
        }
    }
    for r in &facts.referrals {
        let due = r.sent_on + Days::new(u64::from(days.days(r.kind)));
        let key = format!("referral:{}", r.id);
        let cancelled = r.cancelled || closed;
        out_push_referral(&mut out, facts.case_id, key, r.kind, due, r.answered, cancelled, now);
    }

    out.extend(school_actions);
    out.extend(first_visit);
    out.sort_by(|a, b| a.due_on.cmp(&b.due_on).then(a.key.cmp(&b.key)));
    out
}

impl FollowUp {
    /// Past its deadline at `now` (done or not).
    pub fn passed_at(&self, now: DateTime<Utc>) -> bool {
        match self.due_at {
            Some(at) => now > at,
            None => now >= overdue_from(self.due_on),
        }
    }
}

/// The first visit on or after the return's day (a visit the same day but before the hour of
/// the return still counts: the family may be met at the airport).
pub fn first_visit_after(facts: &CaseFacts) -> Option<&VisitFact> {
    let returned = facts.returned_on?;
    facts
        .visits
        .iter()
        .filter(|v| v.on >= returned)
        .min_by_key(|v| (v.at, v.id))
}

/// Which record fulfils each period `(after, through]` of a recurring follow-up: in date order,
/// each record fulfils the oldest open period that had begun by its day, so a late monitoring
/// completes the month it was late for. Each record counts once.
fn fulfil(periods: &[(NaiveDate, NaiveDate)], records: &[(Uuid, NaiveDate)]) -> Vec<Option<Uuid>> {
    let mut sorted: Vec<&(Uuid, NaiveDate)> = records.iter().collect();
    sorted.sort_by_key(|(id, on)| (*on, *id));
    let mut done = vec![None; periods.len()];
    for (id, on) in sorted {
        if let Some(p) = (0..periods.len()).find(|&p| done[p].is_none() && periods[p].0 < *on) {
            done[p] = Some(*id);
        }
    }
    done
}

#[allow(clippy::too_many_arguments)]
fn out_push_referral(
    out: &mut Vec<FollowUp>,
    case_id: Uuid,
    key: String,
    kind: ReferralKind,
    due_on: NaiveDate,
    answered: Option<Uuid>,
    cancelled: bool,
    now: DateTime<Utc>,
) {
    out.push(FollowUp {
        case_id,
        key,
        kind: FollowUpKind::Referral(kind),
        due_on,
        due_at: None,
        status: status(due_on, answered, cancelled, now),
        done_by: answered,
        late: false,
    });
}

/// The worker's agenda: what is overdue, due today, and due in the next seven days.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Agenda {
    pub overdue: Vec<FollowUp>,
    pub today: Vec<FollowUp>,
    pub this_week: Vec<FollowUp>,
}

pub fn agenda(follow_ups: impl IntoIterator<Item = FollowUp>, now: DateTime<Utc>) -> Agenda {
    let today = local_today(now);
    let week = today + Days::new(7);
    let mut a = Agenda::default();
    for f in follow_ups {
        match f.status {
            Status::Overdue => a.overdue.push(f),
            Status::Due if f.due_on == today => a.today.push(f),
            Status::Due if f.due_on <= week => a.this_week.push(f),
            _ => {}
        }
    }
    a
}

/// The facts of one case from its records (kind, ID, fields), as both the phone and the server
/// hold them. Plans, referrals and closure dates join here as those records are added.
pub fn facts_from_records<'a>(
    case_id: Uuid,
    records: impl IntoIterator<Item = (RecordKind, Uuid, &'a Fields)>,
) -> CaseFacts {
    let mut facts = CaseFacts {
        case_id,
        ..Default::default()
    };
    let mut assessments = Vec::new();
    for (kind, id, fields) in records {
        // Records that do not read as their kind were refused on arrival: nothing to schedule.
        match kind {
            RecordKind::ReturnEvent => {
                let Ok(r) = ReturnEvent::from_fields(fields) else {
                    continue;
                };
                // The earliest return of the household starts the clock; on the same day the
                // earlier hour, and an unknown hour only when no return of that day has one.
                if let Some(on) = r.event_date {
                    let at = r.returned_at();
                    let earlier = match facts.returned_on {
                        None => true,
                        Some(d) if on != d => on < d,
                        Some(_) => match (facts.returned_at, at) {
                            (Some(a), Some(b)) => b < a,
                            (None, Some(_)) => true,
                            _ => false,
                        },
                    };
                    if earlier {
                        facts.returned_on = Some(on);
                        facts.returned_at = at;
                    }
                }
            }
            RecordKind::Visit => {
                if let Some(at) = Visit::from_fields(fields).ok().and_then(|v| v.visited_at) {
                    facts.visits.push(VisitFact {
                        id,
                        on: local_today(at),
                        at,
                    });
                }
            }
            RecordKind::PlanDecision => {
                let Ok(d) = PlanDecision::from_fields(fields) else {
                    continue;
                };
                if let (true, Some(at)) = (d.approves(), d.decided_at) {
                    let on = local_today(at);
                    facts.plan_active_since = Some(facts.plan_active_since.map_or(on, |s| s.min(on)));
                }
            }
            RecordKind::Monitoring => {
                if let Some(on) = Monitoring::from_fields(fields).ok().and_then(|m| m.done_on) {
                    facts.monitorings.push((id, on));
                }
            }
            RecordKind::Review => {
                if let Some(on) = Review::from_fields(fields).ok().and_then(|r| r.done_on) {
                    facts.reviews.push((id, on));
                }
            }
            RecordKind::Case => {
                if let Ok(c) = Case::from_fields(fields) {
                    facts.closed_on = c.is_closed().then_some(c.closed_on).flatten();
                }
            }
            RecordKind::Housing => {
                if let Ok(h) = Housing::from_fields(fields) {
                    facts.rent_paid_by_programme |= h.rent_by_programme();
                    facts.rent_ends_on = h.rent_to;
                }
            }
            RecordKind::HousingReview => {
                if let Some(on) = HousingReview::from_fields(fields).ok().and_then(|r| r.done_on) {
                    facts.housing_reviews.push((id, on));
                }
            }
            RecordKind::FinalAssessment => {
                if let Some(on) = FinalAssessment::from_fields(fields).ok().and_then(|r| r.done_on) {
                    facts.final_assessments.push((id, on));
                }
            }
            RecordKind::Assessment => {
                if let Ok(a) = Assessment::from_fields(fields) {
                    if let Some(at) = a.completed_at {
                        assessments.push((id, local_today(at), a.rent_paid_by_programme()));
                    }
                }
            }
            RecordKind::Schooling => {
                if let Ok(s) = Schooling::from_fields(fields) {
                    school_of(&mut facts.schooling, id).schooling = s;
                }
            }
            RecordKind::Attendance => {
                if let Ok(a) = Attendance::from_fields(fields) {
                    if let Some(child) = a.schooling_id {
                        school_of(&mut facts.schooling, child).attendance.push(a);
                    }
                }
            }
            RecordKind::SchoolAction => {
                if let Ok(a) = SchoolAction::from_fields(fields) {
                    if let Some(child) = a.schooling_id {
                        school_of(&mut facts.schooling, child).actions.push((id, a));
                    }
                }
            }
            RecordKind::Referral => {
                let Ok(r) = Referral::from_fields(fields) else { continue };
                if let (Some(kind), Some(sent_on)) = (r.kind(), r.sent_on) {
                    let answered = r.partner_answered();
                    facts.referrals.push(ReferralFact {
                        id,
                        kind,
                        sent_on,
                        answered: answered.then_some(id),
                        // Closed by the worker before the institution answered.
                        cancelled: !answered && r.state() == "closed",
                    });
                }
            }
            _ => {}
        }
    }
    facts.visits.sort_by_key(|v| (v.on, v.id));
    assessments.sort_by_key(|(id, on, _)| (*on, *id));
    // The latest assessment says who pays the rent now, unless the housing track says so.
    facts.rent_paid_by_programme |= assessments.last().is_some_and(|(_, _, rent)| *rent);
    // Absences and actions of a schooling record this copy lacks count for nothing.
    facts
        .schooling
        .retain(|s| !s.schooling.first_name.is_empty() || !s.schooling.last_name.is_empty());
    facts.schooling.sort_by_key(|s| s.id);
    facts
}

fn school_of(children: &mut Vec<SchoolFacts>, id: Uuid) -> &mut SchoolFacts {
    let at = match children.iter().position(|c| c.id == id) {
        Some(i) => i,
        None => {
            children.push(SchoolFacts {
                id,
                ..Default::default()
            });
            children.len() - 1
        }
    };
    &mut children[at]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn case(returned: &str) -> CaseFacts {
        CaseFacts {
            case_id: Uuid::nil(),
            returned_on: Some(day(returned)),
            ..Default::default()
        }
    }

    fn first_visit(f: &CaseFacts, now: &str) -> FollowUp {
        schedule(f, &ReferralDays::default(), at(now))
            .into_iter()
            .find(|x| x.key == "first_visit")
            .unwrap()
    }

    #[test]
    fn the_72_hour_visit_is_due_on_the_third_day_and_overdue_from_the_next_local_midnight() {
        let f = case("2026-11-20");
        assert_eq!(first_visit(&f, "2026-11-23T22:59:59Z").due_on, day("2026-11-23"));
        // Belgrade is UTC+1 in November: midnight of the 24th is 23:00 UTC on the 23rd.
        assert_eq!(first_visit(&f, "2026-11-23T22:59:59Z").status, Status::Due);
        assert_eq!(first_visit(&f, "2026-11-23T23:00:00Z").status, Status::Overdue);
    }

    #[test]
    fn a_visit_on_or_after_the_return_fulfils_it() {
        let mut f = case("2026-11-20");
        f.visits.push(VisitFact {
            id: Uuid::from_u128(1),
            on: day("2026-11-19"),
            at: at("2026-11-19T10:00:00Z"),
        });
        assert_eq!(first_visit(&f, "2026-11-21T10:00:00Z").status, Status::Due);
        f.visits.push(VisitFact {
            id: Uuid::from_u128(2),
            on: day("2026-11-25"),
            at: at("2026-11-25T10:00:00Z"),
        });
        let fv = first_visit(&f, "2026-11-30T10:00:00Z");
        assert_eq!((fv.status, fv.done_by), (Status::Done, Some(Uuid::from_u128(2))));
        // The 25th is two days after the third day: done, and late.
        assert!(fv.late);
    }

    fn json(v: serde_json::Value) -> Fields {
        serde_json::from_value(v).unwrap()
    }

    fn visit(n: u128, at_: &str) -> VisitFact {
        VisitFact {
            id: Uuid::from_u128(n),
            on: local_today(at(at_)),
            at: at(at_),
        }
    }

    #[test]
    fn a_return_at_a_known_hour_is_due_72_elapsed_hours_later() {
        // Returned 20 November at 14:30 in Kosovo (13:30 UTC): due 23 November 14:30.
        let mut f = case("2026-11-20");
        f.returned_at = Some(at("2026-11-20T13:30:00Z"));
        let fv = first_visit(&f, "2026-11-23T13:30:00Z");
        assert_eq!(
            (fv.due_on, fv.due_at, fv.status),
            (day("2026-11-23"), Some(at("2026-11-23T13:30:00Z")), Status::Due)
        );
        // One second later it is overdue, nine hours before the day-only rule would say so.
        assert_eq!(first_visit(&f, "2026-11-23T13:30:01Z").status, Status::Overdue);
        // A visit at 13:00 UTC on the 23rd is on time; one at 15:00 UTC is done but late.
        f.visits.push(visit(1, "2026-11-23T13:00:00Z"));
        let fv = first_visit(&f, "2026-11-30T10:00:00Z");
        assert_eq!((fv.status, fv.late), (Status::Done, false));
        f.visits = vec![visit(2, "2026-11-23T15:00:00Z")];
        let fv = first_visit(&f, "2026-11-30T10:00:00Z");
        assert_eq!(
            (fv.status, fv.done_by, fv.late),
            (Status::Done, Some(Uuid::from_u128(2)), true)
        );
        // Without the hour the same visit is on time: the day-only rule runs to the 23rd's end.
        f.returned_at = None;
        let fv = first_visit(&f, "2026-11-30T10:00:00Z");
        assert_eq!((fv.due_at, fv.late), (None, false));
    }

    #[test]
    fn the_hour_of_the_return_is_read_in_kosovos_zone_from_the_record() {
        let ret = json(serde_json::json!({"event_date": "2026-07-10", "event_time": "23:30"}));
        let facts = facts_from_records(Uuid::nil(), [(RecordKind::ReturnEvent, Uuid::from_u128(1), &ret)]);
        // Summer: UTC+2.
        assert_eq!(facts.returned_at, Some(at("2026-07-10T21:30:00Z")));
        assert_eq!(facts.returned_on, Some(day("2026-07-10")));
        // Over 72 hours the clocks may change: 24 October 2026 10:00 (UTC+2) + 72 h is
        // 27 October 09:00 local (UTC+1).
        let autumn = json(serde_json::json!({"event_date": "2026-10-24", "event_time": "10:00"}));
        let facts = facts_from_records(Uuid::nil(), [(RecordKind::ReturnEvent, Uuid::from_u128(1), &autumn)]);
        let fv = first_visit(&facts, "2026-10-25T00:00:00Z");
        assert_eq!(fv.due_at, Some(at("2026-10-27T08:00:00Z")));
        assert_eq!(fv.due_on, day("2026-10-27"));
        // Two returns on one day: the earlier hour starts the clock; a return without an hour
        // on an earlier day wins over both.
        let later = json(serde_json::json!({"event_date": "2026-07-10", "event_time": "08:00"}));
        let facts = facts_from_records(
            Uuid::nil(),
            [
                (RecordKind::ReturnEvent, Uuid::from_u128(1), &ret),
                (RecordKind::ReturnEvent, Uuid::from_u128(2), &later),
            ],
        );
        assert_eq!(facts.returned_at, Some(at("2026-07-10T06:00:00Z")));
        let day_before = json(serde_json::json!({"event_date": "2026-07-09"}));
        let facts = facts_from_records(
            Uuid::nil(),
            [
                (RecordKind::ReturnEvent, Uuid::from_u128(1), &ret),
                (RecordKind::ReturnEvent, Uuid::from_u128(3), &day_before),
            ],
        );
        assert_eq!((facts.returned_on, facts.returned_at), (Some(day("2026-07-09")), None));
    }

    #[test]
    fn daylight_saving_changes_do_not_move_the_deadline() {
        // Clocks go forward on 29 March 2026 and back on 25 October 2026.
        let spring = case("2026-03-27");
        assert_eq!(first_visit(&spring, "2026-03-30T21:59:59Z").status, Status::Due);
        assert_eq!(first_visit(&spring, "2026-03-30T22:00:00Z").status, Status::Overdue);
        let autumn = case("2026-10-23");
        assert_eq!(first_visit(&autumn, "2026-10-26T22:59:59Z").status, Status::Due);
        assert_eq!(first_visit(&autumn, "2026-10-26T23:00:00Z").status, Status::Overdue);
    }

    #[test]
    fn month_ends_and_29_february() {
        let mut f = case("2027-08-31");
        f.plan_active_since = Some(day("2027-08-31"));
        let all = schedule(&f, &ReferralDays::default(), at("2027-12-15T09:00:00Z"));
        let monitoring: Vec<_> = all
            .iter()
            .filter(|x| x.kind == FollowUpKind::Monitoring)
            .map(|x| x.due_on)
            .collect();
        assert_eq!(
            &monitoring[..4],
            &[
                day("2027-09-30"),
                day("2027-10-31"),
                day("2027-11-30"),
                day("2027-12-31")
            ]
        );
        assert!(all
            .iter()
            .any(|x| x.kind == FollowUpKind::QuarterlyReview && x.due_on == day("2027-11-30")));
        // 18 months from 31 August 2027 is 29 February 2029? No: 2029 is not a leap year.
        assert_eq!(
            all.iter()
                .find(|x| x.kind == FollowUpKind::FinalAssessment)
                .unwrap()
                .due_on,
            day("2029-02-28")
        );
        let leap = case("2026-08-31");
        let fa = schedule(&leap, &ReferralDays::default(), at("2026-09-01T00:00:00Z"));
        assert_eq!(
            fa.iter()
                .find(|x| x.kind == FollowUpKind::FinalAssessment)
                .unwrap()
                .due_on,
            day("2028-02-29")
        );
        let feb29 = case("2028-02-29");
        assert_eq!(first_visit(&feb29, "2028-03-01T00:00:00Z").due_on, day("2028-03-03"));
    }

    #[test]
    fn referrals_follow_their_kind_and_close_with_the_answer_or_the_case() {
        let mut f = case("2026-11-01");
        let r = Uuid::from_u128(7);
        f.referrals.push(ReferralFact {
            id: r,
            kind: ReferralKind::Psychosocial,
            sent_on: day("2026-11-02"),
            answered: None,
            cancelled: false,
        });
        let mut days = ReferralDays::default();
        let due = |f: &CaseFacts, days: &ReferralDays, now| {
            schedule(f, days, at(now))
                .into_iter()
                .find(|x| x.key == format!("referral:{r}"))
                .unwrap()
        };
        assert_eq!(due(&f, &days, "2026-11-05T10:00:00Z").due_on, day("2026-11-09"));
        days.0.retain(|(k, _)| *k != ReferralKind::Psychosocial);
        days.0.push((ReferralKind::Psychosocial, 3));
        assert_eq!(due(&f, &days, "2026-11-06T10:00:00Z").status, Status::Overdue);
        f.referrals[0].answered = Some(Uuid::from_u128(8));
        assert_eq!(due(&f, &days, "2026-11-06T10:00:00Z").status, Status::Done);
        f.referrals[0].answered = None;
        f.closed_on = Some(day("2026-11-05"));
        assert_eq!(due(&f, &days, "2026-11-06T10:00:00Z").status, Status::Cancelled);
    }

    #[test]
    fn the_agenda_sorts_overdue_today_and_this_week() {
        let now = at("2026-11-23T09:00:00Z");
        let facts = [
            case("2026-11-18"),
            case("2026-11-20"),
            case("2026-11-21"),
            case("2026-12-20"),
        ];
        let all = facts.iter().flat_map(|f| schedule(f, &ReferralDays::default(), now));
        let a = agenda(all, now);
        let days = |v: &Vec<FollowUp>| v.iter().map(|f| f.due_on).collect::<Vec<_>>();
        assert_eq!(days(&a.overdue), vec![day("2026-11-21")]);
        assert_eq!(days(&a.today), vec![day("2026-11-23")]);
        assert_eq!(days(&a.this_week), vec![day("2026-11-24")]);
    }

    #[test]
    fn facts_come_from_the_records_in_local_days() {
        let case_id = Uuid::from_u128(1);
        let ret: Fields = serde_json::from_value(serde_json::json!({"event_date": "2026-11-20"})).unwrap();
        // 23:30 UTC on the 21st is already the 22nd in Kosovo.
        let visit: Fields =
            serde_json::from_value(serde_json::json!({"visited_at": "2026-11-21T23:30:00Z", "kind": "initial"}))
                .unwrap();
        let facts = facts_from_records(
            case_id,
            [
                (RecordKind::ReturnEvent, Uuid::from_u128(2), &ret),
                (RecordKind::Visit, Uuid::from_u128(3), &visit),
            ],
        );
        assert_eq!(facts.returned_on, Some(day("2026-11-20")));
        assert_eq!(facts.visits[0].on, day("2026-11-22"));
        assert_eq!(first_visit(&facts, "2026-11-25T09:00:00Z").status, Status::Done);
    }

    #[test]
    fn stored_names_round_trip_and_municipal_days_stay_in_range() {
        let mut kinds = vec![
            FollowUpKind::FirstVisit,
            FollowUpKind::Monitoring,
            FollowUpKind::QuarterlyReview,
            FollowUpKind::HousingReview,
            FollowUpKind::FinalAssessment,
        ];
        kinds.extend(ReferralKind::ALL.map(FollowUpKind::Referral));
        for k in kinds {
            assert_eq!(FollowUpKind::parse(&k.code()), Some(k));
        }
        assert_eq!(FollowUpKind::parse("referral:dentist"), None);
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
        let days = ReferralDays::with_overrides([(ReferralKind::Housing, 21), (ReferralKind::Health, 0)]);
        assert_eq!(days.days(ReferralKind::Housing), 21);
        assert_eq!(days.days(ReferralKind::Health), 14);
    }

    #[test]
    fn the_housing_review_follows_the_latest_assessment_rent_answer() {
        let case_id = Uuid::from_u128(1);
        let ret: Fields = serde_json::from_value(serde_json::json!({"event_date": "2026-01-10"})).unwrap();
        let paid = |on: &str, yes: bool| -> Fields {
            serde_json::from_value(serde_json::json!({
                "completed_at": on,
                "answers": {"household": {"housing_tenure": "rented", "rent_paid_by_programme": yes}}
            }))
            .unwrap()
        };
        let (first, later) = (paid("2026-01-12T10:00:00Z", true), paid("2026-04-12T10:00:00Z", false));
        let review = |records: Vec<(RecordKind, Uuid, &Fields)>| {
            let facts = facts_from_records(case_id, records);
            schedule(&facts, &ReferralDays::default(), at("2026-05-01T10:00:00Z"))
                .into_iter()
                .find(|f| f.kind == FollowUpKind::HousingReview)
                .map(|f| f.due_on)
        };
        let r = (RecordKind::ReturnEvent, Uuid::from_u128(2), &ret);
        let a1 = (RecordKind::Assessment, Uuid::from_u128(3), &first);
        let a2 = (RecordKind::Assessment, Uuid::from_u128(4), &later);
        assert_eq!(review(vec![r, a1]), Some(day("2027-01-10")));
        assert_eq!(review(vec![r, a1, a2]), None);
    }

    #[test]
    fn only_a_final_assessment_from_the_17th_month_completes_the_18_month_step() {
        let case_id = Uuid::from_u128(1);
        let ret: Fields = serde_json::from_value(serde_json::json!({"event_date": "2026-01-10"})).unwrap();
        let assessment: Fields =
            serde_json::from_value(serde_json::json!({"completed_at": "2027-06-20T10:00:00Z"})).unwrap();
        let final_on = |on: &str| -> Fields { serde_json::from_value(serde_json::json!({"done_on": on})).unwrap() };
        let (early, late) = (final_on("2027-06-09"), final_on("2027-06-10"));
        let fa = |records: Vec<(RecordKind, Uuid, &Fields)>| {
            let facts = facts_from_records(case_id, records);
            schedule(&facts, &ReferralDays::default(), at_instant("2027-07-01T10:00:00Z"))
                .into_iter()
                .find(|f| f.kind == FollowUpKind::FinalAssessment)
                .map(|f| (f.due_on, f.status, f.done_by))
        };
        let r = (RecordKind::ReturnEvent, Uuid::from_u128(2), &ret);
        // An ordinary assessment in the 18th month is not the final assessment.
        let a = (RecordKind::Assessment, Uuid::from_u128(3), &assessment);
        // 10 January + 17 months = 10 June 2027: the day before is too early.
        let f1 = (RecordKind::FinalAssessment, Uuid::from_u128(4), &early);
        let f2 = (RecordKind::FinalAssessment, Uuid::from_u128(5), &late);
        assert_eq!(fa(vec![r, a, f1]), Some((day("2027-07-10"), Status::Due, None)));
        assert_eq!(
            fa(vec![r, a, f1, f2]),
            Some((day("2027-07-10"), Status::Done, Some(Uuid::from_u128(5))))
        );
    }

    #[test]
    fn only_a_housing_review_completes_the_12_month_step_and_a_rent_end_is_flagged_a_month_ahead() {
        let case_id = Uuid::from_u128(1);
        let ret = json(serde_json::json!({"event_date": "2026-01-10"}));
        let housing = json(serde_json::json!({
            "situation": "rent_by_programme", "rent_from": "2026-02-01", "rent_to": "2027-01-31"
        }));
        let visit = json(serde_json::json!({"visited_at": "2027-01-10T09:00:00Z"}));
        let review = json(serde_json::json!({"done_on": "2026-12-20", "after_rent": "own_means"}));
        let r = (RecordKind::ReturnEvent, Uuid::from_u128(2), &ret);
        let h = (RecordKind::Housing, Uuid::from_u128(3), &housing);
        let v = (RecordKind::Visit, Uuid::from_u128(4), &visit);
        let hr = (RecordKind::HousingReview, Uuid::from_u128(5), &review);
        let of = |records: Vec<(RecordKind, Uuid, &Fields)>, kind| {
            let facts = facts_from_records(case_id, records);
            schedule(&facts, &ReferralDays::default(), at("2027-01-15T10:00:00Z"))
                .into_iter()
                .find(|f| f.kind == kind)
                .map(|f| (f.due_on, f.status))
        };
        // Without a review: the 12-month step (10 January) and the rent end (31 December, a
        // month before 31 January) are both overdue; a visit clears neither.
        assert_eq!(
            of(vec![r, h, v], FollowUpKind::HousingReview),
            Some((day("2027-01-10"), Status::Overdue))
        );
        assert_eq!(
            of(vec![r, h, v], FollowUpKind::RentEnd),
            Some((day("2026-12-31"), Status::Overdue))
        );
        assert_eq!(
            of(vec![r, h, v, hr], FollowUpKind::HousingReview),
            Some((day("2027-01-10"), Status::Done))
        );
        assert_eq!(
            of(vec![r, h, v, hr], FollowUpKind::RentEnd),
            Some((day("2026-12-31"), Status::Done))
        );
        // A closed case leaves nothing to do, and its undone steps are cancelled.
        let closed = json(serde_json::json!({"status": "closed", "closed_on": "2027-01-12"}));
        let c = (RecordKind::Case, case_id, &closed);
        assert_eq!(
            of(vec![r, h, c], FollowUpKind::HousingReview),
            Some((day("2027-01-10"), Status::Cancelled))
        );
    }

    fn at_instant(s: &str) -> DateTime<Utc> {
        at(s)
    }

    #[test]
    fn a_case_ten_months_in_has_the_due_dates_counted_by_hand() {
        // Returned 31 January, plan active from 15 February, rent paid by the programme; seen on
        // 23 November with nothing done. Counted by hand: first visit 31 Jan + 3 days; housing
        // review 31 Jan + 12 months; final assessment 31 Jan + 18 months; monitoring on the 15th
        // of each month from March until the horizon (23 Nov + 3 months = 23 Feb), a review every
        // third month; everything through 15 November is overdue.
        let mut f = case("2026-01-31");
        f.plan_active_since = Some(day("2026-02-15"));
        f.rent_paid_by_programme = true;
        let got: Vec<(String, NaiveDate, Status)> = schedule(&f, &ReferralDays::default(), at("2026-11-23T09:00:00Z"))
            .into_iter()
            .map(|x| (x.key, x.due_on, x.status))
            .collect();
        use Status::{Due, Overdue};
        let expected = [
            ("first_visit", "2026-02-03", Overdue),
            ("monitoring:1", "2026-03-15", Overdue),
            ("monitoring:2", "2026-04-15", Overdue),
            ("monitoring:3", "2026-05-15", Overdue),
            ("quarterly_review:1", "2026-05-15", Overdue),
            ("monitoring:4", "2026-06-15", Overdue),
            ("monitoring:5", "2026-07-15", Overdue),
            ("monitoring:6", "2026-08-15", Overdue),
            ("quarterly_review:2", "2026-08-15", Overdue),
            ("monitoring:7", "2026-09-15", Overdue),
            ("monitoring:8", "2026-10-15", Overdue),
            ("monitoring:9", "2026-11-15", Overdue),
            ("quarterly_review:3", "2026-11-15", Overdue),
            ("monitoring:10", "2026-12-15", Due),
            ("monitoring:11", "2027-01-15", Due),
            ("housing_review", "2027-01-31", Due),
            ("monitoring:12", "2027-02-15", Due),
            ("quarterly_review:4", "2027-02-15", Due),
            ("final_assessment", "2027-07-31", Due),
        ]
        .map(|(k, d, s)| (k.to_string(), day(d), s));
        assert_eq!(got, expected.to_vec());
    }

    #[test]
    fn monitoring_and_reviews_are_done_by_their_own_records_from_the_first_approval() {
        let case_id = Uuid::from_u128(1);
        let json = |v: serde_json::Value| -> Fields { serde_json::from_value(v).unwrap() };
        let returned = json(
            serde_json::json!({"decision": "returned", "decided_at": "2027-01-20T10:00:00Z", "content_hash": "a"}),
        );
        let approved = json(
            serde_json::json!({"decision": "approved", "decided_at": "2027-01-31T10:00:00Z", "content_hash": "b"}),
        );
        let reapproved = json(
            serde_json::json!({"decision": "approved", "decided_at": "2027-03-10T10:00:00Z", "content_hash": "c"}),
        );
        let monitoring = |d: &str| json(serde_json::json!({"done_on": d}));
        let (a, b, c) = (
            monitoring("2027-02-27"),
            monitoring("2027-04-02"),
            monitoring("2027-04-20"),
        );
        let review = json(serde_json::json!({"done_on": "2027-05-03", "summary": "ID cards received"}));
        let visit = json(serde_json::json!({"visited_at": "2027-05-10T09:00:00Z", "kind": "monitoring"}));
        let id = Uuid::from_u128;
        let facts = facts_from_records(
            case_id,
            [
                (RecordKind::PlanDecision, id(10), &returned),
                (RecordKind::PlanDecision, id(11), &approved),
                (RecordKind::PlanDecision, id(12), &reapproved),
                (RecordKind::Monitoring, id(21), &a),
                (RecordKind::Monitoring, id(22), &b),
                (RecordKind::Monitoring, id(23), &c),
                (RecordKind::Review, id(31), &review),
                (RecordKind::Visit, id(41), &visit),
            ],
        );
        // A returned plan starts nothing; a later approval does not restart the clock.
        assert_eq!(facts.plan_active_since, Some(day("2027-01-31")));
        // Counted by hand from 31 January: months end 28 Feb, 31 Mar, 30 Apr, 31 May, 30 Jun,
        // 31 Jul, 31 Aug (the horizon is 5 June + 3 months). 27 Feb is month 1; 2 April is the
        // late monitoring of month 2; 20 April is month 3; the monitoring visit of 10 May is a
        // visit, not a monitoring: month 4 stays overdue. The review of 3 May came late for the
        // first quarter (through 30 April) and fulfils it.
        let got: Vec<(String, NaiveDate, Status, Option<Uuid>)> =
            schedule(&facts, &ReferralDays::default(), at("2027-06-05T09:00:00Z"))
                .into_iter()
                .filter(|f| matches!(f.kind, FollowUpKind::Monitoring | FollowUpKind::QuarterlyReview))
                .map(|f| (f.key, f.due_on, f.status, f.done_by))
                .collect();
        use Status::{Done, Due, Overdue};
        let expected = [
            ("monitoring:1", "2027-02-28", Done, Some(id(21))),
            ("monitoring:2", "2027-03-31", Done, Some(id(22))),
            ("monitoring:3", "2027-04-30", Done, Some(id(23))),
            ("monitoring:4", "2027-05-31", Overdue, None),
            ("monitoring:5", "2027-06-30", Due, None),
            ("monitoring:6", "2027-07-31", Due, None),
            ("quarterly_review:2", "2027-07-31", Due, None),
            ("monitoring:7", "2027-08-31", Due, None),
        ]
        .map(|(k, d, st, by)| (k.to_string(), day(d), st, by));
        let mut expected = expected.to_vec();
        expected.insert(3, ("quarterly_review:1".into(), day("2027-04-30"), Done, Some(id(31))));
        assert_eq!(got, expected);
    }

    #[test]
    fn a_flagged_child_puts_a_visit_on_the_case_workers_agenda_and_an_action_its_follow_up_on_the_teams() {
        use crate::domain::record::{Attendance, SchoolAction, Schooling};
        let child = Uuid::from_u128(50);
        let (call, visit_home) = (Uuid::from_u128(51), Uuid::from_u128(52));
        let schooling = Schooling {
            first_name: "Arbër".into(),
            last_name: "Hoxha".into(),
            returned_on: Some(day("2026-09-01")),
            enrolled_on: Some(day("2026-09-07")),
            school_id: Some(Uuid::from_u128(9)),
            ..Default::default()
        }
        .to_fields();
        // Two weeks: 2 + 3 absent days reach the default of 5 with the week ending 20 November.
        let week = |from: &str, to: &str, absent: i64| {
            Attendance {
                schooling_id: Some(child),
                period_from: Some(day(from)),
                period_to: Some(day(to)),
                school_days: Some(5),
                absent_days: Some(absent),
                longest_absence_run: Some(1),
            }
            .to_fields()
        };
        let (w1, w2) = (week("2026-11-09", "2026-11-13", 2), week("2026-11-16", "2026-11-20", 3));
        let action = |what: &str, on: &str, follow: Option<&str>| {
            SchoolAction {
                schooling_id: Some(child),
                action: Some(what.into()),
                done_on: Some(day(on)),
                done_by: Some("Mirjeta".into()),
                follow_up_on: follow.map(day),
                ..Default::default()
            }
            .to_fields()
        };
        let a1 = action("call_parents", "2026-11-21", Some("2026-11-23"));
        let case_id = Uuid::from_u128(1);
        let records = [
            (RecordKind::Schooling, child, &schooling),
            (RecordKind::Attendance, Uuid::from_u128(60), &w1),
            (RecordKind::Attendance, Uuid::from_u128(61), &w2),
            (RecordKind::SchoolAction, call, &a1),
        ];
        let facts = facts_from_records(case_id, records.iter().map(|(k, i, f)| (*k, *i, *f)));
        let got = |facts: &CaseFacts| -> Vec<(String, NaiveDate, Status, Option<Uuid>)> {
            schedule(facts, &ReferralDays::default(), at("2026-11-24T09:00:00Z"))
                .into_iter()
                .map(|f| (f.key, f.due_on, f.status, f.done_by))
                .collect()
        };
        assert_eq!(
            got(&facts),
            vec![
                (
                    format!("school_action:{call}"),
                    day("2026-11-23"),
                    Status::Overdue,
                    None
                ),
                // Flagged on 20 November: the visit is due within 7 days.
                (format!("school_risk:{child}"), day("2026-11-27"), Status::Due, None),
            ]
        );
        // The team's home visit the next day does the call's follow-up; the worker's visit on
        // 22 November does the risk's.
        let a2 = action("home_visit", "2026-11-24", None);
        let mut more = facts_from_records(
            case_id,
            records
                .iter()
                .map(|(k, i, f)| (*k, *i, *f))
                .chain([(RecordKind::SchoolAction, visit_home, &a2)]),
        );
        more.visits.push(VisitFact {
            id: Uuid::from_u128(70),
            on: day("2026-11-22"),
            at: at("2026-11-22T09:00:00Z"),
        });
        assert_eq!(
            got(&more),
            vec![
                (
                    format!("school_action:{call}"),
                    day("2026-11-23"),
                    Status::Done,
                    Some(visit_home)
                ),
                (
                    format!("school_risk:{child}"),
                    day("2026-11-27"),
                    Status::Done,
                    Some(Uuid::from_u128(70))
                ),
            ]
        );
        assert!(FollowUpKind::SchoolAction.is_school_teams() && !FollowUpKind::SchoolRisk.is_school_teams());
        assert_eq!(FollowUpKind::parse("school_risk"), Some(FollowUpKind::SchoolRisk));
    }
}
