//! Protecting victims, on SQLite and PostgreSQL: a case with a victim of trafficking is
//! restricted the moment the category arrives, and is then absent from a colleague's pull and
//! from a case manager's duplicate list, while the partner's referral names no category; a
//! supervisor lifts the restriction only with a reason, which the trail keeps; every read of a
//! case on the server and every case opened on a phone leaves one audit row.

mod common;

use app::api::ApiError;
use app::domain::protection::{RestrictionChange, RestrictionRefusal};
use app::domain::record::{Case, TypedRecord};
use app::domain::sync::{CaseRead, PushRequest};
use app::domain::RecordKind;
use chrono::{Duration, SubsecRound, Utc};
use common::world::*;
use reintegra::storage::{AuditQuery, Storage};
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

async fn case_of(w: &World, id: Uuid) -> Case {
    let r = w.store.record(id).await.unwrap().unwrap();
    Case::from_fields(&r.fields).unwrap()
}

async fn a_victims_case_is_seen_only_by_its_own_workers_and_the_supervisors(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    // Two registrations of the same family: the worker's, and the colleague's.
    let victim = family(device);
    let other = family(device);
    assert!(push(&w, &w.worker, victim.changes.clone()).await.iter().all(applied));
    assert!(push(&w, &w.colleague, other.changes.clone()).await.iter().all(applied));
    let referral = change(
        RecordKind::Referral,
        Uuid::now_v7(),
        victim.case,
        None,
        device,
        json!({ "kind": "employment", "institution_id": w.employment_office.id, "sent_on": "2026-11-20" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![referral]).await[0]));
    // The case manager is appointed to the colleague's case only.
    w.plans
        .appoint(
            &w.supervisor,
            other.case,
            &app::domain::sync::Appointment {
                case_manager_id: w.manager.id,
                decision: "01-311/2026".into(),
                decided_on: today(),
            },
            Utc::now(),
        )
        .await
        .unwrap();
    // Before: both see the pair of suggestions.
    assert_eq!(w.duplicates.list(&w.manager).await.unwrap().len(), 2);
    assert!(!case_of(&w, victim.case).await.is_restricted());

    // The worker notes that the mother is a victim of trafficking; the phone claims someone
    // else noted it, the server writes who really did.
    let category = Uuid::now_v7();
    let noted = change(
        RecordKind::Vulnerability,
        category,
        victim.case,
        None,
        device,
        json!({ "member_id": victim.adult, "category": "trafficking", "noted_on": today(),
                "set_by": w.colleague.id, "set_by_name": "Dikush tjetër" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![noted]).await[0]));
    assert!(case_of(&w, victim.case).await.is_restricted());
    let stored = w.store.record(category).await.unwrap().unwrap();
    assert_eq!(stored.fields["set_by"], json!(w.worker.id));
    assert_eq!(stored.fields["set_by_name"], json!(w.worker.display_name));

    // Its own worker and the supervisors still have it; the colleague never did.
    let has = |page: &app::domain::sync::PullPage, id: Uuid| page.records.iter().any(|r| r.case_id == id);
    assert!(has(&pull_all(&w, &w.worker).await, victim.case));
    assert!(has(&pull_all(&w, &w.supervisor).await, victim.case));
    assert!(!has(&pull_all(&w, &w.colleague).await, victim.case));
    assert!(!has(&pull_all(&w, &w.manager).await, victim.case));
    // The case manager's duplicate list no longer names the victim's family; the supervisor's does.
    assert!(w.duplicates.list(&w.manager).await.unwrap().is_empty());
    assert_eq!(w.duplicates.list(&w.supervisor).await.unwrap().len(), 2);
    let pair = w.store.open_duplicates(w.manager.municipality_id).await.unwrap()[0].id;
    assert!(matches!(
        w.duplicates.dismiss(&w.manager, pair).await,
        Err(ApiError::NotFound)
    ));
    // The employment office still sees the referral sent to it, which names no category.
    let incoming = w.referrals.incoming(&w.employment).await.unwrap();
    assert_eq!(incoming.len(), 1);
    let text = serde_json::to_string(&incoming).unwrap();
    for word in ["trafficking", "vulnerab", "restrict"] {
        assert!(!text.contains(word), "{word} in {text}");
    }

    // Lifting: not by the case's worker, not without a reason; by a supervisor with one.
    let lift = |reason: &str| RestrictionChange {
        restricted: false,
        reason: reason.into(),
    };
    assert!(matches!(
        w.cases
            .change_restriction(&w.worker, victim.case, &lift("Ajo pranoi"))
            .await,
        Err(ApiError::Forbidden)
    ));
    assert!(matches!(
        w.cases
            .change_restriction(&w.colleague, victim.case, &lift("Ajo pranoi"))
            .await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        w.cases
            .change_restriction(&w.supervisor, victim.case, &lift("  "))
            .await,
        Err(ApiError::Restriction(RestrictionRefusal::NoReason))
    ));
    assert!(case_of(&w, victim.case).await.is_restricted());
    let why = "Ajo kërkoi që dosja t'i ndahet zyrës së punësimit";
    w.cases
        .change_restriction(&w.supervisor, victim.case, &lift(why))
        .await
        .unwrap();
    let lifted = case_of(&w, victim.case).await;
    assert!(!lifted.is_restricted());
    assert_eq!(lifted.restriction_lifted_for, vec![category]);
    assert_eq!(w.duplicates.list(&w.manager).await.unwrap().len(), 2);
    let rows = w
        .store
        .audit_trail(&AuditQuery {
            municipality_id: w.worker.municipality_id,
            case_id: Some(victim.case),
            action: Some("case.lift_restriction".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].reason.as_deref(), Some(why));
    assert_eq!(rows[0].actor_id, Some(w.supervisor.id));

    // A child victim of abuse noted after the lift restricts the case again.
    let abuse = change(
        RecordKind::Vulnerability,
        Uuid::now_v7(),
        victim.case,
        None,
        device,
        json!({ "member_id": victim.child, "category": "child_abuse", "noted_on": today() }),
    );
    assert!(applied(&push(&w, &w.worker, vec![abuse]).await[0]));
    assert!(case_of(&w, victim.case).await.is_restricted());
    // A supervisor may also mark a case with no protected category.
    let mark = RestrictionChange {
        restricted: true,
        reason: "Kërcënime nga një i afërm".into(),
    };
    w.cases
        .change_restriction(&w.supervisor, other.case, &mark)
        .await
        .unwrap();
    assert!(case_of(&w, other.case).await.is_restricted());
    assert!(matches!(
        w.cases.change_restriction(&w.supervisor, other.case, &mark).await,
        Err(ApiError::Restriction(RestrictionRefusal::AlreadyRestricted))
    ));
}

async fn every_read_of_a_case_leaves_an_audit_row_offline_ones_too(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    let (a, b) = (family(device), family(device));
    assert!(push(&w, &w.worker, a.changes.clone()).await.iter().all(applied));
    assert!(push(&w, &w.worker, b.changes.clone()).await.iter().all(applied));
    let trail = |case_id: Uuid, action: &'static str| {
        let store = store.clone();
        let m = w.worker.municipality_id;
        async move {
            store
                .audit_trail(&AuditQuery {
                    municipality_id: m,
                    case_id: Some(case_id),
                    action: Some(action.into()),
                    limit: 100,
                    ..Default::default()
                })
                .await
                .unwrap()
        }
    };
    // A pull reads both cases: one row each, naming the case.
    pull_all(&w, &w.supervisor).await;
    for case in [a.case, b.case] {
        let rows = trail(case, "caseload.pull").await;
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].actor_id, Some(w.supervisor.id));
    }
    // An empty pull reads nothing.
    let page = w.sync.pull(&w.colleague, "", None).await.unwrap();
    assert!(page.records.is_empty());
    assert_eq!(trail(a.case, "caseload.pull").await.len(), 1);

    // The phone opened case A offline yesterday; it sends the read with its next push, twice
    // (the first answer was lost). One row, at the phone's time, with its device.
    let at = (Utc::now() - Duration::days(1)).trunc_subsecs(6);
    let read = CaseRead {
        id: Uuid::now_v7(),
        case_id: a.case,
        device_id: device,
        at,
    };
    // A read naming a case of another municipality is not taken.
    let gjilan = family(device);
    assert!(push(&w, &w.elsewhere, gjilan.changes.clone()).await.iter().all(applied));
    let foreign = CaseRead {
        id: Uuid::now_v7(),
        case_id: gjilan.case,
        device_id: device,
        at,
    };
    for _ in 0..2 {
        let request = PushRequest {
            changes: vec![],
            reads: vec![read.clone(), foreign.clone()],
            device_id: None,
        };
        w.sync.push(&w.worker, request).await.unwrap();
    }
    let rows = trail(a.case, "case.read_on_phone").await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].at, at);
    assert_eq!(rows[0].device_id, Some(device));
    assert_eq!(rows[0].actor_id, Some(w.worker.id));
    let elsewhere = store
        .audit_trail(&AuditQuery {
            municipality_id: w.elsewhere.municipality_id,
            action: Some("case.read_on_phone".into()),
            limit: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert!(elsewhere.is_empty());
}

on_both_databases!(
    a_victims_case_is_seen_only_by_its_own_workers_and_the_supervisors,
    every_read_of_a_case_leaves_an_audit_row_offline_ones_too,
);
