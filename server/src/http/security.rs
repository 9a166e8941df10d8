//! The headers of OWASP's secure-headers list that apply to this app, on every response. A
//! page's content security policy is the shell's (it names the page's nonce: see
//! [`app::page_policy`]); every other response gets [`DEFAULT_POLICY`].

use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

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

pub async fn headers(https: bool, req: Request, next: Next) -> Response {
    let mut res = next.run(req).await;
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
