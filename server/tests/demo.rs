//! The demo municipality on both databases: forty households at every stage, loaded only into an
//! empty database, with their follow-ups and possible duplicates.

mod common;

use app::domain::plan::{PlanRecords, PlanState};
use app::domain::RecordKind;
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::seed;
use reintegra::storage::Storage;
use std::sync::Arc;

async fn the_demo_has_cases_at_every_stage(store: Arc<dyn Storage>) {
    assert!(seed::load_demo(store.as_ref()).await.unwrap());
    seed::suggest_demo_duplicates(store.clone()).await.unwrap();
    let now = chrono::Utc::now();
    FollowUps::new(Ctx::new(store.clone())).schedule_all(now).await.unwrap();
    let obiliq = store.municipality_by_code("obiliq").await.unwrap().unwrap();
    let cases = store.records_of_kind(obiliq.id, RecordKind::Case).await.unwrap();
    assert_eq!(cases.len(), seed::DEMO_HOUSEHOLDS);
    // Forty households cycle through nine stages: stages 0–3 come five times, 4–8 four times.
    let mut states = Vec::new();
    for c in &cases {
        let records = store.records_of_case(c.id).await.unwrap();
        states.push(
            PlanRecords::read(records.iter().map(|r| (r.kind, r.id, &r.fields)))
                .status()
                .state,
        );
    }
    let count = |s: PlanState| states.iter().filter(|x| **x == s).count();
    assert_eq!(count(PlanState::Draft), 5);
    assert_eq!(count(PlanState::WaitingForApproval), 4);
    assert_eq!(count(PlanState::Approved), 8);
    // One person registered twice in each of the four duplicate households.
    assert!(store.open_duplicates(obiliq.id).await.unwrap().len() >= 4);
    let mut due = std::collections::BTreeMap::<String, usize>::new();
    for c in &cases {
        for f in store.follow_ups_of_case(c.id).await.unwrap() {
            let kind = f.key.split(':').next().unwrap_or_default().to_string();
            *due.entry(format!("{kind} {}", f.status)).or_default() += 1;
        }
    }
    for expected in [
        "first_visit overdue",
        "first_visit due",
        "monitoring overdue",
        "referral overdue",
        "final_assessment due",
    ] {
        assert!(due.contains_key(expected), "no {expected} in {due:?}");
    }
    // Never into a database in use.
    assert!(!seed::load_demo(store.as_ref()).await.unwrap());
    assert_eq!(
        store.records_of_kind(obiliq.id, RecordKind::Case).await.unwrap().len(),
        seed::DEMO_HOUSEHOLDS
    );
}

on_both_databases!(the_demo_has_cases_at_every_stage);
