//! Sealing bytes under a passphrase with the browser's WebCrypto: a key derived by
//! PBKDF2-SHA-256 (random salt, [`ITERATIONS`]) encrypts with AES-256-GCM (random IV), which
//! also detects any change to the file or a wrong passphrase. Nothing here is written by hand
//! but the file's layout ([`super::export`]).

use super::export::{parse_sealed, sealed, ExportError, IV_LEN, SALT_LEN};
use super::js::call;
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsValue;

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

fn random(len: usize) -> Result<Vec<u8>, JsValue> {
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
