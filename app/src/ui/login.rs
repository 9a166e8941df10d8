//! The sign-in screen.

use super::layout::{error_text, LanguagePicker, Loading};
use super::UserResource;
use crate::api::Login;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let login = expect_context::<ServerAction<Login>>();
    let user = expect_context::<UserResource>();
    // A sign-in sent before the app's script ran (a plain form post, as on a slow link) comes
    // back with its refusal in the address; the router hands it over here, on the server too,
    // so the page says why without waiting for the wasm.
    let refused_before_script = StoredValue::new(
        use_context::<leptos::server::ServerActionError>()
            .filter(|e| e.path() == <Login as leptos::server_fn::ServerFn>::PATH)
            .map(|e| leptos::server_fn::error::ServerFnUrlError::<crate::api::ApiError>::decode_err(e.err())),
    );
    let error = move || {
        let answer = login.value().get();
        let refusal = match answer {
            Some(r) => r.err(),
            None => refused_before_script.get_value(),
        };
        refusal.map(|e| {
            let text = error_text(i18n, &e);
            view! { <p class="error" role="alert" data-testid="login-error">{text}</p> }
        })
    };
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                // Already signed in: nothing to do here. Right after signing in, the page is
                // already loading "/" as a full document; a router redirect as well would start
                // a second navigation that interrupts whatever the user does next.
                // A user disabled since sign-in is signed out here.
                if matches!(user.await, Ok(Some(ref u)) if u.active) {
                    if login.value().get_untracked().is_some() {
                        return view! { <Loading /> }.into_any();
                    }
                    return view! { <Redirect path="/" /> }.into_any();
                }
                view! {
                    <main class="page narrow login">
                        <div class="login-top">
                            <h1>{t!(i18n, sign_in_title)}</h1>
                            <LanguagePicker />
                        </div>
                        <p class="muted">{t!(i18n, tagline)}</p>
                        <ActionForm action=login>
                            <label>
                                {t!(i18n, username)}
                                <input name="username" autocomplete="username" autocapitalize="none" required />
                            </label>
                            <label>
                                {t!(i18n, password)}
                                <input name="password" type="password" autocomplete="current-password" required />
                            </label>
                            {error}
                            <button type="submit" class="primary" disabled=move || login.pending().get()>
                                {t!(i18n, sign_in)}
                            </button>
                        </ActionForm>
                    </main>
                }
                .into_any()
            })}
        </Suspense>
    }
}
