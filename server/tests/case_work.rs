//! What the server makes of the field work, on both databases: stored follow-ups with due days
//! counted by hand, escalation, municipal referral days, referrals closed on the phone, reassigned
//! cases and merged people.

mod common;

use app::api::ApiError;
use app::domain::follow_up::{self, FollowUpKind, Status};
use app::domain::sync::{Outcome, Rejection};
use app::domain::RecordKind;
use chrono::{Duration, NaiveDate, Utc};
use common::world::*;
use reintegra::storage::Storage;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

fn visit(case: Uuid, device: Uuid, at: chrono::DateTime<Utc>) -> serde_json::Value {
    change(
        RecordKind::Visit,
        Uuid::now_v7(),
        case,
        None,
        device,
        json!({ "visited_at": at.to_rfc3339(), "kind": "initial", "village": "Plemetin" }),
    )
}

fn referral(case: Uuid, device: Uuid, kind: &str, institution: Uuid, sent_on: chrono::NaiveDate) -> serde_json::Value {
    change(
        RecordKind::Referral,
        Uuid::now_v7(),
        case,
        None,
        device,
        json!({ "kind": kind, "institution_id": institution, "sent_on": sent_on.to_string() }),
    )
}

fn record_id(change: &serde_json::Value) -> Uuid {
    serde_json::from_value(change["record_id"].clone()).unwrap()
}

/// The stored follow-ups of a case as (key, due day, status), against a list the test writes
/// down itself (a referral's key is shortened to `referral`).
async fn assert_stored(w: &World, case: Uuid, expected: &[(&str, NaiveDate, &str)]) {
    let mut stored: Vec<(String, NaiveDate, String)> = w
        .store
        .follow_ups_of_case(case)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            let key = if r.key.starts_with("referral:") {
                "referral".to_string()
            } else {
                r.key
            };
            (key, r.due_on, r.status)
        })
        .collect();
    let mut expected: Vec<_> = expected
        .iter()
        .map(|(k, d, s)| (k.to_string(), *d, s.to_string()))
        .collect();
    stored.sort();
    expected.sort();
    assert_eq!(stored, expected, "case {case}");
}

fn eighteen_months_after(d: NaiveDate) -> NaiveDate {
    d.checked_add_months(chrono::Months::new(18)).unwrap()
}

async fn due_on(w: &World, case: Uuid, referral: Uuid) -> chrono::NaiveDate {
    w.store
        .follow_ups_of_case(case)
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.key == format!("referral:{referral}"))
        .unwrap()
        .due_on
}

async fn escalations(store: &Arc<dyn Storage>, w: &World) -> usize {
    store
        .audit_events(w.worker.municipality_id, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.action == "follow_up.escalate")
        .count()
}

async fn stored_follow_ups_fall_due_as_counted_and_escalate_once(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    // One family returned two days ago (first visit due tomorrow), one ten days ago (overdue).
    let recent = family(device);
    let late = family(device);
    let mut changes = recent.changes.clone();
    let mut old_return = late.changes.clone();
    old_return[4]["fields"]["event_date"] = json!((today() - Duration::days(10)).to_string());
    changes.extend(old_return);
    changes.push(referral(
        recent.case,
        device,
        "employment",
        w.employment_office.id,
        today(),
    ));
    assert!(push(&w, &w.worker, changes).await.iter().all(applied));

    // Scheduled on arrival: stored without waiting for the timer.
    let stored = w.store.follow_ups_of_case(recent.case).await.unwrap();
    assert!(stored.iter().any(|r| r.key == "first_visit" && r.status == "due"));
    let late_visit = w.store.follow_ups_of_case(late.case).await.unwrap();
    let late_visit = late_visit.iter().find(|r| r.key == "first_visit").unwrap();
    assert_eq!(late_visit.status, "overdue");
    let escalated_at = late_visit.escalated_at.expect("escalated on arrival");
    assert_eq!(escalations(&store, &w).await, 1);

    // A pass of the timer at the same moment changes nothing. Counted by hand: the first visit
    // three days after the return, the final assessment 18 months after it, the employment
    // referral 30 days (the default) after it was sent.
    let now = Utc::now();
    w.follow_ups.schedule_all(now).await.unwrap();
    assert_eq!(w.follow_ups.schedule_all(now).await.unwrap().changed, 0);
    let today = today();
    let (recent_return, late_return) = (today - Duration::days(2), today - Duration::days(10));
    let late_final = ("final_assessment", eighteen_months_after(late_return), "due");
    let recent_final = ("final_assessment", eighteen_months_after(recent_return), "due");
    let recent_referral = ("referral", today + Duration::days(30), "due");
    assert_stored(
        &w,
        recent.case,
        &[
            ("first_visit", recent_return + Duration::days(3), "due"),
            recent_final,
            recent_referral,
        ],
    )
    .await;
    let late_first = ("first_visit", late_return + Duration::days(3), "overdue");
    assert_stored(&w, late.case, &[late_first, late_final]).await;

    // A week later the recent family's visit is overdue too: escalated once, not at every pass.
    let later = now + Duration::days(7);
    let run = w.follow_ups.schedule_all(later).await.unwrap();
    assert_eq!(run.escalated, 1, "{run:?}");
    assert_eq!(
        w.follow_ups
            .schedule_all(later + Duration::hours(1))
            .await
            .unwrap()
            .escalated,
        0
    );
    assert_eq!(escalations(&store, &w).await, 2);
    let recent_first = ("first_visit", recent_return + Duration::days(3), "overdue");
    assert_stored(&w, recent.case, &[recent_first, recent_final, recent_referral]).await;
    assert_stored(&w, late.case, &[late_first, late_final]).await;
    let seen = w.follow_ups.list(&w.supervisor, later).await.unwrap();
    let first_late = seen
        .iter()
        .find(|x| x.follow_up.case_id == late.case && x.follow_up.kind == FollowUpKind::FirstVisit)
        .unwrap();
    assert_eq!(first_late.escalated_at, Some(escalated_at));
    assert_eq!(first_late.worker_id, Some(w.worker.id));
    assert!(w.follow_ups.list(&w.colleague, later).await.unwrap().is_empty());

    // The visit, even late, fulfils it: done, and off the supervisor's list.
    assert!(applied(
        &push(&w, &w.worker, vec![visit(late.case, device, Utc::now())]).await[0]
    ));
    let after = w.store.follow_ups_of_case(late.case).await.unwrap();
    let fv = after.iter().find(|r| r.key == "first_visit").unwrap();
    assert_eq!((fv.status.as_str(), fv.escalated_at), ("done", None));
    let t = later + Duration::hours(2);
    w.follow_ups.schedule_all(t).await.unwrap();
    assert_stored(&w, recent.case, &[recent_first, recent_final, recent_referral]).await;
    let late_done = ("first_visit", late_return + Duration::days(3), "done");
    assert_stored(&w, late.case, &[late_done, late_final]).await;
}

async fn municipal_referral_days_move_the_follow_ups(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    let today = follow_up::local_today(Utc::now());
    let sent = referral(f.case, device, "employment", w.employment_office.id, today);
    let id = record_id(&sent);
    let mut changes = f.changes.clone();
    changes.push(sent);
    assert!(push(&w, &w.worker, changes).await.iter().all(applied));
    assert_eq!(due_on(&w, f.case, id).await, today + Duration::days(30));

    // Only a supervisor (or the administrator) changes them, within a day and a year.
    for (who, kind, days) in [(&w.worker, "employment", 10), (&w.colleague, "employment", 10)] {
        assert!(matches!(
            w.referrals.set_days(who, kind, days, Utc::now()).await,
            Err(ApiError::Forbidden)
        ));
    }
    for (kind, days) in [("dentist", 10), ("employment", 0), ("employment", 366)] {
        assert!(matches!(
            w.referrals.set_days(&w.supervisor, kind, days, Utc::now()).await,
            Err(ApiError::BadRequest(_))
        ));
    }
    let days = w
        .referrals
        .set_days(&w.supervisor, "employment", 10, Utc::now())
        .await
        .unwrap();
    assert_eq!(days.days(follow_up::ReferralKind::Employment), 10);
    // Every case is rescheduled at once; the phones get the numbers with their next pull.
    assert_eq!(due_on(&w, f.case, id).await, today + Duration::days(10));
    let page = pull_all(&w, &w.worker).await;
    assert_eq!(page.referral_days, Some(days));
    // Another municipality keeps the defaults.
    let theirs = w
        .follow_ups
        .referral_days_of(w.elsewhere.municipality_id)
        .await
        .unwrap();
    assert_eq!(theirs.days(follow_up::ReferralKind::Employment), 30);
}

async fn the_worker_closes_a_referral_on_the_phone(store: Arc<dyn Storage>) {
    let w = world(store).await;
    let device = Uuid::now_v7();
    let f = family(device);
    let today = follow_up::local_today(Utc::now());
    let sent = referral(f.case, device, "employment", w.employment_office.id, today);
    let id = record_id(&sent);
    let mut changes = f.changes.clone();
    changes.push(sent);
    assert!(push(&w, &w.worker, changes).await.iter().all(applied));
    // Found work on her own before the office answered: the worker closes it, offline.
    let close = change(
        RecordKind::Referral,
        id,
        f.case,
        Some(1),
        device,
        json!({ "closed_on": today.to_string(), "closing_note": "Gjeti punë vetë në fabrikë" }),
    );
    assert!(applied(&push(&w, &w.worker, vec![close]).await[0]));
    let incoming = w.referrals.incoming(&w.employment).await.unwrap();
    assert_eq!(incoming[0].state, "closed");
    assert!(matches!(
        w.referrals
            .answer(
                &w.employment,
                id,
                app::domain::referral::Answer {
                    state: "accepted".into(),
                    feedback: String::new()
                },
                Utc::now()
            )
            .await,
        Err(ApiError::BadRequest(_))
    ));
    let fu = w.store.follow_ups_of_case(f.case).await.unwrap();
    let fu = fu.iter().find(|r| r.key == format!("referral:{id}")).unwrap();
    assert_eq!(fu.status, Status::Cancelled.as_str());
}

async fn a_reassigned_case_moves_after_the_queued_edits(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let (phone_a, phone_b) = (Uuid::now_v7(), Uuid::now_v7());
    let f = family(phone_a);
    assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    let colleague_before = pull_all(&w, &w.colleague).await;
    assert!(colleague_before.records.is_empty());
    assert_eq!(colleague_before.cases, Some(vec![]));
    // The worker's phone logs a visit offline; meanwhile the supervisor gives the case away.
    let queued = visit(f.case, phone_a, Utc::now() - Duration::minutes(5));

    assert!(matches!(
        w.cases.reassign(&w.worker, f.case, w.colleague.id, Utc::now()).await,
        Err(ApiError::Forbidden)
    ));
    assert!(matches!(
        w.cases.reassign(&w.supervisor, f.case, w.school.id, Utc::now()).await,
        Err(ApiError::BadRequest(_))
    ));
    assert!(matches!(
        w.cases
            .reassign(&w.supervisor, f.case, w.elsewhere.id, Utc::now())
            .await,
        Err(ApiError::BadRequest(_))
    ));
    w.cases
        .reassign(&w.supervisor, f.case, w.colleague.id, Utc::now())
        .await
        .unwrap();

    // The colleague's next pull, from where it stopped, brings the whole case.
    let page = w
        .sync
        .pull(&w.colleague, &colleague_before.next_cursor, Some(1000))
        .await
        .unwrap();
    assert_eq!(page.records.len(), 5, "case, household, two members, return");
    assert_eq!(page.cases, Some(vec![f.case]));
    let case = page.records.iter().find(|r| r.id == f.case).unwrap();
    assert_eq!(case.fields["field_worker_id"], json!(w.colleague.id.to_string()));
    assert_eq!(case.fields["previous_worker_id"], json!(w.worker.id.to_string()));

    // The old phone's list no longer holds the case, but what it queued before still lands.
    assert_eq!(pull_all(&w, &w.worker).await.cases, Some(vec![]));
    assert!(applied(&push(&w, &w.worker, vec![queued]).await[0]));
    let new_edit = visit(f.case, phone_a, Utc::now());
    assert!(matches!(
        push(&w, &w.worker, vec![new_edit]).await[0],
        Outcome::Rejected {
            reason: Rejection::Forbidden,
            ..
        }
    ));
    // The colleague works on it now, and sees the visit the old phone sent.
    assert!(applied(
        &push(&w, &w.colleague, vec![visit(f.case, phone_b, Utc::now())]).await[0]
    ));
    let theirs = pull_all(&w, &w.colleague).await;
    assert_eq!(theirs.records.iter().filter(|r| r.kind == RecordKind::Visit).count(), 2);
    let audit = store.audit_events(w.worker.municipality_id, 1000).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "case.reassign"));
}

async fn merging_a_person_registered_twice_keeps_everything(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let (phone_a, phone_b) = (Uuid::now_v7(), Uuid::now_v7());
    let first = family(phone_a);
    let mut changes = first.changes.clone();
    changes.push(visit(first.case, phone_a, Utc::now()));
    assert!(push(&w, &w.worker, changes).await.iter().all(applied));
    // The colleague registers the same mother again, in Cyrillic, with a visit and a referral.
    let second = family(phone_b);
    let mut again = second.changes.clone();
    again[2]["fields"]["first_name"] = json!("Шукрије");
    again[2]["fields"]["last_name"] = json!("Гаши-Ђурић");
    again.push(visit(second.case, phone_b, Utc::now()));
    let sent = referral(second.case, phone_b, "employment", w.employment_office.id, today());
    let referral_id = record_id(&sent);
    again.push(sent);
    assert!(push(&w, &w.colleague, again).await.iter().all(applied));
    let found = w.duplicates.list(&w.supervisor).await.unwrap();
    let pair = found
        .iter()
        .find(|d| [d.member.id, d.other.id].contains(&first.adult))
        .expect("suggested");
    // The colleague's phone queued one more visit before the merge.
    let queued = visit(second.case, phone_b, Utc::now() - Duration::minutes(1));

    assert!(matches!(
        w.cases.merge_duplicate(&w.worker, pair.id, Utc::now()).await,
        Err(ApiError::NotFound)
    ));
    let kept = w
        .cases
        .merge_duplicate(&w.supervisor, pair.id, Utc::now())
        .await
        .unwrap();
    assert_eq!(kept, first.adult, "the person registered first is kept");
    assert!(matches!(
        w.cases.merge_duplicate(&w.supervisor, pair.id, Utc::now()).await,
        Err(ApiError::BadRequest(_))
    ));

    // Every visit and the referral of both are now on the first case; nothing was deleted.
    let merged = w.store.records_of_case(first.case).await.unwrap();
    let count = |k: RecordKind| merged.iter().filter(|r| r.kind == k).count();
    assert_eq!(count(RecordKind::Visit), 2);
    assert_eq!(count(RecordKind::Referral), 1);
    assert_eq!(count(RecordKind::Member), 4);
    let twin = merged.iter().find(|r| r.id == second.adult).unwrap();
    assert_eq!(twin.fields["merged_into"], json!(first.adult.to_string()));
    let child = merged.iter().find(|r| r.id == second.child).unwrap();
    assert_eq!(child.fields["household_id"], json!(first.household.to_string()));
    let old_case = w.store.record(second.case).await.unwrap().unwrap();
    assert_eq!(
        (
            old_case.fields["status"].as_str(),
            old_case.fields["merged_into"].clone()
        ),
        (Some("merged"), json!(first.case.to_string()))
    );
    // The referral's follow-up moved with it.
    assert!(w
        .store
        .follow_ups_of_case(first.case)
        .await
        .unwrap()
        .iter()
        .any(|r| r.key == format!("referral:{referral_id}")));
    assert!(w.store.follow_ups_of_case(second.case).await.unwrap().is_empty());

    // The first worker's phone receives it all; the colleague's list drops the merged case.
    let mine = pull_all(&w, &w.worker).await;
    assert_eq!(mine.cases, Some(vec![first.case]));
    assert!(mine
        .records
        .iter()
        .any(|r| r.id == referral_id && r.case_id == first.case));
    assert_eq!(pull_all(&w, &w.colleague).await.cases, Some(vec![]));
    // What the colleague's phone queued for the old case lands on the merged one.
    assert!(applied(&push(&w, &w.colleague, vec![queued]).await[0]));
    assert_eq!(
        w.store
            .records_of_case(first.case)
            .await
            .unwrap()
            .iter()
            .filter(|r| r.kind == RecordKind::Visit)
            .count(),
        3
    );
    // The pair is decided, and the merged person is no longer compared with anyone.
    assert!(w
        .duplicates
        .list(&w.supervisor)
        .await
        .unwrap()
        .iter()
        .all(|d| ![d.member.id, d.other.id].contains(&second.adult)));
    let audit = store.audit_events(w.worker.municipality_id, 1000).await.unwrap();
    assert!(audit.iter().any(|e| e.action == "person.merge"));
}

on_both_databases!(
    stored_follow_ups_fall_due_as_counted_and_escalate_once,
    municipal_referral_days_move_the_follow_ups,
    the_worker_closes_a_referral_on_the_phone,
    a_reassigned_case_moves_after_the_queued_edits,
    merging_a_person_registered_twice_keeps_everything,
);
