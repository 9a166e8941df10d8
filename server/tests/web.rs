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

async fn get(app: &axum::Router, path: &str) -> (axum::http::HeaderMap, String) {
    let res = app
        .clone()
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (headers, String::from_utf8_lossy(&bytes).into_owned())
}

fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// A page allows its own inline script by a nonce that changes with every page, and no other
/// inline script; the build's files and the rest come only from this origin. Every response
/// carries the other secure headers.
#[tokio::test]
async fn a_page_allows_only_its_own_scripts() {
    let (store, _) = common::sqlite().await;
    let app = common::app_router(store);
    let (headers, html) = get(&app, "/login").await;
    let policy = header(&headers, "content-security-policy");
    let nonce = policy
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the policy");
    assert!(nonce.len() >= 16, "a nonce of at least 128 bits: {nonce}");
    for directive in [
        "default-src 'self'",
        "'wasm-unsafe-eval'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(directive), "{directive} in {policy}");
    }
    assert!(
        !policy.contains("'unsafe-inline'") && !policy.contains("'unsafe-eval'"),
        "{policy}"
    );
    // Every script of the page is a file of this origin or carries the page's nonce (an empty
    // element, which browsers never run nor check, is the i18n provider's placeholder).
    let scripts: Vec<(&str, &str)> = html
        .split("<script")
        .skip(1)
        .map(|s| {
            let (tag, rest) = s.split_once('>').unwrap_or((s, ""));
            (tag, rest.split("</script>").next().unwrap_or(""))
        })
        .collect();
    assert!(scripts.len() >= 3, "{html}");
    for (tag, body) in &scripts {
        let from_here = tag.contains("src=\"/");
        let with_nonce = tag.contains(&format!("nonce=\"{nonce}\""));
        assert!(
            from_here || with_nonce || body.is_empty(),
            "a script neither ours nor with the nonce: <script{tag}>{body}"
        );
    }
    assert!(
        scripts
            .iter()
            .any(|(t, b)| t.contains("nonce=") && b.contains("pkg_path")),
        "the hydration script carries the nonce"
    );
    // Another page, another nonce.
    let (again, _) = get(&app, "/login").await;
    assert_ne!(header(&again, "content-security-policy"), policy);

    // Not a page: the default policy. Every response: the other headers; no HSTS over http.
    let (json, _) = get(&app, "/health").await;
    assert_eq!(
        header(&json, "content-security-policy"),
        reintegra::http::security::DEFAULT_POLICY
    );
    for h in [&headers, &json] {
        assert_eq!(header(h, "x-content-type-options"), "nosniff");
        assert_eq!(header(h, "x-frame-options"), "DENY");
        assert_eq!(header(h, "referrer-policy"), "same-origin");
        assert_eq!(header(h, "cross-origin-opener-policy"), "same-origin");
        assert_eq!(header(h, "cross-origin-resource-policy"), "same-origin");
        assert_eq!(header(h, "x-permitted-cross-domain-policies"), "none");
        assert!(header(h, "permissions-policy").contains("camera=(self)"));
        assert!(header(h, "permissions-policy").contains("microphone=()"));
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over http");
    }
}

/// Behind https (the public URL), browsers are told to keep to it.
#[tokio::test]
async fn https_deployments_send_hsts() {
    let (store, _) = common::sqlite().await;
    let app = common::app_router_with(store, &["--public-url", "https://reintegra.example"]);
    let (headers, _) = get(&app, "/health").await;
    assert_eq!(
        header(&headers, "strict-transport-security"),
        reintegra::http::security::HSTS
    );
}

/// On a device nobody signed in on, the page opens in the first of the browser's languages the
/// app has (Serbian without a script is Cyrillic), else in Albanian; a stored choice wins.
#[tokio::test]
async fn the_first_language_comes_from_the_browser() {
    let (store, _) = common::sqlite().await;
    let app = common::app_router(store);
    let lang_of = |accept: &'static str, cookie: Option<&'static str>| {
        let app = app.clone();
        async move {
            let mut req = Request::get("/login").header(header::ACCEPT_LANGUAGE, accept);
            if let Some(c) = cookie {
                req = req.header(header::COOKIE, c);
            }
            let res = app.oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
            let bytes = res.into_body().collect().await.unwrap().to_bytes();
            let html = String::from_utf8_lossy(&bytes).into_owned();
            html.split("<html lang=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or_default()
                .to_string()
        }
    };
    assert_eq!(lang_of("sr-RS,sr;q=0.9,en;q=0.5", None).await, "sr-Cyrl");
    assert_eq!(lang_of("sr-Latn-RS,sr;q=0.9", None).await, "sr-Latn");
    assert_eq!(lang_of("de-DE,de;q=0.9,tr;q=0.6", None).await, "tr");
    assert_eq!(lang_of("en-GB,en;q=0.9", None).await, "en");
    assert_eq!(lang_of("de-DE", None).await, "sq");
    // The choice stored in the language cookie wins over the browser's.
    assert_eq!(lang_of("sr-RS", Some("i18n_pref_locale=en")).await, "en");
}
