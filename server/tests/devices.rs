//! Devices, over HTTP on SQLite and PostgreSQL: the server's key for a user on a device is
//! handed over once per password sign-in, the same key every time, never to a device marked
//! lost; a disabled user's phone still sends its outbox, which is applied, and is then told to
//! wipe, as is a lost device; every handover, refusal and mark is in the trail.

mod common;

use app::domain::device::{DeviceKey, DeviceSummary, WipeReason};
use app::domain::sync::{ErrorBody, PushResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use chrono::Utc;
use common::world::*;
use http_body_util::BodyExt;
use reintegra::storage::{AuditQuery, Storage};
use serde_json::{json, Value};
use std::sync::Arc;
use tower::ServiceExt;
use uuid::Uuid;

struct Client {
    app: Router,
    cookie: String,
}

impl Client {
    async fn sign_in(app: &Router, id: Uuid) -> Client {
        let res = app
            .clone()
            .oneshot(
                Request::post(format!("/test/sign-in/{id}"))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await
            .unwrap();
        let cookie = res.headers().get(header::SET_COOKIE).unwrap().to_str().unwrap();
        Client {
            app: app.clone(),
            cookie: cookie.split(';').next().unwrap().to_string(),
        }
    }

    async fn call(&self, method: &str, uri: &str, body: Option<Value>) -> (StatusCode, Vec<u8>) {
        let req = Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &self.cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body.map_or(Body::empty(), |b| Body::from(b.to_string())))
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        let status = res.status();
        (status, res.into_body().collect().await.unwrap().to_bytes().to_vec())
    }

    async fn key(&self, device: Uuid) -> Result<Vec<u8>, (StatusCode, String)> {
        let (status, bytes) = self
            .call("POST", "/api/v1/device-key", Some(json!({ "device_id": device })))
            .await;
        if status == StatusCode::OK {
            Ok(serde_json::from_slice::<DeviceKey>(&bytes).unwrap().secret)
        } else {
            Err((status, serde_json::from_slice::<ErrorBody>(&bytes).unwrap().error))
        }
    }

    async fn push(&self, changes: Vec<Value>, device: Option<Uuid>) -> PushResponse {
        let (status, bytes) = self
            .call(
                "POST",
                "/api/sync/v1/push",
                Some(json!({ "changes": changes, "device_id": device })),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&bytes));
        serde_json::from_slice(&bytes).unwrap()
    }
}

async fn rows(w: &World, action: &str) -> Vec<reintegra::storage::AuditEvent> {
    w.store
        .audit_trail(&AuditQuery {
            municipality_id: w.worker.municipality_id,
            action: Some(action.into()),
            limit: 1000,
            ..Default::default()
        })
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.action == action)
        .collect()
}

async fn a_device_key_is_handed_once_per_sign_in_and_never_to_a_lost_device(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let app = common::api_router(store);
    let (tablet, phone) = (Uuid::now_v7(), Uuid::now_v7());

    let first = Client::sign_in(&app, w.worker.id).await;
    let key = first.key(tablet).await.unwrap();
    assert_eq!(key.len(), 32);
    // The sign-in's one handover is used: the same session gets nothing more.
    assert_eq!(
        first.key(tablet).await,
        Err((StatusCode::FORBIDDEN, "key_not_granted".into()))
    );
    // The next sign-in gets the same key for the same device, another for another device.
    let second = Client::sign_in(&app, w.worker.id).await;
    assert_eq!(second.key(tablet).await.unwrap(), key);
    let third = Client::sign_in(&app, w.worker.id).await;
    let other = third.key(phone).await.unwrap();
    assert_ne!(other, key);
    // A colleague on the same tablet has a key of their own.
    let colleague = Client::sign_in(&app, w.colleague.id).await;
    assert_ne!(colleague.key(tablet).await.unwrap(), key);

    // The supervisor's list: the tablet with both users, the phone with one.
    let supervisor = Client::sign_in(&app, w.supervisor.id).await;
    let (status, bytes) = supervisor.call("GET", "/api/v1/devices", None).await;
    assert_eq!(status, StatusCode::OK);
    let list: Vec<DeviceSummary> = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(list.len(), 2);
    let on_tablet = list.iter().find(|d| d.device_id == tablet).unwrap();
    let mut users = on_tablet.users.clone();
    users.sort();
    assert_eq!(users, vec!["field.a".to_string(), "field.b".to_string()]);
    assert!(on_tablet.lost_at.is_none());
    // A field worker neither lists nor marks devices.
    let (status, _) = first.call("GET", "/api/v1/devices", None).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let uri = format!("/api/v1/devices/{tablet}/lost");
    let (status, _) = first.call("POST", &uri, Some(json!({ "reason": "stolen" }))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Marking lost needs a reason; an unknown device is not found.
    let (status, bytes) = supervisor.call("POST", &uri, Some(json!({ "reason": "  " }))).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(serde_json::from_slice::<ErrorBody>(&bytes).unwrap().error, "invalid");
    let unknown = format!("/api/v1/devices/{}/lost", Uuid::now_v7());
    let (status, _) = supervisor
        .call("POST", &unknown, Some(json!({ "reason": "gone" })))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let reason = "Tableti u vodhë në Plemetin / ukraden";
    let (status, _) = supervisor.call("POST", &uri, Some(json!({ "reason": reason }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);

    // From now on no sign-in gets the tablet's key; the phone's is unaffected.
    let after = Client::sign_in(&app, w.worker.id).await;
    assert_eq!(
        after.key(tablet).await,
        Err((StatusCode::FORBIDDEN, "device_lost".into()))
    );
    let again = Client::sign_in(&app, w.worker.id).await;
    assert_eq!(again.key(phone).await.unwrap(), other);
    let (_, bytes) = supervisor.call("GET", "/api/v1/devices", None).await;
    let list: Vec<DeviceSummary> = serde_json::from_slice(&bytes).unwrap();
    let on_tablet = list.iter().find(|d| d.device_id == tablet).unwrap();
    assert_eq!(on_tablet.lost_reason.as_deref(), Some(reason));

    // The trail: 5 handovers (worker 3 + 1 after, colleague 1), 2 refusals, 1 mark with its reason.
    assert_eq!(rows(&w, "device.key_handed").await.len(), 5);
    let refused = rows(&w, "device.key_refused").await;
    assert_eq!(refused.len(), 2);
    assert!(refused.iter().all(|e| e.device_id == Some(tablet)));
    let marked = rows(&w, "device.marked_lost").await;
    assert_eq!(marked.len(), 1);
    assert_eq!(marked[0].reason.as_deref(), Some(reason));
    assert_eq!(marked[0].actor_id, Some(w.supervisor.id));
}

async fn a_disabled_users_phone_sends_its_outbox_before_it_is_told_to_wipe(store: Arc<dyn Storage>) {
    let w = world(store.clone()).await;
    let app = common::api_router(store.clone());
    let phone = Uuid::now_v7();
    let worker = Client::sign_in(&app, w.worker.id).await;
    // Work done before the account was disabled, still in the phone's outbox.
    let queued = family(phone);
    store
        .set_user_active(w.worker.id, false, Utc::now(), &[])
        .await
        .unwrap();

    let answer = worker.push(queued.changes.clone(), Some(phone)).await;
    assert_eq!(answer.results.len(), queued.changes.len());
    assert!(
        answer.results.iter().all(|r| applied(&r.outcome)),
        "{:?}",
        answer.results
    );
    assert_eq!(answer.wipe, Some(WipeReason::AccountDisabled));
    for id in [queued.case, queued.household, queued.adult, queued.child] {
        assert!(w.store.record(id).await.unwrap().is_some(), "record {id} applied");
    }
    // A resend is answered from what was applied, and still says wipe.
    let again = worker.push(queued.changes.clone(), Some(phone)).await;
    assert!(again
        .results
        .iter()
        .all(|r| matches!(r.outcome, app::domain::sync::Outcome::AlreadyApplied { .. })));
    assert_eq!(again.wipe, Some(WipeReason::AccountDisabled));
    // Nothing else goes through: no pull, no key.
    let (status, _) = worker.call("GET", "/api/sync/v1/pull?cursor=", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        worker.key(phone).await,
        Err((StatusCode::UNAUTHORIZED, "not_signed_in".into()))
    );
    let departing = rows(&w, "sync.departing_push").await;
    assert_eq!(departing.len(), 2);
    assert_eq!(departing[0].device_id, Some(phone));

    // A lost device of an active user: its outbox goes in, then the wipe.
    let colleague = Client::sign_in(&app, w.colleague.id).await;
    let tablet = Uuid::now_v7();
    colleague.key(tablet).await.unwrap();
    let supervisor = Client::sign_in(&app, w.supervisor.id).await;
    let uri = format!("/api/v1/devices/{tablet}/lost");
    let (status, _) = supervisor.call("POST", &uri, Some(json!({ "reason": "lost" }))).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let other = family(tablet);
    let answer = colleague.push(other.changes.clone(), Some(tablet)).await;
    assert!(answer.results.iter().all(|r| applied(&r.outcome)));
    assert_eq!(answer.wipe, Some(WipeReason::DeviceLost));
    // Another device of the same user is not told to wipe.
    let answer = colleague.push(vec![], Some(Uuid::now_v7())).await;
    assert_eq!(answer.wipe, None);
}

on_both_databases!(
    a_device_key_is_handed_once_per_sign_in_and_never_to_a_lost_device,
    a_disabled_users_phone_sends_its_outbox_before_it_is_told_to_wipe,
);
