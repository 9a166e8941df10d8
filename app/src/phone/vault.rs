//! The browser's WebCrypto, for the phone's data at rest and the last-resort file: keys derived
//! from a PIN or passphrase by PBKDF2-SHA-256 (random salt, [`ITERATIONS`]), AES-256-GCM with a
//! random IV, which also detects any change to the bytes or a wrong key. Nothing here is
//! written by hand but the layouts (the file's in [`super::export`], `iv ‖ ciphertext` here).

use super::export::{parse_sealed, sealed, ExportError, IV_LEN, SALT_LEN};
use super::js::{call, start};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// OWASP's 2023 figure for PBKDF2-HMAC-SHA-256; the browser test measures it on a 4× slowed CPU.
pub const ITERATIONS: u32 = 600_000;

fn subtle() -> Result<JsValue, JsValue> {
    let crypto = web_sys::window().ok_or("no window")?.crypto()?;
    Ok(crypto.subtle().into())
}

fn object(pairs: &[(&str, JsValue)]) -> Result<JsValue, JsValue> {
    let o = Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &(*k).into(), v)?;
    }
    Ok(o.into())
}

pub fn random(len: usize) -> Result<Vec<u8>, JsValue> {
    let buf = Uint8Array::new_with_length(len as u32);
    web_sys::window()
        .ok_or("no window")?
        .crypto()?
        .get_random_values_with_array_buffer_view(&buf)?;
    Ok(buf.to_vec())
}

async fn derive(passphrase: &str, salt: &[u8], iterations: u32) -> Result<JsValue, JsValue> {
    let subtle = subtle()?;
    let usages = |u: &[&str]| -> JsValue { u.iter().map(|s| JsValue::from_str(s)).collect::<Array>().into() };
    let base = call(
        &subtle,
        "importKey",
        &[
            "raw".into(),
            Uint8Array::from(passphrase.as_bytes()).into(),
            "PBKDF2".into(),
            false.into(),
            usages(&["deriveKey"]),
        ],
    )
    .await?;
    let params = object(&[
        ("name", "PBKDF2".into()),
        ("salt", Uint8Array::from(salt).into()),
        ("iterations", iterations.into()),
        ("hash", "SHA-256".into()),
    ])?;
    let aes = object(&[("name", "AES-GCM".into()), ("length", 256.into())])?;
    call(
        &subtle,
        "deriveKey",
        &[params, base, aes, false.into(), usages(&["encrypt", "decrypt"])],
    )
    .await
}

/// `plaintext` sealed under `passphrase`, as a file's bytes.
pub async fn seal(passphrase: &str, plaintext: &[u8]) -> Result<Vec<u8>, JsValue> {
    let (salt, iv) = (random(SALT_LEN)?, random(IV_LEN)?);
    let key = derive(passphrase, &salt, ITERATIONS).await?;
    let params = object(&[("name", "AES-GCM".into()), ("iv", Uint8Array::from(&iv[..]).into())])?;
    let ct = call(
        &subtle()?,
        "encrypt",
        &[params, key, Uint8Array::from(plaintext).into()],
    )
    .await?;
    Ok(sealed(ITERATIONS, &salt, &iv, &Uint8Array::new(&ct).to_vec()))
}

/// The plaintext of a sealed file; a wrong passphrase or a changed byte reads as `Unreadable`.
pub async fn open(passphrase: &str, file: &[u8]) -> Result<Vec<u8>, ExportError> {
    let s = parse_sealed(file)?;
    let unreadable = |_| ExportError::Unreadable;
    let key = derive(passphrase, s.salt, s.iterations).await.map_err(unreadable)?;
    let params = object(&[("name", "AES-GCM".into()), ("iv", Uint8Array::from(s.iv).into())]).map_err(unreadable)?;
    let subtle = subtle().map_err(unreadable)?;
    let plain = call(
        &subtle,
        "decrypt",
        &[params, key, Uint8Array::from(s.ciphertext).into()],
    )
    .await
    .map_err(unreadable)?;
    Ok(Uint8Array::new(&plain).to_vec())
}

/// AES-GCM's IV length (bytes).
const GCM_IV: usize = 12;

/// An AES-256-GCM key from its raw bytes, usable by this page only (not extractable).
pub async fn key_of(raw: &[u8]) -> Result<JsValue, JsValue> {
    let usages: Array = ["encrypt", "decrypt"].iter().map(|s| JsValue::from_str(s)).collect();
    call(
        &subtle()?,
        "importKey",
        &[
            "raw".into(),
            Uint8Array::from(raw).into(),
            "AES-GCM".into(),
            false.into(),
            usages.into(),
        ],
    )
    .await
}

/// The key a PIN opens, for the keyring's `salt` and `iterations`.
pub async fn pin_key(pin: &str, salt: &[u8], iterations: u32) -> Result<JsValue, JsValue> {
    derive(pin, salt, iterations).await
}

/// `plain` encrypted under `key`, as `iv ‖ ciphertext` (the tag included: 28 bytes more).
pub async fn encrypt(key: &JsValue, plain: &[u8]) -> Result<Vec<u8>, JsValue> {
    let iv = random(GCM_IV)?;
    let params = object(&[("name", "AES-GCM".into()), ("iv", Uint8Array::from(&iv[..]).into())])?;
    let ct = call(
        &subtle()?,
        "encrypt",
        &[params, key.clone(), Uint8Array::from(plain).into()],
    )
    .await?;
    let mut out = iv;
    out.extend(Uint8Array::new(&ct).to_vec());
    Ok(out)
}

/// The plaintext of `iv ‖ ciphertext`; a wrong key or a changed byte fails.
pub async fn decrypt(key: &JsValue, sealed: &[u8]) -> Result<Vec<u8>, JsValue> {
    let plain = decrypt_started(key, sealed)?.await?;
    Ok(Uint8Array::new(&plain).to_vec())
}

/// [`decrypt`] under way, its result an `ArrayBuffer`: a store's values are all started
/// before the first is awaited, so unlocking waits on the browser's crypto once per store
/// rather than one round through the event loop per record.
pub fn decrypt_started(key: &JsValue, sealed: &[u8]) -> Result<JsFuture, JsValue> {
    if sealed.len() < GCM_IV {
        return Err("too short".into());
    }
    let (iv, ct) = sealed.split_at(GCM_IV);
    let params = object(&[("name", "AES-GCM".into()), ("iv", Uint8Array::from(iv).into())])?;
    start(
        &subtle()?,
        "decrypt",
        &[params, key.clone(), Uint8Array::from(ct).into()],
    )
}

/// A data key wrapped under `key`.
pub async fn wrap(key: &JsValue, raw: &[u8]) -> Result<crate::domain::device::Wrapped, JsValue> {
    let sealed = encrypt(key, raw).await?;
    Ok(crate::domain::device::Wrapped {
        iv: sealed[..GCM_IV].to_vec(),
        key: sealed[GCM_IV..].to_vec(),
    })
}

/// The raw data key out of its wrapping, if `key` is the right one.
pub async fn unwrap(key: &JsValue, w: &crate::domain::device::Wrapped) -> Result<Vec<u8>, JsValue> {
    let mut sealed = w.iv.clone();
    sealed.extend_from_slice(&w.key);
    decrypt(key, &sealed).await
}
