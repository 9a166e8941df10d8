//! The indicators' benchmark (not a test: `bash scripts/bench-indicators.sh`). On SQLite and on
//! PostgreSQL it seeds one municipality of 1,000 generated cases through the real path (records,
//! then the plans' clock, which keeps each case's figures), times that rebuild and the
//! municipality's report; then copies those figures into 49 more municipalities (50,000 cases)
//! and times the national view. Prints one table: each figure, its budget, pass or short.

mod common;

use app::domain::indicator::catalogue;
use app::domain::{Role, SessionUser};
use chrono::{Duration, Utc};
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::indicators::Indicators;
use reintegra::seed;
use reintegra::storage::{self, Pool, Storage};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const CASES: usize = 1_000;
const MUNICIPALITIES: usize = 50;

struct Line {
    what: String,
    budget: Option<f64>,
    seconds: f64,
}

async fn user(store: &dyn Storage, m: &storage::Municipality, name: &str, role: Role) -> SessionUser {
    let u = seed::create_user(store, m, name, name, &[role], None, "bench-password-long")
        .await
        .expect("user");
    SessionUser::from(&u)
}

/// The best of `n` runs of `f`, in seconds.
async fn best<F, Fut>(n: usize, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let mut best = f64::MAX;
    for _ in 0..n {
        let t = Instant::now();
        f().await;
        best = best.min(t.elapsed().as_secs_f64());
    }
    best
}

async fn run(db: &str, store: Arc<dyn Storage>, pool: &Pool) -> Vec<Line> {
    let mut out = Vec::new();
    let now = Utc::now();
    let home = seed::ensure_municipality(store.as_ref(), "bench-0", "Bench 0")
        .await
        .unwrap();
    let worker = user(store.as_ref(), &home, "field", Role::FieldWorker).await;
    let manager = user(store.as_ref(), &home, "manager", Role::CaseManager).await;
    let supervisor = user(store.as_ref(), &home, "supervisor", Role::Supervisor).await;
    let world = seed::cases::CaseWorld {
        municipality_id: home.id,
        field_workers: vec![worker.id],
        case_manager: manager.id,
        supervisor: supervisor.id,
        institutions: Vec::new(),
        services: Vec::new(),
    };
    let t = Instant::now();
    let records = seed::load_households(store.as_ref(), &world, CASES, 11, now)
        .await
        .unwrap();
    out.push(Line {
        what: format!("{db}: storing 1,000 generated cases ({records} records)"),
        budget: None,
        seconds: t.elapsed().as_secs_f64(),
    });
    let clock = FollowUps::new(Ctx::new(store.clone()));
    let t = Instant::now();
    clock.schedule_all(now).await.unwrap();
    out.push(Line {
        what: format!("{db}: the plans' clock over 1,000 cases (follow-ups and figures)"),
        budget: None,
        seconds: t.elapsed().as_secs_f64(),
    });
    let plan = seed::add_plan(store.as_ref(), home.id, catalogue::obiliq(), now)
        .await
        .unwrap();
    let indicators = Indicators::new(Ctx::new(store.clone()));
    let to = app::domain::follow_up::local_today(now);
    let from = to - Duration::days(365);
    let seconds = best(5, || async {
        indicators.report(&supervisor, plan, from, to).await.unwrap();
    })
    .await;
    out.push(Line {
        what: format!("{db}: the report of a municipality of 1,000 cases"),
        budget: Some(1.0),
        seconds,
    });

    // 49 more municipalities with the same figures under new case IDs.
    let rows = store.case_figures(Some(home.id)).await.unwrap();
    let t = Instant::now();
    for m in 1..MUNICIPALITIES {
        let other = seed::ensure_municipality(store.as_ref(), &format!("bench-{m}"), &format!("Bench {m}"))
            .await
            .unwrap();
        seed::add_plan(store.as_ref(), other.id, catalogue::prizren(), now)
            .await
            .unwrap();
        copy_figures(pool, &rows, other.id).await;
    }
    let total = store.case_figures(None).await.unwrap().len();
    out.push(Line {
        what: format!("{db}: copying the figures to {MUNICIPALITIES} municipalities ({total} cases)"),
        budget: None,
        seconds: t.elapsed().as_secs_f64(),
    });
    let ministry = seed::ensure_municipality(store.as_ref(), "ministry", "Ministry")
        .await
        .unwrap();
    let national = user(store.as_ref(), &ministry, "national", Role::National).await;
    let seconds = best(3, || async {
        indicators.national(&national, from, to).await.unwrap();
    })
    .await;
    out.push(Line {
        what: format!("{db}: the national view over {total} cases"),
        budget: Some(10.0),
        seconds,
    });
    out
}

async fn copy_figures(pool: &Pool, rows: &[storage::FiguresRow], municipality: Uuid) {
    const INSERT: &str = "INSERT INTO case_figures (case_id, municipality_id, restricted, figures, updated_at) \
                          VALUES ($1, $2, $3, $4, $5)";
    let now = Utc::now();
    // The same inserts in one transaction, on either pool.
    macro_rules! copy {
        ($p:expr) => {{
            let mut tx = $p.begin().await.unwrap();
            for r in rows {
                sqlx::query(INSERT)
                    .bind(Uuid::now_v7())
                    .bind(municipality)
                    .bind(r.restricted)
                    .bind(&r.figures)
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            tx.commit().await.unwrap();
        }};
    }
    match pool {
        Pool::Sqlite(p) => copy!(p),
        Pool::Postgres(p) => copy!(p),
    }
}

#[tokio::main]
async fn main() {
    let mut lines = Vec::new();
    for (db, scratch) in [
        ("SQLite", common::sqlite().await),
        ("PostgreSQL", common::postgres().await),
    ] {
        lines.extend(run(db, scratch.store.clone(), &scratch.pool).await);
        scratch.remove().await;
    }

    println!("| figure | budget | measured | |");
    println!("|---|---|---|---|");
    for l in &lines {
        let (budget, verdict) = match l.budget {
            Some(b) if l.seconds <= b => (format!("≤ {b:.1} s"), "pass"),
            Some(b) => (format!("≤ {b:.1} s"), "short"),
            None => ("—".into(), ""),
        };
        println!("| {} | {budget} | {:.3} s | {verdict} |", l.what, l.seconds);
    }
}
