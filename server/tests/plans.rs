//! The individual plan on both databases: the case manager appointed by decision receives the
//! case, drafts the plan from the needs and the catalogue, submits it; the supervisor approves
//! the exact content; an edit voids the approval; a decision queued on an older content is
//! refused with its reason; the approval starts the monthly monitoring, done by its own record.

mod common;

use app::domain::assessment::{Need, Section};
use app::domain::follow_up::local_today;
use app::domain::plan::{self, content_hash, PlanContent, PlanItem, PlanState};
use app::domain::record::{Plan, PlanDecision, PlanVersion, TypedRecord};
use app::domain::service::{Service, ServiceNames};
use app::domain::sync::{Outcome, Rejection};
use app::domain::{Problem, RecordKind};
use chrono::{DateTime, Duration, Months, Utc};
use common::world::*;
use reintegra::plans::Appointment;
use reintegra::storage::Storage;
use serde_json::json;
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

/// The plan's state as the phone would compute it from what it pulled.
async fn state_seen_by(w: &World, who: &app::domain::SessionUser, case: Uuid) -> plan::PlanStatus {
    let page = pull_all(w, who).await;
    let of = |k| page.records.iter().filter(move |r| r.case_id == case && r.kind == k);
    let the_plan = of(RecordKind::Plan)
        .next()
        .map(|r| Plan::from_fields(&r.fields).unwrap());
    let versions: Vec<(Uuid, PlanVersion)> = of(RecordKind::PlanVersion)
        .map(|r| (r.id, PlanVersion::from_fields(&r.fields).unwrap()))
        .collect();
    let decisions: Vec<PlanDecision> = of(RecordKind::PlanDecision)
        .map(|r| PlanDecision::from_fields(&r.fields).unwrap())
        .collect();
    plan::status(the_plan.as_ref(), &versions, &decisions)
}

fn plan_change(plan_id: Uuid, case: Uuid, base: Option<i64>, device: Uuid, items: &[PlanItem]) -> serde_json::Value {
    change(
        RecordKind::Plan,
        plan_id,
        case,
        base,
        device,
        json!({ "plan_type": "pir", "items": items }),
    )
}

fn submission(
    plan_id: Uuid,
    case: Uuid,
    device: Uuid,
    items: &[PlanItem],
    at: DateTime<Utc>,
) -> (Uuid, serde_json::Value) {
    let content = PlanContent {
        plan_type: "pir".into(),
        items: items.to_vec(),
    };
    let id = Uuid::now_v7();
    let c = change(
        RecordKind::PlanVersion,
        id,
        case,
        None,
        device,
        json!({ "plan_id": plan_id, "content": content, "content_hash": content_hash(&content),
                "submitted_at": at.to_rfc3339() }),
    );
    (id, c)
}

#[allow(clippy::too_many_arguments)]
fn decision(
    plan_id: Uuid,
    version: Uuid,
    case: Uuid,
    device: Uuid,
    items: &[PlanItem],
    what: &str,
    comment: &str,
    at: DateTime<Utc>,
) -> serde_json::Value {
    let hash = content_hash(&PlanContent {
        plan_type: "pir".into(),
        items: items.to_vec(),
    });
    change(
        RecordKind::PlanDecision,
        Uuid::now_v7(),
        case,
        None,
        device,
        json!({ "plan_id": plan_id, "version_id": version, "content_hash": hash, "decision": what,
                "comment": comment, "decided_at": at.to_rfc3339() }),
    )
}

async fn catalogue(w: &World) -> Vec<Service> {
    let m = w.worker.municipality_id;
    let service = |area: &str, sq: &str, days: u32, institution: Option<Uuid>| Service {
        id: Uuid::now_v7(),
        municipality_id: m,
        area: area.into(),
        names: ServiceNames {
            sq: sq.into(),
            sr: String::new(),
            tr: String::new(),
            en: String::new(),
        },
        institution_id: institution,
        typical_days: days,
        retired: false,
    };
    let mut retired = service("employment", "Punë publike (e mbyllur)", 90, None);
    retired.retired = true;
    let services = vec![
        service("documents", "Dokumentet civile", 30, None),
        service(
            "employment",
            "Regjistrimi si punëkërkues",
            14,
            Some(w.employment_office.id),
        ),
        service("vocational_training", "Aftësimi profesional", 180, None),
        service("housing", "Qiraja e paguar nga programi", 365, None),
        retired,
    ];
    for s in &services {
        w.store.save_service(s, Utc::now(), &[]).await.unwrap();
    }
    services
}

async fn a_plan_from_the_needs_to_approval_and_again_after_an_edit(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let services = catalogue(&w).await;
    let (phone, tablet, supervisor_tablet) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let f = family(phone);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));

    // Not appointed yet: the case manager does not see the case and may not plan it.
    assert!(pull_all(&w, &w.manager).await.records.is_empty());
    let now = Utc::now();
    let today = local_today(now);
    let needs = vec![
        Need {
            section: Section::CivilDocuments,
            priority: "high".into(),
            note: "Letërnjoftim për Şükrijen".into(),
        },
        Need {
            section: Section::Work,
            priority: "medium".into(),
            note: String::new(),
        },
    ];
    let mut items = plan::suggest_items(&needs, &services, Some(f.adult), today, Uuid::now_v7);
    // Documents (1), employment (1, the retired one is not offered), vocational training (1).
    assert_eq!(items.len(), 3);
    let plan_id = Uuid::now_v7();
    let first = push(&w, &w.manager, vec![plan_change(plan_id, f.case, None, tablet, &items)]).await;
    assert_eq!(rejection(&first[0]).map(|r| r.0), Some(Rejection::Forbidden));

    let appointment = Appointment {
        case_manager_id: w.manager.id,
        decision: "01-016/2026-245".into(),
        decided_on: today,
    };
    w.plans.appoint(&w.supervisor, f.case, &appointment, now).await.unwrap();
    // The appointment reaches the case manager's next pull: the whole case, and its decision.
    let page = pull_all(&w, &w.manager).await;
    let ids: Vec<Uuid> = page.records.iter().map(|r| r.id).collect();
    for id in [f.case, f.household, f.adult, f.child] {
        assert!(ids.contains(&id), "{id} not pulled");
    }
    let case = page.records.iter().find(|r| r.id == f.case).unwrap();
    assert_eq!(case.fields["case_manager_decision"], json!("01-016/2026-245"));
    // The field worker still has it; a case manager of nothing else sees nothing else.
    assert!(pull_all(&w, &w.worker).await.records.iter().any(|r| r.id == f.case));

    // Drafted, then submitted 41 days ago and approved 40 days ago (offline, sent today).
    let out = push(&w, &w.manager, vec![plan_change(plan_id, f.case, None, tablet, &items)]).await;
    assert!(applied(&out[0]), "{out:?}");
    assert_eq!(state_seen_by(&w, &w.manager, f.case).await.state, PlanState::Draft);
    let (v1, submit) = submission(plan_id, f.case, tablet, &items, now - Duration::days(41));
    assert!(applied(&push(&w, &w.manager, vec![submit]).await[0]));
    let waiting = state_seen_by(&w, &w.supervisor, f.case).await;
    assert_eq!(
        (waiting.state, waiting.waiting_version),
        (PlanState::WaitingForApproval, Some(v1))
    );

    // The case manager may not approve their own plan.
    let own = decision(plan_id, v1, f.case, tablet, &items, "approved", "", now);
    assert_eq!(
        rejection(&push(&w, &w.manager, vec![own]).await[0]).map(|r| r.0),
        Some(Rejection::Forbidden)
    );
    let approved_at = now - Duration::days(40);
    let approve = decision(
        plan_id,
        v1,
        f.case,
        supervisor_tablet,
        &items,
        "approved",
        "",
        approved_at,
    );
    assert!(applied(&push(&w, &w.supervisor, vec![approve]).await[0]));
    let s = state_seen_by(&w, &w.manager, f.case).await;
    assert_eq!(s.state, PlanState::Approved);
    let approved_on = local_today(approved_at);
    assert_eq!(s.active_since, Some(approved_on));

    // The approval started the clock: the first monthly monitoring fell due a month after it
    // (counted here with chrono's month arithmetic, which ends a short month on its last day).
    let stored = |key: &'static str| {
        let store = w.store.clone();
        async move {
            store
                .follow_ups_of_case(f.case)
                .await
                .unwrap()
                .into_iter()
                .find(|r| r.key == key)
                .map(|r| (r.due_on, r.status))
        }
    };
    let month_one = approved_on + Months::new(1);
    assert_eq!(stored("monitoring:1").await, Some((month_one, "overdue".to_string())));
    // A monitoring visit is a visit; the monitoring form is what does it.
    let monitoring = change(
        RecordKind::Monitoring,
        Uuid::now_v7(),
        f.case,
        None,
        tablet,
        json!({ "plan_id": plan_id, "done_on": today.to_string(),
                "services": [{ "item_id": items[0].id, "received": "partly", "note": "Kërkesa u dorëzua" },
                             { "item_id": items[1].id, "received": "no" }],
                "jobseeker_status": "E regjistruar më 3 nëntor" }),
    );
    assert!(applied(&push(&w, &w.manager, vec![monitoring]).await[0]));
    assert_eq!(stored("monitoring:1").await, Some((month_one, "done".to_string())));

    // An edit after approval: changed since approval, for both.
    items[1].due_on = Some(today + Duration::days(30));
    let edit = plan_change(plan_id, f.case, Some(1), tablet, &items);
    assert!(applied(&push(&w, &w.manager, vec![edit]).await[0]));
    for who in [&w.manager, &w.supervisor] {
        let s = state_seen_by(&w, who, f.case).await;
        assert_eq!(s.state, PlanState::ChangedSinceApproval);
        assert_eq!(s.active_since, Some(approved_on));
    }

    // A decision the supervisor queued offline on the first content arrives after the edit: it
    // is refused with its reason, and nothing is approved.
    let mut first_items = items.clone();
    first_items[1].due_on = Some(today + Duration::days(14));
    let stale = decision(
        plan_id,
        v1,
        f.case,
        supervisor_tablet,
        &first_items,
        "approved",
        "",
        now,
    );
    let stale_id: Uuid = serde_json::from_value(stale["record_id"].clone()).unwrap();
    let out = push(&w, &w.supervisor, vec![stale]).await;
    assert_eq!(rejection(&out[0]).map(|r| r.0), Some(Rejection::PlanChanged));
    assert!(w.store.record(stale_id).await.unwrap().is_none());
    assert_eq!(
        state_seen_by(&w, &w.supervisor, f.case).await.state,
        PlanState::ChangedSinceApproval
    );

    // Submitted again, returned with a comment, then approved: the clock keeps its start.
    let (v2, submit) = submission(plan_id, f.case, tablet, &items, now - Duration::minutes(5));
    assert!(applied(&push(&w, &w.manager, vec![submit]).await[0]));
    let no_comment = decision(plan_id, v2, f.case, supervisor_tablet, &items, "returned", " ", now);
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![no_comment]).await[0]),
        Some((Rejection::Invalid, vec![("comment".to_string(), Problem::Required)]))
    );
    let approve = decision(plan_id, v2, f.case, supervisor_tablet, &items, "approved", "", now);
    assert!(applied(&push(&w, &w.supervisor, vec![approve]).await[0]));
    let s = state_seen_by(&w, &w.manager, f.case).await;
    assert_eq!((s.state, s.changed_since_approval), (PlanState::Approved, false));
    assert_eq!(s.active_since, Some(approved_on));
}

async fn bad_plans_are_refused_with_their_reason_and_change_nothing(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let services = catalogue(&w).await;
    let device = Uuid::now_v7();
    let f = family(device);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let today = local_today(Utc::now());
    let item = |member: Option<Uuid>, service: Option<Uuid>, days: i64| PlanItem {
        id: Uuid::now_v7(),
        member_id: member,
        need: None,
        service_id: service,
        institution_id: None,
        goal: "Regjistrim në zyrën e punësimit".into(),
        start_on: Some(today),
        due_on: Some(today + Duration::days(days)),
        status: "planned".into(),
        reason: String::new(),
    };
    let (documents, retired) = (services[0].id, services[4].id);
    let plan_id = Uuid::now_v7();
    type Expected = Vec<(String, Problem)>;
    let cases: Vec<(Vec<PlanItem>, Expected)> = vec![
        (
            vec![item(None, Some(documents), 10)],
            vec![("items.0.member_id".into(), Problem::Required)],
        ),
        (
            vec![item(Some(f.adult), None, 10)],
            vec![("items.0.service_id".into(), Problem::Required)],
        ),
        (
            vec![item(Some(f.adult), Some(documents), -1)],
            vec![("items.0.due_on".into(), Problem::DueBeforeStart)],
        ),
        (
            vec![item(Some(f.adult), Some(Uuid::now_v7()), 10)],
            vec![("items.0.service_id".into(), Problem::UnknownReference)],
        ),
        (
            vec![item(Some(f.adult), Some(retired), 10)],
            vec![("items.0.service_id".into(), Problem::NotAChoice)],
        ),
    ];
    for (items, expected) in cases {
        let out = push(
            &w,
            &w.supervisor,
            vec![plan_change(plan_id, f.case, None, device, &items)],
        )
        .await;
        assert_eq!(rejection(&out[0]), Some((Rejection::Invalid, expected)));
        assert!(w.store.record(plan_id).await.unwrap().is_none());
    }
    // One plan per case.
    let good = vec![item(Some(f.child), Some(documents), 10)];
    assert!(applied(
        &push(
            &w,
            &w.supervisor,
            vec![plan_change(plan_id, f.case, None, device, &good)]
        )
        .await[0]
    ));
    let second = plan_change(Uuid::now_v7(), f.case, None, device, &good);
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![second]).await[0]).map(|r| r.0),
        Some(Rejection::PlanExists)
    );
    // A submitted version is never edited; one whose hash is not its content is refused.
    let (v, submit) = submission(plan_id, f.case, device, &good, Utc::now());
    assert!(applied(&push(&w, &w.supervisor, vec![submit]).await[0]));
    let rewrite = change(
        RecordKind::PlanVersion,
        v,
        f.case,
        Some(1),
        device,
        json!({ "submitted_at": Utc::now().to_rfc3339() }),
    );
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![rewrite]).await[0]),
        Some((Rejection::Invalid, vec![("submitted_at".into(), Problem::ReadOnly)]))
    );
    let mut forged = submission(plan_id, f.case, device, &good, Utc::now()).1;
    forged["fields"]["content_hash"] = json!("f".repeat(64));
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![forged]).await[0]),
        Some((Rejection::Invalid, vec![("content_hash".into(), Problem::WrongType)]))
    );
    // A submission of content the plan no longer has.
    let other = vec![item(Some(f.adult), Some(documents), 20)];
    let late = submission(plan_id, f.case, device, &other, Utc::now()).1;
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![late]).await[0]).map(|r| r.0),
        Some(Rejection::PlanChanged)
    );
    // Monitoring of a plan the case does not have.
    let monitoring = change(
        RecordKind::Monitoring,
        Uuid::now_v7(),
        f.case,
        None,
        device,
        json!({ "plan_id": Uuid::now_v7(), "done_on": today.to_string() }),
    );
    assert_eq!(
        rejection(&push(&w, &w.supervisor, vec![monitoring]).await[0]),
        Some((Rejection::Invalid, vec![("plan_id".into(), Problem::UnknownReference)]))
    );
    // An appointment of someone who is not a case manager changes nothing.
    let wrong = Appointment {
        case_manager_id: w.worker.id,
        decision: "01-1".into(),
        decided_on: today,
    };
    let before = w.store.record(f.case).await.unwrap().unwrap();
    assert!(w
        .plans
        .appoint(&w.supervisor, f.case, &wrong, Utc::now())
        .await
        .is_err());
    assert_eq!(w.store.record(f.case).await.unwrap().unwrap(), before);
}

async fn the_catalogue_is_the_administrators_and_retires_never_deletes(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let obiliq = seed::ensure_municipality(store.as_ref(), "obiliq", "Obiliq / Obilić")
        .await
        .unwrap();
    let admin = seed::create_user(
        store.as_ref(),
        &obiliq,
        "admin",
        "Admin",
        &[app::domain::Role::Admin],
        None,
        "a-long-password",
    )
    .await
    .unwrap();
    let admin = app::domain::SessionUser::from(&admin);
    let input = app::domain::service::ServiceInput {
        area: "protection".into(),
        names: ServiceNames {
            sq: "Strehim për viktimat e trafikimit".into(),
            sr: "Склониште за жртве трговине људима".into(),
            tr: "İnsan ticareti mağdurları için barınak".into(),
            en: "Shelter for victims of trafficking".into(),
        },
        institution_id: Some(w.employment_office.id),
        typical_days: 90,
    };
    assert!(w.plans.save_service(&w.supervisor, None, &input).await.is_err());
    let saved = w.plans.save_service(&admin, None, &input).await.unwrap();
    let retired = w.plans.retire_service(&admin, saved.id, true).await.unwrap();
    assert!(retired.retired);
    let listed = w.plans.services(&w.manager).await.unwrap();
    assert_eq!(listed.len(), 1);
    // Every script kept byte for byte, retired but still there.
    assert_eq!(listed[0].names, input.names);
    assert!(listed[0].retired);
    let mut bad = input.clone();
    bad.typical_days = 0;
    assert!(w.plans.save_service(&admin, Some(saved.id), &bad).await.is_err());
    assert_eq!(w.plans.services(&admin).await.unwrap()[0].typical_days, 90);
    // The phone gets the catalogue with its pull.
    assert_eq!(pull_all(&w, &w.manager).await.services.len(), 1);
}

use reintegra::seed;

on_both_databases!(
    a_plan_from_the_needs_to_approval_and_again_after_an_edit,
    bad_plans_are_refused_with_their_reason_and_change_nothing,
    the_catalogue_is_the_administrators_and_retires_never_deletes,
);
