//! The web boundary of the real router: a state-changing request sent from another site's page
//! (its `Origin` not this server's) is refused with the JSON refusal and changes nothing, the
//! sign-in included; the same request from this server's own page goes through.

mod common;

use app::domain::sync::{ErrorBody, PushResponse};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use common::world::*;
use http_body_util::BodyExt;
use tower::ServiceExt;
use uuid::Uuid;

#[tokio::test]
async fn another_sites_page_cannot_act_for_a_signed_in_user() {
    let (store, _) = common::sqlite().await;
    let w = world(store.clone()).await;
    let app = common::app_router(store.clone());
    let host = "reintegra.example:8443";
    let sign_in = |origin: &'static str| {
        Request::post("/api/login")
            .header(header::HOST, host)
            .header(header::ORIGIN, origin)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("username=field.a&password=a-long-password"))
            .unwrap()
    };
    // Signing in from another site's form is refused.
    let res = app.clone().oneshot(sign_in("https://evil.example")).await.unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert!(res.headers().get(header::SET_COOKIE).is_none());
    // From this server's own page it works.
    let res = app
        .clone()
        .oneshot(sign_in("https://reintegra.example:8443"))
        .await
        .unwrap();
    assert!(res.status().is_success(), "{}", res.status());
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with(reintegra::http::SESSION_COOKIE))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let f = family(Uuid::now_v7());
    let push = |origin: Option<&'static str>| {
        let mut req = Request::post("/api/sync/v1/push")
            .header(header::HOST, host)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/json");
        if let Some(o) = origin {
            req = req.header(header::ORIGIN, o);
        }
        req.body(Body::from(serde_json::json!({ "changes": f.changes }).to_string()))
            .unwrap()
    };
    for foreign in [
        "https://evil.example",
        "null",
        "https://reintegra.example:8443.evil.example",
    ] {
        let res = app.clone().oneshot(push(Some(foreign))).await.unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{foreign}");
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(serde_json::from_slice::<ErrorBody>(&bytes).unwrap().error, "forbidden");
    }
    assert!(store.record(f.case).await.unwrap().is_none(), "nothing applied");
    // The phone's own request (its page's origin), and a script's (no Origin), go through.
    let res = app
        .clone()
        .oneshot(push(Some("https://reintegra.example:8443")))
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let answer: PushResponse = serde_json::from_slice(&bytes).unwrap();
    assert!(answer.results.iter().all(|r| applied(&r.outcome)));
    let res = app.clone().oneshot(push(None)).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert!(store.record(f.case).await.unwrap().is_some());
    let _ = w;
}
