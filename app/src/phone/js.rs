//! Calling a browser method that answers with a promise, by name: for the few APIs the build
//! has no typed bindings for (`indexedDB.databases`, `navigator.storage`, `crypto.subtle`).

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `target[method](...args)`, awaited.
pub async fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    start(target, method, args)?.await
}

/// `target[method](...args)` under way: the browser works on it from this call on, so many
/// can be started before the first is awaited.
pub fn start(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsFuture, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    let list: Array = args.iter().collect();
    let promise: Promise = Reflect::apply(&f, target, &list)?.dyn_into()?;
    Ok(JsFuture::from(promise))
}
