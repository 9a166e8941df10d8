//! Referring a family (or one of its members) to an institution of the municipality, offline;
//! and the partner institution's own screen, online, to answer what was sent to it.

use super::inputs::{field_text, set_field, ChoiceField, Problems, TextArea, TextField};
use super::visit::open_draft;
use super::{confirm, go, Screen};
use crate::domain::record::{self, Context, REFERRAL_KINDS};
use crate::domain::{FieldError, RecordKind, SessionUser};
use crate::field::model::filled;
use crate::field::store::FieldStore;
use crate::i18n::*;
use crate::i18n_support::label;
use chrono::Utc;
use leptos::prelude::*;
use serde_json::Value;
use uuid::Uuid;

#[component]
pub fn ReferralForm(case_id: Uuid, referral_id: Uuid) -> impl IntoView {
    let store = expect_context::<FieldStore>();
    let i18n = use_i18n();
    open_draft(store, RecordKind::Referral, referral_id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let save = move |_| {
        let Some(draft) = store.draft(referral_id) else { return };
        let ctx = Context::at(Utc::now());
        let what = label(i18n, "k_referral");
        let found: Vec<_> = record::validate(RecordKind::Referral, &filled(&draft.fields), &ctx)
            .into_iter()
            .map(|e| (what.clone(), e))
            .collect();
        errors.set(found.clone());
        if found.is_empty() {
            super::finish_and_return(store, vec![draft], case_id);
        }
    };
    let cancel = move |_| {
        if confirm(t_string!(i18n, confirm_discard_form)) {
            store.discard_draft(referral_id);
            go(Screen::Case(case_id));
        }
    };
    view! {
        <form class="card form" data-testid="referral-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, referral)}</h2>
            <ChoiceField id=referral_id key="kind" choices=REFERRAL_KINDS required=true />
            <label class="field">
                <span>{move || label(i18n, "f_institution_id")} " *"</span>
                <select
                    data-field="institution_id"
                    prop:value=move || field_text(store, referral_id, "institution_id")
                    on:change=move |ev| set_field(store, referral_id, "institution_id", Value::String(event_target_value(&ev)))
                >
                    <option value="">"—"</option>
                    {move || {
                        store
                            .institutions
                            .get()
                            .into_iter()
                            .map(|i| {
                                let id = i.id.to_string();
                                let selected = field_text(store, referral_id, "institution_id") == id;
                                view! { <option value=id selected=selected>{i.name}</option> }
                            })
                            .collect_view()
                    }}
                </select>
            </label>
            <TextField id=referral_id key="sent_on" input_type="date" required=true />
            <TextArea id=referral_id key="note" />
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}

/// `/referrals`: what was sent to the partner's institution, with the answers it may give.
#[component]
pub fn PartnerPage() -> impl IntoView {
    super::super::signed_in(|_user: SessionUser| view! { <Incoming /> })
}

#[component]
fn Incoming() -> impl IntoView {
    let i18n = use_i18n();
    let list = RwSignal::new(Vec::<crate::domain::referral::IncomingReferral>::new());
    let failed = RwSignal::new(None::<String>);
    let loaded = RwSignal::new(false);
    #[cfg(feature = "hydrate")]
    let refresh = move || {
        leptos::task::spawn_local(async move {
            match crate::field::net::incoming_referrals().await {
                Ok(l) => {
                    list.set(l);
                    failed.set(None);
                }
                Err(e) => failed.set(Some(e.to_string())),
            }
            loaded.set(true);
        });
    };
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| refresh());
    let answer = move |id: Uuid, state: &'static str, feedback: String| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let a = crate::domain::referral::Answer {
                state: state.into(),
                feedback,
            };
            match crate::field::net::answer_referral(id, &a).await {
                Ok(_) => refresh(),
                Err(e) => failed.set(Some(e.to_string())),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, state, feedback);
    };
    view! {
        <section class="card" data-testid="incoming-referrals" data-loaded=move || loaded.get().to_string()>
            <h2>{t!(i18n, incoming_referrals)}</h2>
            {move || failed.get().map(|m| view! { <p class="error">{t!(i18n, sync_failed)} " " {m}</p> })}
            <Show when=move || loaded.get() && list.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_referrals)}</p>
            </Show>
            <ul class="list">
                {move || {
                    list.get()
                        .into_iter()
                        .map(|r| {
                            let feedback = RwSignal::new(String::new());
                            let (kind, state) = (r.kind.clone(), r.state.clone());
                            let next = crate::domain::referral::partner_next(&r.state);
                            view! {
                                <li data-testid="incoming" data-state=r.state.clone()>
                                    <p>
                                        <strong>{r.family.clone()}</strong> " · " {r.village.clone()} " · "
                                        {move || label(i18n, &format!("c_{kind}"))}
                                    </p>
                                    <p class="muted small">
                                        {r.sent_on.clone()} " · " {move || label(i18n, &format!("c_{state}"))}
                                    </p>
                                    <p>{r.note.clone()}</p>
                                    {(!r.feedback.is_empty()).then(|| view! { <p class="muted">{r.feedback.clone()}</p> })}
                                    {(!next.is_empty()).then(|| view! {
                                        <label class="field">
                                            <span>{move || label(i18n, "f_feedback")}</span>
                                            <textarea data-testid="feedback" rows="2" prop:value=move || feedback.get()
                                                on:input=move |ev| feedback.set(event_target_value(&ev))></textarea>
                                        </label>
                                        <div class="actions">
                                            {next.iter().map(|s| {
                                                let s: &'static str = s;
                                                view! {
                                                    <button type="button" data-answer=s on:click=move |_| answer(r.id, s, feedback.get_untracked())>
                                                        {move || label(i18n, &format!("c_{s}"))}
                                                    </button>
                                                }
                                            }).collect_view()}
                                        </div>
                                    })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
