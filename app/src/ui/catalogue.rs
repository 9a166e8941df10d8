//! The administrator's catalogue of standard services (`/admin/services`): plans are drafted
//! from it. A service is added, changed or retired (never deleted: old plans name it). The
//! same check as the server's runs before anything is sent.

use super::signed_in;
use crate::api::list_institutions;
use crate::domain::service::{Service, ServiceInput, ServiceInputError, ServiceNames, SERVICE_AREAS};
use crate::domain::SessionUser;
use crate::i18n::*;
use crate::i18n_support::label;
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use uuid::Uuid;

#[component]
pub fn ServicesPage() -> impl IntoView {
    signed_in(catalogue)
}

fn input_error(i18n: I18nContext<Locale>, e: ServiceInputError) -> String {
    match e {
        ServiceInputError::UnknownArea => t_string!(i18n, service_unknown_area),
        ServiceInputError::NameRequired => t_string!(i18n, service_name_required),
        ServiceInputError::NameTooLong => t_string!(i18n, service_name_too_long),
        ServiceInputError::DaysOutOfRange => t_string!(i18n, service_days_out_of_range),
    }
    .to_string()
}

fn catalogue(_admin: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    let services = RwSignal::new(Vec::<Service>::new());
    let message = RwSignal::new(None::<String>);
    let institutions = Resource::new(|| (), |_| list_institutions());
    let reload = move || {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::services().await {
                Ok(list) => services.set(list),
                Err(_) => message.set(Some(t_string!(i18n, try_again).to_string())),
            }
        });
    };
    Effect::new(move |_| reload());
    let retire = move |id: Uuid, retired: bool| {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::retire_service(id, retired).await {
                Ok(_) => reload(),
                Err(_) => message.set(Some(t_string!(i18n, try_again).to_string())),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, retired);
    };
    // The new service being written.
    let area = RwSignal::new(String::new());
    let names = RwSignal::new(ServiceNames::default());
    let institution = RwSignal::new(String::new());
    let days = RwSignal::new("30".to_string());
    // The service being changed, if the form holds an existing one.
    let editing = RwSignal::new(None::<Uuid>);
    let edit = move |s: Service| {
        area.set(s.area.clone());
        names.set(s.names.clone());
        institution.set(s.institution_id.map(|i| i.to_string()).unwrap_or_default());
        days.set(s.typical_days.to_string());
        editing.set(Some(s.id));
        message.set(None);
    };
    let clear = move || {
        editing.set(None);
        names.set(ServiceNames::default());
    };
    let add = move |_| {
        let input = ServiceInput {
            area: area.get_untracked(),
            names: names.get_untracked(),
            institution_id: Uuid::parse_str(&institution.get_untracked()).ok(),
            typical_days: days.get_untracked().trim().parse().unwrap_or(0),
        };
        if let Err(e) = input.check() {
            message.set(Some(input_error(i18n, e)));
        } else {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                let saved = match editing.get_untracked() {
                    Some(id) => crate::phone::net::change_service(id, &input).await,
                    None => crate::phone::net::add_service(&input).await,
                };
                match saved {
                    Ok(_) => {
                        clear();
                        message.set(Some(t_string!(i18n, service_saved).to_string()));
                        reload();
                    }
                    Err(_) => message.set(Some(t_string!(i18n, try_again).to_string())),
                }
            });
        }
    };
    let name_input = move |lang: &'static str| {
        let get = move || {
            names.with(|n| match lang {
                "sr" => n.sr.clone(),
                "tr" => n.tr.clone(),
                "en" => n.en.clone(),
                _ => n.sq.clone(),
            })
        };
        let set = move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            names.update(|n| match lang {
                "sr" => n.sr = v,
                "tr" => n.tr = v,
                "en" => n.en = v,
                _ => n.sq = v,
            });
        };
        view! {
            <label class="field">
                <span>{t!(i18n, service_name)} " (" {lang} ")" {(lang == "sq").then_some(" *")}</span>
                <input type="text" data-field=format!("name_{lang}") prop:value=get on:input=set />
            </label>
        }
    };
    view! {
        <h1>{t!(i18n, services_title)}</h1>
        <p class="muted">{t!(i18n, services_help)}</p>
        <ul class="list" data-testid="services">
            {move || {
                let locale = i18n.get_locale().as_str();
                services.get().into_iter().map(|s| {
                    let id = s.id;
                    let whole = s.clone();
                    let retired = s.retired;
                    let area = s.area.clone();
                    view! {
                        <li data-testid="service" data-retired=retired.to_string()>
                            <strong>{s.names.in_locale(locale).to_string()}</strong>
                            <span class="muted">" · " {move || label(i18n, &format!("a_{area}"))} " · " {s.typical_days} " " {t!(i18n, days)}</span>
                            {retired.then(|| view! { " " <span class="badge">{t!(i18n, service_retired)}</span> })}
                            <br />
                            <button type="button" class="link" data-testid="change" on:click=move |_| edit(whole.clone())>{t!(i18n, service_change)}</button>
                            " · "
                            <button type="button" class="link" data-testid="retire" on:click=move |_| retire(id, !retired)>
                                {move || if retired { t_string!(i18n, service_restore) } else { t_string!(i18n, service_retire) }}
                            </button>
                        </li>
                    }
                }).collect_view()
            }}
        </ul>
        <form class="card form" data-testid="add-service" on:submit=|ev| ev.prevent_default()>
            <h2>{move || if editing.get().is_some() { t_string!(i18n, service_change) } else { t_string!(i18n, service_add) }}</h2>
            <label class="field">
                <span>{t!(i18n, service_area)} " *"</span>
                <select data-field="area" on:change=move |ev| area.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    {SERVICE_AREAS.iter().map(|a| {
                        let a = *a;
                        view! { <option value=a selected=move || area.get() == a>{move || label(i18n, &format!("a_{a}"))}</option> }
                    }).collect_view()}
                </select>
            </label>
            {["sq", "sr", "tr", "en"].map(name_input).into_iter().collect_view()}
            <label class="field">
                <span>{t!(i18n, f_institution_id)}</span>
                <select data-field="institution_id" on:change=move |ev| institution.set(event_target_value(&ev))>
                    <option value="">"—"</option>
                    <Suspense>
                        {move || Suspend::new(async move {
                            institutions.await.unwrap_or_default().into_iter().map(|i| {
                                let value = i.id.to_string();
                                let mine = value.clone();
                                view! { <option value=value selected=move || institution.get() == mine>{i.name}</option> }
                            }).collect_view()
                        })}
                    </Suspense>
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, service_typical_days)} " *"</span>
                <input type="number" min="1" max="730" data-field="typical_days" prop:value=move || days.get() on:input=move |ev| days.set(event_target_value(&ev)) />
            </label>
            {move || message.get().map(|m| view! { <p class="notice" data-testid="service-message">{m}</p> })}
            <div class="actions">
                <button type="button" data-testid="save-service" on:click=add>{t!(i18n, save)}</button>
                <Show when=move || editing.get().is_some()>
                    <button type="button" class="link" on:click=move |_| clear()>{t!(i18n, cancel)}</button>
                </Show>
            </div>
        </form>
    }
}
