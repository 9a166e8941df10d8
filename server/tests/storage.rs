//! The storage suite, run on SQLite and on PostgreSQL.

mod common;

use app::domain::{Institution, InstitutionKind, Role};
use chrono::{Duration, SubsecRound, Utc};
use reintegra::seed;
use reintegra::storage::{AuditEvent, AuditQuery, Municipality, Pool, Storage, StorageError, ThrottleRow};
use std::sync::Arc;
use uuid::Uuid;

async fn municipality(store: &dyn Storage, code: &str) -> Municipality {
    seed::ensure_municipality(store, code, &format!("{code} / Ćirilica Ђурђевак"))
        .await
        .unwrap()
}

async fn municipalities_and_institutions(store: Arc<dyn Storage>) {
    let m = municipality(store.as_ref(), "prizren").await;
    assert_eq!(store.municipality_by_code("prizren").await.unwrap(), Some(m.clone()));
    assert_eq!(store.municipality_by_code("nowhere").await.unwrap(), None);
    // Codes are unique.
    let again = Municipality {
        id: Uuid::now_v7(),
        ..m.clone()
    };
    assert!(matches!(
        store.insert_municipality(&again).await,
        Err(StorageError::Duplicate)
    ));

    let other = municipality(store.as_ref(), "gjilan").await;
    let inst = Institution {
        id: Uuid::now_v7(),
        municipality_id: m.id,
        kind: InstitutionKind::HealthCentre,
        name: "Qendra e Shëndetit Mendor – Prizren / Ruh Sağlığı Merkezi".into(),
    };
    store.insert_institution(&inst).await.unwrap();
    store
        .insert_institution(&Institution {
            id: Uuid::now_v7(),
            municipality_id: other.id,
            kind: InstitutionKind::Police,
            name: "Policia".into(),
        })
        .await
        .unwrap();
    assert_eq!(store.institutions(m.id).await.unwrap(), vec![inst.clone()]);
    assert_eq!(store.institution(inst.id).await.unwrap(), Some(inst));
    assert_eq!(store.institution(Uuid::now_v7()).await.unwrap(), None);
}

async fn users_roles_and_status(store: Arc<dyn Storage>) {
    assert!(!store.has_users().await.unwrap());
    let m = municipality(store.as_ref(), "obiliq").await;
    let u = seed::create_user(
        store.as_ref(),
        &m,
        "dj.petrovic",
        "Đorđe Petrović",
        &[Role::Supervisor, Role::CaseManager],
        None,
        "long enough pw",
    )
    .await
    .unwrap();
    assert!(store.has_users().await.unwrap());

    let by_name = store.user_by_username("dj.petrovic").await.unwrap().unwrap();
    assert_eq!(by_name.display_name, "Đorđe Petrović");
    assert_eq!(by_name.roles, vec![Role::CaseManager, Role::Supervisor]);
    assert_eq!(by_name.municipality_name, m.name);
    assert!(by_name.active);
    assert_eq!(store.user_by_id(u.id).await.unwrap().unwrap().id, u.id);
    assert_eq!(store.user_by_username("nobody").await.unwrap(), None);

    // Usernames are unique, and a refused insert leaves nothing behind (not even roles).
    let dup = seed::create_user(
        store.as_ref(),
        &m,
        "dj.petrovic",
        "Other",
        &[Role::Admin],
        None,
        "long enough pw",
    )
    .await;
    assert!(matches!(dup, Err(seed::SeedError::UsernameTaken(_))));
    assert_eq!(store.users_in(m.id).await.unwrap().len(), 1);

    let now = Utc::now();
    assert!(store
        .set_user_roles(u.id, &[Role::FieldWorker], now, &[])
        .await
        .unwrap());
    assert_eq!(
        store.user_by_id(u.id).await.unwrap().unwrap().roles,
        vec![Role::FieldWorker]
    );
    assert!(!store
        .set_user_roles(Uuid::now_v7(), &[Role::Admin], now, &[])
        .await
        .unwrap());

    assert!(store.set_user_active(u.id, false, now, &[]).await.unwrap());
    assert!(!store.user_by_id(u.id).await.unwrap().unwrap().active);
    assert!(!store.set_user_active(Uuid::now_v7(), false, now, &[]).await.unwrap());

    store.set_user_locale(u.id, "sr-Latn", now).await.unwrap();
    assert_eq!(store.user_by_id(u.id).await.unwrap().unwrap().locale, "sr-Latn");
}

async fn users_are_listed_per_municipality(store: Arc<dyn Storage>) {
    let a = municipality(store.as_ref(), "a").await;
    let b = municipality(store.as_ref(), "b").await;
    for (m, name, roles) in [
        (&a, "ayse", vec![Role::FieldWorker]),
        (&a, "blerta", vec![Role::Admin, Role::Supervisor]),
        (&b, "cedomir", vec![Role::SchoolTeam]),
    ] {
        seed::create_user(store.as_ref(), m, name, name, &roles, None, "long enough pw")
            .await
            .unwrap();
    }
    let in_a = store.users_in(a.id).await.unwrap();
    let names: Vec<_> = in_a.iter().map(|u| u.username.as_str()).collect();
    assert_eq!(names, vec!["ayse", "blerta"]);
    assert_eq!(in_a[1].roles, vec![Role::Supervisor, Role::Admin]);
    assert_eq!(store.users_in(b.id).await.unwrap().len(), 1);
}

async fn throttle_rows(store: Arc<dyn Storage>) {
    let at = Utc::now().trunc_subsecs(3);
    let row = ThrottleRow {
        key: "user:ana".into(),
        failures: 2,
        window_started_at: at,
        locked_until: None,
    };
    store.save_throttle(&row).await.unwrap();
    assert_eq!(store.throttle("user:ana").await.unwrap(), Some(row.clone()));
    let locked = ThrottleRow {
        failures: 4,
        locked_until: Some(at + Duration::minutes(15)),
        ..row
    };
    store.save_throttle(&locked).await.unwrap();
    assert_eq!(store.throttle("user:ana").await.unwrap(), Some(locked));
    store.clear_throttle("user:ana").await.unwrap();
    assert_eq!(store.throttle("user:ana").await.unwrap(), None);
}

async fn audit_trail(store: Arc<dyn Storage>) {
    let m = municipality(store.as_ref(), "mitrovice").await;
    let other = municipality(store.as_ref(), "peje").await;
    let base = Utc::now().trunc_subsecs(3);
    for (i, muni) in [(0, m.id), (1, m.id), (2, other.id)] {
        store
            .append_audit(&AuditEvent {
                id: Uuid::now_v7(),
                at: base + Duration::seconds(i),
                actor_id: None,
                municipality_id: Some(muni),
                action: format!("act{i}"),
                entity: "user".into(),
                entity_id: None,
                detail: "ë ç š ğ".into(),
                ..Default::default()
            })
            .await
            .unwrap();
    }
    let events = store.audit_events(m.id, 10).await.unwrap();
    let actions: Vec<_> = events.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["act1", "act0"]);
    assert_eq!(events[0].detail, "ë ç š ğ");
    assert_eq!(store.audit_events(m.id, 1).await.unwrap().len(), 1);
}

/// The audit screen's filters: by case, person, user, action and period, in one municipality.
async fn the_audit_trail_filters_by_case_person_user_action_and_period(store: Arc<dyn Storage>) {
    let m = municipality(store.as_ref(), "prizren").await;
    let (case, person, ana, device) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let base = Utc::now().trunc_subsecs(3) - Duration::days(10);
    let row = |day: i64, actor: Option<Uuid>, action: &str| AuditEvent {
        id: Uuid::now_v7(),
        at: base + Duration::days(day),
        actor_id: actor,
        municipality_id: Some(m.id),
        action: action.into(),
        entity: "case".into(),
        ..Default::default()
    };
    let rows = [
        row(0, Some(ana), "case.read").on_case(case).from_device(device),
        row(1, Some(ana), "record.create")
            .on_case(case)
            .about_person(Some(person)),
        row(2, None, "case.restrict")
            .on_case(case)
            .because("Rrezik nga një i afërm"),
        row(3, Some(ana), "case.read").on_case(Uuid::now_v7()),
        AuditEvent {
            entity: "member".into(),
            entity_id: Some(person.to_string()),
            ..row(4, Some(Uuid::now_v7()), "record.update")
        },
    ];
    for r in &rows {
        store.append_audit(r).await.unwrap();
    }
    let q = |f: &dyn Fn(&mut AuditQuery)| {
        let mut q = AuditQuery {
            municipality_id: m.id,
            limit: 100,
            ..Default::default()
        };
        f(&mut q);
        q
    };
    let days = |events: Vec<AuditEvent>| -> Vec<i64> { events.iter().map(|e| (e.at - base).num_days()).collect() };
    let all = store.audit_trail(&q(&|_| {})).await.unwrap();
    assert_eq!(days(all.clone()), vec![4, 3, 2, 1, 0]);
    assert_eq!(all[4].device_id, Some(device));
    assert_eq!(all[2].reason.as_deref(), Some("Rrezik nga një i afërm"));
    let by_case = store.audit_trail(&q(&|q| q.case_id = Some(case))).await.unwrap();
    assert_eq!(days(by_case), vec![2, 1, 0]);
    // A person: rows that name them, and rows about their own record.
    let by_person = store.audit_trail(&q(&|q| q.person_id = Some(person))).await.unwrap();
    assert_eq!(days(by_person), vec![4, 1]);
    let by_user = store.audit_trail(&q(&|q| q.actor_id = Some(ana))).await.unwrap();
    assert_eq!(days(by_user), vec![3, 1, 0]);
    let reads = store
        .audit_trail(&q(&|q| q.action = Some("case.read".into())))
        .await
        .unwrap();
    assert_eq!(days(reads), vec![3, 0]);
    let records = store
        .audit_trail(&q(&|q| q.action = Some("record".into())))
        .await
        .unwrap();
    assert_eq!(days(records), vec![4, 1]);
    let period = store
        .audit_trail(&q(&|q| {
            q.from = Some(base + Duration::days(1));
            q.until = Some(base + Duration::days(3));
        }))
        .await
        .unwrap();
    assert_eq!(days(period), vec![2, 1]);
    let elsewhere = AuditQuery {
        municipality_id: Uuid::now_v7(),
        limit: 100,
        ..Default::default()
    };
    assert!(store.audit_trail(&elsewhere).await.unwrap().is_empty());
}

/// An audited write and its audit row commit together or not at all.
async fn a_write_and_its_audit_row_commit_together(store: Arc<dyn Storage>) {
    let m = municipality(store.as_ref(), "gjakove").await;
    let u = seed::create_user(
        store.as_ref(),
        &m,
        "ana.m",
        "Ana",
        &[Role::FieldWorker],
        None,
        "long enough pw",
    )
    .await
    .unwrap();
    let event = |action: &str| AuditEvent {
        id: Uuid::now_v7(),
        at: Utc::now().trunc_subsecs(3),
        actor_id: None,
        municipality_id: Some(m.id),
        action: action.into(),
        entity: "user".into(),
        entity_id: Some(u.id.to_string()),
        detail: String::new(),
        ..Default::default()
    };
    let actions = |store: Arc<dyn Storage>| async move {
        let events = store.audit_events(m.id, 100).await.unwrap();
        events.into_iter().map(|e| e.action).collect::<Vec<_>>()
    };
    let disable = event("user.disable");
    assert!(store
        .set_user_active(u.id, false, Utc::now(), std::slice::from_ref(&disable))
        .await
        .unwrap());
    assert_eq!(actions(store.clone()).await, vec!["user.disable"]);
    // Nothing written, no row: an unknown user.
    let nobody = event("user.enable");
    assert!(!store
        .set_user_active(Uuid::now_v7(), true, Utc::now(), &[nobody])
        .await
        .unwrap());
    assert_eq!(actions(store.clone()).await, vec!["user.disable"]);
    // The row cannot be written (its ID is taken): the write is undone with it.
    let again = AuditEvent {
        action: "user.enable".into(),
        ..disable
    };
    assert!(store.set_user_active(u.id, true, Utc::now(), &[again]).await.is_err());
    assert!(!store.user_by_id(u.id).await.unwrap().unwrap().active);
    assert_eq!(actions(store.clone()).await, vec!["user.disable"]);
}

async fn demo_data_only_into_an_empty_database(store: Arc<dyn Storage>) {
    assert!(seed::load_demo(store.as_ref()).await.unwrap());
    let obiliq = store.municipality_by_code("obiliq").await.unwrap().unwrap();
    let users = store.users_in(obiliq.id).await.unwrap();
    for role in Role::MUNICIPAL {
        assert!(users.iter().any(|u| u.roles.contains(&role)), "no demo user for {role}");
    }
    // The ministry's department reads every municipality from its own.
    let ministry = store.municipality_by_code("ministry").await.unwrap().unwrap();
    let national = store.users_in(ministry.id).await.unwrap();
    assert!(national.iter().any(|u| u.roles == vec![Role::National]));
    let partner = users.iter().find(|u| u.roles.contains(&Role::Partner)).unwrap();
    assert!(partner.institution_id.is_some());
    assert_eq!(
        store.institutions(obiliq.id).await.unwrap().len(),
        InstitutionKind::ALL.len()
    );
    // A second run changes nothing.
    assert!(!seed::load_demo(store.as_ref()).await.unwrap());
    assert_eq!(store.users_in(obiliq.id).await.unwrap().len(), users.len());
}

/// The database itself refuses to change or remove an audit row, whatever path tries.
async fn audit_rows_cannot_be_changed_in_the_database(pool: Pool) {
    let update = "UPDATE audit_event SET detail = 'changed'";
    let delete = "DELETE FROM audit_event";
    let count = "SELECT COUNT(*) FROM audit_event";
    match pool {
        Pool::Sqlite(p) => {
            let before: i64 = sqlx::query_scalar(count).fetch_one(&p).await.unwrap();
            sqlx::query(
                "INSERT INTO audit_event (id, at, action, entity, detail) VALUES (x'01', '2026-01-01', 'a', 'b', 'c')",
            )
            .execute(&p)
            .await
            .unwrap();
            for sql in [update, delete] {
                let e = sqlx::query(sql).execute(&p).await.unwrap_err();
                assert!(e.to_string().contains("append-only"), "{sql}: {e}");
            }
            let after: i64 = sqlx::query_scalar(count).fetch_one(&p).await.unwrap();
            assert_eq!(after, before + 1);
        }
        Pool::Postgres(p) => {
            let before: i64 = sqlx::query_scalar(count).fetch_one(&p).await.unwrap();
            sqlx::query("INSERT INTO audit_event (id, at, action, entity, detail) VALUES (gen_random_uuid(), now(), 'a', 'b', 'c')")
                .execute(&p)
                .await
                .unwrap();
            for sql in [update, delete, "TRUNCATE audit_event"] {
                let e = sqlx::query(sql).execute(&p).await.unwrap_err();
                assert!(e.to_string().contains("append-only"), "{sql}: {e}");
            }
            let after: i64 = sqlx::query_scalar(count).fetch_one(&p).await.unwrap();
            assert_eq!(after, before + 1);
        }
    }
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_in_sqlite() {
    audit_rows_cannot_be_changed_in_the_database(common::sqlite().await.1).await;
}

#[tokio::test]
async fn audit_rows_cannot_be_changed_in_postgres() {
    audit_rows_cannot_be_changed_in_the_database(common::postgres().await.1).await;
}

on_both_databases!(
    the_audit_trail_filters_by_case_person_user_action_and_period,
    a_write_and_its_audit_row_commit_together,
    municipalities_and_institutions,
    users_roles_and_status,
    users_are_listed_per_municipality,
    throttle_rows,
    audit_trail,
    demo_data_only_into_an_empty_database,
);
