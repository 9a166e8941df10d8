//! Two hundred phones at once: each signs in as its own field worker, pulls its whole caseload,
//! pushes a batch of changes (a family registered on a visit: case, household, two people, the
//! return, the visit and the signature's record) and uploads the signature's bytes, as the phone
//! does. A "busy" answer (503, or a change refused as busy) is honoured as the phone honours it:
//! wait, send again; any other refusal, an error or a change never confirmed fails the phone.
//!
//! `reintegra-load --host http://127.0.0.1:PORT --users 200 --hatch-rate 200 --iterations 1`
//! (goose's flags); the users are `load000`… made by `cargo bench --bench load_world`. Prints one
//! line per request kind: count, p50, p95, p99, failures; then the totals.

use goose::prelude::*;
use serde_json::{json, Value};
use sha2::Digest;
use std::time::Duration;
use uuid::Uuid;

/// The password `load_world` gives every load user.
const PASSWORD: &str = "load-password-long";
/// A photo of a document, downscaled on the phone (about what a 1280 px JPEG weighs).
const PHOTO_BYTES: usize = 150_000;
const PIECE: usize = 256 * 1024;
/// Sends of one batch before the phone gives up (it never would: it keeps it for later).
const ATTEMPTS: usize = 30;

async fn sign_in(user: &mut GooseUser) -> TransactionResult {
    let name = format!("load{:03}", user.weighted_users_index);
    let form = [("username", name.as_str()), ("password", PASSWORD)];
    let answer = user.post_form("/api/login", &form).await?;
    match answer.response {
        Ok(r) if r.status().is_success() => Ok(()),
        Ok(r) => Err(format!("{name}: sign-in answered {}", r.status()).into()),
        Err(e) => Err(format!("{name}: sign-in failed: {e}").into()),
    }
}

/// The whole caseload, page by page.
async fn pull(user: &mut GooseUser) -> Result<usize, Box<TransactionError>> {
    let mut cursor = String::new();
    let mut records = 0;
    loop {
        let path = format!("/api/sync/v1/pull?limit=500&cursor={cursor}");
        let request = GooseRequest::builder().path(path.as_str()).name("pull").build();
        let answer = user.request(request).await?;
        let page: Value = match answer.response {
            Ok(r) if r.status().is_success() => r.json().await.map_err(|e| format!("pull: {e}"))?,
            Ok(r) => return Err(format!("pull answered {}", r.status()).into()),
            Err(e) => return Err(format!("pull failed: {e}").into()),
        };
        records += page["records"].as_array().map_or(0, Vec::len);
        if page["more"] != json!(true) {
            return Ok(records);
        }
        cursor = page["next_cursor"].as_str().unwrap_or_default().to_string();
    }
}

fn change(kind: &str, record: Uuid, case: Uuid, device: Uuid, fields: Value) -> Value {
    json!({
        "change_id": Uuid::now_v7(), "device_id": device, "kind": kind, "record_id": record,
        "case_id": case, "base_version": null, "fields": fields,
        "made_at": chrono::Utc::now().to_rfc3339(),
    })
}

/// What a visit to a newly returned family queues on the phone, and its signature's bytes.
fn batch(phone: usize) -> (Vec<Value>, String, Vec<u8>) {
    let device = Uuid::now_v7();
    let [case, household, adult, child, ret, visit, attachment] = [(); 7].map(|_| Uuid::now_v7());
    let today = chrono::Utc::now().date_naive();
    let mut photo = vec![0u8; PHOTO_BYTES];
    let mut x = phone as u64 + 0x9E37_79B9;
    for b in photo.iter_mut() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *b = x as u8;
    }
    let sha256: String = sha2::Sha256::digest(&photo)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let changes = vec![
        change("case", case, case, device, json!({ "household_id": household })),
        change(
            "household",
            household,
            case,
            device,
            json!({ "village": "Plemetin / Племетина", "address": format!("Rr. Dëshmorët {phone}") }),
        ),
        change(
            "member",
            adult,
            case,
            device,
            json!({ "household_id": household, "first_name": format!("Shpresë{phone}"), "last_name": "Krasniqi-Ђурић", "birth_date": "1980-05-05", "sex": "female", "relationship": "head" }),
        ),
        change(
            "member",
            child,
            case,
            device,
            json!({ "household_id": household, "first_name": "Ёлена", "last_name": format!("Gashi{phone}"), "birth_date": (today - chrono::Duration::days(3000)).to_string(), "sex": "female", "relationship": "child" }),
        ),
        change(
            "return_event",
            ret,
            case,
            device,
            json!({ "household_id": household, "category": "repatriated", "country": "Deutschland", "event_date": (today - chrono::Duration::days(1)).to_string(), "members": [adult, child] }),
        ),
        change(
            "visit",
            visit,
            case,
            device,
            json!({ "visited_at": (chrono::Utc::now() - chrono::Duration::minutes(20)).to_rfc3339(), "kind": "initial", "village": "Plemetin / Племетина", "present": [adult] }),
        ),
        change(
            "attachment",
            attachment,
            case,
            device,
            json!({ "owner_id": visit, "purpose": "signature", "label": "Nënshkrimi", "sha256": sha256, "content_type": "image/jpeg", "size": PHOTO_BYTES }),
        ),
    ];
    (changes, sha256, photo)
}

/// Pushes until every change is confirmed; busy answers are waited out.
async fn push(user: &mut GooseUser, changes: Vec<Value>) -> TransactionResult {
    let mut waiting = changes;
    for _ in 0..ATTEMPTS {
        let request = GooseRequest::builder()
            .method(GooseMethod::Post)
            .path("/api/sync/v1/push")
            .name("push")
            .set_request_builder(
                user.get_request_builder(&GooseMethod::Post, "/api/sync/v1/push")?
                    .json(&json!({ "changes": waiting })),
            )
            .build();
        let answer = user.request(request).await?;
        let response = answer.response.map_err(|e| format!("push failed: {e}"))?;
        if response.status().as_u16() == 503 {
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        if !response.status().is_success() {
            return Err(format!("push answered {}", response.status()).into());
        }
        let body: Value = response.json().await.map_err(|e| format!("push: {e}"))?;
        let results = body["results"].as_array().cloned().unwrap_or_default();
        let mut still = Vec::new();
        for (c, r) in waiting.into_iter().zip(results) {
            match r["status"].as_str() {
                Some("applied" | "already_applied" | "conflict") => {}
                Some("rejected")
                    if matches!(r["reason"].as_str(), Some("busy" | "unknown_case" | "unknown_record")) =>
                {
                    still.push(c)
                }
                _ => return Err(format!("change refused: {r}").into()),
            }
        }
        waiting = still;
        if waiting.is_empty() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    Err("changes never confirmed".to_string().into())
}

/// The signature's bytes in pieces, from what the server says it has.
async fn upload(user: &mut GooseUser, sha256: &str, bytes: &[u8]) -> TransactionResult {
    for _ in 0..ATTEMPTS {
        let status_path = format!("/api/sync/v1/blobs/{sha256}/status");
        let request = GooseRequest::builder()
            .path(status_path.as_str())
            .name("upload status")
            .build();
        let answer = user.request(request).await?;
        let response = answer.response.map_err(|e| format!("status failed: {e}"))?;
        if response.status().as_u16() == 503 {
            tokio::time::sleep(Duration::from_secs(2)).await;
            continue;
        }
        let status: Value = response.json().await.map_err(|e| format!("status: {e}"))?;
        if status["complete"] == json!(true) {
            return Ok(());
        }
        let from = status["received"].as_u64().unwrap_or(0) as usize;
        let to = (from + PIECE).min(bytes.len());
        let path = format!("/api/sync/v1/blobs/{sha256}?offset={from}");
        let request = GooseRequest::builder()
            .method(GooseMethod::Put)
            .path(path.as_str())
            .name("upload")
            .set_request_builder(
                user.get_request_builder(&GooseMethod::Put, &path)?
                    .header("content-type", "application/octet-stream")
                    .body(bytes[from..to].to_vec()),
            )
            .build();
        let answer = user.request(request).await?;
        let response = answer.response.map_err(|e| format!("upload failed: {e}"))?;
        if response.status().as_u16() == 503 {
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    }
    Err("upload never completed".to_string().into())
}

/// One phone's sync: pull, push, upload.
async fn sync(user: &mut GooseUser) -> TransactionResult {
    let phone = user.weighted_users_index;
    let records = pull(user).await?;
    if records == 0 {
        return Err(format!("load{phone:03} pulled an empty caseload").into());
    }
    let (changes, sha256, photo) = batch(phone);
    push(user, changes).await?;
    upload(user, &sha256, &photo).await
}

#[tokio::main]
async fn main() -> Result<(), GooseError> {
    let metrics = GooseAttack::initialize()?
        .register_scenario(
            scenario!("Phone")
                .register_transaction(transaction!(sign_in).set_on_start())
                .register_transaction(transaction!(sync).set_name("sync")),
        )
        // With --iterations goose keeps the metrics of the whole run (NoResetMetrics is refused).
        .execute()
        .await?;
    let mut total = 0;
    let mut failed = 0;
    let mut names: Vec<_> = metrics.requests.iter().collect();
    names.sort_by_key(|(name, _)| name.to_string());
    for (name, r) in names {
        let ms = |p: f32| r.raw_data.percentile_us(p) as f64 / 1000.0;
        println!(
            "load-request | {name} | {} | {:.0} | {:.0} | {:.0} | {}",
            r.raw_data.counter,
            ms(0.50),
            ms(0.95),
            ms(0.99),
            r.fail_count
        );
        total += r.raw_data.counter;
        failed += r.fail_count;
    }
    let sync_failures: usize = metrics.transactions.iter().flatten().map(|t| t.fail_count).sum();
    let seconds = metrics.duration.max(1);
    println!(
        "load-total | {} | {} | {:.1} | {} | {}",
        metrics.maximum_users,
        total,
        total as f64 / seconds as f64,
        failed,
        sync_failures
    );
    Ok(())
}
