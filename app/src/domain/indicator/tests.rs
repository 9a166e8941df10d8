use super::figures::{ChildFigure, ClaimFigure, DueFigure, NeedFigure, ReferralFigure};
use super::*;
use crate::domain::follow_up::{schedule, ReferralDays};
use crate::domain::school::Thresholds;
use crate::domain::{Fields, RecordKind};
use chrono::{NaiveDate, TimeZone, Utc};
use serde_json::json;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn id(n: u128) -> Uuid {
    Uuid::from_u128(n)
}

/// The year 2026, reported on 2026-12-31.
fn year() -> Period {
    Period::new(d("2026-01-01"), d("2026-12-31"), d("2026-12-31")).unwrap()
}

fn case(n: u128) -> CaseFigures {
    CaseFigures {
        case_id: id(n),
        opened_on: Some(d("2026-01-10")),
        ..Default::default()
    }
}

fn count(code: &str, cases: &[CaseFigures]) -> u64 {
    Measure::parse(code).unwrap().count(cases, &[], &year()).count
}

#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    assert_eq!(
        Period::new(d("2026-02-01"), d("2026-01-31"), d("2026-03-01")),
        Err(IndicatorError::PeriodEndsBeforeStart)
    );
    assert!(Period::new(d("2026-02-01"), d("2026-02-01"), d("2026-03-01")).is_ok());
}

#[test]
fn measure_codes_read_back_and_unknown_ones_are_refused() {
    for b in Base::ALL {
        assert_eq!(Measure::parse(b.code()).unwrap().base, *b);
    }
    assert_eq!(
        Measure::parse("referrals_sent:employment").unwrap().code(),
        "referrals_sent:employment"
    );
    assert_eq!(
        Measure::parse("visits_by_moonlight"),
        Err(MeasureError::Unknown("visits_by_moonlight".into()))
    );
    assert!(matches!(
        Measure::parse("referrals_sent:bakery"),
        Err(MeasureError::BadNarrow { .. })
    ));
    assert!(matches!(
        Measure::parse("returns:employment"),
        Err(MeasureError::BadNarrow { .. })
    ));
    assert!(Measure::parse("claims:social_assistance").is_ok());
    assert!(Measure::parse("cases_in_category:trafficking").is_ok());
}

#[test]
fn a_late_first_visit_counts_as_late() {
    let mut on_time = case(1);
    on_time.returned_on = Some(d("2026-03-01"));
    on_time.first_visit_on = Some(d("2026-03-04")); // the third day after: within 72 hours
    let mut late = case(2);
    late.returned_on = Some(d("2026-03-01"));
    late.first_visit_on = Some(d("2026-03-05"));
    let mut never = case(3);
    never.returned_on = Some(d("2026-12-30"));
    let mut last_year = case(4);
    last_year.returned_on = Some(d("2025-12-30"));
    last_year.first_visit_on = Some(d("2025-12-31"));
    // Returned at a known hour and visited on the third day, but after 72 elapsed hours: the
    // clock said late, and the figure keeps it.
    let mut late_by_the_hour = case(5);
    late_by_the_hour.returned_on = Some(d("2026-03-01"));
    late_by_the_hour.first_visit_on = Some(d("2026-03-04"));
    late_by_the_hour.first_visit_late = Some(true);
    let mut on_time_by_the_hour = case(6);
    on_time_by_the_hour.returned_on = Some(d("2026-03-01"));
    on_time_by_the_hour.first_visit_on = Some(d("2026-03-04"));
    on_time_by_the_hour.first_visit_late = Some(false);
    let all = [on_time, late, never, last_year, late_by_the_hour, on_time_by_the_hour];
    assert_eq!(count("returns", &all), 5);
    assert_eq!(count("first_visits", &all), 4);
    assert_eq!(count("first_visits_72h", &all), 2);
}

#[test]
fn open_cases_assessments_plans_and_decisions_count_by_the_periods_end() {
    let mut a = case(1);
    a.assessed_on = Some(d("2026-02-01"));
    a.anamnesis_on = Some(d("2026-02-02"));
    a.plan_written_on = Some(d("2026-03-01"));
    a.plan_approved_on = Some(d("2026-03-10"));
    a.case_manager_decided_on = Some(d("2026-02-20"));
    let mut b = case(2);
    b.assessed_on = Some(d("2027-01-05")); // after the period
    b.plan_written_on = Some(d("2026-06-01"));
    let mut closed_before = case(3);
    closed_before.closed_on = Some(d("2025-12-01"));
    closed_before.assessed_on = Some(d("2025-01-01"));
    let mut opens_later = case(4);
    opens_later.opened_on = Some(d("2027-02-01"));
    let all = [a, b, closed_before, opens_later];
    assert_eq!(count("cases_open", &all), 2);
    assert_eq!(count("assessed", &all), 1);
    assert_eq!(count("anamnesis", &all), 1);
    assert_eq!(count("plans_written", &all), 2);
    assert_eq!(count("plans_approved", &all), 1);
    assert_eq!(count("case_manager_decisions", &all), 1);
}

#[test]
fn needs_are_served_when_a_monitoring_found_the_service_received() {
    let mut a = case(1);
    a.needs = vec![
        NeedFigure {
            served_on: Some(d("2026-04-01")),
        },
        NeedFigure { served_on: None },
        NeedFigure {
            served_on: Some(d("2027-01-02")),
        },
    ];
    let mut closed = case(2);
    closed.closed_on = Some(d("2025-06-01"));
    closed.needs = vec![NeedFigure {
        served_on: Some(d("2025-05-01")),
    }];
    let all = [a, closed];
    assert_eq!(count("needs", &all), 3);
    assert_eq!(count("needs_served", &all), 1);
}

#[test]
fn monitoring_and_reviews_count_once_their_day_has_come_and_on_time_when_done_by_it() {
    let mut a = case(1);
    let due = |due: &str, done: Option<&str>| DueFigure {
        due_on: d(due),
        done_on: done.map(d),
    };
    a.monitoring = vec![
        due("2026-02-10", Some("2026-02-09")),
        due("2026-03-10", Some("2026-03-20")), // late
        due("2026-04-10", None),               // missed
        due("2027-01-10", None),               // not yet due in the period
    ];
    a.reviews = vec![due("2026-04-10", Some("2026-04-10")), due("2026-07-10", None)];
    let all = [a];
    assert_eq!(count("monitoring_due", &all), 3);
    assert_eq!(count("monitoring_on_time", &all), 1);
    assert_eq!(count("reviews_due", &all), 2);
    assert_eq!(count("reviews_on_time", &all), 1);
}

#[test]
fn referrals_count_per_destination_and_outcome() {
    let r = |kind: &str, sent: &str, due: &str, state: &str| ReferralFigure {
        kind: kind.into(),
        institution_id: None,
        sent_on: d(sent),
        due_on: d(due),
        answered: state != "sent" && state != "closed",
        state: state.into(),
        service_given: state == "service_given",
    };
    let mut a = case(1);
    a.referrals = vec![
        r("employment", "2026-02-01", "2026-02-15", "service_given"),
        r("employment", "2026-03-01", "2026-03-15", "declined"),
        r("civil_documents", "2026-03-01", "2026-03-08", "sent"), // overdue at the end
        r("employment", "2025-11-01", "2025-11-15", "accepted"),  // sent last year
        r("psychosocial", "2026-12-29", "2027-01-12", "sent"),    // not yet due
    ];
    let all = [a];
    assert_eq!(count("referrals_sent", &all), 4);
    assert_eq!(count("referrals_sent:employment", &all), 2);
    assert_eq!(count("referrals_answered", &all), 2);
    assert_eq!(count("referrals_accepted", &all), 1);
    assert_eq!(count("referrals_served:employment", &all), 1);
    assert_eq!(count("referrals_overdue", &all), 1);
    assert_eq!(count("referrals_overdue:employment", &all), 0);
}

#[test]
fn claims_housing_final_assessments_closures_and_old_cases() {
    let mut a = case(1);
    a.returned_on = Some(d("2025-03-01"));
    a.claims = vec![
        ClaimFigure {
            scheme: "social_assistance".into(),
            applied_on: d("2026-01-05"),
            approved: true,
        },
        ClaimFigure {
            scheme: "social_assistance".into(),
            applied_on: d("2026-05-05"),
            approved: false,
        },
        ClaimFigure {
            scheme: "business_grant".into(),
            applied_on: d("2026-05-05"),
            approved: true,
        },
    ];
    a.housing_applications = vec![d("2026-02-01"), d("2025-12-01")];
    a.housing_decisions = vec![(d("2026-03-01"), true), (d("2026-04-01"), false)];
    a.permanent_housing = true; // twelve months after 2025-03-01 fall in the period
    let mut b = case(2);
    b.returned_on = Some(d("2024-01-01")); // open for more than 18 months at the end
    b.final_assessed_on = Some(d("2026-07-01"));
    b.sustainable = true;
    let mut c = case(3);
    c.returned_on = Some(d("2024-02-01"));
    c.final_assessed_on = Some(d("2026-08-01"));
    c.closed_on = Some(d("2026-09-01"));
    let all = [a, b, c];
    assert_eq!(count("claims", &all), 3);
    assert_eq!(count("claims:social_assistance", &all), 2);
    assert_eq!(count("claims_approved:social_assistance", &all), 1);
    assert_eq!(count("claims_approved", &all), 2);
    assert_eq!(count("housing_applications", &all), 1);
    assert_eq!(count("housing_decisions", &all), 2);
    assert_eq!(count("housing_approved", &all), 1);
    assert_eq!(count("cases_12_months", &all), 1);
    assert_eq!(count("permanent_housing_12_months", &all), 1);
    assert_eq!(count("final_assessments", &all), 2);
    assert_eq!(count("sustainable", &all), 1);
    assert_eq!(count("closures", &all), 1);
    // a (returned 2025-03-01) and b are past their 18th month and open; c closed.
    assert_eq!(count("open_over_18_months", &all), 2);
}

#[test]
fn children_enrolment_classes_certificates_risk_and_the_teams_response() {
    let mut a = case(1);
    a.children = vec![
        ChildFigure {
            known_on: Some(d("2026-01-15")),
            enrolled_on: Some(d("2026-02-01")),
            language_or_supplementary: true,
            certificate_needed: true,
            nostrified_on: Some(d("2026-05-01")),
            at_risk_since: Some(d("2026-03-01")),
            actions: vec![d("2026-03-05"), d("2026-04-01")],
            ..Default::default()
        },
        ChildFigure {
            known_on: Some(d("2026-01-15")),
            enrolled_on: Some(d("2026-02-01")),
            at_risk_since: Some(d("2026-10-01")),
            actions: vec![d("2026-09-01")], // before the flag: not a response to it
            ..Default::default()
        },
        ChildFigure {
            known_on: Some(d("2026-11-01")),
            certificate_needed: true,
            ..Default::default()
        },
        ChildFigure {
            known_on: Some(d("2024-01-01")),
            enrolled_on: Some(d("2024-02-01")),
            ended_on: Some(d("2025-06-30")), // gone before the period
            ..Default::default()
        },
    ];
    let all = [a];
    assert_eq!(count("children", &all), 3);
    assert_eq!(count("children_enrolled", &all), 2);
    assert_eq!(count("children_language_classes", &all), 1);
    assert_eq!(count("children_certificate_needed", &all), 2);
    assert_eq!(count("children_nostrified", &all), 1);
    assert_eq!(count("children_at_risk", &all), 2);
    assert_eq!(count("children_at_risk_helped", &all), 1);
    assert_eq!(count("school_interventions", &all), 3);
}

#[test]
fn literacy_counts_who_was_on_the_list_and_who_completed_in_the_period() {
    let l = |n, started: Option<&str>, finished: Option<&str>, completed| LiteracyFigure {
        id: id(n),
        listed_on: Some(d("2025-10-01")),
        started_on: started.map(d),
        finished_on: finished.map(d),
        completed,
    };
    let list = [
        l(1, Some("2026-01-10"), Some("2026-06-10"), true),
        l(2, Some("2026-01-10"), Some("2026-03-10"), false),
        l(3, None, None, false),
        l(4, Some("2025-01-10"), Some("2025-06-10"), true),
    ];
    let p = year();
    let adults = Measure::parse("literacy_adults").unwrap().count(&[], &list, &p);
    let completed = Measure::parse("literacy_completed").unwrap().count(&[], &list, &p);
    assert_eq!(adults.count, 3);
    assert_eq!(completed.count, 1);
    assert_eq!(completed.cases.into_iter().collect::<Vec<_>>(), vec![id(1)]);
}

#[test]
fn the_report_puts_numerator_denominator_actual_target_and_gap_side_by_side() {
    let mut cases = Vec::new();
    for n in 0..8 {
        let mut c = case(n);
        c.returned_on = Some(d("2026-05-01"));
        c.first_visit_on = Some(if n < 6 { d("2026-05-02") } else { d("2026-05-09") });
        cases.push(c);
    }
    let defs = vec![
        IndicatorDef {
            code: "first_visit_72h".into(),
            objective: LocalText::default(),
            title: LocalText::default(),
            unit: Unit::Share,
            numerator: Some("first_visits_72h".into()),
            denominator: Some("returns".into()),
            baseline: Some(50.0),
            targets: vec![(2026, 80.0), (2028, 90.0)],
        },
        IndicatorDef {
            code: "trainings".into(),
            objective: LocalText::default(),
            title: LocalText::default(),
            unit: Unit::Count,
            numerator: None,
            denominator: None,
            baseline: None,
            targets: vec![],
        },
    ];
    let rows = report(&defs, &cases, &[], |code| (code == "trainings").then_some(4.0), &year());
    assert_eq!(rows[0].numerator, Some(6));
    assert_eq!(rows[0].denominator, Some(8));
    assert_eq!(rows[0].actual, Some(75.0));
    assert_eq!(rows[0].target, Some((2026, 80.0)));
    assert_eq!(rows[0].gap, Some(-5.0));
    assert_eq!(rows[0].numerator_cases.len(), 6);
    assert_eq!(rows[0].denominator_cases.len(), 8);
    assert!(rows[1].by_hand);
    assert_eq!(rows[1].actual, Some(4.0));
    assert_eq!(rows[1].numerator, None);
}

#[test]
fn a_share_with_nothing_to_divide_by_has_no_figure() {
    assert_eq!(share(0, 0), None);
    assert_eq!(share(1, 3), Some(33.3));
    assert_eq!(share(2, 3), Some(66.7));
}

#[test]
fn the_target_of_a_year_without_one_is_the_next_milestone() {
    let mut def = catalogue::prizren().indicators[0].clone();
    def.targets = vec![(2026, 60.0), (2028, 80.0)];
    assert_eq!(def.target_for(2025), Some((2026, 60.0)));
    assert_eq!(def.target_for(2027), Some((2028, 80.0)));
    assert_eq!(def.target_for(2030), Some((2028, 80.0)));
}

#[test]
fn bad_definitions_are_refused_with_their_reason() {
    let good = catalogue::obiliq().indicators[0].clone();
    assert!(good.check().is_ok());
    let mut bad = good.clone();
    bad.targets.push((2027, 120.0));
    assert_eq!(bad.check(), Err(IndicatorError::ShareOutOfRange(120.0)));
    let mut bad = good.clone();
    bad.baseline = Some(-1.0);
    assert_eq!(bad.check().unwrap_err().code(), "share_out_of_range");
    let mut bad = good.clone();
    bad.denominator = Some("households_with_goats".into());
    assert_eq!(bad.check().unwrap_err().code(), "unknown_measure");
    let mut bad = good.clone();
    bad.denominator = None;
    assert_eq!(bad.check(), Err(IndicatorError::ShareWithoutDenominator));
    let mut bad = good;
    bad.targets = vec![(1999, 10.0)];
    assert_eq!(bad.check(), Err(IndicatorError::TargetYear(1999)));
    assert_eq!(check_value(Unit::Count, -2.0), Err(IndicatorError::NegativeCount(-2.0)));
}

#[test]
fn both_plans_parse_have_titles_in_every_language_and_unique_codes() {
    for plan in [catalogue::obiliq(), catalogue::prizren()] {
        let mut codes = std::collections::BTreeSet::new();
        for i in &plan.indicators {
            assert!(i.check().is_ok(), "{} {}", plan.code, i.code);
            for t in [&i.title, &i.objective] {
                assert!(
                    !t.sq.is_empty() && !t.sr.is_empty() && !t.tr.is_empty() && !t.en.is_empty(),
                    "{}",
                    i.code
                );
            }
            assert!(codes.insert(i.code.clone()), "{} twice", i.code);
        }
    }
    // Figures the plans give, copied from ../shared/plans-indicators.md.
    let o = catalogue::obiliq();
    let enrolled = o.indicators.iter().find(|i| i.code == "children_enrolled").unwrap();
    assert_eq!(enrolled.baseline, Some(90.0));
    assert_eq!(enrolled.target_for(2028), Some((2028, 100.0)));
    let p = catalogue::prizren();
    let served = p.indicators.iter().find(|i| i.code == "needs_served").unwrap();
    assert_eq!(
        (served.baseline, served.targets.clone()),
        (Some(40.0), vec![(2026, 60.0), (2028, 80.0)])
    );
}

fn fields(v: serde_json::Value) -> Fields {
    serde_json::from_value(v).unwrap()
}

#[test]
fn the_figures_of_a_case_are_read_from_its_records() {
    let case_id = id(1);
    let created = d("2026-03-01");
    let plan_item = id(50);
    let records = vec![
        (
            RecordKind::Case,
            case_id,
            fields(json!({"status": "open", "case_manager_decided_on": "2026-03-20"})),
            created,
        ),
        (
            RecordKind::ReturnEvent,
            id(2),
            fields(json!({"event_date": "2026-03-01", "country": "DE"})),
            created,
        ),
        // 09:00 in Kosovo on the 5th: the fourth day after the return, late.
        (
            RecordKind::Visit,
            id(3),
            fields(json!({"visited_at": "2026-03-05T08:00:00Z", "village": "Plemetin"})),
            created,
        ),
        (
            RecordKind::Assessment,
            id(4),
            fields(json!({"completed_at": "2026-03-05T10:00:00Z", "answers": {}})),
            created,
        ),
        (
            RecordKind::Plan,
            id(5),
            fields(json!({"items": [{"id": plan_item, "status": "planned"}, {"id": id(51), "status": "planned"}]})),
            d("2026-03-10"),
        ),
        (
            RecordKind::PlanDecision,
            id(6),
            fields(
                json!({"plan_id": id(5), "decision": "approved", "decided_at": "2026-03-12T09:00:00Z", "content_hash": "x"}),
            ),
            created,
        ),
        (
            RecordKind::Monitoring,
            id(7),
            fields(
                json!({"plan_id": id(5), "done_on": "2026-04-10", "services": [{"item_id": plan_item, "received": "yes", "note": ""}]}),
            ),
            created,
        ),
        (
            RecordKind::Benefit,
            id(8),
            fields(json!({"scheme": "social_assistance", "applied_on": "2026-04-01", "outcome": "approved"})),
            created,
        ),
        (
            RecordKind::Referral,
            id(9),
            fields(
                json!({"kind": "employment", "sent_on": "2026-03-15", "state": "accepted", "accepted_on": "2026-03-18"}),
            ),
            created,
        ),
        (
            RecordKind::Vulnerability,
            id(10),
            fields(json!({"category": "elderly_without_care", "noted_on": "2026-03-02"})),
            created,
        ),
        (
            RecordKind::Housing,
            id(11),
            fields(json!({"situation": "social_housing"})),
            created,
        ),
    ];
    let refs: Vec<figures::RecordIn<'_>> = records.iter().map(|(k, i, f, c)| (*k, *i, f, *c)).collect();
    let facts = crate::domain::follow_up::facts_from_records(case_id, refs.iter().map(|(k, i, f, _)| (*k, *i, *f)));
    let now = Utc.with_ymd_and_hms(2026, 6, 1, 12, 0, 0).unwrap();
    let follow_ups = schedule(&facts, &ReferralDays::default(), now);
    let f = CaseFigures::of(case_id, &refs, &follow_ups, &Thresholds::default(), d("2026-06-01"));
    assert_eq!(f.opened_on, Some(created));
    assert_eq!(f.returned_on, Some(d("2026-03-01")));
    assert_eq!(f.first_visit_on, Some(d("2026-03-05")));
    assert_eq!(f.first_visit_late, Some(true));
    assert!(!f.visited_in_72_hours());
    assert_eq!(f.assessed_on, Some(d("2026-03-05")));
    assert_eq!(f.plan_written_on, Some(d("2026-03-10")));
    assert_eq!(f.plan_approved_on, Some(d("2026-03-12")));
    assert_eq!(f.case_manager_decided_on, Some(d("2026-03-20")));
    assert_eq!(
        f.needs.iter().filter(|n| n.served_on == Some(d("2026-04-10"))).count(),
        1
    );
    assert_eq!(f.needs.len(), 2);
    // Monthly from the approval on 12 March: 12 April and 12 May have come by 1 June.
    // (The schedule lists three months ahead; only the days that have come count.)
    let come: Vec<_> = f.monitoring.iter().filter(|m| m.due_on < d("2026-06-01")).collect();
    assert_eq!(come.len(), 2);
    assert!(come[0].on_time());
    assert!(!come[1].on_time());
    assert_eq!(f.claims.len(), 1);
    assert!(f.claims[0].approved);
    assert_eq!(f.referrals.len(), 1);
    assert!(f.referrals[0].answered);
    assert_eq!(f.categories, vec!["elderly_without_care".to_string()]);
    assert!(f.permanent_housing);
}

#[test]
fn outside_the_municipality_small_counts_are_hidden_and_so_is_the_share_they_would_give_away() {
    let p = year();
    let defs = catalogue::obiliq().indicators;
    let mut cases = Vec::new();
    // 3 returns, 2 visited in time: both counts are small.
    for n in 0..3 {
        let mut c = case(n);
        c.returned_on = Some(d("2026-05-01"));
        c.first_visit_on = (n < 2).then(|| d("2026-05-02"));
        cases.push(c);
    }
    let small = report(&defs, &cases, &[], |_| None, &p);
    // 12 returns, 9 visited in time.
    let mut more = Vec::new();
    for n in 0..12 {
        let mut c = case(100 + n);
        c.returned_on = Some(d("2026-05-01"));
        c.first_visit_on = (n < 9).then(|| d("2026-05-02"));
        more.push(c);
    }
    let big = report(&defs, &more, &[], |_| None, &p);
    let view = national(
        p,
        vec![
            ("Obiliq".into(), Some(("obiliq-2026".into(), small))),
            ("Prizren".into(), Some(("prizren-2026".into(), big))),
            ("Gjilan".into(), None),
        ],
    );
    assert_eq!(view.municipalities[2], ("Gjilan".to_string(), None));
    let row = view.rows.iter().find(|r| r.code == "first_visit_72h").unwrap();
    let obiliq = row.cells[0].clone().unwrap();
    assert_eq!(
        (obiliq.numerator, obiliq.denominator, obiliq.actual),
        (Some(Shown::Few), Some(Shown::Few), None)
    );
    let prizren = row.cells[1].clone().unwrap();
    assert_eq!(
        (prizren.numerator, prizren.denominator, prizren.actual),
        (Some(Shown::Count(9)), Some(Shown::Count(12)), Some(75.0))
    );
    assert_eq!(row.cells[2], None);
    // Zero is not a small number: nothing to give away.
    assert_eq!(Shown::of(0), Shown::Count(0));
    assert_eq!(Shown::of(4), Shown::Few);
    assert_eq!(Shown::of(5), Shown::Count(5));
}

#[test]
fn a_period_is_reported_against_the_plan_whose_years_hold_it() {
    let plans = [(2019, 2022), (2023, 2025), (2026, 2028)];
    let years = |p: &(i32, i32)| *p;
    assert_eq!(plan_for(&plans, 2024, years), Some(&(2023, 2025)));
    assert_eq!(plan_for(&plans, 2030, years), Some(&(2026, 2028)));
    assert_eq!(plan_for(&plans, 2010, years), Some(&(2019, 2022)));
    assert_eq!(plan_for(&[] as &[(i32, i32)], 2026, years), None);
}
