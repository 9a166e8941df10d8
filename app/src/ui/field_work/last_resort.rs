//! The last resort for what waits to be sent: written to a file sealed under a passphrase, and
//! taken in from one on another device by the same user (`crate::phone::export`).

use super::prompt;
use crate::i18n::*;
use crate::phone::store::PhoneStore;
use leptos::prelude::*;

/// The last resort for what waits to be sent: written to a file sealed under a passphrase, and
/// taken in from one (on another device, by the same user).
#[component]
pub fn LastResort() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let user = StoredValue::new(use_context::<crate::domain::SessionUser>());
    let message = RwSignal::new(None::<(bool, String)>);
    let passphrase = move |twice: bool| -> Option<String> {
        let first = prompt(t_string!(i18n, passphrase_prompt))?;
        if first.chars().count() < 8 {
            message.set(Some((false, t_string!(i18n, passphrase_short).to_string())));
            return None;
        }
        if twice && prompt(t_string!(i18n, passphrase_again)).as_deref() != Some(first.as_str()) {
            message.set(Some((false, t_string!(i18n, passphrase_mismatch).to_string())));
            return None;
        }
        Some(first)
    };
    let export = move |_| {
        let Some(p) = passphrase(true) else { return };
        let name = user.get_value().map(|u| u.display_name).unwrap_or_default();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match store.export_outbox(name, p).await {
                Ok((bytes, n)) => {
                    let file = format!("reintegra-{}.rntg", chrono::Utc::now().format("%Y%m%d-%H%M"));
                    match download(&file, &bytes) {
                        Ok(()) => message.set(Some((true, format!("{n} {}", t_string!(i18n, exported_changes))))),
                        Err(_) => message.set(Some((false, t_string!(i18n, try_again).to_string()))),
                    }
                }
                Err(_) => message.set(Some((false, t_string!(i18n, try_again).to_string()))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (p, name, store);
    };
    let import = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else {
                return;
            };
            let Some(file) = input.files().and_then(|f| f.get(0)) else {
                return;
            };
            input.set_value("");
            let Some(p) = passphrase(false) else { return };
            leptos::task::spawn_local(async move {
                use crate::phone::export::ExportError;
                let Ok(bytes) = crate::phone::media::blob_bytes(&file).await else {
                    message.set(Some((false, t_string!(i18n, try_again).to_string())));
                    return;
                };
                let said = match store.import_outbox(p, bytes).await {
                    Ok(n) => (true, format!("{n} {}", t_string!(i18n, imported_changes))),
                    Err(ExportError::NotOurs) => (false, t_string!(i18n, import_not_ours).to_string()),
                    Err(ExportError::Unreadable) => (false, t_string!(i18n, import_unreadable).to_string()),
                    Err(ExportError::OtherUser) => (false, t_string!(i18n, import_other_user).to_string()),
                };
                message.set(Some(said));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = ev;
    };
    view! {
        <details class="card last-resort" data-testid="last-resort">
            <summary>{t!(i18n, last_resort)}</summary>
            <p class="muted small">{t!(i18n, last_resort_body)}</p>
            <div class="actions">
                <button type="button" class="secondary" data-testid="export-outbox" on:click=export>{t!(i18n, export_outbox)}</button>
                <label class="button secondary">
                    {t!(i18n, import_outbox)}
                    <input type="file" class="sr-only" data-testid="import-outbox" accept=".rntg" on:change=import />
                </label>
            </div>
            {move || message.get().map(|(ok, m)| view! {
                <p class=if ok { "muted small" } else { "error small" } data-testid="last-resort-message">{m}</p>
            })}
        </details>
    }
}

/// Offers `bytes` to the user as a file named `name`.
#[cfg(feature = "hydrate")]
fn download(name: &str, bytes: &[u8]) -> Result<(), wasm_bindgen::JsValue> {
    use wasm_bindgen::JsCast;
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window().and_then(|w| w.document()).ok_or("no document")?;
    let a: web_sys::HtmlElement = document.create_element("a")?.dyn_into()?;
    a.set_attribute("href", &url)?;
    a.set_attribute("download", name)?;
    a.click();
    web_sys::Url::revoke_object_url(&url)?;
    Ok(())
}
