//! The headers of OWASP's secure-headers list that apply to this app, on every response. A
//! page's content security policy ([`app::page_policy`]) names the nonce its inline scripts
//! carry (leptos gives each page a fresh one), read here from the page itself, so the header
//! and the scripts always agree; every other response gets [`DEFAULT_POLICY`].

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Responses that are not pages (JSON, the build's files, the service worker): only the app's
/// own origin, never framed, no plugins. The service worker's own policy comes from here, and it
/// fetches and caches the app's files: `'self'` must stay.
pub const DEFAULT_POLICY: &str =
    "default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/// The camera (photos of documents) and the position (a visit's, with consent) are the app's
/// own; nothing else is asked for.
pub const PERMISSIONS_POLICY: &str = "camera=(self), geolocation=(self), microphone=(), payment=(), usb=()";

/// A year, with subdomains: only sent when the public URL is https.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

/// Largest page read whole to find its nonce (pages are rendered whole before they are sent).
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

pub async fn headers(https: bool, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
    let is_html = res
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_html && !res.headers().contains_key(header::CONTENT_SECURITY_POLICY) {
        res = with_page_policy(res).await;
    }
    let h = res.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::CONTENT_SECURITY_POLICY, DEFAULT_POLICY);
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(HeaderName::from_static("permissions-policy"), PERMISSIONS_POLICY);
    set(HeaderName::from_static("cross-origin-opener-policy"), "same-origin");
    set(HeaderName::from_static("cross-origin-resource-policy"), "same-origin");
    set(HeaderName::from_static("x-permitted-cross-domain-policies"), "none");
    if https {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    res
}

/// The page's policy, naming the nonce of its inline scripts.
async fn with_page_policy(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_PAGE_BYTES).await {
        Ok(b) => b,
        Err(e) => {
            tracing::error!(error = %e, "page too large or broken while reading its nonce");
            return axum::http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    let nonce = nonce_of(&bytes).unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&app::page_policy(&nonce)) {
        parts.headers.insert(header::CONTENT_SECURITY_POLICY, value);
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The first `nonce="…"` of a page (every inline script of a page carries the same one).
fn nonce_of(html: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(html).ok()?;
    let start = text.find(" nonce=\"")? + " nonce=\"".len();
    let value = &text[start..start + text[start..].find('"')?];
    value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'+' | b'/' | b'='))
        .then(|| value.to_string())
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_nonce_is_read_off_the_page() {
        let page = br#"<html><head><script type="module" nonce="Ab_9-x">x</script></head></html>"#;
        assert_eq!(super::nonce_of(page).as_deref(), Some("Ab_9-x"));
        assert_eq!(super::nonce_of(b"<html></html>"), None);
        // Not a nonce a policy could carry: none at all.
        assert_eq!(super::nonce_of(br#"<script nonce="a';script-src *">"#), None);
    }
}
