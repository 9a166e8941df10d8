//! The gate in front of the phone's data: choose a PIN after the first online sign-in, enter it
//! to open the data (offline too), sign in online when it is forgotten, and what is said after
//! a wipe. The rules are `crate::domain::device`; the keys `crate::phone::lock`.

use crate::api::Logout;
use crate::domain::device::check_new_pin;
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::lock::{Lock, SignInWhy};
use crate::phone::store::PhoneStore;
use leptos::prelude::*;

#[component]
pub fn Gate() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let logout = expect_context::<ServerAction<Logout>>();
    let pin = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Signing out keeps every byte on the phone: the sign-in that follows opens it again.
    let sign_in_again = move |_| {
        logout.dispatch(Logout {});
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let choosing = store.lock.get_untracked() == Lock::ChoosePin;
        let typed = pin.get_untracked();
        if choosing {
            if let Err(p) = check_new_pin(&typed, &again.get_untracked()) {
                problem.set(Some(label(i18n, p.key())));
                return;
            }
        }
        problem.set(None);
        busy.set(true);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let next = if choosing {
                crate::phone::lock::choose_pin(store, &typed).await
            } else {
                crate::phone::lock::enter_pin(store, &typed).await
            };
            pin.set(String::new());
            again.set(String::new());
            busy.set(false);
            store.lock.set(next);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = typed;
    };
    let pin_input = move |field: RwSignal<String>, name: &'static str, testid: &'static str| {
        view! {
            <input
                type="password"
                inputmode="numeric"
                autocomplete="off"
                name=name
                data-testid=testid
                maxlength="12"
                prop:value=move || field.get()
                on:input=move |ev| field.set(event_target_value(&ev))
                required
            />
        }
    };
    let form = move |choosing: bool, tries_left: Option<u32>| {
        view! {
            <form class="card unlock" data-testid="unlock-form" data-mode=if choosing { "choose" } else { "enter" } on:submit=submit>
                <h2>{if choosing { t!(i18n, pin_choose_title).into_any() } else { t!(i18n, pin_enter_title).into_any() }}</h2>
                <p class="muted">{if choosing { t!(i18n, pin_choose_hint).into_any() } else { t!(i18n, pin_enter_hint).into_any() }}</p>
                <label>{t!(i18n, pin)} {pin_input(pin, "pin", "pin")}</label>
                {choosing.then(|| view! { <label>{t!(i18n, pin_again)} {pin_input(again, "pin_again", "pin-again")}</label> })}
                {tries_left.map(|n| view! { <p class="error" role="alert" data-testid="pin-wrong">{t!(i18n, pin_wrong)} " " {n}</p> })}
                {move || problem.get().map(|p| view! { <p class="error" role="alert" data-testid="pin-problem">{p}</p> })}
                <button type="submit" class="primary" data-testid="pin-submit" disabled=move || busy.get()>
                    {if choosing { t!(i18n, pin_keep).into_any() } else { t!(i18n, pin_open).into_any() }}
                </button>
                {(!choosing).then(|| view! {
                    <button type="button" class="link" data-testid="pin-forgot" on:click=sign_in_again>{t!(i18n, pin_forgot)}</button>
                })}
            </form>
        }
        .into_any()
    };
    view! {
        <section class="gate" data-testid="gate">
            {move || match store.lock.get() {
                Lock::Opening | Lock::Open => view! { <p class="muted" data-testid="unlock-opening">{t!(i18n, unlock_checking)}</p> }.into_any(),
                Lock::ChoosePin => form(true, None),
                Lock::EnterPin { tries_left } => form(false, tries_left),
                Lock::SignInNeeded(why) => view! {
                    <div class="card unlock" data-testid="sign-in-needed" data-why=format!("{why:?}")>
                        <p>{match why {
                            SignInWhy::FirstTime => t!(i18n, need_first_sign_in).into_any(),
                            SignInWhy::Forgotten => t!(i18n, pin_forgotten).into_any(),
                        }}</p>
                        <button type="button" class="primary" data-testid="sign-in-again" on:click=sign_in_again>{t!(i18n, sign_in)}</button>
                    </div>
                }.into_any(),
                Lock::Wiped(reason) => view! {
                    <div class="card unlock" data-testid="wiped" data-why=reason.key()>
                        <p>{label(i18n, reason.key())}</p>
                        <a href="/login" rel="external">{t!(i18n, sign_in)}</a>
                    </div>
                }.into_any(),
            }}
        </section>
    }
}
