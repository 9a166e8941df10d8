//! The municipal plan's indicators, on SQLite and PostgreSQL: a municipality seeded with the demo
//! generator reports what a count made here from the raw records says; the cases behind a figure
//! are listed only as far as the reader may see each (a restricted case only for its own workers
//! and the supervisors), another municipality's plan does not exist for a reader, exports are
//! spreadsheets with the names byte-exact and are audited; bad definitions and figures are
//! refused with their reason and change nothing.

mod common;

use app::api::ApiError;
use app::domain::follow_up::local_today;
use app::domain::indicator::{catalogue, IndicatorError, MeasureError, Side};
use app::domain::sync::RecordState;
use app::domain::{RecordKind, Role, SessionUser};
use chrono::{Duration, NaiveDate, Utc};
use common::world::*;
use reintegra::context::Ctx;
use reintegra::export::ExportFormat;
use reintegra::indicators::Indicators;
use reintegra::seed;
use reintegra::storage::{AuditQuery, Storage};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use uuid::Uuid;

async fn admin(w: &World) -> SessionUser {
    let obiliq = seed::ensure_municipality(w.store.as_ref(), "obiliq", "Obiliq / Obilić")
        .await
        .unwrap();
    let u = seed::create_user(
        w.store.as_ref(),
        &obiliq,
        "admin",
        "Luan Gashi",
        &[Role::Admin],
        None,
        "a-long-password",
    )
    .await
    .unwrap();
    SessionUser::from(&u)
}

async fn plan(w: &World) -> Uuid {
    seed::add_plan(
        w.store.as_ref(),
        w.worker.municipality_id,
        catalogue::obiliq(),
        Utc::now(),
    )
    .await
    .unwrap()
}

fn date(v: &Value) -> Option<NaiveDate> {
    v.as_str().and_then(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn row<'a>(report: &'a app::domain::indicator::Report, code: &str) -> &'a app::domain::indicator::IndicatorResult {
    report.rows.iter().find(|r| r.code == code).unwrap()
}

async fn the_report_equals_a_count_made_from_the_raw_records(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let now = Utc::now();
    let cases = seed::cases::CaseWorld {
        municipality_id: w.worker.municipality_id,
        field_workers: vec![w.worker.id, w.colleague.id],
        case_manager: w.manager.id,
        supervisor: w.supervisor.id,
        institutions: store.institutions(w.worker.municipality_id).await.unwrap(),
        services: store.services(w.worker.municipality_id).await.unwrap(),
    };
    seed::load_households(store.as_ref(), &cases, 60, 7, now).await.unwrap();
    w.follow_ups.schedule_all(now).await.unwrap();
    let plan = plan(&w).await;
    let to = local_today(now);
    let from = to - Duration::days(365);
    let indicators = Indicators::new(Ctx::new(store.clone()));
    let report = indicators.report(&w.supervisor, plan, from, to).await.unwrap();

    // Counted here from the records as pulled, by the definitions in words.
    let records = pull_all(&w, &w.supervisor).await.records;
    let of = |kind: RecordKind| records.iter().filter(move |r| r.kind == kind);
    let field = |r: &RecordState, f: &str| r.fields.get(f).cloned().unwrap_or(Value::Null);
    let mut returned: BTreeMap<Uuid, NaiveDate> = BTreeMap::new();
    for r in of(RecordKind::ReturnEvent) {
        if let Some(d) = date(&field(r, "event_date")) {
            let e = returned.entry(r.case_id).or_insert(d);
            *e = (*e).min(d);
        }
    }
    let in_period = |d: NaiveDate| from <= d && d <= to;
    let returns: Vec<(Uuid, NaiveDate)> = returned
        .iter()
        .filter(|(_, d)| in_period(**d))
        .map(|(c, d)| (*c, *d))
        .collect();
    let visited_in_time = returns
        .iter()
        .filter(|(case, back)| {
            of(RecordKind::Visit)
                .filter(|v| v.case_id == *case)
                .filter_map(|v| {
                    field(v, "visited_at")
                        .as_str()
                        .and_then(|s| s.parse::<chrono::DateTime<Utc>>().ok())
                })
                .map(local_today)
                .filter(|day| day >= back)
                .min()
                .is_some_and(|first| first <= *back + Duration::days(3))
        })
        .count() as u64;
    assert!(
        returns.len() >= 5,
        "the generator gives returns within the year: {}",
        returns.len()
    );
    let first = row(&report, "first_visit_72h");
    assert_eq!(first.denominator, Some(returns.len() as u64));
    assert_eq!(first.numerator, Some(visited_in_time));
    assert_eq!(row(&report, "returns").numerator, Some(returns.len() as u64));

    let sent: Vec<&RecordState> = of(RecordKind::Referral)
        .filter(|r| date(&field(r, "sent_on")).is_some_and(in_period))
        .collect();
    let answered = sent
        .iter()
        .filter(|r| {
            !field(r, "answered_on").is_null()
                || matches!(
                    field(r, "state").as_str(),
                    Some("accepted" | "declined" | "service_given")
                )
        })
        .count() as u64;
    let referrals = row(&report, "referrals_answered");
    assert!(!sent.is_empty());
    assert_eq!(referrals.denominator, Some(sent.len() as u64));
    assert_eq!(referrals.numerator, Some(answered));

    let claims: Vec<&RecordState> = of(RecordKind::Benefit)
        .filter(|r| field(r, "scheme") == json!("social_assistance"))
        .filter(|r| date(&field(r, "applied_on")).is_some_and(in_period))
        .collect();
    let approved = claims
        .iter()
        .filter(|r| field(r, "outcome") == json!("approved"))
        .count() as u64;
    let assistance = row(&report, "social_assistance");
    assert_eq!(assistance.denominator, Some(claims.len() as u64));
    assert_eq!(assistance.numerator, Some(approved));

    let closed = of(RecordKind::Case)
        .filter(|c| field(c, "status") == json!("closed") && date(&field(c, "closed_on")).is_some_and(in_period))
        .count() as u64;
    assert_eq!(row(&report, "closures").numerator, Some(closed));

    // The baseline and targets are the plan's, the gap the actual's distance to the target.
    let served = row(&report, "needs_served");
    assert_eq!(served.baseline, Some(40.0));
    if let (Some(a), Some((_, t))) = (served.actual, served.target) {
        assert_eq!(served.gap, Some(((a - t) * 10.0).round() / 10.0));
    }
    // Reading the report is audited.
    let rows = store
        .audit_trail(&AuditQuery {
            municipality_id: w.supervisor.municipality_id,
            action: Some("indicators.report".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
}

async fn the_cases_behind_a_figure_are_only_those_the_reader_may_see(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    let victim = family(device);
    let other = family(device);
    assert!(push(&w, &w.worker, victim.changes.clone()).await.iter().all(applied));
    assert!(push(&w, &w.colleague, other.changes.clone()).await.iter().all(applied));
    let noted = change(
        RecordKind::Vulnerability,
        Uuid::now_v7(),
        victim.case,
        None,
        device,
        json!({ "member_id": victim.adult, "category": "trafficking", "noted_on": today() }),
    );
    assert!(applied(&push(&w, &w.worker, vec![noted]).await[0]));
    let plan = plan(&w).await;
    let indicators = Indicators::new(Ctx::new(store.clone()));
    let (from, to) = (today() - Duration::days(30), today());

    // Both returns count in the municipality's figure, the restricted one too.
    let report = indicators.report(&w.supervisor, plan, from, to).await.unwrap();
    assert_eq!(row(&report, "returns").numerator, Some(2));
    let behind = |actor: SessionUser| {
        let indicators = indicators.clone();
        async move {
            indicators
                .cases_behind(&actor, plan, "returns", Side::Numerator, from, to)
                .await
        }
    };
    let all = behind(w.supervisor.clone()).await.unwrap();
    assert_eq!((all.cases.len(), all.hidden), (2, 0));
    assert!(all
        .cases
        .iter()
        .all(|c| c.name == "Şükrije Gashi-Đurić" && c.village == "Plemetin / Племетина"));
    // The colleague's case manager rights reach no case here: nothing named, both counted.
    let manager = behind(w.manager.clone()).await.unwrap();
    assert_eq!((manager.cases.len(), manager.hidden), (0, 2));
    // A partner institution reads no report; another municipality's reader finds no plan.
    assert_eq!(
        indicators.report(&w.employment, plan, from, to).await.unwrap_err(),
        ApiError::Forbidden
    );
    assert_eq!(
        indicators.report(&w.elsewhere, plan, from, to).await.unwrap_err(),
        ApiError::NotFound
    );

    // The case list as CSV (with its byte-order mark) and XLSX, names byte-exact; audited.
    let (_, csv) = indicators
        .export_cases(
            &w.supervisor,
            plan,
            "returns",
            Side::Numerator,
            from,
            to,
            ExportFormat::Csv,
        )
        .await
        .unwrap();
    assert!(csv.starts_with(b"\xEF\xBB\xBF"));
    let text = String::from_utf8(csv).unwrap();
    assert_eq!(text.matches("Şükrije Gashi-Đurić").count(), 2);
    assert!(text.contains("Plemetin / Племетина"));
    let (name, xlsx) = indicators
        .export_report(&w.supervisor, plan, from, to, ExportFormat::Xlsx)
        .await
        .unwrap();
    assert!(name.ends_with(".xlsx"));
    assert!(xlsx.starts_with(b"PK"), "an XLSX is a zip");
    for action in ["indicators.export_cases", "indicators.export"] {
        let rows = store
            .audit_trail(&AuditQuery {
                municipality_id: w.supervisor.municipality_id,
                action: Some(action.into()),
                limit: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(rows.iter().filter(|r| r.action == action).count(), 1, "{action}");
    }
}

async fn bad_definitions_and_figures_are_refused_with_their_reason(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let admin = admin(&w).await;
    let plan = plan(&w).await;
    let indicators = Indicators::new(Ctx::new(store.clone()));
    let before = store.indicators(plan).await.unwrap();
    let served = before.iter().find(|d| d.code == "needs_served").unwrap().clone();
    let (from, to) = (
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap(),
    );

    assert_eq!(
        indicators.report(&w.supervisor, plan, to, from).await.unwrap_err(),
        ApiError::Indicator(IndicatorError::PeriodEndsBeforeStart)
    );
    let mut bad = served.clone();
    bad.targets.push((2028, 120.0));
    assert_eq!(
        indicators.edit(&admin, plan, &bad).await.unwrap_err(),
        ApiError::Indicator(IndicatorError::ShareOutOfRange(120.0))
    );
    let mut bad = served.clone();
    bad.denominator = Some("households_with_goats".into());
    assert_eq!(
        indicators.edit(&admin, plan, &bad).await.unwrap_err(),
        ApiError::Indicator(IndicatorError::Measure(MeasureError::Unknown(
            "households_with_goats".into()
        )))
    );
    // Only the administrator edits; a supervisor is refused.
    let mut fine = served.clone();
    fine.denominator = Some("needs".into());
    fine.targets = vec![(2026, 75.0), (2028, 95.0)];
    assert_eq!(
        indicators.edit(&w.supervisor, plan, &fine).await.unwrap_err(),
        ApiError::Forbidden
    );
    assert_eq!(store.indicators(plan).await.unwrap(), before, "nothing changed");

    indicators.edit(&admin, plan, &fine).await.unwrap();
    let report = indicators.report(&admin, plan, from, to).await.unwrap();
    assert_eq!(row(&report, "needs_served").target, Some((2026, 75.0)));

    // A computed indicator takes no figure by hand; a hand-typed share stays within 0–100.
    assert_eq!(
        indicators
            .type_by_hand(&admin, plan, "needs_served", from, to, 50.0)
            .await
            .unwrap_err(),
        ApiError::Indicator(IndicatorError::ComputedFromRecords)
    );
    assert_eq!(
        indicators
            .type_by_hand(&admin, plan, "curricula", from, to, 150.0)
            .await
            .unwrap_err(),
        ApiError::Indicator(IndicatorError::ShareOutOfRange(150.0))
    );
    indicators
        .type_by_hand(&admin, plan, "curricula", from, to, 20.0)
        .await
        .unwrap();
    let report = indicators.report(&admin, plan, from, to).await.unwrap();
    let curricula = row(&report, "curricula");
    assert!(curricula.by_hand);
    assert_eq!(curricula.actual, Some(20.0));
    assert_eq!(curricula.gap, Some(-30.0), "the 2026 target is 50 %");
    // Another period has no figure typed for it.
    let next = indicators
        .report(&admin, plan, from + Duration::days(365), to + Duration::days(365))
        .await
        .unwrap();
    assert_eq!(row(&next, "curricula").actual, None);
}

async fn the_dashboard_counts_the_municipality_and_draws_it_in_the_readers_language(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    let recent = family(device);
    let mut late = family(device);
    // The second family came back ten days ago and was never visited: its first visit is overdue.
    for c in late.changes.iter_mut() {
        if c["kind"] == json!("return_event") {
            c["fields"]["event_date"] = json!((today() - Duration::days(10)).to_string());
        }
    }
    assert!(push(&w, &w.worker, recent.changes.clone()).await.iter().all(applied));
    assert!(push(&w, &w.colleague, late.changes.clone()).await.iter().all(applied));
    let dashboards = reintegra::dashboard::Dashboards::new(Ctx::new(store.clone()));
    let (d, overdue) = dashboards.counts(&w.supervisor).await.unwrap();
    let mut load = d.caseload.clone();
    load.sort();
    let mut expected = vec![(Some(w.worker.id), 1), (Some(w.colleague.id), 1)];
    expected.sort();
    assert_eq!(load, expected);
    assert_eq!(overdue, vec![("first_visit".to_string(), 1)]);
    let returns: u64 = d.first_visits.iter().map(|m| m.returns).sum();
    assert_eq!(returns, 2);
    assert_eq!(d.first_visits.iter().map(|m| m.visited_in_72_hours).sum::<u64>(), 0);
    // Drawn in the reader's language (the supervisor's stored choice), names as typed.
    let mut reader = w.supervisor.clone();
    reader.locale = "sr-Latn".into();
    let html = dashboards.html(&reader).await.unwrap();
    assert!(html.contains("Otvoreni slučajevi po radniku"), "{html}");
    assert!(html.contains("field.a") && html.contains("field.b"));
    assert!(html.matches("<svg").count() >= 5);
    // A partner institution has no dashboard.
    assert_eq!(dashboards.counts(&w.employment).await.unwrap_err(), ApiError::Forbidden);
    // The supervisor gives the colleague's case to the worker: the load follows at once.
    w.cases
        .reassign(&w.supervisor, late.case, w.worker.id, Utc::now())
        .await
        .unwrap();
    let (d, _) = dashboards.counts(&w.supervisor).await.unwrap();
    assert_eq!(d.caseload, vec![(Some(w.worker.id), 2)]);
}

async fn the_national_view_shows_aggregates_without_restricted_cases_or_small_counts(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let plan = plan(&w).await;
    let gjilan = w.elsewhere.municipality_id;
    seed::add_plan(store.as_ref(), gjilan, catalogue::prizren(), Utc::now())
        .await
        .unwrap();
    let ministry = seed::ensure_municipality(store.as_ref(), "ministry", "Ministria")
        .await
        .unwrap();
    let national = SessionUser::from(
        &seed::create_user(
            store.as_ref(),
            &ministry,
            "national",
            "Drita Rexhepi",
            &[Role::National],
            None,
            "a-long-password",
        )
        .await
        .unwrap(),
    );
    let device = Uuid::now_v7();
    // Obiliq: six families, one of them a victim's (restricted); Gjilan: two.
    let mut victim = None;
    for i in 0..6 {
        let f = family(device);
        assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
        if i == 0 {
            victim = Some(f);
        }
    }
    let victim = victim.unwrap();
    let noted = change(
        RecordKind::Vulnerability,
        Uuid::now_v7(),
        victim.case,
        None,
        device,
        json!({ "member_id": victim.adult, "category": "domestic_violence", "noted_on": today() }),
    );
    assert!(applied(&push(&w, &w.worker, vec![noted]).await[0]));
    for _ in 0..2 {
        assert!(push(&w, &w.elsewhere, family(device).changes).await.iter().all(applied));
    }
    let indicators = Indicators::new(Ctx::new(store.clone()));
    let (from, to) = (today() - Duration::days(30), today());
    let view = indicators.national(&national, from, to).await.unwrap();
    let mut names: Vec<&str> = view.municipalities.iter().map(|(n, _)| n.as_str()).collect();
    names.sort();
    assert_eq!(
        names,
        vec!["Gjilan / Gnjilane", "Obiliq / Obilić"],
        "the ministry's own has no plan and no case"
    );
    let at = |name: &str| view.municipalities.iter().position(|(n, _)| n == name).unwrap();
    let (o, g) = (at("Obiliq / Obilić"), at("Gjilan / Gnjilane"));
    let returns = view.rows.iter().find(|r| r.code == "returns").unwrap();
    use app::domain::indicator::Shown;
    // Obiliq: five returns counted (the restricted one is not); Gjilan: two, shown as "<5".
    assert_eq!(returns.cells[o].as_ref().unwrap().numerator, Some(Shown::Count(5)));
    assert_eq!(returns.cells[g].as_ref().unwrap().numerator, Some(Shown::Few));
    assert_eq!(returns.cells[g].as_ref().unwrap().actual, None);
    // The municipality itself counts all six.
    let own = indicators.report(&w.supervisor, plan, from, to).await.unwrap();
    assert_eq!(row(&own, "returns").numerator, Some(6));
    // The national reader opens no municipality's report or case list; others get no national view.
    assert_eq!(
        indicators.report(&national, plan, from, to).await.unwrap_err(),
        ApiError::NotFound
    );
    assert_eq!(
        indicators
            .cases_behind(&national, plan, "returns", Side::Numerator, from, to)
            .await
            .unwrap_err(),
        ApiError::NotFound
    );
    assert_eq!(
        indicators.national(&w.supervisor, from, to).await.unwrap_err(),
        ApiError::Forbidden
    );
    // The ministry takes no families: a closure cannot hand one to it.
    let page = pull_all(&w, &w.supervisor).await;
    let names: Vec<&str> = page.municipalities.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, vec!["Gjilan / Gnjilane"]);
    // No case data in the answer: only names of municipalities and plans, and figures.
    let json = serde_json::to_string(&view).unwrap();
    assert!(!json.contains("Gashi") && !json.contains(&victim.case.to_string()));
}

async fn the_office_lists_export_what_the_reader_may_see_in_their_language(store: Arc<dyn Storage>) {
    use reintegra::exports::{Exports, List};
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    let mine = family(device);
    let theirs = family(device);
    assert!(push(&w, &w.worker, mine.changes.clone()).await.iter().all(applied));
    assert!(push(&w, &w.colleague, theirs.changes.clone()).await.iter().all(applied));
    let referral = change(
        RecordKind::Referral,
        Uuid::now_v7(),
        mine.case,
        None,
        device,
        json!({ "kind": "employment", "institution_id": w.employment_office.id, "sent_on": today() }),
    );
    assert!(applied(&push(&w, &w.worker, vec![referral]).await[0]));
    let exports = Exports::new(Ctx::new(store.clone()));
    let csv = |actor: SessionUser, list| {
        let exports = exports.clone();
        async move {
            let (_, bytes) = exports.export(&actor, list, ExportFormat::Csv).await.unwrap();
            assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
            String::from_utf8(bytes).unwrap()
        }
    };
    // The supervisor's list has both families, the worker's only their own.
    let all = csv(w.supervisor.clone(), List::Cases).await;
    assert_eq!(all.matches("Şükrije Gashi-Đurić").count(), 2);
    assert!(all.contains("Plemetin / Племетина"));
    let own = csv(w.worker.clone(), List::Cases).await;
    assert_eq!(own.matches("Şükrije Gashi-Đurić").count(), 1);
    assert!(own.contains(&mine.case.to_string()) && !own.contains(&theirs.case.to_string()));
    // Headers and values in the reader's language.
    let mut serbian = w.supervisor.clone();
    serbian.locale = "sr-Latn".into();
    let referrals = csv(serbian, List::Referrals).await;
    assert!(referrals.starts_with("\u{feff}Ime,Selo,ID slučaja"), "{referrals}");
    assert!(referrals.contains("Zyra e Punësimit Obiliq") && referrals.contains("Poslato"));
    let follow_ups = csv(w.supervisor.clone(), List::FollowUps).await;
    assert!(
        follow_ups.lines().count() >= 3,
        "a first visit each and the referral: {follow_ups}"
    );
    // XLSX too; a partner has no case list; each export is audited.
    let (name, xlsx) = exports
        .export(&w.supervisor, List::Plans, ExportFormat::Xlsx)
        .await
        .unwrap();
    assert!(name.starts_with("plans-") && xlsx.starts_with(b"PK"));
    assert_eq!(
        exports
            .export(&w.employment, List::Cases, ExportFormat::Csv)
            .await
            .unwrap_err(),
        ApiError::Forbidden
    );
    let audited = store
        .audit_trail(&AuditQuery {
            municipality_id: w.supervisor.municipality_id,
            action: Some("export.".into()),
            limit: 20,
            ..Default::default()
        })
        .await
        .unwrap();
    // Two case lists, referrals, follow-ups, plans: five; the refusal is audited as one.
    assert_eq!(audited.iter().filter(|r| r.action.starts_with("export.")).count(), 5);
}

async fn an_administrator_gives_the_municipality_a_plan_from_a_template(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let gjilan = seed::ensure_municipality(store.as_ref(), "gjilan", "Gjilan / Gnjilane")
        .await
        .unwrap();
    let admin = SessionUser::from(
        &seed::create_user(
            store.as_ref(),
            &gjilan,
            "admin.gjilan",
            "Admin",
            &[Role::Admin],
            None,
            "a-long-password",
        )
        .await
        .unwrap(),
    );
    let indicators = Indicators::new(Ctx::new(store.clone()));
    assert!(indicators.plans(&admin).await.unwrap().is_empty());
    let codes: Vec<String> = indicators
        .templates(&admin)
        .await
        .unwrap()
        .into_iter()
        .map(|t| t.code)
        .collect();
    assert_eq!(codes, vec!["obiliq-2026".to_string(), "prizren-2026".to_string()]);
    let plan = indicators.adopt(&admin, "prizren-2026").await.unwrap();
    assert_eq!((plan.starts_year, plan.ends_year), (2026, 2028));
    // Twice is once; an unknown template does not exist; only the administrator adopts.
    assert_eq!(indicators.adopt(&admin, "prizren-2026").await.unwrap().id, plan.id);
    assert_eq!(indicators.plans(&admin).await.unwrap().len(), 1);
    assert_eq!(
        indicators.adopt(&admin, "atlantis").await.unwrap_err(),
        ApiError::NotFound
    );
    assert_eq!(
        indicators.adopt(&w.elsewhere, "obiliq-2026").await.unwrap_err(),
        ApiError::Forbidden
    );
    // The plan holds the template's indicators, ready for the municipality's own figures.
    let defs = store.indicators(plan.id).await.unwrap();
    assert_eq!(defs, catalogue::prizren().indicators);
    // Obiliq's plans are untouched.
    assert!(store.plans(Some(w.worker.municipality_id)).await.unwrap().is_empty());
}

on_both_databases!(
    an_administrator_gives_the_municipality_a_plan_from_a_template,
    the_office_lists_export_what_the_reader_may_see_in_their_language,
    the_national_view_shows_aggregates_without_restricted_cases_or_small_counts,
    the_dashboard_counts_the_municipality_and_draws_it_in_the_readers_language,
    the_report_equals_a_count_made_from_the_raw_records,
    the_cases_behind_a_figure_are_only_those_the_reader_may_see,
    bad_definitions_and_figures_are_refused_with_their_reason,
);
