//! The REST routes over HTTP: status codes and JSON bodies of whole-request refusals.

mod common;

use app::domain::sync::{ErrorBody, PushResponse, MAX_PUSH_BYTES};
use app::domain::Role;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use reintegra::seed;
use tower::ServiceExt;
use uuid::Uuid;

async fn app() -> (Router, Uuid) {
    let (store, _) = common::sqlite().await;
    let m = seed::ensure_municipality(store.as_ref(), "obiliq", "Obiliq")
        .await
        .unwrap();
    let worker = seed::create_user(
        store.as_ref(),
        &m,
        "field",
        "Field",
        &[Role::FieldWorker],
        None,
        "a-long-password",
    )
    .await
    .unwrap();
    (common::api_router(store), worker.id)
}

async fn sign_in(app: &Router, id: Uuid) -> String {
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
    cookie.split(';').next().unwrap().to_string()
}

async fn body<T: serde::de::DeserializeOwned>(res: axum::response::Response) -> T {
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&bytes)))
}

#[tokio::test]
async fn refusals_have_status_codes_and_json_bodies() {
    let (app, worker) = app().await;
    let res = app
        .clone()
        .oneshot(Request::get("/api/sync/v1/pull").body(Body::empty()).unwrap())
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(body::<ErrorBody>(res).await.error, "not_signed_in");

    let cookie = sign_in(&app, worker).await;
    let req = |method: &str, uri: &str, body: Body| {
        Request::builder()
            .method(method)
            .uri(uri)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .body(body)
            .unwrap()
    };
    let res = app
        .clone()
        .oneshot(req("GET", "/api/sync/v1/pull?cursor=", Body::empty()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);

    let huge = format!("{{\"changes\": [\"{}\"]}}", "x".repeat(MAX_PUSH_BYTES));
    let res = app
        .clone()
        .oneshot(req("POST", "/api/sync/v1/push", Body::from(huge)))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body::<ErrorBody>(res).await.error, "too_large");

    let res = app
        .clone()
        .oneshot(req("POST", "/api/sync/v1/push", Body::from("[1, 2]")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    let res = app
        .clone()
        .oneshot(req("GET", "/api/sync/v1/pull?colour=red", Body::empty()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // A malformed item is answered in the results; the request itself succeeds.
    let res = app
        .clone()
        .oneshot(req(
            "POST",
            "/api/sync/v1/push",
            Body::from(r#"{"changes": [{"kind": "member"}]}"#),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let results = body::<PushResponse>(res).await.results;
    assert_eq!(results.len(), 1);
    assert!(matches!(
        results[0].outcome,
        app::domain::sync::Outcome::Rejected {
            reason: app::domain::sync::Rejection::Malformed,
            ..
        }
    ));

    let res = app
        .clone()
        .oneshot(req(
            "GET",
            &format!("/api/sync/v1/blobs/{}/status", "a".repeat(64)),
            Body::empty(),
        ))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = app
        .clone()
        .oneshot(req("GET", "/api/sync/v1/blobs/NOTAHASH/status", Body::empty()))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // The paths' own refusals are the documented JSON too: an ID that is not a UUID, a path
    // that does not exist, a method a path does not take.
    for (method, uri, status, code) in [
        (
            "POST",
            "/api/sync/v1/conflicts/not-a-uuid/resolve",
            StatusCode::BAD_REQUEST,
            "bad_request",
        ),
        ("GET", "/api/v1/no-such-thing", StatusCode::NOT_FOUND, "not_found"),
        ("GET", "/api/sync/v1/no/such/thing", StatusCode::NOT_FOUND, "not_found"),
        (
            "GET",
            "/api/sync/v1/push",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
        (
            "DELETE",
            "/api/v1/audit",
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
        ),
    ] {
        let res = app
            .clone()
            .oneshot(req(method, uri, Body::from("{\"choice\": \"current\"}")))
            .await
            .unwrap();
        assert_eq!(res.status(), status, "{method} {uri}");
        assert_eq!(body::<ErrorBody>(res).await.error, code, "{method} {uri}");
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The phone sends its push gzip-compressed: applied as if plain; a body that unpacks past the
/// push's limit is refused as too large (the limit counts unpacked bytes), and one in an
/// encoding the server does not take is a JSON refusal; neither changes anything.
#[tokio::test]
async fn a_gzip_compressed_push_is_applied_and_its_unpacked_size_limited() {
    let (app, worker) = app().await;
    let cookie = sign_in(&app, worker).await;
    let push = |body: Vec<u8>, encoding: &str| {
        Request::post("/api/sync/v1/push")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_ENCODING, encoding)
            .body(Body::from(body))
            .unwrap()
    };
    let (device, case, household) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
    let change = |kind: &str, record: Uuid, fields: serde_json::Value| {
        serde_json::json!({ "change_id": Uuid::now_v7(), "device_id": device, "kind": kind,
            "record_id": record, "case_id": case, "base_version": null, "fields": fields,
            "made_at": chrono::Utc::now().to_rfc3339() })
    };
    let batch = serde_json::json!({ "device_id": device, "reads": [], "changes": [
        change("case", case, serde_json::json!({ "household_id": household })),
        change("household", household, serde_json::json!({ "village": "Plemetin / Племетина", "address": "Rr. Dëshmorët 12" })),
    ]});
    let plain = serde_json::to_vec(&batch).unwrap();
    let packed = gzip(&plain);
    assert!(packed.len() < plain.len());

    let res = app.clone().oneshot(push(packed, "gzip")).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let results = body::<PushResponse>(res).await.results;
    assert_eq!(results.len(), 2);
    assert!(
        results
            .iter()
            .all(|r| matches!(r.outcome, app::domain::sync::Outcome::Applied { .. })),
        "{results:?}"
    );

    // Small on the wire, past the limit unpacked.
    let bomb = gzip(format!("{{\"changes\": [\"{}\"]}}", "x".repeat(MAX_PUSH_BYTES)).as_bytes());
    assert!(bomb.len() < MAX_PUSH_BYTES / 100);
    let res = app.clone().oneshot(push(bomb, "gzip")).await.unwrap();
    assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(body::<ErrorBody>(res).await.error, "too_large");

    let res = app.clone().oneshot(push(gzip(&plain), "br")).await.unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(body::<ErrorBody>(res).await.error, "bad_request");

    // Only the first push left records: the case and its household, once.
    let res = app
        .clone()
        .oneshot(
            Request::get("/api/sync/v1/pull?cursor=")
                .header(header::COOKIE, &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    let page = body::<app::domain::sync::PullPage>(res).await;
    let mine: Vec<_> = page.records.iter().filter(|r| r.case_id == case).collect();
    assert_eq!(mine.len(), 2, "{mine:?}");
}
