//! Two server instances on one PostgreSQL behind a real load balancer (HAProxy from Debian,
//! started here on loopback): phones spread over both get what one instance gives, a session
//! made on one works on the other, the plans' clock runs its pass once, not once per instance,
//! and a follow-up two writers find overdue at the same moment is escalated once.

mod common;

use app::domain::sync::{Outcome, PushResponse};
use common::live::{free_port, LiveServer, Phone};
use common::world::*;
use reintegra::context::Ctx;
use reintegra::follow_ups::FollowUps;
use reintegra::storage::Pool;
use serde_json::json;
use std::process::{Child, Command, Stdio};
use uuid::Uuid;

/// HAProxy in front of the instances, round robin, one request per connection.
struct Balancer {
    child: Child,
    port: u16,
}

impl Balancer {
    async fn start(backends: &[&LiveServer]) -> Balancer {
        let port = free_port();
        let servers: String = backends
            .iter()
            .enumerate()
            .map(|(i, s)| format!("  server instance{i} {} check inter 300ms\n", s.addr))
            .collect();
        let config = format!(
            "global\n  maxconn 512\n\
             defaults\n  mode http\n  option http-server-close\n  timeout connect 2s\n  timeout client 60s\n  timeout server 60s\n\
             frontend phones\n  bind 127.0.0.1:{port}\n  default_backend reintegra\n\
             backend reintegra\n  balance roundrobin\n  option httpchk GET /health\n{servers}"
        );
        let path = std::env::temp_dir().join(format!("reintegra-haproxy-{}.cfg", Uuid::now_v7()));
        std::fs::write(&path, config).expect("haproxy config");
        let child = Command::new("haproxy")
            .args(["-db", "-f"])
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("HAProxy is required for this suite (scripts/setup.sh --test installs it)");
        let balancer = Balancer { child, port };
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
                // Both backends pass their first health check.
                tokio::time::sleep(std::time::Duration::from_millis(700)).await;
                return balancer;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!("HAProxy did not listen on {port}");
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Balancer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn count(pool: &Pool, statement: &str) -> i64 {
    match pool {
        Pool::Sqlite(p) => sqlx::query_scalar(statement).fetch_one(p).await,
        Pool::Postgres(p) => sqlx::query_scalar(statement).fetch_one(p).await,
    }
    .unwrap_or_else(|e| panic!("{statement}: {e}"))
}

/// Pushes through `phone` until every change is confirmed.
async fn push_all(phone: &Phone, changes: &[serde_json::Value]) {
    let mut waiting = changes.to_vec();
    for _ in 0..50 {
        let (status, bytes) = phone
            .post_json("/api/sync/v1/push", &json!({ "changes": waiting }))
            .await
            .expect("push answered");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        let answer: PushResponse = serde_json::from_slice(&bytes).unwrap();
        waiting = waiting
            .into_iter()
            .zip(answer.results)
            .filter(|(_, r)| match &r.outcome {
                Outcome::Rejected { reason, message, .. } => {
                    assert!(reason.is_retryable(), "refused: {message}");
                    true
                }
                _ => false,
            })
            .map(|(c, _)| c)
            .collect();
        if waiting.is_empty() {
            return;
        }
    }
    panic!("changes not confirmed");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_behind_a_load_balancer_act_as_one() {
    let url = common::postgres_url().await;
    let (store, pool) = reintegra::storage::connect(&url).await.unwrap();
    let w = world(store.clone()).await;
    // The families the colleague registered before: each phone's family is a duplicate of one.
    let families = 8;
    let earlier: Vec<Family> = (0..families).map(|_| family(Uuid::now_v7())).collect();
    for f in &earlier {
        assert!(push(&w, &w.colleague, f.changes.clone()).await.iter().all(applied));
    }

    // Both instances start at once, as after a deployment: each runs its clock at start.
    let (a, b) = tokio::join!(LiveServer::start(&url), LiveServer::start(&url));
    let balancer = Balancer::start(&[&a, &b]).await;
    let base = balancer.base();

    // Phones sign in through the balancer (the session is made on one instance) and each sends
    // its requests through it: round robin puts every other request on the other instance.
    let phones: Vec<Phone> =
        futures::future::join_all((0..4).map(|_| Phone::sign_in(&base, "field.a", "a-long-password"))).await;
    for phone in &phones {
        for _ in 0..4 {
            let (status, _) = phone.get("/api/sync/v1/pull?limit=1").await.unwrap();
            assert_eq!(status, 200, "a session works on either instance");
        }
    }
    // Eight new families, two per phone, sent at once.
    let mine: Vec<Family> = (0..families).map(|_| family(Uuid::now_v7())).collect();
    futures::future::join_all(mine.chunks(2).zip(&phones).map(|(pair, phone)| async move {
        for f in pair {
            push_all(phone, &f.changes).await;
        }
    }))
    .await;
    // The same results as one instance: each change once, each person matched once with the
    // earlier registration (the mother and the child of every family, with every other family
    // of the same names too: `family` always registers the same two people).
    let records = 5 * 2 * families as i64;
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM record").await, records);
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM sync_change").await, records);
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM audit_event WHERE action = 'record.create'").await,
        records
    );
    // 16 mothers pairwise, 16 children pairwise: 2 × C(16, 2) = 240 suggestions.
    let people = 2 * families as i64;
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM duplicate").await,
        2 * people * (people - 1) / 2
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM follow_up").await,
        2 * 2 * families as i64
    );

    // The clock's pass at start-up ran once for the two instances.
    assert_eq!(
        store.clock_passes("plans").await.unwrap(),
        1,
        "one pass, not one per instance"
    );

    // A session made through the balancer works when only one instance is left.
    drop(a);
    tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
    for _ in 0..3 {
        let (status, _) = phones[0].get("/api/sync/v1/pull?limit=1").await.unwrap();
        assert_eq!(status, 200, "the remaining instance takes every request");
    }
    drop(b);
}

/// Two writers (two instances' clocks, or a push and a clock) find the same follow-ups overdue
/// at the same moment: each is escalated once, with one audit row.
async fn an_overdue_follow_up_is_escalated_once(url: String) {
    let (store, pool) = reintegra::storage::connect(&url).await.unwrap();
    let w = world(store.clone()).await;
    let families: Vec<Family> = (0..10).map(|_| family(Uuid::now_v7())).collect();
    for f in &families {
        assert!(push(&w, &w.worker, f.changes.clone()).await.iter().all(applied));
    }
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM audit_event WHERE action = 'follow_up.escalate'"
        )
        .await,
        0,
        "returned two days ago: nothing overdue yet"
    );
    // Four days on, two clocks at once over every case: each first visit is overdue.
    let later = chrono::Utc::now() + chrono::Duration::days(4);
    let (one, two) = (
        FollowUps::new(Ctx::new(store.clone())),
        FollowUps::new(Ctx::new(store.clone())),
    );
    let mut escalated = 0;
    for f in &families {
        let (x, y) = tokio::join!(
            one.schedule_case(f.case, later),
            two.schedule_case(f.case, later + chrono::Duration::milliseconds(1))
        );
        escalated += x.unwrap().escalated + y.unwrap().escalated;
    }
    assert_eq!(escalated, families.len(), "each escalated by one of the two");
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM audit_event WHERE action = 'follow_up.escalate'"
        )
        .await,
        families.len() as i64
    );
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM follow_up WHERE escalated_at IS NOT NULL").await,
        families.len() as i64
    );
    // A later pass changes nothing and escalates nothing.
    let run = one.schedule_all(later + chrono::Duration::minutes(10)).await.unwrap();
    assert_eq!(run.escalated, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_follow_up_is_escalated_once_postgres() {
    an_overdue_follow_up_is_escalated_once(common::postgres_url().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_overdue_follow_up_is_escalated_once_sqlite() {
    an_overdue_follow_up_is_escalated_once(common::sqlite_url()).await;
}

/// The clock's pass is claimed once per period, whoever asks.
async fn the_clocks_pass_is_claimed_once(url: String) {
    let (store, _) = reintegra::storage::connect(&url).await.unwrap();
    let now = chrono::Utc::now();
    let gap = chrono::Duration::minutes(9);
    let (x, y) = tokio::join!(
        store.claim_clock_pass("plans", "a", now, now - gap),
        store.claim_clock_pass("plans", "b", now, now - gap)
    );
    assert_eq!([x.unwrap(), y.unwrap()].iter().filter(|c| **c).count(), 1);
    // Five minutes later nobody may; ten minutes later one may again.
    let soon = now + chrono::Duration::minutes(5);
    assert!(!store.claim_clock_pass("plans", "b", soon, soon - gap).await.unwrap());
    let later = now + chrono::Duration::minutes(10);
    assert!(store.claim_clock_pass("plans", "b", later, later - gap).await.unwrap());
    assert_eq!(store.clock_passes("plans").await.unwrap(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clocks_pass_is_claimed_once_postgres() {
    the_clocks_pass_is_claimed_once(common::postgres_url().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clocks_pass_is_claimed_once_sqlite() {
    the_clocks_pass_is_claimed_once(common::sqlite_url()).await;
}
