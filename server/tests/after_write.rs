//! What a change causes after its commit survives a crash, on SQLite and PostgreSQL: the
//! duplicate-person table is taken away while a push runs (its checks fail as if the server
//! died right after the commit), and the change's after-writes, committed with it, are then
//! finished by the next pass of the clock; a resent change redoes its effects too.

mod common;

use common::world::*;
use reintegra::storage::{Pool, Storage};
use std::sync::Arc;
use uuid::Uuid;

async fn sql(pool: &Pool, statement: &str) {
    match pool {
        Pool::Sqlite(p) => sqlx::query(statement).execute(p).await.map(|_| ()),
        Pool::Postgres(p) => sqlx::query(statement).execute(p).await.map(|_| ()),
    }
    .unwrap_or_else(|e| panic!("{statement}: {e}"));
}

async fn count(pool: &Pool, statement: &str) -> i64 {
    match pool {
        Pool::Sqlite(p) => sqlx::query_scalar(statement).fetch_one(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(statement).fetch_one(p).await,
    }
    .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

async fn effects_left_undone_by_a_crash_are_finished(store: Arc<dyn Storage>, pool: Pool) {
    let w = world(store.clone()).await;
    let first = family(Uuid::now_v7());
    assert!(push(&w, &w.worker, first.changes.clone()).await.iter().all(applied));
    // Everything a push causes is done with it: nothing waits.
    assert!(store.pending_after_writes(100).await.unwrap().is_empty());
    assert!(!store.follow_ups_of_case(first.case).await.unwrap().is_empty());

    // The same family registered again by a colleague, while the duplicate checks fail: the
    // changes are stored, their effects are not done.
    sql(&pool, "ALTER TABLE duplicate RENAME TO duplicate_away").await;
    let second = family(Uuid::now_v7());
    assert!(push(&w, &w.colleague, second.changes.clone()).await.iter().all(applied));
    sql(&pool, "ALTER TABLE duplicate_away RENAME TO duplicate").await;
    let waiting = store.pending_after_writes(100).await.unwrap();
    assert_eq!(waiting.len(), second.changes.len());
    assert!(waiting.iter().all(|a| a.case_id == second.case));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM duplicate").await, 0);
    assert!(store.follow_ups_of_case(second.case).await.unwrap().is_empty());

    // The next pass (at start-up, then every ten minutes) finishes them, once.
    assert_eq!(w.sync.finish_after_writes().await.unwrap(), second.changes.len());
    assert!(store.pending_after_writes(100).await.unwrap().is_empty());
    // The mother and the child are each suggested once as the same person.
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM duplicate").await, 2);
    assert!(!store.follow_ups_of_case(second.case).await.unwrap().is_empty());
    assert_eq!(w.sync.finish_after_writes().await.unwrap(), 0);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM duplicate").await, 2);

    // A resend of an applied change redoes its effects: a suggestion lost is made again.
    sql(&pool, "DELETE FROM duplicate").await;
    let adult = second.changes[2].clone();
    assert!(matches!(
        push(&w, &w.colleague, vec![adult]).await[0],
        app::domain::sync::Outcome::AlreadyApplied { .. }
    ));
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM duplicate").await, 1);
}

#[tokio::test]
async fn effects_left_undone_by_a_crash_are_finished_on_sqlite() {
    let (store, pool) = common::sqlite().await;
    effects_left_undone_by_a_crash_are_finished(store, pool).await;
}

#[tokio::test]
async fn effects_left_undone_by_a_crash_are_finished_on_postgres() {
    let (store, pool) = common::postgres().await;
    effects_left_undone_by_a_crash_are_finished(store, pool).await;
}
