//! Housing, claims and the end of a case on both databases: a case through the programme's rent,
//! a commission's refusal and the appeal that grants it, the 12-month housing review, a claim,
//! the final assessment, a closure refused while a referral is open, requested, approved on its
//! exact content, closed; it leaves the worker's phone after what they queued is in, and a
//! supervisor reopens it with its follow-ups. A family that moved is handed to the other
//! municipality instead.

mod common;

use app::domain::closure::{application_hash, closure_hash};
use app::domain::follow_up::local_today;
use app::domain::record::{Case, Closure, HousingApplication, TypedRecord};
use app::domain::sync::{Change, Outcome, Rejection, Reopen};
use app::domain::{Problem, RecordKind, Role, SessionUser};
use chrono::{Duration, Months, NaiveDate, Utc};
use common::world::*;
use reintegra::case_end::CaseEnds;
use reintegra::context::Ctx;
use reintegra::plans::Appointment;
use reintegra::seed;
use reintegra::storage::Storage;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

fn rejection(o: &Outcome) -> Option<(Rejection, Vec<(String, Problem)>)> {
    match o {
        Outcome::Rejected { reason, errors, .. } => {
            Some((*reason, errors.iter().map(|e| (e.field.clone(), e.problem)).collect()))
        }
        _ => None,
    }
}

fn id_of(c: &Value) -> Uuid {
    serde_json::from_value(c["record_id"].clone()).unwrap()
}

/// The stored follow-up `key` of the case: its day and status.
async fn follow_up(w: &World, case: Uuid, key: &str) -> Option<(NaiveDate, String)> {
    w.store
        .follow_ups_of_case(case)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.key == key)
        .map(|r| (r.due_on, r.status))
}

/// A family that came back 18 months and 5 days ago, with its case manager appointed.
async fn returned_long_ago(w: &World, device: Uuid) -> (Family, NaiveDate) {
    let f = family(device);
    assert!(push(w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let today = local_today(Utc::now());
    let returned = today - Months::new(18) - Duration::days(5);
    let earlier = change(
        RecordKind::ReturnEvent,
        Uuid::now_v7(),
        f.case,
        None,
        device,
        json!({ "household_id": f.household, "category": "repatriated", "country": "Sverige",
                "event_date": returned.to_string(), "members": [f.adult] }),
    );
    assert!(applied(&push(w, &w.worker, vec![earlier]).await[0]));
    let appointment = Appointment {
        case_manager_id: w.manager.id,
        decision: "01-016/2025-77".into(),
        decided_on: today,
    };
    w.plans
        .appoint(&w.supervisor, f.case, &appointment, Utc::now())
        .await
        .unwrap();
    (f, returned)
}

async fn a_case_through_housing_to_closure_and_back(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let (phone, tablet, supervisor_tablet) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let (f, returned) = returned_long_ago(&w, phone).await;
    let today = local_today(Utc::now());
    let ago = |days: i64| (today - Duration::days(days)).to_string();

    // The programme pays the rent until 20 days from now; nobody has said what comes after it.
    let rent_to = today + Duration::days(20);
    let housing = |from: &str, to: &str| {
        change(
            RecordKind::Housing,
            Uuid::now_v7(),
            f.case,
            None,
            phone,
            json!({ "situation": "rent_by_programme", "rent_from": from, "rent_to": to,
                    "rent_monthly": 150.0, "landlord": "Xhevdet Krasniqi" }),
        )
    };
    let backwards = push(&w, &w.worker, vec![housing(&ago(10), &ago(20))]).await;
    assert_eq!(
        rejection(&backwards[0]),
        Some((Rejection::Invalid, vec![("rent_to".into(), Problem::DueBeforeStart)]))
    );
    assert!(applied(
        &push(&w, &w.worker, vec![housing(&ago(330), &rent_to.to_string())]).await[0]
    ));
    // A month before the rent ends (20 days from now) is 10 or 11 days ago: overdue. The
    // 12-month review fell due 6 months and 5 days ago.
    assert_eq!(
        follow_up(&w, f.case, "rent_end").await,
        Some((rent_to - Months::new(1), "overdue".into()))
    );
    assert_eq!(
        follow_up(&w, f.case, "housing_review").await,
        Some((returned + Months::new(12), "overdue".into()))
    );

    // An application for furniture, refused by the commission, appealed, granted on appeal.
    let application_id = Uuid::now_v7();
    let mut application = HousingApplication {
        kind: Some("furniture".into()),
        applied_on: Some(today - Duration::days(60)),
        documents: vec!["Kërkesa".into(), "Letërnjoftimi".into(), "Vërtetimi i pronës".into()],
        ..Default::default()
    };
    let apply = change(
        RecordKind::HousingApplication,
        application_id,
        f.case,
        None,
        phone,
        Value::Object(application.to_fields().into_iter().collect()),
    );
    assert!(applied(&push(&w, &w.worker, vec![apply]).await[0]));
    let decision = |body: &str, what: &str, on: &str, hash: &str| {
        change(
            RecordKind::CommissionDecision,
            Uuid::now_v7(),
            f.case,
            None,
            tablet,
            json!({ "application_id": application_id, "application_hash": hash, "body": body,
                    "decision": what, "reason": "Mungon vërtetimi i pronës", "decided_on": on }),
        )
    };
    let hash = application_hash(&application);
    // Field workers file applications; the decisions are the case manager's to enter.
    assert_eq!(
        rejection(&push(&w, &w.worker, vec![decision("commission", "rejected", &ago(50), &hash)]).await[0])
            .map(|r| r.0),
        Some(Rejection::Forbidden)
    );
    assert_eq!(
        rejection(
            &push(
                &w,
                &w.manager,
                vec![decision("commission", "rejected", &ago(61), &hash)]
            )
            .await[0]
        ),
        Some((
            Rejection::Invalid,
            vec![("decided_on".into(), Problem::BeforeApplication)]
        ))
    );
    let no_reason = change(
        RecordKind::CommissionDecision,
        Uuid::now_v7(),
        f.case,
        None,
        tablet,
        json!({ "application_id": application_id, "application_hash": hash, "body": "commission",
                "decision": "rejected", "decided_on": ago(50) }),
    );
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![no_reason]).await[0]),
        Some((Rejection::Invalid, vec![("reason".into(), Problem::Required)]))
    );
    assert!(applied(
        &push(
            &w,
            &w.manager,
            vec![decision("commission", "rejected", &ago(50), &hash)]
        )
        .await[0]
    ));
    // The appeal is lodged; an appeals decision the case manager queued on the dossier as it
    // was before is refused, and one on the dossier as it is lands.
    let stale_appeal = decision("appeals_commission", "approved", &ago(30), &hash);
    application.appealed_on = Some(today - Duration::days(40));
    let appeal = change(
        RecordKind::HousingApplication,
        application_id,
        f.case,
        Some(1),
        phone,
        json!({ "appealed_on": ago(40) }),
    );
    assert!(applied(&push(&w, &w.worker, vec![appeal]).await[0]));
    let out = push(&w, &w.manager, vec![stale_appeal.clone()]).await;
    assert_eq!(rejection(&out[0]).map(|r| r.0), Some(Rejection::DecisionOutdated));
    assert!(w.store.record(id_of(&stale_appeal)).await.unwrap().is_none());
    let granted = decision(
        "appeals_commission",
        "approved",
        &ago(30),
        &application_hash(&application),
    );
    assert!(applied(&push(&w, &w.manager, vec![granted]).await[0]));
    let executed = change(
        RecordKind::HousingApplication,
        application_id,
        f.case,
        Some(2),
        phone,
        json!({ "executed_on": ago(10) }),
    );
    assert!(applied(&push(&w, &w.worker, vec![executed]).await[0]));

    // The housing review says what comes after the rent: the 12-month step and the rent's end
    // are done by it (and by nothing else).
    let review = change(
        RecordKind::HousingReview,
        Uuid::now_v7(),
        f.case,
        None,
        phone,
        json!({ "done_on": ago(2), "after_rent": "social_housing_application" }),
    );
    let review_id = id_of(&review);
    assert!(applied(&push(&w, &w.worker, vec![review]).await[0]));
    let done = w.store.follow_ups_of_case(f.case).await.unwrap();
    for key in ["housing_review", "rent_end"] {
        let row = done.iter().find(|r| r.key == key).unwrap();
        assert_eq!((row.status.as_str(), row.done_by), ("done", Some(review_id)), "{key}");
    }

    // A claim in the register: not decided before it was made; the case manager's to keep.
    let claim = |decided: &str| {
        change(
            RecordKind::Benefit,
            Uuid::now_v7(),
            f.case,
            None,
            tablet,
            json!({ "member_id": f.adult, "scheme": "social_assistance", "applied_on": ago(45),
                    "outcome": "approved", "decided_on": decided, "amount": 85.0,
                    "period_from": ago(30), "period_to": (today + Duration::days(335)).to_string() }),
        )
    };
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![claim(&ago(50))]).await[0]),
        Some((
            Rejection::Invalid,
            vec![("decided_on".into(), Problem::BeforeApplication)]
        ))
    );
    assert_eq!(
        rejection(&push(&w, &w.worker, vec![claim(&ago(20))]).await[0]).map(|r| r.0),
        Some(Rejection::Forbidden)
    );
    assert!(applied(&push(&w, &w.manager, vec![claim(&ago(20))]).await[0]));

    // The final assessment: not before the 17th month after the return; from it, it is done.
    let final_assessment = |on: NaiveDate| {
        change(
            RecordKind::FinalAssessment,
            Uuid::now_v7(),
            f.case,
            None,
            phone,
            json!({ "done_on": on.to_string(), "documents": "sustainable", "housing": "partly",
                    "education": "sustainable", "health": "sustainable", "psychosocial": "partly",
                    "employment": "not_sustainable", "social_assistance": "sustainable", "overall": "partly" }),
        )
    };
    let early = final_assessment(returned + Months::new(17) - Duration::days(1));
    assert_eq!(
        rejection(&push(&w, &w.worker, vec![early]).await[0]),
        Some((Rejection::Invalid, vec![("done_on".into(), Problem::TooEarly)]))
    );
    let fa = final_assessment(today);
    let fa_id = id_of(&fa);
    assert!(applied(&push(&w, &w.worker, vec![fa]).await[0]));
    assert_eq!(
        follow_up(&w, f.case, "final_assessment").await,
        Some((returned + Months::new(18), "done".into()))
    );

    // An open referral holds the closure back, with what must be done first.
    let referral = change(
        RecordKind::Referral,
        Uuid::now_v7(),
        f.case,
        None,
        phone,
        json!({ "kind": "employment", "institution_id": w.employment_office.id, "sent_on": ago(5) }),
    );
    let referral_id = id_of(&referral);
    assert!(applied(&push(&w, &w.worker, vec![referral]).await[0]));
    let request_id = Uuid::now_v7();
    let mut closure = Closure {
        reason: Some("stable_reintegration".into()),
        final_assessment_id: Some(fa_id),
        requested_at: Some(Utc::now() - Duration::minutes(30)),
        ..Default::default()
    };
    let request = || {
        change(
            RecordKind::Closure,
            request_id,
            f.case,
            None,
            tablet,
            Value::Object(closure.to_fields().into_iter().collect()),
        )
    };
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![request()]).await[0]),
        Some((
            Rejection::ClosureBlocked,
            vec![(format!("referral.{referral_id}"), Problem::OpenReferral)]
        ))
    );
    let close_referral = change(
        RecordKind::Referral,
        referral_id,
        f.case,
        Some(1),
        phone,
        json!({ "closed_on": ago(0), "closing_note": "U regjistrua vetë" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![close_referral]).await[0]));
    // The field worker may not ask; the case manager may, once.
    assert_eq!(
        rejection(&push(&w, &w.worker, vec![request()]).await[0]).map(|r| r.0),
        Some(Rejection::Forbidden)
    );
    assert!(applied(&push(&w, &w.manager, vec![request()]).await[0]));
    let second = change(
        RecordKind::Closure,
        Uuid::now_v7(),
        f.case,
        None,
        tablet,
        json!({ "reason": "unreachable", "requested_at": Utc::now().to_rfc3339() }),
    );
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![second]).await[0]).map(|r| r.0),
        Some(Rejection::ClosurePending)
    );

    // The supervisor decides offline on the request as first sent; the case manager adds a
    // note meanwhile: that decision is refused, and one on the request as it is lands.
    let decide = |hash: String| {
        change(
            RecordKind::ClosureDecision,
            Uuid::now_v7(),
            f.case,
            None,
            supervisor_tablet,
            json!({ "closure_id": request_id, "content_hash": hash, "decision": "approved",
                    "decided_at": Utc::now().to_rfc3339() }),
        )
    };
    let stale = decide(closure_hash(&closure));
    closure.note = Some("Familja jeton në shtëpinë e rindërtuar".into());
    let note = change(
        RecordKind::Closure,
        request_id,
        f.case,
        Some(1),
        tablet,
        json!({ "note": closure.note }),
    );
    assert!(applied(&push(&w, &w.manager, vec![note]).await[0]));
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![stale]).await[0]).map(|r| r.0),
        Some(Rejection::DecisionOutdated)
    );
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![decide(closure_hash(&closure))]).await[0]).map(|r| r.0),
        Some(Rejection::Forbidden)
    );
    // The worker queued a newborn's registration before the closure; it is still sent after it.
    let queued_member = {
        let mut c: Change = serde_json::from_value(change(
            RecordKind::Member,
            Uuid::now_v7(),
            f.case,
            None,
            phone,
            json!({ "household_id": f.household, "first_name": "Arbër", "last_name": "Gashi",
                    "birth_date": ago(3), "sex": "male", "relationship": "grandchild" }),
        ))
        .unwrap();
        c.made_at = Utc::now() - Duration::minutes(10);
        serde_json::to_value(c).unwrap()
    };
    let cursor_before = w.sync.pull(&w.worker, "", Some(1000)).await.unwrap().next_cursor;
    assert!(applied(
        &push(&w, &w.supervisor, vec![decide(closure_hash(&closure))]).await[0]
    ));

    // Closed: read-only, its undone follow-ups cancelled, the approved request and its date kept.
    let case = w.store.record(f.case).await.unwrap().unwrap();
    let c = Case::from_fields(&case.fields).unwrap();
    assert_eq!(
        (c.status.as_deref(), c.closed_on, c.closure_id),
        (Some("closed"), Some(today), Some(request_id))
    );
    assert_eq!(follow_up(&w, f.case, "first_visit").await.unwrap().1, "cancelled");
    assert_eq!(follow_up(&w, f.case, "final_assessment").await.unwrap().1, "done");
    assert!(applied(&push(&w, &w.worker, vec![queued_member]).await[0]));
    let late = change(
        RecordKind::Household,
        f.household,
        f.case,
        Some(1),
        phone,
        json!({ "phone": "+383 49 123 456" }),
    );
    assert_eq!(
        rejection(&push(&w, &w.worker, vec![late]).await[0]).map(|r| r.0),
        Some(Rejection::CaseClosed)
    );
    // It leaves the worker's and the case manager's phones; the supervisor keeps seeing it.
    for who in [&w.worker, &w.manager] {
        let page = pull_all(&w, who).await;
        assert!(!page.cases.unwrap().contains(&f.case));
    }
    assert!(pull_all(&w, &w.supervisor).await.cases.unwrap().contains(&f.case));

    // Reopened by a supervisor, with a reason: the phones pull the whole case again and its
    // follow-ups come back.
    let ends = CaseEnds::new(Ctx::new(store.clone()));
    let reason = Reopen {
        reason: "Familja humbi banesën".into(),
    };
    assert!(ends.reopen(&w.manager, f.case, &reason).await.is_err());
    assert!(ends
        .reopen(&w.supervisor, f.case, &Reopen { reason: " ".into() })
        .await
        .is_err());
    ends.reopen(&w.supervisor, f.case, &reason).await.unwrap();
    let c = Case::from_fields(&w.store.record(f.case).await.unwrap().unwrap().fields).unwrap();
    assert_eq!(
        (c.status.as_deref(), c.closed_on, c.reopen_reason.as_deref()),
        (Some("open"), None, Some("Familja humbi banesën"))
    );
    assert_eq!(follow_up(&w, f.case, "first_visit").await.unwrap().1, "overdue");
    let again = w.sync.pull(&w.worker, &cursor_before, Some(1000)).await.unwrap();
    assert!(again.cases.unwrap().contains(&f.case));
    let ids: Vec<Uuid> = again.records.iter().map(|r| r.id).collect();
    for id in [f.case, f.household, f.adult, application_id, fa_id] {
        assert!(ids.contains(&id), "{id} not pulled again");
    }
    let audit = w.store.audit_events(w.worker.municipality_id, 500).await.unwrap();
    for action in ["case.close", "case.reopen"] {
        assert!(audit.iter().any(|e| e.action == action), "no {action} audit row");
    }
}

async fn a_family_that_moved_is_handed_to_the_other_municipality(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    let (f, _) = returned_long_ago(&w, device).await;
    let gjilan = seed::ensure_municipality(store.as_ref(), "gjilan", "Gjilan / Gnjilane")
        .await
        .unwrap();
    let there = SessionUser::from(
        &seed::create_user(
            store.as_ref(),
            &gjilan,
            "supervisor.gjilan",
            "Supervisor Gjilan",
            &[Role::Supervisor],
            None,
            "a-long-password",
        )
        .await
        .unwrap(),
    );
    // The move names the municipality; a request without it is refused.
    let request_id = Uuid::now_v7();
    let mut closure = Closure {
        reason: Some("moved_municipality".into()),
        requested_at: Some(Utc::now()),
        ..Default::default()
    };
    let nowhere = change(
        RecordKind::Closure,
        request_id,
        f.case,
        None,
        device,
        Value::Object(closure.to_fields().into_iter().collect()),
    );
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![nowhere]).await[0]),
        Some((
            Rejection::Invalid,
            vec![("to_municipality_id".into(), Problem::Required)]
        ))
    );
    closure.to_municipality_id = Some(gjilan.id);
    let request = change(
        RecordKind::Closure,
        request_id,
        f.case,
        None,
        device,
        Value::Object(closure.to_fields().into_iter().collect()),
    );
    assert!(applied(&push(&w, &w.manager, vec![request]).await[0]));
    let approve = change(
        RecordKind::ClosureDecision,
        Uuid::now_v7(),
        f.case,
        None,
        device,
        json!({ "closure_id": request_id, "content_hash": closure_hash(&closure), "decision": "approved",
                "decided_at": Utc::now().to_rfc3339() }),
    );
    assert!(applied(&push(&w, &w.supervisor, vec![approve]).await[0]));

    // Not closed: open in Gjilan, waiting for its supervisor to give it a worker.
    let case = w.store.record(f.case).await.unwrap().unwrap();
    let c = Case::from_fields(&case.fields).unwrap();
    assert_eq!(case.municipality_id, gjilan.id);
    assert_eq!(case.field_worker_id, None);
    assert_eq!(
        (c.status.as_deref(), c.case_manager_id, c.transferred_from),
        (Some("open"), None, Some(w.worker.municipality_id))
    );
    let theirs = pull_all(&w, &there).await;
    assert!(theirs.cases.unwrap().contains(&f.case));
    let ids: Vec<Uuid> = theirs.records.iter().map(|r| r.id).collect();
    for id in [f.case, f.household, f.adult, f.child, request_id] {
        assert!(ids.contains(&id), "{id} not handed over");
    }
    for who in [&w.worker, &w.manager, &w.supervisor] {
        assert!(!pull_all(&w, who).await.cases.unwrap().contains(&f.case));
    }
    let audit = w.store.audit_events(w.worker.municipality_id, 200).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "case.transfer"));
}

on_both_databases!(
    a_case_through_housing_to_closure_and_back,
    a_family_that_moved_is_handed_to_the_other_municipality,
);
