//! The sync's server time (not a test: `scripts/bench.sh`). On SQLite and on PostgreSQL:
//! - a field worker with 300 cases pulls the whole caseload and pushes 100 queued changes (20
//!   families registered on visits), through the service the routes call;
//! - the push's rate beside a raw batched insert of the same number of rows into the same table
//!   (one multi-row `INSERT` in one transaction: the floor any reconciling write stands on);
//! - the plans' clock (every case's follow-ups and figures) over a growing database, to show its
//!   time grows linearly with the cases (`CLOCK_CASES`, default 12,500, 25,000 and 50,000).
//!
//! Prints `sync | figure | budget | measured | verdict` lines.

mod common;

use app::domain::sync::{Outcome, PushRequest};
use app::domain::{Role, SessionUser};
use chrono::Utc;
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::seed;
use reintegra::storage::{Pool, Storage};
use reintegra::sync::SyncService;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Instant;
use uuid::Uuid;

const CASELOAD: usize = 300;
const FAMILIES: usize = 20; // 5 changes each: 100

fn line(figure: &str, budget: &str, measured: String, verdict: Option<bool>) {
    let v = match verdict {
        Some(true) => "pass",
        Some(false) => "short",
        None => "",
    };
    println!("sync | {figure} | {budget} | {measured} | {v}");
}

fn change(kind: &str, record: Uuid, case: Uuid, device: Uuid, fields: Value) -> Value {
    json!({ "change_id": Uuid::now_v7(), "device_id": device, "kind": kind, "record_id": record,
        "case_id": case, "base_version": null, "fields": fields, "made_at": Utc::now().to_rfc3339() })
}

/// A family registered on a visit, as the phone queues it: five changes.
fn family(i: usize, device: Uuid) -> Vec<Value> {
    let [case, household, adult, child, ret] = [(); 5].map(|_| Uuid::now_v7());
    let today = Utc::now().date_naive();
    vec![
        change("case", case, case, device, json!({ "household_id": household })),
        change(
            "household",
            household,
            case,
            device,
            json!({ "village": "Plemetin / Племетина", "address": format!("Rr. Dëshmorët {i}") }),
        ),
        change(
            "member",
            adult,
            case,
            device,
            json!({ "household_id": household, "first_name": format!("Shpresë{i}"), "last_name": "Krasniqi-Ђурић",
                "birth_date": "1980-05-05", "sex": "female", "relationship": "head" }),
        ),
        change(
            "member",
            child,
            case,
            device,
            json!({ "household_id": household, "first_name": "Ёлена", "last_name": format!("Gashi{i}"),
                "birth_date": (today - chrono::Duration::days(3000)).to_string(), "sex": "female", "relationship": "child" }),
        ),
        change(
            "return_event",
            ret,
            case,
            device,
            json!({ "household_id": household, "category": "repatriated", "country": "Deutschland",
                "event_date": (today - chrono::Duration::days(1)).to_string(), "members": [adult, child] }),
        ),
    ]
}

/// `rows` rows inserted into `record` in one statement and one transaction; seconds.
async fn raw_insert(pool: &Pool, rows: &[Value], municipality: Uuid, user: Uuid) -> f64 {
    let mut sql = String::from(
        "INSERT INTO record (id, kind, case_id, municipality_id, field_worker_id, version, fields, stamps, \
         sha256, seq, created_by, created_at, updated_by, updated_at) VALUES ",
    );
    // Eleven values a row; the others are the same for every row.
    for i in 0..rows.len() {
        let n: Vec<String> = (1..=11).map(|k| format!("${}", i * 11 + k)).collect();
        if i > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "({}, {}, {}, {}, NULL, 1, {}, {}, NULL, {}, {}, {}, {}, {})",
            n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7], n[8], n[9], n[10]
        ));
    }
    let now = Utc::now();
    macro_rules! insert {
        ($p:expr) => {{
            let t = Instant::now();
            let mut tx = $p.begin().await.unwrap();
            let mut q = sqlx::query(&sql);
            for (i, r) in rows.iter().enumerate() {
                q = q
                    .bind(Uuid::now_v7())
                    .bind(r["kind"].as_str().unwrap_or_default().to_string())
                    .bind(Uuid::now_v7())
                    .bind(municipality)
                    .bind(r["fields"].to_string())
                    .bind("{}")
                    .bind(1_000_000_000_i64 + i as i64)
                    .bind(user)
                    .bind(now)
                    .bind(user)
                    .bind(now);
            }
            q.execute(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
            t.elapsed().as_secs_f64()
        }};
    }
    match pool {
        Pool::Sqlite(p) => insert!(p),
        Pool::Postgres(p) => insert!(p),
    }
}

async fn run(db: &str, store: Arc<dyn Storage>, pool: &Pool, clock_sizes: &[usize]) {
    let now = Utc::now();
    let m = seed::ensure_municipality(store.as_ref(), "bench", "Bench")
        .await
        .unwrap();
    let make = |name: &'static str, role: Role| {
        let store = store.clone();
        let m = m.clone();
        async move {
            seed::create_user(store.as_ref(), &m, name, name, &[role], None, "bench-password-long")
                .await
                .unwrap()
        }
    };
    let worker = make("field", Role::FieldWorker).await;
    let manager = make("manager", Role::CaseManager).await;
    let supervisor = make("supervisor", Role::Supervisor).await;
    let world = seed::cases::CaseWorld {
        municipality_id: m.id,
        field_workers: vec![worker.id],
        case_manager: manager.id,
        supervisor: supervisor.id,
        institutions: Vec::new(),
        services: Vec::new(),
    };
    seed::load_households(store.as_ref(), &world, CASELOAD, 7, now)
        .await
        .unwrap();
    let clock = FollowUps::new(Ctx::new(store.clone()));
    clock.schedule_all(now).await.unwrap();
    let actor = SessionUser::from(&worker);
    let sync = SyncService::new(Ctx::new(store.clone()));

    // The whole caseload, page by page, as the phone pulls it.
    let t = Instant::now();
    let (mut cursor, mut records) = (String::new(), 0);
    loop {
        let page = sync.pull(&actor, &cursor, None).await.unwrap();
        records += page.records.len();
        if !page.more {
            break;
        }
        cursor = page.next_cursor;
    }
    let pulled = t.elapsed().as_secs_f64();

    let device = Uuid::now_v7();
    let changes: Vec<Value> = (0..FAMILIES).flat_map(|i| family(i, device)).collect();
    let t = Instant::now();
    let answer = sync
        .push(
            &actor,
            PushRequest {
                changes: changes.clone(),
                reads: Vec::new(),
                device_id: Some(device),
            },
        )
        .await
        .unwrap();
    let pushed = t.elapsed().as_secs_f64();
    let applied = answer
        .results
        .iter()
        .filter(|r| matches!(r.outcome, Outcome::Applied { .. }))
        .count();
    assert_eq!(
        applied,
        changes.len(),
        "every change applied: {:?}",
        answer.results.first()
    );

    line(
        &format!("{db}: pulling a caseload of {CASELOAD} cases ({records} records)"),
        "—",
        format!("{pulled:.3} s"),
        None,
    );
    line(
        &format!("{db}: pushing {} queued changes", changes.len()),
        "—",
        format!("{pushed:.3} s"),
        None,
    );
    line(
        &format!("{db}: the pull and the push together"),
        "≤ 1.0 s",
        format!("{:.3} s", pulled + pushed),
        Some(pulled + pushed <= 1.0),
    );
    let raw = raw_insert(pool, &changes, m.id, worker.id).await;
    let ratio = raw / pushed;
    line(
        &format!(
            "{db}: the push's rate against a raw batched insert of {} rows ({raw:.4} s)",
            changes.len()
        ),
        "≥ 30 %",
        format!("{:.1} %", ratio * 100.0),
        Some(ratio >= 0.30),
    );

    // The clock over a growing database: each step adds cases, then times a whole pass.
    let mut have = CASELOAD + FAMILIES;
    let mut seed_no = 100;
    let mut per_case = Vec::new();
    for &size in clock_sizes {
        if size > have {
            seed::load_households(store.as_ref(), &world, size - have, seed_no, now)
                .await
                .unwrap();
            seed_no += 1;
            have = size;
        }
        let t = Instant::now();
        clock.schedule_all(now).await.unwrap();
        let s = t.elapsed().as_secs_f64();
        per_case.push(s / have as f64);
        line(
            &format!("{db}: the plans' clock over {have} cases"),
            "linear",
            format!("{s:.1} s ({:.2} ms per case)", s * 1000.0 / have as f64),
            None,
        );
    }
    if let (Some(first), Some(last)) = (per_case.first(), per_case.last()) {
        // Linear: the time per case at the largest size within 1.5× of the smallest's.
        line(
            &format!("{db}: the clock's time per case, largest size against smallest"),
            "≤ 1.5×",
            format!("{:.2}×", last / first),
            Some(last / first <= 1.5),
        );
    }
}

#[tokio::main]
async fn main() {
    let sizes: Vec<usize> = std::env::var("CLOCK_CASES")
        .unwrap_or_else(|_| "12500,25000,50000".into())
        .split(',')
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    for (db, scratch) in [
        ("SQLite", common::sqlite().await),
        ("PostgreSQL", common::postgres().await),
    ] {
        run(db, scratch.store.clone(), &scratch.pool, &sizes).await;
        scratch.remove().await;
    }
}
