//! The screens. Every visible string goes through the generated `i18n` module.

mod admin;
mod audit;
mod catalogue;
pub(crate) mod field_work;
mod home;
mod indicators;
mod layout;
mod login;
mod partner;
mod schools;
mod supervision;

use crate::api::{current_user, ApiError, Login, Logout};
use crate::domain::SessionUser;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::components::{Redirect, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// Loads `path` as a new document (not a client-side route change), so the server renders it
/// for the new session and the service worker stores that copy.
pub(crate) fn full_load(path: &str) {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.location().assign(path);
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = path;
}

/// The signed-in user, fetched once per page load and again after sign-in or sign-out.
pub(crate) type UserResource = Resource<Result<Option<SessionUser>, ApiError>>;

/// A page's content security policy: scripts only from this origin and the page's own inline
/// scripts (their nonce; empty when the page has none), WebAssembly compiled from them, styles and everything fetched
/// from this origin (photos drawn on the phone are `data:` and `blob:` URLs), never framed.
pub fn page_policy(nonce: &str) -> String {
    let inline = if nonce.is_empty() {
        String::new()
    } else {
        format!(" 'nonce-{nonce}'")
    };
    format!(
        "default-src 'self'; script-src 'self'{inline} 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; manifest-src 'self'; \
         object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
    )
}

/// The HTML document around the app. Registers the service worker that keeps the shell
/// available offline. (The server's security layer sets the page's policy with its nonce.)
pub fn shell(options: leptos::config::LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        // `lang` and `dir` are set by the i18n provider from the chosen language.
        <html>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content="#0b5d57" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="icon" href="/icons/icon-192.png" />
                <link rel="apple-touch-icon" href="/icons/icon-192.png" />
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                <script src="/register-sw.js" defer></script>
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let login = ServerAction::<Login>::new();
    let logout = ServerAction::<Logout>::new();
    let user: UserResource = Resource::new(
        move || (login.version().get(), logout.version().get()),
        |_| current_user(),
    );
    Effect::new(move |_| {
        if let Some(Ok(())) = login.value().get() {
            full_load("/");
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(())) = logout.value().get() {
            full_load("/login");
        }
    });
    provide_context(login);
    provide_context(logout);
    provide_context(user);

    view! {
        <I18nContextProvider>
            <Title text="Reintegra" />
            <Meta name="description" content="Reintegra" />
            <Link rel="preload" href="/icons/icon-192.png" as_="image" />
            <Router>
                <Routes fallback=NotFound>
                    <Route path=path!("/login") view=login::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/") view=home::HomePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=admin::UsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/services") view=catalogue::ServicesPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/schools") view=schools::SchoolsPage ssr=SsrMode::Async />
                    <Route path=path!("/audit") view=audit::AuditPage ssr=SsrMode::Async />
                    <Route path=path!("/indicators") view=indicators::IndicatorsPage ssr=SsrMode::Async />
                    <Route path=path!("/dashboard") view=indicators::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/national") view=indicators::NationalPage ssr=SsrMode::Async />
                    <Route path=path!("/field") view=field_work::FieldPage ssr=SsrMode::Async />
                    <Route path=path!("/referrals") view=partner::PartnerPage ssr=SsrMode::Async />
                </Routes>
            </Router>
        </I18nContextProvider>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <main class="page narrow">
            <h1>{t!(i18n, page_not_found)}</h1>
            <a href="/">{t!(i18n, back_home)}</a>
        </main>
    }
}

/// Renders `page` for a signed-in user; sends everyone else to the sign-in screen. The server
/// checks again in every call the page makes: this only spares a pointless screen.
pub(crate) fn signed_in<V: IntoView + 'static>(
    page: impl Fn(SessionUser) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    signed_in_as(false, page)
}

/// Like [`signed_in`], and also for a user disabled since sign-in (`active: false`): the field
/// screen then sends what the phone queued and removes the user's data from it.
pub(crate) fn signed_in_or_departing<V: IntoView + 'static>(
    page: impl Fn(SessionUser) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    signed_in_as(true, page)
}

fn signed_in_as<V: IntoView + 'static>(
    departing: bool,
    page: impl Fn(SessionUser) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <Suspense fallback=layout::Loading>
            {move || {
                let page = page.clone();
                Suspend::new(async move {
                    match user.await {
                        Ok(Some(u)) if u.active || departing => layout::with_frame(u, page).into_any(),
                        Ok(_) | Err(ApiError::NotSignedIn) => {
                            // A real 302 on the server, so the page works without JavaScript too.
                            #[cfg(feature = "ssr")]
                            leptos_axum::redirect("/login");
                            view! { <Redirect path="/login" /> }.into_any()
                        }
                        Err(e) => view! { <layout::ErrorNote error=e /> }.into_any(),
                    }
                })
            }}
        </Suspense>
    }
}
