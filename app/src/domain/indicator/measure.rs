//! The counts an indicator's numerator and denominator are made of, each defined once on the
//! case figures for a period. A measure is named by a stable code (`referrals_sent`), narrowed
//! by a destination, scheme or category after a colon (`referrals_sent:employment`).

use super::figures::{CaseFigures, LiteracyFigure};
use super::Period;
use crate::domain::record::benefit::SCHEMES;
use crate::domain::record::vulnerability::CATEGORIES;
use crate::domain::record::ReferralKind;
use chrono::{Months, NaiveDate};
use std::collections::BTreeSet;
use uuid::Uuid;

macro_rules! bases {
    ($($v:ident = $code:literal, $narrow:expr;)*) => {
        /// What a measure counts.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
        pub enum Base { $($v),* }

        impl Base {
            pub const ALL: &[Base] = &[$(Base::$v),*];

            pub fn code(self) -> &'static str {
                match self { $(Base::$v => $code),* }
            }

            /// What may narrow it after a colon, if anything.
            pub fn narrowed_by(self) -> Narrow {
                match self { $(Base::$v => $narrow),* }
            }
        }
    };
}

/// What a measure may be narrowed to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Narrow {
    Nothing,
    /// A referral's destination ([`ReferralKind`]).
    Destination,
    /// A claim's scheme ([`SCHEMES`]).
    Scheme,
    /// A person's vulnerable category ([`CATEGORIES`]).
    Category,
}

bases! {
    CasesOpen = "cases_open", Narrow::Nothing;
    Returns = "returns", Narrow::Nothing;
    FirstVisits = "first_visits", Narrow::Nothing;
    FirstVisitsIn72Hours = "first_visits_72h", Narrow::Nothing;
    Assessed = "assessed", Narrow::Nothing;
    Anamnesis = "anamnesis", Narrow::Nothing;
    PlansWritten = "plans_written", Narrow::Nothing;
    PlansApproved = "plans_approved", Narrow::Nothing;
    CaseManagerDecisions = "case_manager_decisions", Narrow::Nothing;
    Needs = "needs", Narrow::Nothing;
    NeedsServed = "needs_served", Narrow::Nothing;
    MonitoringDue = "monitoring_due", Narrow::Nothing;
    MonitoringOnTime = "monitoring_on_time", Narrow::Nothing;
    ReviewsDue = "reviews_due", Narrow::Nothing;
    ReviewsOnTime = "reviews_on_time", Narrow::Nothing;
    ReferralsSent = "referrals_sent", Narrow::Destination;
    ReferralsAnswered = "referrals_answered", Narrow::Destination;
    ReferralsAccepted = "referrals_accepted", Narrow::Destination;
    ReferralsServed = "referrals_served", Narrow::Destination;
    ReferralsOverdue = "referrals_overdue", Narrow::Destination;
    Claims = "claims", Narrow::Scheme;
    ClaimsApproved = "claims_approved", Narrow::Scheme;
    HousingApplications = "housing_applications", Narrow::Nothing;
    HousingDecisions = "housing_decisions", Narrow::Nothing;
    HousingApproved = "housing_approved", Narrow::Nothing;
    CasesAt12Months = "cases_12_months", Narrow::Nothing;
    PermanentHousingAt12Months = "permanent_housing_12_months", Narrow::Nothing;
    FinalAssessments = "final_assessments", Narrow::Nothing;
    Sustainable = "sustainable", Narrow::Nothing;
    Closures = "closures", Narrow::Nothing;
    OpenOver18Months = "open_over_18_months", Narrow::Nothing;
    CasesInCategory = "cases_in_category", Narrow::Category;
    Children = "children", Narrow::Nothing;
    ChildrenEnrolled = "children_enrolled", Narrow::Nothing;
    ChildrenInLanguageClasses = "children_language_classes", Narrow::Nothing;
    ChildrenNeedingCertificates = "children_certificate_needed", Narrow::Nothing;
    ChildrenNostrified = "children_nostrified", Narrow::Nothing;
    ChildrenAtRisk = "children_at_risk", Narrow::Nothing;
    ChildrenAtRiskHelped = "children_at_risk_helped", Narrow::Nothing;
    SchoolInterventions = "school_interventions", Narrow::Nothing;
    LiteracyAdults = "literacy_adults", Narrow::Nothing;
    LiteracyCompleted = "literacy_completed", Narrow::Nothing;
}

/// A count defined on the case figures.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Measure {
    pub base: Base,
    pub narrow: Option<String>,
}

/// Why a measure's code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum MeasureError {
    #[error("no measure is called {0:?}")]
    Unknown(String),
    #[error("{measure:?} cannot be narrowed to {narrow:?}")]
    BadNarrow { measure: String, narrow: String },
}

/// The result of a measure: how many, and the cases behind them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    pub count: u64,
    /// The cases (or, for literacy, the list entries) counted, each once.
    pub cases: BTreeSet<Uuid>,
}

impl Measure {
    pub fn of(base: Base) -> Self {
        Self { base, narrow: None }
    }

    pub fn narrowed(base: Base, narrow: &str) -> Self {
        Self {
            base,
            narrow: Some(narrow.into()),
        }
    }

    pub fn code(&self) -> String {
        match &self.narrow {
            Some(n) => format!("{}:{n}", self.base.code()),
            None => self.base.code().into(),
        }
    }

    pub fn parse(code: &str) -> Result<Self, MeasureError> {
        let (head, narrow) = match code.split_once(':') {
            Some((h, n)) => (h, Some(n)),
            None => (code, None),
        };
        let base = Base::ALL
            .iter()
            .copied()
            .find(|b| b.code() == head)
            .ok_or_else(|| MeasureError::Unknown(code.into()))?;
        let Some(narrow) = narrow else {
            return Ok(Self::of(base));
        };
        let fits = match base.narrowed_by() {
            Narrow::Nothing => false,
            Narrow::Destination => ReferralKind::parse(narrow).is_some(),
            Narrow::Scheme => SCHEMES.contains(&narrow),
            Narrow::Category => CATEGORIES.contains(&narrow),
        };
        if fits {
            Ok(Self::narrowed(base, narrow))
        } else {
            Err(MeasureError::BadNarrow {
                measure: head.into(),
                narrow: narrow.into(),
            })
        }
    }

    fn matches(&self, value: &str) -> bool {
        self.narrow.as_deref().is_none_or(|n| n == value)
    }

    /// The count over these cases and literacy entries for the period.
    pub fn count(&self, cases: &[CaseFigures], literacy: &[LiteracyFigure], p: &Period) -> Tally {
        let mut t = Tally::default();
        if matches!(self.base, Base::LiteracyAdults | Base::LiteracyCompleted) {
            for l in literacy {
                if self.literacy_counts(l, p) {
                    t.count += 1;
                    t.cases.insert(l.id);
                }
            }
            return t;
        }
        for c in cases {
            let n = self.per_case(c, p);
            if n > 0 {
                t.count += n;
                t.cases.insert(c.case_id);
            }
        }
        t
    }

    fn literacy_counts(&self, l: &LiteracyFigure, p: &Period) -> bool {
        let listed = l.listed_on.or(l.started_on).is_none_or(|d| d <= p.to);
        let finished_before = l.finished_on.is_some_and(|f| f < p.from);
        match self.base {
            Base::LiteracyAdults => listed && !finished_before,
            _ => l.completed && l.finished_on.is_some_and(|f| p.contains(f)),
        }
    }

    /// How many of what this measure counts the case holds in the period.
    fn per_case(&self, c: &CaseFigures, p: &Period) -> u64 {
        let open = c.open_during(p.from, p.to);
        let by_end = |d: Option<NaiveDate>| d.is_some_and(|d| d <= p.to);
        let within = |d: Option<NaiveDate>| d.is_some_and(|d| p.contains(d));
        let returned = within(c.returned_on);
        let one = |b: bool| u64::from(b);
        let many = |n: usize| n as u64;
        // Follow-ups count once their day has come (and the period holds it).
        let due = |d: &NaiveDate| p.contains(*d) && *d < p.today;
        match self.base {
            Base::CasesOpen => one(open),
            Base::Returns => one(returned),
            Base::FirstVisits => one(returned && c.first_visit_on.is_some()),
            Base::FirstVisitsIn72Hours => one(returned && c.visited_in_72_hours()),
            Base::Assessed => one(open && by_end(c.assessed_on)),
            Base::Anamnesis => one(open && by_end(c.anamnesis_on)),
            Base::PlansWritten => one(open && by_end(c.plan_written_on)),
            Base::PlansApproved => one(open && by_end(c.plan_approved_on)),
            Base::CaseManagerDecisions => one(within(c.case_manager_decided_on)),
            Base::Needs if open => many(c.needs.len()),
            Base::NeedsServed if open => many(c.needs.iter().filter(|n| by_end(n.served_on)).count()),
            Base::MonitoringDue => many(c.monitoring.iter().filter(|m| due(&m.due_on)).count()),
            Base::MonitoringOnTime => many(c.monitoring.iter().filter(|m| due(&m.due_on) && m.on_time()).count()),
            Base::ReviewsDue => many(c.reviews.iter().filter(|m| due(&m.due_on)).count()),
            Base::ReviewsOnTime => many(c.reviews.iter().filter(|m| due(&m.due_on) && m.on_time()).count()),
            Base::ReferralsSent | Base::ReferralsAnswered | Base::ReferralsAccepted | Base::ReferralsServed => many(
                c.referrals
                    .iter()
                    .filter(|r| {
                        let counted = p.contains(r.sent_on) && self.matches(&r.kind);
                        counted
                            && match self.base {
                                Base::ReferralsAnswered => r.answered,
                                Base::ReferralsAccepted => r.state == "accepted" || r.service_given,
                                Base::ReferralsServed => r.service_given,
                                _ => true,
                            }
                    })
                    .count(),
            ),
            // Open past its day at the end of the period: sent, not answered, not closed.
            Base::ReferralsOverdue => many(
                c.referrals
                    .iter()
                    .filter(|r| self.matches(&r.kind) && !r.answered && r.state == "sent")
                    .filter(|r| r.sent_on <= p.to && r.due_on < p.to.min(p.today))
                    .count(),
            ),
            Base::Claims => many(
                c.claims
                    .iter()
                    .filter(|x| p.contains(x.applied_on) && self.matches(&x.scheme))
                    .count(),
            ),
            Base::ClaimsApproved => many(
                c.claims
                    .iter()
                    .filter(|x| p.contains(x.applied_on) && self.matches(&x.scheme) && x.approved)
                    .count(),
            ),
            Base::HousingApplications => many(c.housing_applications.iter().filter(|d| p.contains(**d)).count()),
            Base::HousingDecisions => many(c.housing_decisions.iter().filter(|(d, _)| p.contains(*d)).count()),
            Base::HousingApproved => many(
                c.housing_decisions
                    .iter()
                    .filter(|(d, ok)| *ok && p.contains(*d))
                    .count(),
            ),
            Base::CasesAt12Months => one(twelve_months_in(c, p)),
            Base::PermanentHousingAt12Months => one(twelve_months_in(c, p) && c.permanent_housing),
            Base::FinalAssessments => one(within(c.final_assessed_on)),
            Base::Sustainable => one(within(c.final_assessed_on) && c.sustainable),
            Base::Closures => one(within(c.closed_on)),
            Base::OpenOver18Months => one(c.closed_on.is_none_or(|d| d > p.to)
                && c.returned_on
                    .or(c.opened_on)
                    .is_some_and(|r| r + Months::new(18) < p.to)),
            Base::CasesInCategory => one(open && c.categories.iter().any(|x| self.matches(x))),
            Base::Children
            | Base::ChildrenEnrolled
            | Base::ChildrenInLanguageClasses
            | Base::ChildrenNeedingCertificates
            | Base::ChildrenNostrified
            | Base::ChildrenAtRisk
            | Base::ChildrenAtRiskHelped => many(
                c.children
                    .iter()
                    .filter(|ch| ch.known_on.is_none_or(|d| d <= p.to) && ch.ended_on.is_none_or(|d| d >= p.from))
                    .filter(|ch| {
                        let enrolled = by_end(ch.enrolled_on);
                        let helped = ch
                            .at_risk_since
                            .is_some_and(|since| ch.actions.iter().any(|a| *a >= since && *a <= p.to));
                        match self.base {
                            Base::ChildrenEnrolled => enrolled,
                            Base::ChildrenInLanguageClasses => enrolled && ch.language_or_supplementary,
                            Base::ChildrenNeedingCertificates => ch.certificate_needed,
                            Base::ChildrenNostrified => by_end(ch.nostrified_on),
                            Base::ChildrenAtRisk => by_end(ch.at_risk_since),
                            Base::ChildrenAtRiskHelped => by_end(ch.at_risk_since) && helped,
                            _ => true,
                        }
                    })
                    .count(),
            ),
            Base::SchoolInterventions => many(
                c.children
                    .iter()
                    .flat_map(|ch| &ch.actions)
                    .filter(|a| p.contains(**a))
                    .count(),
            ),
            Base::Needs | Base::NeedsServed | Base::LiteracyAdults | Base::LiteracyCompleted => 0,
        }
    }
}

/// The case reached its 12th month after the return within the period.
fn twelve_months_in(c: &CaseFigures, p: &Period) -> bool {
    c.returned_on.is_some_and(|r| p.contains(r + Months::new(12)))
}
