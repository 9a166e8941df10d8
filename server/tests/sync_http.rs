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
