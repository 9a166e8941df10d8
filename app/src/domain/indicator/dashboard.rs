//! The supervisor's dashboard, counted from the case figures: each worker's open cases, the
//! approvals waiting, the first visits within 72 hours by month of return, the referrals open
//! past their deadline by institution, the children at risk. (Overdue follow-ups by kind come
//! from the stored follow-ups.)

use super::figures::CaseFigures;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use uuid::Uuid;

/// How many months of returns the 72-hour chart shows, this one included.
pub const MONTHS: u32 = 12;

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct MonthOfReturns {
    /// The first day of the month.
    pub month: NaiveDate,
    pub returns: u64,
    pub visited_in_72_hours: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Dashboard {
    /// Open cases per field worker (`None`: in no one's caseload), most first.
    pub caseload: Vec<(Option<Uuid>, u64)>,
    pub plans_waiting: u64,
    pub closures_waiting: u64,
    /// The last [`MONTHS`] months, oldest first.
    pub first_visits: Vec<MonthOfReturns>,
    /// Referrals sent, unanswered and past their day, per institution (`None`: none named).
    pub overdue_referrals: Vec<(Option<Uuid>, u64)>,
    pub children_at_risk: u64,
    /// Of them, those the school team acted for since the flag.
    pub children_at_risk_helped: u64,
}

fn first_of_month(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn ranked<K: Ord>(counts: BTreeMap<K, u64>) -> Vec<(K, u64)> {
    let mut v: Vec<(K, u64)> = counts.into_iter().collect();
    // Most first; the keys' order breaks ties, so the same data always draws the same chart.
    v.sort_by_key(|x| std::cmp::Reverse(x.1));
    v
}

pub fn dashboard(cases: &[CaseFigures], today: NaiveDate) -> Dashboard {
    let mut caseload: BTreeMap<Option<Uuid>, u64> = BTreeMap::new();
    let mut referrals: BTreeMap<Option<Uuid>, u64> = BTreeMap::new();
    let start = first_of_month(today) - Months::new(MONTHS - 1);
    let mut months: Vec<MonthOfReturns> = (0..MONTHS)
        .map(|n| MonthOfReturns {
            month: start + Months::new(n),
            ..Default::default()
        })
        .collect();
    let mut d = Dashboard::default();
    for c in cases {
        let open = c.closed_on.is_none_or(|closed| closed > today);
        if open {
            *caseload.entry(c.field_worker_id).or_default() += 1;
            d.plans_waiting += u64::from(c.plan_waiting);
            d.closures_waiting += u64::from(c.closure_waiting);
        }
        if let Some(back) = c.returned_on.filter(|r| *r >= start && *r <= today) {
            if let Some(m) = months.iter_mut().find(|m| m.month == first_of_month(back)) {
                m.returns += 1;
                m.visited_in_72_hours += u64::from(c.visited_in_72_hours());
            }
        }
        for r in &c.referrals {
            if !r.answered && r.state == "sent" && r.due_on < today {
                *referrals.entry(r.institution_id).or_default() += 1;
            }
        }
        for ch in &c.children {
            let Some(since) = ch.at_risk_since.filter(|_| ch.ended_on.is_none()) else {
                continue;
            };
            d.children_at_risk += 1;
            d.children_at_risk_helped += u64::from(ch.actions.iter().any(|a| *a >= since));
        }
    }
    d.caseload = ranked(caseload);
    d.overdue_referrals = ranked(referrals);
    d.first_visits = std::mem::take(&mut months);
    d
}

#[cfg(test)]
mod tests {
    use super::super::figures::{ChildFigure, ReferralFigure};
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn the_dashboard_counts_load_approvals_visits_referrals_and_children() {
        let (arta, dukagjin) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let office = Uuid::from_u128(9);
        let case = |n: u128, worker: Uuid| CaseFigures {
            case_id: Uuid::from_u128(100 + n),
            field_worker_id: Some(worker),
            ..Default::default()
        };
        let mut a = case(1, arta);
        a.returned_on = Some(d("2026-11-02"));
        a.first_visit_on = Some(d("2026-11-04"));
        a.plan_waiting = true;
        a.referrals.push(ReferralFigure {
            kind: "employment".into(),
            institution_id: Some(office),
            sent_on: d("2026-10-01"),
            due_on: d("2026-10-15"),
            answered: false,
            state: "sent".into(),
            service_given: false,
        });
        let mut b = case(2, arta);
        b.returned_on = Some(d("2026-11-10"));
        b.first_visit_on = Some(d("2026-11-20")); // late
        b.closure_waiting = true;
        b.children.push(ChildFigure {
            at_risk_since: Some(d("2026-10-01")),
            actions: vec![d("2026-10-03")],
            ..Default::default()
        });
        b.children.push(ChildFigure {
            at_risk_since: Some(d("2026-11-01")),
            ..Default::default()
        });
        let mut c = case(3, dukagjin);
        c.returned_on = Some(d("2025-06-01")); // before the twelve months shown
        let mut closed = case(4, dukagjin);
        closed.closed_on = Some(d("2026-09-01"));
        closed.plan_waiting = true; // a closed case waits for nothing
        let dash = dashboard(&[a, b, c, closed], d("2026-11-25"));
        assert_eq!(dash.caseload, vec![(Some(arta), 2), (Some(dukagjin), 1)]);
        assert_eq!((dash.plans_waiting, dash.closures_waiting), (1, 1));
        assert_eq!(dash.first_visits.len(), 12);
        assert_eq!(dash.first_visits[0].month, d("2025-12-01"));
        let november = dash.first_visits.last().unwrap();
        assert_eq!(
            (november.month, november.returns, november.visited_in_72_hours),
            (d("2026-11-01"), 2, 1)
        );
        assert_eq!(dash.overdue_referrals, vec![(Some(office), 1)]);
        assert_eq!((dash.children_at_risk, dash.children_at_risk_helped), (2, 1));
    }
}
