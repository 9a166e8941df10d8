//! Faults at the worst moments, on the real binary over loopback, on SQLite and PostgreSQL:
//! the server killed (SIGKILL) at random instants while phones push and upload photos, answers
//! dropped by a proxy after the server handled the request, batches delivered twice at once and
//! out of order. The phones do what the real phone does: resend whatever was not confirmed, go on
//! from the upload's status. Afterwards every record, audit row, duplicate suggestion, follow-up
//! and photo is there exactly once, counted here from the tables, against numbers worked out
//! from the families sent (not from the code under test).
//!
//! The short run is part of `cargo test` (a few faults of each kind). The long run is
//! `REINTEGRA_FAULTS=1000 cargo test -p reintegra --test faults -- --ignored
//! --nocapture` (in `scripts/bench.sh`); it prints its counts.
//!
//! (The browser closed mid-edit is the browser suite's: `e2e/tests/field.test.js` closes it with
//! a half-typed form and a queue, `e2e/tests/unlock.test.js` right after save.)

mod common;

use app::domain::sync::{Outcome, PushResponse};
use app::domain::RecordKind;
use axum::body::Bytes;
use chrono::{Duration, Utc};
use common::live::{DroppingProxy, Failed, LiveServer, Phone, Rng};
use common::world::*;
use hyper::{Method, StatusCode};
use reintegra::storage::{Pool, Storage};
use serde_json::{json, Value};
use sha2::Digest;
use std::sync::Arc;
use uuid::Uuid;

/// One family as a phone sends it: the registration, then the visit with its signed record,
/// then the signature's bytes.
struct Batch {
    family: Vec<Value>,
    visit: Vec<Value>,
    sha256: String,
    bytes: Vec<u8>,
}

/// Family `i`: names and birth dates of its own, so its people match only the colleague's
/// earlier registration of the same family (two suggestions: the mother and the child).
fn people(i: usize) -> (String, String, String, String) {
    let adult_born = chrono::NaiveDate::from_ymd_opt(1975, 1, 1).unwrap() + Duration::days(i as i64 * 3);
    let child_born = today() - Duration::days(365 * 8 + i as i64 * 3);
    (
        format!("Shpresë{i}"),
        format!("Krasniqi-Ђурић{i}"),
        adult_born.to_string(),
        child_born.to_string(),
    )
}

fn registration(i: usize, device: Uuid) -> (Uuid, Uuid, Uuid, Vec<Value>) {
    let (case, household, adult, child, ret) = (
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
        Uuid::now_v7(),
    );
    let (first, last, adult_born, child_born) = people(i);
    let changes = vec![
        change(
            RecordKind::Case,
            case,
            case,
            None,
            device,
            json!({ "household_id": household }),
        ),
        change(
            RecordKind::Household,
            household,
            case,
            None,
            device,
            json!({ "village": "Plemetin / Племетина", "address": format!("Rr. Dëshmorët {i}") }),
        ),
        change(
            RecordKind::Member,
            adult,
            case,
            None,
            device,
            json!({ "household_id": household, "first_name": first, "last_name": last,
                    "birth_date": adult_born, "sex": "female", "relationship": "head" }),
        ),
        change(
            RecordKind::Member,
            child,
            case,
            None,
            device,
            json!({ "household_id": household, "first_name": "Ёлена", "last_name": last,
                    "birth_date": child_born, "sex": "female", "relationship": "child" }),
        ),
        change(
            RecordKind::ReturnEvent,
            ret,
            case,
            None,
            device,
            json!({ "household_id": household, "category": "repatriated", "country": "Deutschland",
                    "event_date": (today() - Duration::days(2)).to_string(), "event_time": "09:15",
                    "members": [adult, child] }),
        ),
    ];
    (case, household, adult, changes)
}

/// A signature's bytes: a little over one upload piece, so an upload takes two requests.
fn signature(i: usize) -> Vec<u8> {
    let mut rng = Rng::new(i as u64 + 1);
    (0..300_000).map(|_| rng.next_u64() as u8).collect()
}

fn batch(i: usize, device: Uuid) -> Batch {
    let (case, _, adult, family) = registration(i, device);
    let visit = Uuid::now_v7();
    let bytes = signature(i);
    let sha256 = hex(&sha2::Sha256::digest(&bytes));
    let visit_changes = vec![
        change(
            RecordKind::Visit,
            visit,
            case,
            None,
            device,
            json!({ "visited_at": (Utc::now() - Duration::minutes(30)).to_rfc3339(), "kind": "initial",
                    "village": "Plemetin / Племетина", "present": [adult] }),
        ),
        change(
            RecordKind::Attachment,
            Uuid::now_v7(),
            case,
            None,
            device,
            json!({ "owner_id": visit, "purpose": "signature", "label": "Nënshkrimi", "sha256": sha256,
                    "content_type": "image/png", "size": bytes.len() }),
        ),
    ];
    Batch {
        family,
        visit: visit_changes,
        sha256,
        bytes,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What the test asks of the server: kill it at random instants, or not.
struct Faults {
    rng: Rng,
    kills_left: usize,
    kills: usize,
    /// Kills whose request got no answer: the server died while it was on its way or handled.
    interrupted: usize,
    /// How long an answer takes here, in microseconds (a running mean of the requests not
    /// killed): a kill falls anywhere from the request's start to a little after its answer.
    typical_us: u64,
}

impl Faults {
    fn new(seed: u64, kills: usize) -> Self {
        Faults {
            rng: Rng::new(seed),
            kills_left: kills,
            kills: 0,
            interrupted: 0,
            typical_us: 20_000,
        }
    }

    fn none() -> Self {
        Self::new(0, 0)
    }
}

/// Sends one request as the phone would; when kills are left, the server is killed a random
/// number of milliseconds after the request left (perhaps before it arrived, perhaps while it is
/// handled, perhaps after the answer), then started again.
async fn send(
    phone: &Phone,
    server: &mut LiveServer,
    faults: &mut Faults,
    method: Method,
    path: &str,
    content_type: &str,
    body: Bytes,
) -> Result<(StatusCode, Bytes), Failed> {
    if !server.is_running() {
        server.restart().await;
    }
    let kill_after = (faults.kills_left > 0).then(|| faults.rng.below(faults.typical_us * 5 / 4 + 1));
    let started = std::time::Instant::now();
    let request = {
        let phone = phone.clone();
        let path = path.to_string();
        let content_type = content_type.to_string();
        tokio::spawn(async move { phone.send(method, &path, &content_type, body).await })
    };
    if let Some(us) = kill_after {
        tokio::time::sleep(std::time::Duration::from_micros(us)).await;
        server.kill();
        faults.kills_left -= 1;
        faults.kills += 1;
    }
    let answer = request.await.expect("request task");
    match (&answer, kill_after) {
        // Killed before it ended: the kills aim a little later from now on, so that a server
        // slower than expected (a loaded machine, a cold PostgreSQL connection) still gets some
        // requests through between kills instead of losing every one.
        (Err(_), Some(_)) => {
            faults.interrupted += 1;
            faults.typical_us += faults.typical_us / 8 + 1;
        }
        (Ok(_), _) => {
            let took = started.elapsed().as_micros() as u64;
            faults.typical_us = (faults.typical_us * 3 + took) / 4;
        }
        _ => {}
    }
    if !server.is_running() {
        server.restart().await;
    }
    answer
}

/// Pushes `changes` until the server has confirmed every one (applied, already applied or a
/// conflict); "not yet" answers and failures are sent again. A final refusal fails the test.
async fn push_until_confirmed(phone: &Phone, server: &mut LiveServer, faults: &mut Faults, changes: &[Value]) -> usize {
    let mut waiting: Vec<Value> = changes.to_vec();
    let mut sends = 0;
    while !waiting.is_empty() {
        sends += 1;
        assert!(sends < 200, "still not confirmed after 200 sends");
        let body = Bytes::from(json!({ "changes": waiting }).to_string());
        match send(
            phone,
            server,
            faults,
            Method::POST,
            "/api/sync/v1/push",
            "application/json",
            body,
        )
        .await
        {
            Ok((StatusCode::OK, bytes)) => {
                let answer: PushResponse = serde_json::from_slice(&bytes).expect("push answer");
                let mut still = Vec::new();
                for (change, result) in waiting.iter().zip(&answer.results) {
                    match &result.outcome {
                        Outcome::Applied { .. } | Outcome::AlreadyApplied { .. } | Outcome::Conflict { .. } => {}
                        Outcome::Rejected { reason, .. } if reason.is_retryable() => still.push(change.clone()),
                        Outcome::Rejected { reason, message, .. } => {
                            panic!("refused for good: {reason:?} {message}")
                        }
                    }
                }
                waiting = still;
            }
            Ok((StatusCode::SERVICE_UNAVAILABLE, _)) | Err(_) => {}
            Ok((status, bytes)) => panic!("push answered {status}: {}", String::from_utf8_lossy(&bytes)),
        }
        if !waiting.is_empty() {
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
    sends
}

/// Uploads the bytes as the phone does: ask the status, send the next piece from `received`.
async fn upload_until_complete(phone: &Phone, server: &mut LiveServer, faults: &mut Faults, b: &Batch) {
    let piece = app::domain::sync::MAX_CHUNK_BYTES;
    let mut last = String::new();
    for round in 0.. {
        assert!(round < 200, "upload not complete after 200 rounds: {last}");
        let status = match phone.get(&format!("/api/sync/v1/blobs/{}/status", b.sha256)).await {
            Ok((StatusCode::OK, bytes)) => serde_json::from_slice::<Value>(&bytes).expect("status"),
            _ => {
                if !server.is_running() {
                    server.restart().await;
                }
                continue;
            }
        };
        if status["complete"] == json!(true) {
            return;
        }
        let from = status["received"].as_u64().unwrap_or(0) as usize;
        let to = (from + piece).min(b.bytes.len());
        let body = Bytes::copy_from_slice(&b.bytes[from..to]);
        let path = format!("/api/sync/v1/blobs/{}?offset={from}", b.sha256);
        let answer = send(
            phone,
            server,
            faults,
            Method::PUT,
            &path,
            "application/octet-stream",
            body,
        )
        .await;
        last = format!(
            "status {status}, then {:?}",
            answer.map(|(s, b)| (s, String::from_utf8_lossy(&b).into_owned()))
        );
    }
}

async fn count(pool: &Pool, statement: &str) -> i64 {
    match pool {
        Pool::Sqlite(p) => sqlx::query_scalar(statement).fetch_one(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(statement).fetch_one(p).await,
    }
    .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

/// The world, the colleague's earlier registration of each family (no faults, in-process), and
/// the server process on the same database.
async fn prepare(database_url: &str, families: usize) -> (World, Pool, LiveServer) {
    let (store, pool) = reintegra::storage::connect(database_url).await.expect("storage");
    let w = world(store.clone()).await;
    let device = Uuid::now_v7();
    for i in 0..families {
        let (_, _, _, changes) = registration(i, device);
        assert!(push(&w, &w.colleague, changes).await.iter().all(applied));
    }
    let server = LiveServer::start(database_url).await;
    (w, pool, server)
}

/// Counted from the tables: everything exactly once.
async fn assert_exactly_once(store: &Arc<dyn Storage>, pool: &Pool, server: &mut LiveServer, families: i64) {
    // The server is back once more: whatever a crash left after a commit is finished at start.
    server.restart().await;
    for _ in 0..200 {
        if store.pending_after_writes(10).await.unwrap().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(
        store.pending_after_writes(10).await.unwrap().is_empty(),
        "after-writes left undone"
    );
    // Each family: the colleague's 5 records, the worker's 5 and a visit with its attachment.
    let records = 12 * families;
    assert_eq!(count(pool, "SELECT COUNT(*) FROM record").await, records, "records");
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM record WHERE version <> 1").await,
        0,
        "applied twice"
    );
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM sync_change").await,
        records,
        "changes"
    );
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM audit_event WHERE action = 'record.create'").await,
        records,
        "audit rows of the changes"
    );
    assert_eq!(
        count(
            pool,
            "SELECT COUNT(DISTINCT entity_id) FROM audit_event WHERE action = 'record.create'"
        )
        .await,
        records,
        "one audit row per record"
    );
    // The mother and the child of each family, each suggested once as the colleague's.
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM duplicate").await,
        2 * families,
        "suggestions"
    );
    // Each case: the first visit (the colleague's due, the worker's done) and the 18th month.
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM follow_up").await,
        4 * families,
        "follow-ups"
    );
    assert_eq!(
        count(
            pool,
            "SELECT COUNT(*) FROM follow_up WHERE key = 'first_visit' AND status = 'done'"
        )
        .await,
        families,
        "first visits done"
    );
    assert_eq!(
        count(
            pool,
            "SELECT COUNT(*) FROM attachment_blob WHERE completed_at IS NOT NULL"
        )
        .await,
        families,
        "photos"
    );
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM attachment_chunk").await,
        0,
        "pieces left"
    );
    assert_eq!(
        count(
            pool,
            "SELECT COUNT(*) FROM audit_event WHERE action = 'attachment.upload'"
        )
        .await,
        families,
        "audit rows of the uploads"
    );
    assert_eq!(
        count(pool, "SELECT COUNT(*) FROM case_figures").await,
        2 * families,
        "figures"
    );
}

/// How many faults of each kind a run injects: a few in `cargo test`, `REINTEGRA_FAULTS` in the
/// long run.
fn faults_wanted() -> usize {
    std::env::var("REINTEGRA_FAULTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6)
}

fn seed() -> u64 {
    let seed = std::env::var("REINTEGRA_FAULT_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| Utc::now().timestamp_micros() as u64);
    println!("fault seed {seed} (REINTEGRA_FAULT_SEED={seed} repeats the instants)");
    seed
}

/// Kills at random instants during pushes and uploads, then resends.
async fn killed_server(database_url: String, kills: usize) -> String {
    // Four requests per family (two pushes, two pieces): every one of them meets a kill.
    let families = kills.div_ceil(4).max(2);
    let (w, pool, mut server) = prepare(&database_url, families).await;
    let phone = Phone::sign_in(&server.base(), "field.a", "a-long-password").await;
    let mut faults = Faults::new(seed(), kills);
    let device = Uuid::now_v7();
    let mut sends = 0;
    for i in 0..families {
        let b = batch(i, device);
        sends += push_until_confirmed(&phone, &mut server, &mut faults, &b.family).await;
        sends += push_until_confirmed(&phone, &mut server, &mut faults, &b.visit).await;
        upload_until_complete(&phone, &mut server, &mut faults, &b).await;
    }
    assert_eq!(faults.kills, kills, "every kill was made");
    assert!(faults.interrupted > 0, "a kill fell while a request was under way");
    assert_exactly_once(&w.store, &pool, &mut server, families as i64).await;
    format!(
        "{families} families, {kills} kills ({} while a request was under way), {sends} pushes, \
         {} starts: every record, audit row, suggestion, follow-up and photo once",
        faults.interrupted,
        server.starts()
    )
}

/// A fifth of the answers dropped after the server handled the request; batches also sent twice
/// at once and the visits before their families (out of order: "not yet", sent again).
async fn dropped_and_disordered(database_url: String, drops: usize) -> String {
    // About ten requests a family, a fifth of their answers dropped: two drops a family.
    let families = (drops / 2).max(2);
    let (w, pool, mut server) = prepare(&database_url, families).await;
    let proxy = DroppingProxy::start(server.addr, 5, seed()).await;
    let phone = Phone::sign_in(&server.base(), "field.a", "a-long-password")
        .await
        .via(&proxy.base());
    let device = Uuid::now_v7();
    let batches: Vec<Batch> = (0..families).map(|i| batch(i, device)).collect();
    let mut faults = Faults::none();
    // Out of order: every visit goes before any family; each send twice at once.
    let mut visits = Vec::new();
    for b in &batches {
        let (one, two) = (phone.clone(), phone.clone());
        let body = json!({ "changes": b.visit });
        let (a, c) = tokio::join!(
            one.post_json("/api/sync/v1/push", &body),
            two.post_json("/api/sync/v1/push", &body)
        );
        for answer in [a, c].into_iter().flatten() {
            if answer.0 == StatusCode::OK {
                let r: PushResponse = serde_json::from_slice(&answer.1).unwrap();
                // Their case has not arrived: "not yet", kept by the phone.
                assert!(r.results.iter().all(|r| matches!(
                    r.outcome,
                    Outcome::Rejected { reason, .. } if reason.is_retryable()
                )));
            }
        }
        visits.extend(b.visit.clone());
    }
    for b in &batches {
        let (one, two) = (phone.clone(), phone.clone());
        let body = json!({ "changes": b.family });
        let _ = tokio::join!(
            one.post_json("/api/sync/v1/push", &body),
            two.post_json("/api/sync/v1/push", &body)
        );
    }
    // Then the phone's usual sync: everything not confirmed, until it is.
    let mut all: Vec<Value> = batches.iter().flat_map(|b| b.family.clone()).collect();
    all.extend(visits);
    for chunk in all.chunks(40) {
        push_until_confirmed(&phone, &mut server, &mut faults, chunk).await;
    }
    for b in &batches {
        upload_until_complete(&phone, &mut server, &mut faults, b).await;
    }
    let dropped = proxy.dropped.load(std::sync::atomic::Ordering::SeqCst);
    assert!(dropped > 0, "the proxy dropped answers");
    drop(proxy);
    assert_exactly_once(&w.store, &pool, &mut server, families as i64).await;
    format!("{families} families, {dropped} answers dropped after handling, every batch twice and out of order: every record, audit row, suggestion, follow-up and photo once")
}

async fn sqlite_url() -> String {
    common::sqlite_url()
}

async fn postgres_url() -> String {
    common::postgres_url().await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_pushes_and_uploads_sqlite() {
    println!("{}", killed_server(sqlite_url().await, faults_wanted()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_during_pushes_and_uploads_postgres() {
    println!("{}", killed_server(postgres_url().await, faults_wanted()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_dropped_batches_twice_and_out_of_order_sqlite() {
    println!("{}", dropped_and_disordered(sqlite_url().await, faults_wanted()).await);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn answers_dropped_batches_twice_and_out_of_order_postgres() {
    println!(
        "{}",
        dropped_and_disordered(postgres_url().await, faults_wanted()).await
    );
}

/// The long run: `REINTEGRA_FAULTS` (say 1000) faults on each database, half kills, half
/// dropped answers; prints its counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "long: run by scripts/bench.sh"]
async fn long_run() {
    let n = faults_wanted();
    for (name, url) in [("SQLite", sqlite_url().await), ("PostgreSQL", postgres_url().await)] {
        let started = std::time::Instant::now();
        let killed = killed_server(url.clone(), n / 2).await;
        println!("faults | {name} | {killed} | {:.0} s", started.elapsed().as_secs_f64());
    }
    for (name, url) in [("SQLite", sqlite_url().await), ("PostgreSQL", postgres_url().await)] {
        let started = std::time::Instant::now();
        let dropped = dropped_and_disordered(url, n / 2).await;
        println!("faults | {name} | {dropped} | {:.0} s", started.elapsed().as_secs_f64());
    }
}
