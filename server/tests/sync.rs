//! The sync protocol against both databases: exactly-once application, out-of-order delivery,
//! per-field merge and conflicts, every kind of refusal, caseload boundaries, paged pulls and
//! resumable uploads.

mod common;

use app::api::ApiError;
use app::domain::sync::{Choice, Outcome, PushRequest, Rejection};
use app::domain::{Problem, RecordKind};
use chrono::{Duration, Utc};
use reintegra::storage::Storage;
use reintegra::sync::sha256_hex;
use serde_json::{json, Value};
use std::sync::Arc;
use uuid::Uuid;

use common::world::*;

async fn same_batch_twice_gives_one_record(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    let now = Utc::now();
    let visit = Uuid::now_v7();
    let assessment = Uuid::now_v7();
    let mut changes = f.changes.clone();
    changes.push(change(
        RecordKind::Visit,
        visit,
        f.case,
        None,
        device,
        json!({ "visited_at": now.to_rfc3339(), "kind": "initial", "village": "Plemetin", "present": [f.adult] }),
    ));
    let mut members = serde_json::Map::new();
    members.insert(
        f.adult.to_string(),
        json!({ "employed": false, "employment_office_registered": true }),
    );
    members.insert(
        f.child.to_string(),
        json!({ "school_enrolled": false, "not_enrolled_reason": "No certificate from Germany", "certificates_missing": true }),
    );
    changes.push(change(
        RecordKind::Assessment,
        assessment,
        f.case,
        None,
        device,
        json!({ "form_version": 1, "visit_id": visit, "completed_at": now.to_rfc3339(), "answers": {
            "household": { "documents_complete": true, "housing_tenure": "with_relatives", "housing_condition": "good",
                "housing_at_risk": false, "chronic_illness": false, "disability": false, "psychosocial_signs": true,
                "psychosocial_notes": "Fëmija nuk fle mirë", "receives_assistance": false, "has_land": false },
            "members": members,
            "needs": [{ "section": "schooling", "priority": "high", "note": "nostrification" }]
        }}),
    ));
    let first = push(&w, &w.worker, changes.clone()).await;
    assert!(first.iter().all(applied), "{first:?}");
    let again = push(&w, &w.worker, changes).await;
    assert!(
        again
            .iter()
            .all(|o| matches!(o, Outcome::AlreadyApplied { version: 1 })),
        "{again:?}"
    );
    let page = pull_all(&w, &w.worker).await;
    assert_eq!(page.records.len(), 7);
    let case = page.records.iter().find(|r| r.id == f.case).unwrap();
    assert_eq!(case.fields["field_worker_id"], json!(w.worker.id.to_string()));
    assert_eq!(case.fields["status"], json!("open"));
    let household = page.records.iter().find(|r| r.id == f.household).unwrap();
    assert_eq!(household.fields["village"], json!("Plemetin / Племетина"));
    // Audit rows for the writes and the read.
    let audit = w.store.audit_events(w.worker.municipality_id, 100).await.unwrap();
    assert_eq!(audit.iter().filter(|e| e.action == "record.create").count(), 7);
    assert!(audit.iter().any(|e| e.action == "caseload.pull"));
}

async fn out_of_order_delivery_is_retried_not_lost(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    let edit = change(
        RecordKind::Household,
        f.household,
        f.case,
        Some(1),
        device,
        json!({ "phone": "+383 49 222 333" }),
    );
    // The member and the edit arrive before the case and the household.
    let early = push(&w, &w.worker, vec![f.changes[2].clone(), edit.clone()]).await;
    let reasons: Vec<_> = early
        .iter()
        .map(|o| match o {
            Outcome::Rejected { reason, .. } => *reason,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(reasons, vec![Rejection::UnknownCase, Rejection::UnknownCase]);
    assert!(early.iter().all(|o| !o.is_final()), "the phone must keep these");
    assert!(pull_all(&w, &w.worker).await.records.is_empty());
    // The case arrives; the household it edits still has not.
    assert!(applied(&push(&w, &w.worker, vec![f.changes[0].clone()]).await[0]));
    let outcome = push(&w, &w.worker, vec![edit.clone()]).await.remove(0);
    assert!(
        matches!(
            outcome,
            Outcome::Rejected {
                reason: Rejection::UnknownRecord,
                ..
            }
        ) && !outcome.is_final()
    );

    assert!(applied(&push(&w, &w.worker, vec![f.changes[1].clone()]).await[0]));
    let later = push(&w, &w.worker, vec![f.changes[2].clone(), edit]).await;
    assert_eq!(
        later,
        vec![Outcome::Applied { version: 1 }, Outcome::Applied { version: 2 }]
    );
    let page = pull_all(&w, &w.worker).await;
    assert_eq!(page.records.len(), 3);
    let household = page.records.iter().find(|r| r.id == f.household).unwrap();
    assert_eq!(
        (household.version, household.fields["phone"].clone()),
        (2, json!("+383 49 222 333"))
    );
}

async fn different_fields_merge_same_field_conflicts(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let (phone_a, phone_b) = (Uuid::now_v7(), Uuid::now_v7());
    let f = family(phone_a);
    assert!(push(&w, &w.worker, f.changes[..2].to_vec()).await.iter().all(applied));
    // Both phones start from version 1. A changes the address, B the phone number: both kept.
    let a1 = change(
        RecordKind::Household,
        f.household,
        f.case,
        Some(1),
        phone_a,
        json!({ "address": "Rr. Adem Jashari 3" }),
    );
    let b1 = change(
        RecordKind::Household,
        f.household,
        f.case,
        Some(1),
        phone_b,
        json!({ "phone": "+383 45 777 888" }),
    );
    assert_eq!(
        push(&w, &w.worker, vec![a1]).await,
        vec![Outcome::Applied { version: 2 }]
    );
    assert_eq!(
        push(&w, &w.worker, vec![b1]).await,
        vec![Outcome::Applied { version: 3 }]
    );
    // B also changed the address from version 1: a conflict, and B's village edit still applies.
    let b2 = change(
        RecordKind::Household,
        f.household,
        f.case,
        Some(1),
        phone_b,
        json!({ "address": "Rr. Nëna Terezë 9", "village": "Babimoc" }),
    );
    let outcome = push(&w, &w.worker, vec![b2]).await.remove(0);
    let Outcome::Conflict { version: 4, conflicts } = outcome else {
        panic!("{outcome:?}")
    };
    assert_eq!(conflicts.len(), 1);
    let c = &conflicts[0];
    assert_eq!(
        (c.field.as_str(), &c.current, &c.proposed),
        ("address", &json!("Rr. Adem Jashari 3"), &json!("Rr. Nëna Terezë 9"))
    );

    let page = pull_all(&w, &w.worker).await;
    let household = page.records.iter().find(|r| r.id == f.household).unwrap();
    assert_eq!(
        household.fields["address"],
        json!("Rr. Adem Jashari 3"),
        "the server keeps its value"
    );
    assert_eq!(household.fields["village"], json!("Babimoc"));
    assert_eq!(household.fields["phone"], json!("+383 45 777 888"));
    // Both the worker and the supervisor see it; a colleague and another municipality do not.
    assert_eq!(page.conflicts.len(), 1);
    assert_eq!(pull_all(&w, &w.supervisor).await.conflicts.len(), 1);
    assert!(pull_all(&w, &w.colleague).await.conflicts.is_empty());
    assert!(matches!(
        w.sync.resolve(&w.elsewhere, c.id, Choice::Proposed).await,
        Err(ApiError::NotFound)
    ));

    let done = w.sync.resolve(&w.supervisor, c.id, Choice::Proposed).await.unwrap();
    assert!(done.resolved);
    let page = pull_all(&w, &w.worker).await;
    assert!(page.conflicts.is_empty());
    let household = page.records.iter().find(|r| r.id == f.household).unwrap();
    assert_eq!(
        (household.version, household.fields["address"].clone()),
        (5, json!("Rr. Nëna Terezë 9"))
    );
    // Choosing again changes nothing.
    assert!(w.sync.resolve(&w.worker, c.id, Choice::Current).await.unwrap().resolved);
    assert_eq!(
        pull_all(&w, &w.worker)
            .await
            .records
            .iter()
            .find(|r| r.id == f.household)
            .unwrap()
            .version,
        5
    );
}

async fn each_refusal_is_named_and_changes_nothing(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    assert!(push(&w, &w.worker, f.changes[..3].to_vec()).await.iter().all(applied));
    let member = |fields: Value| change(RecordKind::Member, Uuid::now_v7(), f.case, None, device, fields);
    let valid = json!({ "household_id": f.household, "first_name": "Besa", "last_name": "Krasniqi",
                        "birth_date": "1999-01-01", "sex": "female", "relationship": "spouse" });
    let with = |k: &str, v: Value| {
        let mut m = valid.clone();
        m[k] = v;
        m
    };
    let tomorrow = (today() + Duration::days(1)).to_string();
    let mut missing = valid.clone();
    missing.as_object_mut().unwrap().remove("last_name");
    let good = member(valid.clone());
    let batch = vec![
        member(with("eye_colour", json!("brown"))),
        member(with("birth_date", json!(1999))),
        member(with("birth_date", json!(tomorrow))),
        member(missing),
        json!({ "change_id": Uuid::now_v7(), "kind": "member", "surprise": true }),
        change(
            RecordKind::Case,
            f.case,
            f.case,
            Some(1),
            device,
            json!({ "status": "closed" }),
        ),
        change(
            RecordKind::Household,
            f.household,
            f.case,
            Some(9),
            device,
            json!({ "phone": "1" }),
        ),
        change(
            RecordKind::Household,
            f.household,
            f.case,
            None,
            device,
            json!({ "village": "X", "address": "Y" }),
        ),
        change(
            RecordKind::Member,
            f.household,
            f.case,
            Some(1),
            device,
            json!({ "first_name": "X" }),
        ),
        good,
        member(with("first_name", json!("Be\u{0}sa"))),
        {
            let mut late = member(valid.clone());
            late["made_at"] = json!("yesterday");
            late
        },
        change(
            RecordKind::Referral,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "kind": "employment", "institution_id": w.gjilan_office.id, "sent_on": today().to_string() }),
        ),
    ];
    let results = push(&w, &w.worker, batch).await;
    let problem = |o: &Outcome| match o {
        Outcome::Rejected {
            reason,
            errors,
            message,
        } => {
            assert!(!message.is_empty());
            (*reason, errors.first().map(|e| (e.field.clone(), e.problem)))
        }
        other => panic!("{other:?}"),
    };
    let f_ = |s: &str, p| Some((s.to_string(), p));
    assert_eq!(
        problem(&results[0]),
        (Rejection::Invalid, f_("eye_colour", Problem::Unknown))
    );
    assert_eq!(
        problem(&results[1]),
        (Rejection::Invalid, f_("birth_date", Problem::WrongType))
    );
    assert_eq!(
        problem(&results[2]),
        (Rejection::Invalid, f_("birth_date", Problem::FutureDate))
    );
    assert_eq!(
        problem(&results[3]),
        (Rejection::Invalid, f_("last_name", Problem::Required))
    );
    // A change that does not read names its first wrong key (here: the missing device).
    assert_eq!(
        problem(&results[4]),
        (Rejection::Malformed, f_("device_id", Problem::Required))
    );
    assert_eq!(
        problem(&results[5]),
        (Rejection::Invalid, f_("status", Problem::ReadOnly))
    );
    assert_eq!(problem(&results[6]).0, Rejection::FutureBase);
    assert_eq!(problem(&results[7]).0, Rejection::AlreadyExists);
    assert_eq!(problem(&results[8]).0, Rejection::Mismatch);
    // One bad item never blocks the others.
    assert_eq!(results[9], Outcome::Applied { version: 1 });
    // The real cause, named: a NUL byte, a time that is not one, another municipality's office.
    assert_eq!(
        problem(&results[10]),
        (Rejection::Invalid, f_("first_name", Problem::ControlCharacter))
    );
    assert_eq!(
        problem(&results[11]),
        (Rejection::Malformed, f_("made_at", Problem::WrongType))
    );
    assert_eq!(
        problem(&results[12]),
        (Rejection::Invalid, f_("institution_id", Problem::UnknownReference))
    );
    let page = pull_all(&w, &w.worker).await;
    assert_eq!(page.records.len(), 4);
    assert_eq!(page.records.iter().find(|r| r.id == f.household).unwrap().version, 1);
    // Too many changes in one push: the whole request is refused.
    let too_many = (0..101).map(|_| member(valid.clone())).collect();
    assert!(matches!(
        w.sync
            .push(
                &w.worker,
                PushRequest {
                    changes: too_many,
                    reads: vec![],
                    device_id: None
                }
            )
            .await,
        Err(ApiError::BadRequest(_))
    ));
    assert_eq!(pull_all(&w, &w.worker).await.records.len(), 4);
}

async fn caseload_boundaries(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let edit = |who: Uuid| {
        change(
            RecordKind::Household,
            f.household,
            f.case,
            Some(1),
            who,
            json!({ "phone": "000" }),
        )
    };
    let new_member = || {
        change(
            RecordKind::Member,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "household_id": f.household, "first_name": "A", "last_name": "B", "birth_date": "2000-01-01",
                    "sex": "male", "relationship": "other_relative" }),
        )
    };
    for outsider in [&w.colleague, &w.elsewhere] {
        let results = push(&w, outsider, vec![edit(Uuid::now_v7()), new_member()]).await;
        assert!(
            results.iter().all(|o| matches!(
                o,
                Outcome::Rejected {
                    reason: Rejection::Forbidden,
                    ..
                }
            )),
            "{results:?}"
        );
        assert!(pull_all(&w, outsider).await.records.is_empty());
    }
    assert!(matches!(
        w.sync.pull(&w.school, "", None).await,
        Err(ApiError::Forbidden)
    ));
    assert!(matches!(
        w.sync
            .push(
                &w.school,
                PushRequest {
                    changes: vec![],
                    reads: vec![],
                    device_id: None
                }
            )
            .await,
        Err(ApiError::Forbidden)
    ));
    // The supervisor sees the municipality's cases and may correct them.
    let supervised = pull_all(&w, &w.supervisor).await;
    assert_eq!(supervised.records.len(), 5);
    let mut names: Vec<_> = supervised.workers.iter().map(|x| x.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["field.a", "field.b"]);
    assert!(pull_all(&w, &w.worker).await.workers.is_empty());
    assert_eq!(
        push(&w, &w.supervisor, vec![edit(Uuid::now_v7())]).await,
        vec![Outcome::Applied { version: 2 }]
    );
    // A change ID is its sender's: another user cannot have it confirmed.
    let mine = new_member();
    assert!(applied(&push(&w, &w.worker, vec![mine.clone()]).await[0]));
    assert!(matches!(
        push(&w, &w.supervisor, vec![mine]).await[0],
        Outcome::Rejected {
            reason: Rejection::Mismatch,
            ..
        }
    ));
    let refused = w.store.audit_events(w.worker.municipality_id, 100).await.unwrap();
    assert!(refused
        .iter()
        .any(|e| e.action == "record.refused" && e.actor_id == Some(w.colleague.id)));
}

async fn pull_pages_cover_everything_once(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    for _ in 0..3 {
        assert!(push(&w, &w.worker, family(device).changes).await.iter().all(applied));
    }
    let mut cursor = String::new();
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = w.sync.pull(&w.worker, &cursor, Some(4)).await.unwrap();
        pages += 1;
        seen.extend(page.records.iter().map(|r| r.id));
        cursor = page.next_cursor;
        if !page.more {
            break;
        }
    }
    assert_eq!(pages, 4);
    let total = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!((total, seen.len()), (15, 15));
    // Nothing new: an empty page that keeps the cursor.
    let empty = w.sync.pull(&w.worker, &cursor, Some(4)).await.unwrap();
    assert!(empty.records.is_empty() && !empty.more);
    assert_eq!(empty.next_cursor, cursor);
    assert!(matches!(
        w.sync.pull(&w.worker, "yesterday", None).await,
        Err(ApiError::BadRequest(_))
    ));
}

async fn photos_upload_in_pieces_checked_by_hash(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    assert!(push(&w, &w.worker, f.changes[..2].to_vec()).await.iter().all(applied));
    let bytes: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let sha = sha256_hex(&bytes);
    // Bytes nobody described are refused.
    assert!(matches!(
        w.sync.upload(&w.worker, &sha, 0, &bytes[..10]).await,
        Err(ApiError::NotFound)
    ));
    let attachment = change(
        RecordKind::Attachment,
        Uuid::now_v7(),
        f.case,
        None,
        device,
        json!({ "owner_id": f.household, "purpose": "document_photo", "label": "Letërnjoftimi",
                "sha256": sha, "content_type": "image/jpeg", "size": bytes.len() }),
    );
    assert!(applied(&push(&w, &w.worker, vec![attachment]).await[0]));
    let status = w.sync.blob_status(&w.worker, &sha).await.unwrap();
    assert_eq!((status.received, status.complete), (0, false));
    let s = w.sync.upload(&w.worker, &sha, 0, &bytes[..200_000]).await.unwrap();
    assert_eq!(s.received, 200_000);
    // The connection dropped and the phone resends from the wrong place: told where to go on.
    match w.sync.upload(&w.worker, &sha, 100_000, &bytes[100_000..]).await {
        Err(ApiError::WrongOffset(s)) => assert_eq!(s.received, 200_000),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        w.sync.upload(&w.colleague, &sha, 200_000, &bytes[200_000..]).await,
        Err(ApiError::NotFound)
    ));
    let done = w
        .sync
        .upload(&w.worker, &sha, 200_000, &bytes[200_000..])
        .await
        .unwrap();
    assert!(done.complete);
    assert_eq!(w.sync.download(&w.supervisor, &sha).await.unwrap().1, bytes);
    assert!(matches!(
        w.sync.download(&w.elsewhere, &sha).await,
        Err(ApiError::NotFound)
    ));

    // Bytes that do not match their hash are thrown away.
    let wrong = vec![7u8; 1000];
    let claimed = sha256_hex(&[1u8; 1000]);
    let attachment = change(
        RecordKind::Attachment,
        Uuid::now_v7(),
        f.case,
        None,
        device,
        json!({ "owner_id": f.household, "purpose": "signature", "label": "Kryefamiljarja",
                "sha256": claimed, "content_type": "image/png", "size": 1000 }),
    );
    assert!(applied(&push(&w, &w.worker, vec![attachment]).await[0]));
    assert!(matches!(
        w.sync.upload(&w.worker, &claimed, 0, &wrong).await,
        Err(ApiError::HashMismatch)
    ));
    assert_eq!(w.sync.blob_status(&w.worker, &claimed).await.unwrap().received, 0);
}

async fn follow_ups_match_the_phone_rules_and_reach_the_supervisor(store: Arc<dyn Storage>) {
    use app::domain::follow_up::{FollowUpKind, Status};
    let w = world(store).await;
    let device = Uuid::now_v7();
    // family() returns two days ago: the first visit is due tomorrow (Kosovo time).
    let f = family(device);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let now = Utc::now();
    let today = app::domain::follow_up::local_today(now);
    let mine = w.follow_ups.list(&w.worker, now).await.unwrap();
    let first = mine
        .iter()
        .find(|x| x.follow_up.kind == FollowUpKind::FirstVisit)
        .unwrap();
    assert_eq!(
        (first.follow_up.status, first.follow_up.due_on),
        (Status::Due, today + chrono::Days::new(1))
    );
    // Rebuilding gives exactly the same.
    assert_eq!(w.follow_ups.list(&w.worker, now).await.unwrap(), mine);
    // Overdue a week later, and the supervisor sees it; a colleague does not.
    let later = now + Duration::days(7);
    let seen = w.follow_ups.list(&w.supervisor, later).await.unwrap();
    assert!(seen.iter().any(|x| x.follow_up.case_id == f.case
        && x.follow_up.kind == FollowUpKind::FirstVisit
        && x.follow_up.status == Status::Overdue));
    assert!(w.follow_ups.list(&w.colleague, later).await.unwrap().is_empty());
    // A visit fulfils it.
    let visit = change(
        RecordKind::Visit,
        Uuid::now_v7(),
        f.case,
        None,
        device,
        json!({ "visited_at": now.to_rfc3339(), "kind": "initial", "village": "Plemetin" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![visit]).await[0]));
    let done = w.follow_ups.list(&w.worker, later).await.unwrap();
    assert_eq!(
        done.iter()
            .find(|x| x.follow_up.kind == FollowUpKind::FirstVisit)
            .unwrap()
            .follow_up
            .status,
        Status::Done
    );
}

async fn the_same_person_twice_is_suggested_never_merged(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let first = family(device);
    assert!(push(&w, &w.worker, first.changes.clone()).await.iter().all(applied));
    // The same mother registered again by a colleague, typed without diacritics and in
    // Cyrillic; a Turkish name with one slip; and someone else entirely.
    let other = family(device);
    let mut changes = other.changes[..2].to_vec();
    let member = |first: &str, last: &str, born: &str, number: Option<&str>| {
        let mut f = json!({ "household_id": other.household, "first_name": first, "last_name": last,
                            "birth_date": born, "sex": "female", "relationship": "other_relative" });
        if let Some(n) = number {
            f["personal_number"] = json!(n);
        }
        change(RecordKind::Member, Uuid::now_v7(), other.case, None, device, f)
    };
    changes.push(member("Sukrije", "Гаши-Ђурић", "1984-03-02", None));
    changes.push(member("Gönül", "Yılmaz", "1990-05-05", Some("1234567890")));
    changes.push(member("Gonul", "Yilmazz", "1990-05-05", None));
    changes.push(member("Mimoza", "Berisha", "1984-03-02", None));
    assert!(push(&w, &w.colleague, changes).await.iter().all(applied));
    let found = w.duplicates.list(&w.supervisor).await.unwrap();
    let pairs: Vec<(String, String)> = found
        .iter()
        .map(|d| {
            let mut names = [d.member.first_name.clone(), d.other.first_name.clone()];
            names.sort();
            (names[0].clone(), names[1].clone())
        })
        .collect();
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert!(pairs.contains(&("Sukrije".into(), "Şükrije".into())));
    assert!(pairs.contains(&("Gonul".into(), "Gönül".into())));
    // Nothing was merged: both families keep their members.
    assert_eq!(
        pull_all(&w, &w.worker)
            .await
            .records
            .iter()
            .filter(|r| r.kind == RecordKind::Member)
            .count(),
        2
    );
    // Field workers do not browse the municipality's people; the supervisor dismisses one.
    assert!(matches!(w.duplicates.list(&w.worker).await, Err(ApiError::Forbidden)));
    assert!(matches!(
        w.duplicates.dismiss(&w.elsewhere, found[0].id).await,
        Err(ApiError::NotFound)
    ));
    w.duplicates.dismiss(&w.supervisor, found[0].id).await.unwrap();
    assert_eq!(w.duplicates.list(&w.supervisor).await.unwrap().len(), 1);
    // A second registration of the same woman is suggested against the first.
    let again = member("Mimoza", "Berisha", "1984-03-02", None);
    assert!(applied(&push(&w, &w.colleague, vec![again]).await[0]));
    assert_eq!(w.duplicates.list(&w.supervisor).await.unwrap().len(), 2);
}

async fn referrals_go_to_their_partner_and_come_back_on_the_phone(store: Arc<dyn Storage>) {
    use app::domain::follow_up::{FollowUpKind, ReferralKind, Status};
    use app::domain::referral::Answer;
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let today = today();
    let referral = |institution: Uuid| {
        change(
            RecordKind::Referral,
            Uuid::now_v7(),
            f.case,
            None,
            device,
            json!({ "kind": "employment", "institution_id": institution, "sent_on": (today - Duration::days(40)).to_string(),
                    "note": "Regjistrim si punëkërkuese; kurs për rrobaqepëse" }),
        )
    };
    // Only to the municipality's own institutions.
    let refused = push(
        &w,
        &w.worker,
        vec![referral(w.gjilan_office.id), referral(Uuid::now_v7())],
    )
    .await;
    assert!(
        refused.iter().all(|o| matches!(
            o,
            Outcome::Rejected {
                reason: Rejection::Invalid,
                ..
            }
        )),
        "{refused:?}"
    );
    let sent = referral(w.employment_office.id);
    let id: Uuid = serde_json::from_value(sent["record_id"].clone()).unwrap();
    assert!(applied(&push(&w, &w.worker, vec![sent]).await[0]));

    // Sent 40 days ago, employment referrals are followed up after 30: overdue, and the
    // supervisor sees it.
    let now = Utc::now();
    let overdue = w.follow_ups.list(&w.supervisor, now).await.unwrap();
    let fu = overdue
        .iter()
        .find(|x| x.follow_up.key == format!("referral:{id}"))
        .unwrap();
    assert_eq!(
        (fu.follow_up.kind, fu.follow_up.status),
        (FollowUpKind::Referral(ReferralKind::Employment), Status::Overdue)
    );

    // The employment office sees it (family and village, nothing else); the health centre does not.
    let incoming = w.referrals.incoming(&w.employment).await.unwrap();
    assert_eq!(incoming.len(), 1);
    assert_eq!(
        (incoming[0].family.as_str(), incoming[0].state.as_str()),
        ("Şükrije Gashi-Đurić", "sent")
    );
    assert!(w.referrals.incoming(&w.health).await.unwrap().is_empty());
    assert!(matches!(
        w.referrals.incoming(&w.worker).await,
        Err(ApiError::Forbidden)
    ));
    let accept = |state: &str| Answer {
        state: state.into(),
        feedback: "E regjistruar më 20.11; kursi fillon në janar".into(),
    };
    assert!(matches!(
        w.referrals.answer(&w.health, id, accept("accepted"), now).await,
        Err(ApiError::NotFound)
    ));
    assert!(matches!(
        w.referrals
            .answer(&w.employment, id, accept("service_given"), now)
            .await,
        Err(ApiError::BadRequest(_))
    ));
    let answered = w
        .referrals
        .answer(&w.employment, id, accept("accepted"), now)
        .await
        .unwrap();
    assert_eq!(answered.state, "accepted");

    // The worker's phone gets the answer at its next pull; the follow-up is done.
    let page = pull_all(&w, &w.worker).await;
    let r = page.records.iter().find(|r| r.id == id).unwrap();
    assert_eq!((r.fields["state"].as_str(), r.version), (Some("accepted"), 2));
    assert_eq!(r.fields["accepted_on"], r.fields["answered_on"]);
    assert_eq!(
        r.fields["feedback"],
        json!("E regjistruar më 20.11; kursi fillon në janar")
    );
    assert_eq!(page.institutions.len(), 2);
    let done = w.follow_ups.list(&w.worker, now).await.unwrap();
    assert_eq!(
        done.iter()
            .find(|x| x.follow_up.key == format!("referral:{id}"))
            .unwrap()
            .follow_up
            .status,
        Status::Done
    );
    // The worker cannot set the partner's answer themselves.
    let forged = change(
        RecordKind::Referral,
        id,
        f.case,
        Some(2),
        device,
        json!({ "state": "closed" }),
    );
    assert!(matches!(
        push(&w, &w.worker, vec![forged]).await[0],
        Outcome::Rejected {
            reason: Rejection::Invalid,
            ..
        }
    ));
}

on_both_databases!(
    referrals_go_to_their_partner_and_come_back_on_the_phone,
    the_same_person_twice_is_suggested_never_merged,
    follow_ups_match_the_phone_rules_and_reach_the_supervisor,
    same_batch_twice_gives_one_record,
    out_of_order_delivery_is_retried_not_lost,
    different_fields_merge_same_field_conflicts,
    each_refusal_is_named_and_changes_nothing,
    caseload_boundaries,
    pull_pages_cover_everything_once,
    photos_upload_in_pieces_checked_by_hash,
);
