//! An upgrade, on SQLite and PostgreSQL: a database made by the previous release, with its demo
//! data in it (`tests/fixtures/previous-release/`, written by that release's binary:
//! `scripts/upgrade-fixture.sh`), is loaded as it was; starting this release's storage applies
//! the newer migrations (and refuses if an applied one was edited since); then everything that
//! was there is still there and works: sign-in, the caseload, an edit, the plans' clock and each
//! case's indicator figures.

mod common;

use app::api::ssr::Backend;
use app::domain::sync::{Outcome, PushRequest};
use app::domain::RecordKind;
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::storage::{self, Pool};
use reintegra::sync::SyncService;
use serde_json::json;
use std::sync::Arc;
use uuid::Uuid;

/// The previous release's dump, without psql's own commands (`\restrict`), which a server does
/// not take.
fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/previous-release")
        .join(name);
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.starts_with('\\'))
        .collect::<Vec<_>>()
        .join("\n")
}

async fn count(pool: &Pool, statement: &str) -> i64 {
    match pool {
        Pool::Sqlite(p) => sqlx::query_scalar(statement).fetch_one(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(statement).fetch_one(p).await,
    }
    .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

/// What the old database holds, counted before the upgrade with plain SQL.
#[derive(Debug, PartialEq)]
struct Counts {
    users: i64,
    records: i64,
    cases: i64,
    audit: i64,
    follow_ups: i64,
    migrations: i64,
}

async fn counts(pool: &Pool) -> Counts {
    Counts {
        users: count(pool, "SELECT COUNT(*) FROM app_user").await,
        records: count(pool, "SELECT COUNT(*) FROM record").await,
        cases: count(pool, "SELECT COUNT(*) FROM record WHERE kind = 'case'").await,
        audit: count(pool, "SELECT COUNT(*) FROM audit_event").await,
        follow_ups: count(pool, "SELECT COUNT(*) FROM follow_up").await,
        migrations: count(pool, "SELECT COUNT(*) FROM _sqlx_migrations").await,
    }
}

async fn upgraded_database_keeps_everything_and_works(url: String, before: Counts) {
    let (store, pool) = storage::connect(&url).await.expect("this release's migrations apply");
    let after = counts(&pool).await;
    let newer = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"))
        .unwrap()
        .count() as i64;
    assert_eq!(after.migrations, newer, "every migration applied");
    assert!(before.migrations < newer, "the fixture is older than this release");
    assert_eq!(
        Counts {
            migrations: before.migrations,
            ..after
        },
        before,
        "nothing lost or added by the upgrade"
    );
    assert!(
        before.cases >= 40 && before.users >= 8,
        "the demo is in the fixture: {before:?}"
    );

    // The field worker signs in with the password the old release stored, and pulls.
    let users = reintegra::users::Users::new(Ctx::new(store.clone()), reintegra::sign_in_policy(&common::settings()));
    let field = users
        .sign_in("field", "reintegra-demo", "127.0.0.1")
        .await
        .expect("the old password hash still signs in");
    let sync = SyncService::new(Ctx::new(store.clone()));
    let page = sync.pull(&field, "", Some(1000)).await.unwrap();
    assert!(!page.more);
    let own = count(
        &pool,
        &format!(
            "SELECT COUNT(*) FROM record r JOIN record c ON c.id = r.case_id AND c.kind = 'case' \
             WHERE c.field_worker_id = {}",
            match &pool {
                Pool::Sqlite(_) => format!("X'{}'", field.id.simple()),
                Pool::Postgres(_) => format!("'{}'", field.id),
            }
        ),
    )
    .await;
    assert_eq!(page.records.len() as i64, own, "the worker's caseload, whole");

    // An edit of an old household lands on top of its stored version.
    let household = page
        .records
        .iter()
        .find(|r| r.kind == RecordKind::Household)
        .expect("a household");
    let change = json!({
        "change_id": Uuid::now_v7(), "device_id": Uuid::now_v7(), "kind": "household",
        "record_id": household.id, "case_id": household.case_id, "base_version": household.version,
        "fields": { "phone": "+383 44 123 456" }, "made_at": chrono::Utc::now(),
    });
    let answer = sync
        .push(
            &field,
            PushRequest {
                changes: vec![change],
                reads: vec![],
                device_id: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        answer.results[0].outcome,
        Outcome::Applied {
            version: household.version + 1
        }
    );

    // The clock's pass over the old cases: each gets its indicator figures (a table the old
    // release did not have), and the follow-ups are kept.
    let clock = FollowUps::new(Ctx::new(store.clone()));
    clock.schedule_all(chrono::Utc::now()).await.unwrap();
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM case_figures").await, before.cases);
    assert!(count(&pool, "SELECT COUNT(*) FROM follow_up").await >= before.follow_ups);
    let _: Arc<dyn storage::Storage> = store;
}

#[tokio::test]
async fn a_previous_release_sqlite_database_upgrades() {
    let url = common::sqlite_url();
    let path = url.trim_start_matches("sqlite://");
    // The dump creates its tables in name order: references are checked once all are in.
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .foreign_keys(false);
    let old = sqlx::SqlitePool::connect_with(options).await.unwrap();
    sqlx::raw_sql(&fixture("sqlite.sql"))
        .execute(&old)
        .await
        .expect("load the old database");
    let before = counts(&Pool::Sqlite(old.clone())).await;
    old.close().await;
    upgraded_database_keeps_everything_and_works(url, before).await;
}

#[tokio::test]
async fn a_previous_release_postgres_database_upgrades() {
    let url = common::postgres_url().await;
    let old = sqlx::PgPool::connect(&url).await.unwrap();
    sqlx::raw_sql(&fixture("postgres.sql"))
        .execute(&old)
        .await
        .expect("load the old database");
    // pg_dump empties the search path for its own statements; this connection keeps it.
    drop(old);
    let old = sqlx::PgPool::connect(&url).await.unwrap();
    let before = counts(&Pool::Postgres(old.clone())).await;
    old.close().await;
    upgraded_database_keeps_everything_and_works(url, before).await;
}
