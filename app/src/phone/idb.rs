//! The few IndexedDB operations the phone needs (open, put, get, delete, read all), as futures.
//! Values are JSON text or byte arrays; every call is its own transaction, so a closed tab
//! never leaves a half-written change behind.

use js_sys::{Array, Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbOpenDbRequest, IdbRequest, IdbTransactionMode};

/// The database every user shared before each had their own; read once to carry its queued
/// work over (see `store::browser::carry_over`), then removed when nothing of anyone is left.
pub const SHARED: &str = "reintegra";
const VERSION: u32 = 1;

/// Each user's own database on a shared phone or tablet: no user's screens ever open another's.
pub fn name_of(user_id: uuid::Uuid) -> String {
    format!("reintegra-{user_id}")
}
pub const RECORDS: &str = "records";
pub const DRAFTS: &str = "drafts";
pub const OUTBOX: &str = "outbox";
pub const BLOBS: &str = "blobs";
pub const META: &str = "meta";
pub const STORES: [&str; 5] = [RECORDS, DRAFTS, OUTBOX, BLOBS, META];

#[derive(Debug, Clone, thiserror::Error)]
#[error("local storage: {0}")]
pub struct IdbError(pub String);

impl From<JsValue> for IdbError {
    fn from(v: JsValue) -> Self {
        IdbError(
            v.as_string()
                .or_else(|| js_sys::JSON::stringify(&v).ok().map(String::from))
                .unwrap_or_default(),
        )
    }
}

/// Resolves with the request's result once it succeeds.
async fn done(request: &IdbRequest) -> Result<JsValue, IdbError> {
    Ok(watch(request).await?)
}

/// The request's result, watched from now on (its events fire in a later task, so many
/// requests can be watched before the first is awaited).
fn watch(request: &IdbRequest) -> JsFuture {
    let req = request.clone();
    let promise = Promise::new(&mut |resolve, reject| {
        let ok_req = req.clone();
        let on_ok = Closure::once_into_js(move |_: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &ok_req.result().unwrap_or(JsValue::UNDEFINED));
        });
        let err_req = req.clone();
        let on_err = Closure::once_into_js(move |_: JsValue| {
            let message = err_req.error().ok().flatten().map(|e| e.message()).unwrap_or_default();
            let _ = reject.call1(&JsValue::NULL, &JsValue::from_str(&message));
        });
        req.set_onsuccess(Some(on_ok.unchecked_ref()));
        req.set_onerror(Some(on_err.unchecked_ref()));
    });
    JsFuture::from(promise)
}

pub async fn open(name: &str) -> Result<IdbDatabase, IdbError> {
    let factory = web_sys::window()
        .ok_or_else(|| IdbError("no window".into()))?
        .indexed_db()?
        .ok_or_else(|| IdbError("IndexedDB is not available".into()))?;
    let request: IdbOpenDbRequest = factory.open_with_u32(name, VERSION)?;
    let upgrade_req = request.clone();
    let on_upgrade = Closure::once_into_js(move |_: JsValue| {
        if let Ok(db) = upgrade_req.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            let existing = db.object_store_names();
            for store in STORES {
                if !existing.contains(store) {
                    let _ = db.create_object_store(store);
                }
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.unchecked_ref()));
    let db = done(&request).await?;
    Ok(db.dyn_into::<IdbDatabase>()?)
}

fn store(db: &IdbDatabase, name: &str, mode: IdbTransactionMode) -> Result<web_sys::IdbObjectStore, IdbError> {
    Ok(db.transaction_with_str_and_mode(name, mode)?.object_store(name)?)
}

pub async fn put(db: &IdbDatabase, name: &str, key: &str, value: &JsValue) -> Result<(), IdbError> {
    let s = store(db, name, IdbTransactionMode::Readwrite)?;
    done(&s.put_with_key(value, &JsValue::from_str(key))?).await.map(|_| ())
}

pub async fn put_text(db: &IdbDatabase, name: &str, key: &str, text: &str) -> Result<(), IdbError> {
    put(db, name, key, &JsValue::from_str(text)).await
}

pub async fn get(db: &IdbDatabase, name: &str, key: &str) -> Result<Option<JsValue>, IdbError> {
    let s = store(db, name, IdbTransactionMode::Readonly)?;
    let v = done(&s.get(&JsValue::from_str(key))?).await?;
    Ok((!v.is_undefined()).then_some(v))
}

pub async fn get_bytes(db: &IdbDatabase, name: &str, key: &str) -> Result<Option<Vec<u8>>, IdbError> {
    Ok(get(db, name, key).await?.map(|v| Uint8Array::new(&v).to_vec()))
}

pub async fn delete(db: &IdbDatabase, name: &str, key: &str) -> Result<(), IdbError> {
    let s = store(db, name, IdbTransactionMode::Readwrite)?;
    done(&s.delete(&JsValue::from_str(key))?).await.map(|_| ())
}

pub async fn clear(db: &IdbDatabase, name: &str) -> Result<(), IdbError> {
    let s = store(db, name, IdbTransactionMode::Readwrite)?;
    done(&s.clear()?).await.map(|_| ())
}

/// The names of the site's databases, where the browser can list them (`None` otherwise).
pub async fn names() -> Option<Vec<String>> {
    let factory: JsValue = web_sys::window()?.indexed_db().ok()??.into();
    let list: Array = super::js::call(&factory, "databases", &[])
        .await
        .ok()?
        .dyn_into()
        .ok()?;
    Some(
        list.iter()
            .filter_map(|d| js_sys::Reflect::get(&d, &"name".into()).ok()?.as_string())
            .collect(),
    )
}

/// Asks for a whole database to be removed (once nothing in it is anyone's). Not awaited: a tab
/// of an older build may still hold it open, and removal then waits for that tab to close.
pub fn remove(name: &str) -> Result<(), IdbError> {
    let factory = web_sys::window()
        .ok_or_else(|| IdbError("no window".into()))?
        .indexed_db()?
        .ok_or_else(|| IdbError("IndexedDB is not available".into()))?;
    factory.delete_database(name)?;
    Ok(())
}

/// Every key of a store.
pub async fn keys(db: &IdbDatabase, name: &str) -> Result<Vec<String>, IdbError> {
    let s = store(db, name, IdbTransactionMode::Readonly)?;
    let keys: Array = done(&s.get_all_keys()?).await?.dyn_into()?;
    Ok(keys.iter().filter_map(|k| k.as_string()).collect())
}

/// Every key and value of each of `stores`, read in one transaction: every request is made
/// before the first answer is awaited, so the reads wait on the browser once, not per store.
pub async fn snapshot(db: &IdbDatabase, stores: &[&str]) -> Result<Vec<Vec<(String, JsValue)>>, IdbError> {
    let names: Array = stores.iter().map(|s| JsValue::from_str(s)).collect();
    let tx = db.transaction_with_str_sequence(&names)?;
    let mut pending = Vec::with_capacity(stores.len());
    for name in stores {
        let s = tx.object_store(name)?;
        pending.push((watch(&s.get_all_keys()?), watch(&s.get_all()?)));
    }
    let mut out = Vec::with_capacity(stores.len());
    for (keys, values) in pending {
        let keys: Array = keys.await?.dyn_into()?;
        let values: Array = values.await?.dyn_into()?;
        // Both lists come in key order from the same transaction: the n-th value is the n-th key's.
        out.push(
            keys.iter()
                .zip(values.iter())
                .filter_map(|(k, v)| Some((k.as_string()?, v)))
                .collect(),
        );
    }
    Ok(out)
}

/// Every value of a store that holds JSON text.
pub async fn all_text(db: &IdbDatabase, name: &str) -> Result<Vec<String>, IdbError> {
    let s = store(db, name, IdbTransactionMode::Readonly)?;
    let values: Array = done(&s.get_all()?).await?.dyn_into()?;
    Ok(values.iter().filter_map(|v| v.as_string()).collect())
}

/// Asks the browser to keep this site's data under storage pressure (`navigator.storage`),
/// and answers whether it does: `None` where the browser has no such thing.
pub async fn persistent_storage() -> Option<bool> {
    let navigator = web_sys::window()?.navigator();
    let storage = js_sys::Reflect::get(&navigator, &"storage".into()).ok()?;
    if storage.is_undefined() {
        return None;
    }
    if super::js::call(&storage, "persisted", &[]).await.ok()?.as_bool() == Some(true) {
        return Some(true);
    }
    super::js::call(&storage, "persist", &[]).await.ok()?.as_bool()
}

/// This browser is WebKit (every iPhone's, Safari's, WebKitGTK's), which may clear a site's data
/// after days without use unless it runs from the home screen.
pub fn engine_may_evict() -> bool {
    let Some(ua) = web_sys::window().and_then(|w| w.navigator().user_agent().ok()) else {
        return false;
    };
    ua.contains("AppleWebKit")
        && !["Chrome/", "Chromium/", "Edg/", "Android"]
            .iter()
            .any(|b| ua.contains(b))
}

/// The app runs from the home screen (an installed web app), where WebKit keeps its data.
pub fn installed() -> bool {
    use js_sys::Reflect;
    let Some(window) = web_sys::window() else { return false };
    let standalone = Reflect::get(&window.navigator(), &"standalone".into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    let display_mode = Reflect::get(&window, &"matchMedia".into())
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .and_then(|f| f.call1(&window, &"(display-mode: standalone)".into()).ok())
        .and_then(|list| Reflect::get(&list, &"matches".into()).ok())
        .and_then(|v| v.as_bool())
        .unwrap_or(false);
    standalone || display_mode
}
