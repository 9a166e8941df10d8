//! Photos and signatures on the phone: downscaled and compressed before they are stored, and
//! hashed (SHA-256) so the server can check every byte arrived.

use js_sys::{Promise, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, CanvasRenderingContext2d, HtmlCanvasElement, HtmlImageElement};

/// Longest side of a stored document photo: readable text, about 150–300 KB as JPEG.
pub const MAX_PHOTO_SIDE: f64 = 1280.0;
pub const JPEG_QUALITY: f64 = 0.72;

pub async fn sha256_hex(bytes: &[u8]) -> Result<String, JsValue> {
    let subtle = web_sys::window().ok_or("no window")?.crypto()?.subtle();
    let data = Uint8Array::from(bytes);
    let digest = JsFuture::from(subtle.digest_with_str_and_buffer_source("SHA-256", &data)?).await?;
    Ok(Uint8Array::new(&digest)
        .to_vec()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect())
}

pub async fn blob_bytes(blob: &Blob) -> Result<Vec<u8>, JsValue> {
    let buffer = JsFuture::from(blob.array_buffer()).await?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// The canvas's picture encoded as `content_type` (PNG for signatures, JPEG for photos).
pub async fn canvas_bytes(canvas: &HtmlCanvasElement, content_type: &str, quality: f64) -> Result<Vec<u8>, JsValue> {
    let canvas = canvas.clone();
    let content_type = content_type.to_string();
    let promise = Promise::new(&mut |resolve, reject| {
        let callback = Closure::once_into_js(move |blob: JsValue| {
            let _ = resolve.call1(&JsValue::NULL, &blob);
        });
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(
            callback.unchecked_ref(),
            &content_type,
            &JsValue::from(quality),
        ) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob: Blob = JsFuture::from(promise).await?.dyn_into()?;
    blob_bytes(&blob).await
}

/// A camera photo, scaled so its longest side is at most [`MAX_PHOTO_SIDE`], as JPEG.
pub async fn downscale_photo(file: &Blob) -> Result<Vec<u8>, JsValue> {
    let url = web_sys::Url::create_object_url_with_blob(file)?;
    let img = HtmlImageElement::new()?;
    img.set_src(&url);
    let decoded = JsFuture::from(img.decode()).await;
    web_sys::Url::revoke_object_url(&url)?;
    decoded?;
    let (w, h) = (img.natural_width() as f64, img.natural_height() as f64);
    let scale = (MAX_PHOTO_SIDE / w.max(h)).min(1.0);
    let (cw, ch) = ((w * scale).round().max(1.0), (h * scale).round().max(1.0));
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let canvas: HtmlCanvasElement = document.create_element("canvas")?.dyn_into()?;
    canvas.set_width(cw as u32);
    canvas.set_height(ch as u32);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d")?.ok_or("no 2d context")?.dyn_into()?;
    ctx.draw_image_with_html_image_element_and_dw_and_dh(&img, 0.0, 0.0, cw, ch)?;
    canvas_bytes(&canvas, "image/jpeg", JPEG_QUALITY).await
}

/// `navigator.connection.effectiveType` is "slow-2g" or "2g": photos wait until asked for.
pub fn slow_connection() -> bool {
    let Some(navigator) = web_sys::window().map(|w| w.navigator()) else {
        return false;
    };
    js_sys::Reflect::get(&navigator, &JsValue::from_str("connection"))
        .ok()
        .filter(|c| !c.is_undefined())
        .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str("effectiveType")).ok())
        .and_then(|t| t.as_string())
        .is_some_and(|t| t == "slow-2g" || t == "2g")
}
