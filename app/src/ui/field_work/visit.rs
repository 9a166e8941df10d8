//! Logging a visit: when, where (a position only with the person's consent), who was there.

use super::inputs::{discard_one, field_text, field_value, new_draft, save_one, set_field, Field, Problems};
use crate::domain::record::Context;
use crate::domain::record::TypedRecord;
use crate::domain::{FieldError, RecordKind};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::member_facts;
use crate::phone::store::{of_case, PhoneStore};
use crate::spec;
use chrono::Utc;
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

const VISITED_AT: &str = spec!(visit, "visited_at").name;
const PRESENT: &str = spec!(visit, "present").name;
#[cfg(feature = "hydrate")]
const LATITUDE: &str = spec!(visit, "latitude").name;
#[cfg(feature = "hydrate")]
const LONGITUDE: &str = spec!(visit, "longitude").name;
const GPS_CONSENT: &str = spec!(visit, "gps_consent").name;

/// Ensures a draft exists for `id`, opened from the phone's copy when there is one.
pub(super) fn open_draft(store: PhoneStore, kind: RecordKind, id: Uuid, case_id: Uuid) {
    if store.draft(id).is_none() {
        if let Some(r) = store.record(id) {
            store.save_draft(new_draft(kind, id, case_id, r.fields.clone(), r.version));
        }
    }
}

/// "2026-11-23T10:30" in the phone's time zone, for a `datetime-local` input.
fn to_local_input(rfc3339: &str) -> String {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(rfc3339));
        if d.get_time().is_nan() {
            return String::new();
        }
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date(),
            d.get_hours(),
            d.get_minutes()
        )
    }
    #[cfg(not(feature = "hydrate"))]
    rfc3339.get(..16).unwrap_or_default().to_string()
}

/// The input's local time as an RFC 3339 instant in UTC.
fn from_local_input(value: &str) -> Option<String> {
    #[cfg(feature = "hydrate")]
    {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(value));
        (!d.get_time().is_nan()).then(|| String::from(d.to_iso_string()))
    }
    #[cfg(not(feature = "hydrate"))]
    Some(format!("{value}:00Z"))
}

#[component]
pub fn VisitForm(case_id: Uuid, visit_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    open_draft(store, RecordKind::Visit, visit_id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    // Kept apart from the rest of the phone's records: the people's answers are drawn again only
    // when the people change, never when something else is saved or sent (a redraw under the
    // worker's finger loses the tap or the focus).
    let members = Memo::new(move |_| of_case(&store.local(), case_id, RecordKind::Member));
    let members = move || members.get();
    let present = move || -> Vec<String> {
        field_value(store, visit_id, PRESENT)
            .and_then(|v| v.as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let locate = move |_| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::{closure::Closure, JsCast, JsValue};
            let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
                return;
            };
            let on_position = Closure::once_into_js(move |p: JsValue| {
                let coord = |k: &str| {
                    js_sys::Reflect::get(&p, &"coords".into())
                        .and_then(|c| js_sys::Reflect::get(&c, &JsValue::from_str(k)))
                        .ok()
                        .and_then(|v| v.as_f64())
                        .and_then(serde_json::Number::from_f64)
                };
                if let (Some(lat), Some(lon)) = (coord(LATITUDE), coord(LONGITUDE)) {
                    set_field(store, visit_id, LATITUDE, Value::Number(lat));
                    set_field(store, visit_id, LONGITUDE, Value::Number(lon));
                }
            });
            let _ = geo.get_current_position(on_position.unchecked_ref());
        }
    };
    let save = move |_| {
        let mut ctx = Context::at(Utc::now());
        let ms = members();
        ctx.members = member_facts(ms.iter().map(|m| (&m.id, &m.fields)));
        save_one(store, i18n, visit_id, case_id, &ctx, errors);
    };
    let cancel = move |_| discard_one(store, i18n, visit_id, case_id);
    let consent = move || field_value(store, visit_id, GPS_CONSENT) == Some(Value::Bool(true));
    view! {
        <form class="card form" data-testid="visit-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, visit)}</h2>
            <p class="muted small">{t!(i18n, saved_as_you_type)}</p>
            <label class="field">
                <span>{move || label(i18n, "f_visited_at")} " *"</span>
                <input
                    type="datetime-local"
                    data-field=VISITED_AT
                    prop:value=move || to_local_input(&field_text(store, visit_id, VISITED_AT))
                    on:change=move |ev| {
                        let v = from_local_input(&event_target_value(&ev)).map_or(Value::Null, Value::String);
                        set_field(store, visit_id, VISITED_AT, v);
                    }
                />
            </label>
            <Field id=visit_id spec=spec!(visit, "kind") />
            <Field id=visit_id spec=spec!(visit, "village") />
            <fieldset>
                <legend>{move || label(i18n, "f_present")}</legend>
                {move || members().into_iter().map(|m| {
                    let mid = m.id.to_string();
                    let checked = present().contains(&mid);
                    view! {
                        <label class="check">
                            <input type="checkbox" prop:checked=checked on:change=move |ev| {
                                let mut list = present();
                                list.retain(|x| *x != mid);
                                if event_target_checked(&ev) { list.push(mid.clone()); }
                                set_field(store, visit_id, PRESENT, Value::Array(list.into_iter().map(Value::String).collect()));
                            } />
                            <span>{crate::domain::record::Member::read(&m.fields).full_name()}</span>
                        </label>
                    }
                }).collect_view()}
            </fieldset>
            <Field id=visit_id spec=spec!(visit, "gps_consent") />
            <Show when=consent>
                <button type="button" class="secondary" on:click=locate>{t!(i18n, record_location)}</button>
                <Field id=visit_id spec=spec!(visit, "latitude") />
                <Field id=visit_id spec=spec!(visit, "longitude") />
            </Show>
            <Field id=visit_id spec=spec!(visit, "notes") />
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}
