//! A backup of a live SQLite database, taken while a push is running, opens as a database with
//! everything committed before it; it never overwrites a file; PostgreSQL says to use pg_dump.

mod common;

use common::world::*;
use reintegra::storage;
use uuid::Uuid;

#[tokio::test]
async fn a_live_sqlite_database_is_copied_consistently_and_the_copy_restores() {
    let (store, pool) = common::sqlite().await;
    let w = world(store.clone()).await;
    let before = family(Uuid::now_v7());
    assert!(push(&w, &w.worker, before.changes.clone()).await.iter().all(applied));

    // Writers carry on while the copy is made.
    let during = family(Uuid::now_v7());
    let copy = std::env::temp_dir().join(format!("reintegra-backup-{}.db", Uuid::now_v7()));
    let (pushed, backed_up) = tokio::join!(
        push(&w, &w.worker, during.changes.clone()),
        storage::backup(&pool, &copy)
    );
    assert!(pushed.iter().all(applied));
    backed_up.unwrap();
    // Never over an existing file.
    assert!(storage::backup(&pool, &copy).await.is_err());

    // Restored: the copy opens as a database (its migrations all applied) with every record
    // committed before the backup; of the push that ran meanwhile (one commit per change, in
    // order), a first part without gaps.
    let (restored, _) = storage::connect(&format!("sqlite://{}", copy.display())).await.unwrap();
    for id in [before.case, before.household, before.adult, before.child] {
        assert!(restored.record(id).await.unwrap().is_some(), "{id}");
    }
    let during_ids = [during.case, during.household, during.adult, during.child];
    let mut present = Vec::new();
    for id in during_ids {
        present.push(restored.record(id).await.unwrap().is_some());
    }
    let first_missing = present.iter().position(|p| !p).unwrap_or(present.len());
    assert!(
        present[first_missing..].iter().all(|p| !p),
        "a gap in the copy: {present:?}"
    );
    let user = restored.user_by_id(w.worker.id).await.unwrap().unwrap();
    assert_eq!(user.username, "field.a");
    let _ = std::fs::remove_file(&copy);
}

#[tokio::test]
async fn postgres_is_backed_up_with_its_own_tools() {
    let (_, pool) = common::postgres().await;
    let e = storage::backup(&pool, std::path::Path::new("/tmp/never-written.db"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("pg_dump"), "{e}");
}
