//! Referring a family (or one of its members) to an institution of the municipality, offline;
//! and the partner institution's own screen, online, to answer what was sent to it.

use super::inputs::{discard_one, field_text, save_one, set_field, Field, Problems};
use super::visit::open_draft;
use crate::domain::record::Context;
use crate::domain::{FieldError, RecordKind};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::store::PhoneStore;
use crate::spec;
use chrono::Utc;
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

const INSTITUTION_ID: &str = spec!(referral, "institution_id").name;

#[component]
pub fn ReferralForm(case_id: Uuid, referral_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    open_draft(store, RecordKind::Referral, referral_id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let save = move |_| save_one(store, i18n, referral_id, case_id, &Context::at(Utc::now()), errors);
    let cancel = move |_| discard_one(store, i18n, referral_id, case_id);
    view! {
        <form class="card form" data-testid="referral-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, referral)}</h2>
            <Field id=referral_id spec=spec!(referral, "kind") />
            <label class="field">
                <span>{move || label(i18n, "f_institution_id")} " *"</span>
                <select
                    data-field=INSTITUTION_ID
                    prop:value=move || field_text(store, referral_id, INSTITUTION_ID)
                    on:change=move |ev| set_field(store, referral_id, INSTITUTION_ID, Value::String(event_target_value(&ev)))
                >
                    <option value="">"—"</option>
                    {move || {
                        store
                            .institutions
                            .get()
                            .into_iter()
                            .map(|i| {
                                let id = i.id.to_string();
                                let selected = field_text(store, referral_id, INSTITUTION_ID) == id;
                                view! { <option value=id selected=selected>{i.name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <Field id=referral_id spec=spec!(referral, "sent_on") />
            <Field id=referral_id spec=spec!(referral, "note") />
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}
