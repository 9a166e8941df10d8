//! The frame around every screen: app bar with the user, the language picker and sign-out, and
//! a banner while the phone is offline.

use crate::api::{save_locale, ApiError, Logout};
use crate::domain::{Role, SessionUser};
use crate::i18n::*;
use crate::i18n_support::{parse_locale, role_label, LANGUAGES};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};

pub(crate) fn with_frame<V: IntoView + 'static>(user: SessionUser, page: impl Fn(SessionUser) -> V) -> impl IntoView {
    let i18n = use_i18n();
    let logout = expect_context::<ServerAction<Logout>>();
    let is_admin = user.has_role(Role::Admin);
    let does_field_work = crate::domain::access::case_scope(&user).is_some();
    let is_partner = user.has_role(Role::Partner);
    #[cfg(feature = "hydrate")]
    let user_id = user.id;
    let roles = user.roles.clone();
    let logout_url = <Logout as leptos::server_fn::ServerFn>::url();
    // Unsent field work stays on the phone through a sign-out; say so before leaving.
    let on_sign_out = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        #[cfg(feature = "hydrate")]
        {
            let pending = web_sys::window()
                .and_then(|w| w.local_storage().ok().flatten())
                .and_then(|s| s.get_item(&crate::phone::store::pending_key(user_id)).ok().flatten())
                .and_then(|n| n.parse::<usize>().ok())
                .unwrap_or(0);
            if pending > 0 && !super::field_work::confirm(t_string!(i18n, confirm_sign_out_pending)) {
                return;
            }
        }
        logout.dispatch(Logout {});
    };
    view! {
        <header class="appbar">
            <a class="brand" href="/">{t!(i18n, app_name)}</a>
            <div class="who">
                <span class="sr-only">{t!(i18n, signed_in_as)}</span>
                <strong data-testid="user-name">{user.display_name.clone()}</strong>
                <span class="muted">
                    {user.municipality_name.clone()} " · "
                    {move || roles.iter().map(|r| role_label(i18n, *r)).collect::<Vec<_>>().join(", ")}
                </span>
            </div>
            <nav class="appnav">
                <a href="/">{t!(i18n, nav_home)}</a>
                {does_field_work.then(|| view! { <a href="/field" data-testid="nav-field">{t!(i18n, nav_field)}</a> })}
                {is_partner.then(|| view! { <a href="/referrals" data-testid="nav-referrals">{t!(i18n, nav_referrals)}</a> })}
                {is_admin.then(|| view! { <a href="/admin/users">{t!(i18n, nav_users)}</a> " " <a href="/admin/services">{t!(i18n, nav_services)}</a> " " <a href="/admin/schools">{t!(i18n, nav_schools)}</a> })}
                <LanguagePicker />
                // A plain form (it works without JavaScript too), sent by the action once confirmed.
                <form method="post" action=logout_url class="inline" on:submit=on_sign_out>
                    <button type="submit" class="link" data-testid="sign-out">{t!(i18n, sign_out)}</button>
                </form>
            </nav>
        </header>
        <OfflineBanner />
        <main class="page">{page(user)}</main>
    }
}

/// Shown on every screen, signed in or not.
#[component]
pub(crate) fn LanguagePicker() -> impl IntoView {
    let i18n = use_i18n();
    let on_change = move |ev: leptos::ev::Event| {
        if let Some(locale) = parse_locale(&event_target_value(&ev)) {
            i18n.set_locale(locale);
            // Remember it for this user; offline the cookie still holds it on this phone.
            leptos::task::spawn_local(async move {
                let _ = save_locale(locale.as_str().to_string()).await;
            });
        }
    };
    view! {
        <label class="lang">
            <span class="sr-only">{t!(i18n, language)}</span>
            <select data-testid="language" on:change=on_change prop:value=move || i18n.get_locale().as_str()>
                {LANGUAGES
                    .iter()
                    .map(|(l, name)| {
                        let tag = l.as_str();
                        view! {
                            <option value=tag selected=move || i18n.get_locale().as_str() == tag>{*name}</option>
                        }
                    })
                    .collect_view()}
            </select>
        </label>
    }
}

#[component]
pub(crate) fn OfflineBanner() -> impl IntoView {
    let i18n = use_i18n();
    let (online, set_online) = signal(true);
    #[cfg(feature = "hydrate")]
    {
        // After hydration, not during it: the server rendered the page as online, and a
        // different first render would not match its HTML.
        Effect::new(move |_| {
            if let Some(w) = web_sys::window() {
                set_online.set(w.navigator().on_line());
            }
        });
        let on = window_event_listener(leptos::ev::online, move |_| set_online.set(true));
        let off = window_event_listener(leptos::ev::offline, move |_| set_online.set(false));
        on_cleanup(move || {
            on.remove();
            off.remove();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = set_online;
    view! {
        <Show when=move || !online.get()>
            <p class="banner offline" role="status" data-testid="offline-banner">{t!(i18n, offline)}</p>
        </Show>
    }
}

#[component]
pub(crate) fn Loading() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="muted">{t!(i18n, loading)}</p> }
}

/// A failed call, said in the user's language.
#[component]
pub(crate) fn ErrorNote(error: ApiError) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || error_text(i18n, &error);
    view! { <p class="error" role="alert">{text}</p> }
}

pub(crate) fn error_text(i18n: I18nContext<Locale>, error: &ApiError) -> String {
    use crate::domain::UserInputError as U;
    match error {
        ApiError::NotSignedIn => t_string!(i18n, not_signed_in).to_string(),
        ApiError::Forbidden => t_string!(i18n, forbidden).to_string(),
        ApiError::WrongCredentials => t_string!(i18n, wrong_credentials).to_string(),
        ApiError::Throttled { .. } => t_string!(i18n, throttled).to_string(),
        ApiError::Invalid(U::InvalidUsername) => t_string!(i18n, invalid_username).to_string(),
        ApiError::Invalid(U::InvalidDisplayName) => t_string!(i18n, invalid_display_name).to_string(),
        ApiError::Invalid(U::PasswordTooShort) => t_string!(i18n, password_too_short).to_string(),
        ApiError::Invalid(U::PasswordTooLong) => t_string!(i18n, password_too_long).to_string(),
        ApiError::Invalid(U::NoRole) => t_string!(i18n, no_role).to_string(),
        ApiError::Invalid(U::NoReason) => t_string!(i18n, restriction_no_reason).to_string(),
        ApiError::UsernameTaken => t_string!(i18n, username_taken).to_string(),
        ApiError::NotFound => t_string!(i18n, not_found).to_string(),
        ApiError::Internal => t_string!(i18n, server_error).to_string(),
        ApiError::Transport(_) => t_string!(i18n, network_error).to_string(),
        ApiError::BadRequest(_) | ApiError::TooLarge { .. } | ApiError::MethodNotAllowed => {
            t_string!(i18n, bad_request).to_string()
        }
        ApiError::WrongOffset(_) | ApiError::HashMismatch | ApiError::Busy => t_string!(i18n, try_again).to_string(),
        ApiError::Restriction(r) => {
            use crate::domain::protection::RestrictionRefusal as R;
            match r {
                R::NotSupervisor => t_string!(i18n, restriction_not_supervisor),
                R::NoReason => t_string!(i18n, restriction_no_reason),
                R::NotRestricted => t_string!(i18n, restriction_not_restricted),
                R::AlreadyRestricted => t_string!(i18n, restriction_already),
            }
            .to_string()
        }
        ApiError::DeviceLost => t_string!(i18n, wipe_device_lost).to_string(),
        ApiError::KeyNotGranted => t_string!(i18n, key_not_granted).to_string(),
        ApiError::Indicator(e) => crate::i18n_support::label(i18n, &format!("ind_err_{}", e.code())),
    }
}
