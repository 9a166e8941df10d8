//! Calls from the phone, with the session cookie: the sync protocol under `/api/sync/v1` and the
//! office's actions under `/api/v1`.

use crate::domain::sync::{
    BlobStatus, CaseRead, Change, Choice, ConflictView, PullPage, PushResponse, ResolveRequest, API_ROOT, OFFICE_ROOT,
};
use js_sys::Uint8Array;
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{RequestCredentials, RequestInit, Response};

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetError {
    #[error("no connection")]
    Offline,
    /// The session ended (a week offline is normal): sign in again, the outbox waits.
    #[error("signed out")]
    SignedOut,
    #[error("upload must continue at {0}")]
    WrongOffset(i64),
    #[error("server answered {0}: {1}")]
    Http(u16, String),
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// A refusal that names its precise cause (a code the screen puts into words).
    #[error("refused: {0}")]
    Refused(String),
}

async fn send(method: &str, url: &str, body: Option<JsValue>, content_type: &str) -> Result<Response, NetError> {
    send_encoded(method, url, body, content_type, None).await
}

/// `encoding`: the body's `Content-Encoding` (`gzip` when [`gzipped`] made it).
async fn send_encoded(
    method: &str,
    url: &str,
    body: Option<JsValue>,
    content_type: &str,
    encoding: Option<&str>,
) -> Result<Response, NetError> {
    let window = web_sys::window().ok_or(NetError::Offline)?;
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    if let Some(b) = &body {
        init.set_body(b);
        let headers = web_sys::Headers::new().map_err(|_| NetError::Offline)?;
        let _ = headers.set("content-type", content_type);
        if let Some(e) = encoding {
            let _ = headers.set("content-encoding", e);
        }
        init.set_headers(&headers);
    }
    let response = JsFuture::from(window.fetch_with_str_and_init(url, &init))
        .await
        .map_err(|_| NetError::Offline)?;
    let response: Response = response.dyn_into().map_err(|_| NetError::Offline)?;
    match response.status() {
        200..=299 | 409 => Ok(response),
        401 => Err(NetError::SignedOut),
        status => {
            let text = text_of(&response).await.unwrap_or_default();
            match serde_json::from_str::<crate::domain::sync::ErrorBody>(&text) {
                Ok(crate::domain::sync::ErrorBody { reason: Some(r), .. }) => Err(NetError::Refused(r)),
                Ok(e) => Err(NetError::Http(status, e.message)),
                Err(_) => Err(NetError::Http(status, text)),
            }
        }
    }
}

async fn text_of(response: &Response) -> Result<String, NetError> {
    let promise = response.text().map_err(|_| NetError::Offline)?;
    let text = JsFuture::from(promise).await.map_err(|_| NetError::Offline)?;
    Ok(text.as_string().unwrap_or_default())
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, NetError> {
    let text = text_of(&response).await?;
    serde_json::from_str(&text).map_err(|e| NetError::Decode(e.to_string()))
}

fn body_of<T: serde::Serialize>(value: &T) -> Result<JsValue, NetError> {
    serde_json::to_string(value)
        .map(|s| JsValue::from_str(&s))
        .map_err(|e| NetError::Decode(e.to_string()))
}

/// `text` gzip-compressed by the browser (`CompressionStream`), where it has one. A day's
/// visits are mostly repeated keys, IDs and names: several times fewer bytes on 2G. `None` where
/// the browser cannot (the body then goes as it is).
async fn gzipped(text: &str) -> Option<Uint8Array> {
    use js_sys::{Array, Function, Reflect};
    let global = js_sys::global();
    let ctor: Function = Reflect::get(&global, &"CompressionStream".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let gzip = Reflect::construct(&ctor, &Array::of1(&"gzip".into())).ok()?;
    let blob = web_sys::Blob::new_with_str_sequence(&Array::of1(&JsValue::from_str(text))).ok()?;
    let method = |target: &JsValue, name: &str, args: Array| -> Option<JsValue> {
        let f: Function = Reflect::get(target, &name.into()).ok()?.dyn_into().ok()?;
        Reflect::apply(&f, target, &args).ok()
    };
    let plain = method(&blob, "stream", Array::new())?;
    let packed = method(&plain, "pipeThrough", Array::of1(&gzip))?;
    let response_ctor: Function = Reflect::get(&global, &"Response".into()).ok()?.dyn_into().ok()?;
    let response = Reflect::construct(&response_ctor, &Array::of1(&packed)).ok()?;
    let buffer = super::js::call(&response, "arrayBuffer", &[]).await.ok()?;
    Some(Uint8Array::new(&buffer))
}

/// `school`: the school team's push (its records, each change checked as always).
/// `reads`: the cases opened on the phone since the last push, for the audit trail.
/// `device_id`: this device, so a lost one is told to wipe once its outbox is in.
pub async fn push(
    changes: &[Change],
    reads: &[CaseRead],
    device_id: uuid::Uuid,
    school: bool,
) -> Result<PushResponse, NetError> {
    let body = serde_json::json!({ "changes": changes, "reads": reads, "device_id": device_id });
    let what = if school { "school/push" } else { "push" };
    let text = serde_json::to_string(&body).map_err(|e| NetError::Decode(e.to_string()))?;
    let url = format!("{API_ROOT}/{what}");
    let response = match gzipped(&text).await {
        Some(packed) => send_encoded("POST", &url, Some(packed.into()), "application/json", Some("gzip")).await?,
        None => send("POST", &url, Some(JsValue::from_str(&text)), "application/json").await?,
    };
    json(response).await
}

/// The server's key for the signed-in user on this device: once per password sign-in
/// (`Http(403, …)` otherwise, or when the device was marked lost).
pub async fn device_key(device_id: uuid::Uuid) -> Result<Vec<u8>, NetError> {
    let body = crate::domain::device::DeviceKeyRequest { device_id };
    let path = format!("{OFFICE_ROOT}/device-key");
    let key: crate::domain::device::DeviceKey =
        json(send("POST", &path, Some(body_of(&body)?), "application/json").await?).await?;
    Ok(key.secret)
}

/// `school`: the school team's pull (its children's schooling, nothing else of a case).
pub async fn pull(cursor: &str, school: bool) -> Result<PullPage, NetError> {
    let what = if school { "school/pull" } else { "pull" };
    let path = format!("{API_ROOT}/{what}?cursor={}", js_sys::encode_uri_component(cursor));
    json(send("GET", &path, None, "").await?).await
}

pub async fn resolve(id: uuid::Uuid, choice: Choice) -> Result<ConflictView, NetError> {
    let path = format!("{API_ROOT}/conflicts/{id}/resolve");
    json(
        send(
            "POST",
            &path,
            Some(body_of(&ResolveRequest { choice })?),
            "application/json",
        )
        .await?,
    )
    .await
}

pub async fn blob_status(sha256: &str) -> Result<BlobStatus, NetError> {
    json(send("GET", &format!("{API_ROOT}/blobs/{sha256}/status"), None, "").await?).await
}

pub async fn upload(sha256: &str, offset: i64, piece: &[u8]) -> Result<BlobStatus, NetError> {
    let body: JsValue = Uint8Array::from(piece).into();
    let response = send(
        "PUT",
        &format!("{API_ROOT}/blobs/{sha256}?offset={offset}"),
        Some(body),
        "application/octet-stream",
    )
    .await?;
    let conflict = response.status() == 409;
    let status: BlobStatus = json(response).await?;
    if conflict {
        return Err(NetError::WrongOffset(status.received));
    }
    Ok(status)
}

pub async fn incoming_referrals() -> Result<Vec<crate::domain::referral::IncomingReferral>, NetError> {
    json(send("GET", &format!("{OFFICE_ROOT}/referrals/incoming"), None, "").await?).await
}

pub async fn answer_referral(
    id: uuid::Uuid,
    answer: &crate::domain::referral::Answer,
) -> Result<crate::domain::referral::IncomingReferral, NetError> {
    let path = format!("{OFFICE_ROOT}/referrals/{id}/answer");
    json(send("POST", &path, Some(body_of(answer)?), "application/json").await?).await
}

pub async fn duplicates() -> Result<Vec<crate::domain::duplicate::DuplicateView>, NetError> {
    json(send("GET", &format!("{OFFICE_ROOT}/duplicates"), None, "").await?).await
}

pub async fn dismiss_duplicate(id: uuid::Uuid) -> Result<(), NetError> {
    send(
        "POST",
        &format!("{OFFICE_ROOT}/duplicates/{id}/dismiss"),
        Some(wasm_bindgen::JsValue::from_str("")),
        "application/json",
    )
    .await?;
    Ok(())
}

pub async fn merge_duplicate(id: uuid::Uuid) -> Result<(), NetError> {
    send(
        "POST",
        &format!("{OFFICE_ROOT}/duplicates/{id}/merge"),
        Some(wasm_bindgen::JsValue::from_str("")),
        "application/json",
    )
    .await?;
    Ok(())
}

pub async fn reassign(case_id: uuid::Uuid, field_worker_id: uuid::Uuid) -> Result<(), NetError> {
    let body = crate::domain::sync::Reassign { field_worker_id };
    send(
        "POST",
        &format!("{OFFICE_ROOT}/cases/{case_id}/reassign"),
        Some(body_of(&body)?),
        "application/json",
    )
    .await?;
    Ok(())
}

pub async fn appoint_case_manager(case_id: uuid::Uuid, a: &crate::domain::sync::Appointment) -> Result<(), NetError> {
    send(
        "POST",
        &format!("{OFFICE_ROOT}/cases/{case_id}/case-manager"),
        Some(body_of(a)?),
        "application/json",
    )
    .await?;
    Ok(())
}

pub async fn reopen(case_id: uuid::Uuid, reason: String) -> Result<(), NetError> {
    let body = crate::domain::sync::Reopen { reason };
    send(
        "POST",
        &format!("{OFFICE_ROOT}/cases/{case_id}/reopen"),
        Some(body_of(&body)?),
        "application/json",
    )
    .await?;
    Ok(())
}

/// A supervisor marks a case restricted or lifts its restriction, with the reason.
pub async fn change_restriction(
    case_id: uuid::Uuid,
    change: &crate::domain::protection::RestrictionChange,
) -> Result<(), NetError> {
    send(
        "POST",
        &format!("{OFFICE_ROOT}/cases/{case_id}/restriction"),
        Some(body_of(change)?),
        "application/json",
    )
    .await?;
    Ok(())
}

/// The devices holding a key of the municipality's users (supervisors and administrators).
pub async fn devices() -> Result<Vec<crate::domain::device::DeviceSummary>, NetError> {
    json(send("GET", &format!("{OFFICE_ROOT}/devices"), None, "application/json").await?).await
}

/// Marks a device lost, for good, with the reason.
pub async fn mark_device_lost(device_id: uuid::Uuid, reason: String) -> Result<(), NetError> {
    let body = crate::domain::device::MarkLost { reason };
    send(
        "POST",
        &format!("{OFFICE_ROOT}/devices/{device_id}/lost"),
        Some(body_of(&body)?),
        "application/json",
    )
    .await?;
    Ok(())
}

/// The municipality's audit trail, filtered (supervisors and administrators).
pub async fn audit(
    filter: &crate::domain::audit::AuditFilter,
) -> Result<Vec<crate::domain::audit::AuditRow>, NetError> {
    let path = format!("{OFFICE_ROOT}/audit?{}", filter.query());
    json(send("GET", &path, None, "application/json").await?).await
}

pub async fn services() -> Result<Vec<crate::domain::service::Service>, NetError> {
    json(send("GET", &format!("{OFFICE_ROOT}/services"), None, "application/json").await?).await
}

pub async fn add_service(
    input: &crate::domain::service::ServiceInput,
) -> Result<crate::domain::service::Service, NetError> {
    json(
        send(
            "POST",
            &format!("{OFFICE_ROOT}/services"),
            Some(body_of(input)?),
            "application/json",
        )
        .await?,
    )
    .await
}

pub async fn change_service(
    id: uuid::Uuid,
    input: &crate::domain::service::ServiceInput,
) -> Result<crate::domain::service::Service, NetError> {
    json(
        send(
            "PUT",
            &format!("{OFFICE_ROOT}/services/{id}"),
            Some(body_of(input)?),
            "application/json",
        )
        .await?,
    )
    .await
}

pub async fn retire_service(id: uuid::Uuid, retired: bool) -> Result<crate::domain::service::Service, NetError> {
    let body = serde_json::json!({ "retired": retired });
    json(
        send(
            "POST",
            &format!("{OFFICE_ROOT}/services/{id}/retire"),
            Some(body_of(&body)?),
            "application/json",
        )
        .await?,
    )
    .await
}

pub async fn set_referral_days(kind: &str, days: u32) -> Result<crate::domain::follow_up::ReferralDays, NetError> {
    let body = serde_json::json!({ "kind": kind, "days": days });
    json(
        send(
            "PUT",
            &format!("{OFFICE_ROOT}/referral-days"),
            Some(body_of(&body)?),
            "application/json",
        )
        .await?,
    )
    .await
}

pub async fn schools() -> Result<Vec<crate::domain::school::School>, NetError> {
    json(send("GET", &format!("{OFFICE_ROOT}/schools"), None, "application/json").await?).await
}

/// Adds a school (`id` None) or changes one.
pub async fn save_school(
    id: Option<uuid::Uuid>,
    input: &crate::domain::school::SchoolInput,
) -> Result<crate::domain::school::School, NetError> {
    let (method, path) = match id {
        Some(id) => ("PUT", format!("{OFFICE_ROOT}/schools/{id}")),
        None => ("POST", format!("{OFFICE_ROOT}/schools")),
    };
    json(send(method, &path, Some(body_of(input)?), "application/json").await?).await
}

pub async fn early_warning() -> Result<crate::domain::school::EarlyWarning, NetError> {
    json(send("GET", &format!("{OFFICE_ROOT}/early-warning"), None, "application/json").await?).await
}

pub async fn set_early_warning(
    t: &crate::domain::school::Thresholds,
) -> Result<crate::domain::school::EarlyWarning, NetError> {
    json(
        send(
            "PUT",
            &format!("{OFFICE_ROOT}/early-warning"),
            Some(body_of(t)?),
            "application/json",
        )
        .await?,
    )
    .await
}

/// The supervisor's dashboard, drawn by the server (an HTML fragment).
pub async fn dashboard_html() -> Result<String, NetError> {
    let path = format!("{OFFICE_ROOT}/dashboard.html");
    text_of(&send("GET", &path, None, "text/html").await?).await
}

/// The indicators: the municipality's plans, a plan's report for a period, the cases behind a
/// figure, and the administrator's edits.
pub mod indicators {
    use super::*;
    use crate::domain::indicator::{CasesBehind, IndicatorDef, PlanSummary, Report, Side};
    use chrono::NaiveDate;
    use uuid::Uuid;

    fn root(plan: Uuid) -> String {
        format!("{OFFICE_ROOT}/indicators/plans/{plan}")
    }

    pub async fn plans() -> Result<Vec<PlanSummary>, NetError> {
        let path = format!("{OFFICE_ROOT}/indicators/plans");
        json(send("GET", &path, None, "application/json").await?).await
    }

    pub async fn templates() -> Result<Vec<crate::domain::indicator::TemplateSummary>, NetError> {
        let path = format!("{OFFICE_ROOT}/indicators/templates");
        json(send("GET", &path, None, "application/json").await?).await
    }

    pub async fn adopt(template: &str) -> Result<PlanSummary, NetError> {
        let path = format!("{OFFICE_ROOT}/indicators/plans");
        let body = crate::domain::indicator::Adopt {
            template: template.into(),
        };
        json(send("POST", &path, Some(body_of(&body)?), "application/json").await?).await
    }

    pub async fn national(from: NaiveDate, to: NaiveDate) -> Result<crate::domain::indicator::NationalView, NetError> {
        let path = format!("{OFFICE_ROOT}/indicators/national?from={from}&to={to}");
        json(send("GET", &path, None, "application/json").await?).await
    }

    pub async fn report(plan: Uuid, from: NaiveDate, to: NaiveDate) -> Result<Report, NetError> {
        let path = format!("{}/report?from={from}&to={to}", root(plan));
        json(send("GET", &path, None, "application/json").await?).await
    }

    pub async fn cases(
        plan: Uuid,
        code: &str,
        side: Side,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CasesBehind, NetError> {
        let path = format!(
            "{}/cases?{}",
            root(plan),
            crate::domain::indicator::cases_query(code, side, from, to)
        );
        json(send("GET", &path, None, "application/json").await?).await
    }

    pub async fn edit(plan: Uuid, def: &IndicatorDef) -> Result<(), NetError> {
        let path = format!("{}/indicators/{}", root(plan), def.code);
        send("PUT", &path, Some(body_of(def)?), "application/json").await?;
        Ok(())
    }

    pub async fn type_by_hand(
        plan: Uuid,
        code: &str,
        from: NaiveDate,
        to: NaiveDate,
        value: f64,
    ) -> Result<(), NetError> {
        let path = format!("{}/by-hand", root(plan));
        let body = serde_json::json!({ "code": code, "from": from, "to": to, "value": value });
        send("PUT", &path, Some(body_of(&body)?), "application/json").await?;
        Ok(())
    }
}
