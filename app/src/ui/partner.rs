//! The partner institution's screen: the referrals sent to it, answered online.

use crate::domain::SessionUser;
use crate::i18n::*;
use crate::i18n_support::label;
use leptos::prelude::*;
use uuid::Uuid;

/// `/referrals`: what was sent to the partner's institution, with the answers it may give.
#[component]
pub fn PartnerPage() -> impl IntoView {
    super::signed_in(|_user: SessionUser| view! { <Incoming /> })
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
            match crate::phone::net::incoming_referrals().await {
                Ok(l) => {
                    list.set(l);
                    failed.set(None);
                }
                Err(e) => failed.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
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
            match crate::phone::net::answer_referral(id, &a).await {
                Ok(_) => refresh(),
                Err(e) => failed.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
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
