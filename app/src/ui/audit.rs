//! The audit trail on a screen (`/audit`): supervisors and administrators filter their
//! municipality's rows by case, person, user, action and period, and export what they see as
//! CSV. Each row says who, when, what, on which case and person, from which device, and why.

use super::signed_in;
use crate::domain::audit::{AuditFilter, AuditRow};
use crate::domain::SessionUser;
use crate::i18n::*;
use chrono::NaiveDate;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn AuditPage() -> impl IntoView {
    signed_in(trail)
}

/// An action in words (a refusal with the permission it refused); never its code.
fn action_name(i18n: leptos_i18n::I18nContext<Locale>, action: &str) -> String {
    let (key, permission) = crate::domain::audit::action_words(action);
    let name = crate::i18n_support::label(i18n, &key);
    match permission {
        Some(p) => format!("{name}: {}", crate::i18n_support::label(i18n, &p)),
        None => name,
    }
}

fn trail(_user: SessionUser) -> AnyView {
    let i18n = use_i18n();
    let case_id = RwSignal::new(String::new());
    let person_id = RwSignal::new(String::new());
    let user_id = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let rows = RwSignal::new(Vec::<AuditRow>::new());
    // Everyone seen in the trail so far, to filter by.
    let people = RwSignal::new(Vec::<(Uuid, String)>::new());
    let message = RwSignal::new(None::<String>);
    let filter = move || AuditFilter {
        case_id: Uuid::parse_str(case_id.get().trim()).ok(),
        person_id: Uuid::parse_str(person_id.get().trim()).ok(),
        user_id: Uuid::parse_str(user_id.get().trim()).ok(),
        action: Some(action.get().trim().to_string()).filter(|a| !a.is_empty()),
        from: NaiveDate::parse_from_str(&from.get(), "%Y-%m-%d").ok(),
        to: NaiveDate::parse_from_str(&to.get(), "%Y-%m-%d").ok(),
    };
    let bad_id = move || {
        [case_id.get(), person_id.get()]
            .iter()
            .any(|s| !s.trim().is_empty() && Uuid::parse_str(s.trim()).is_err())
    };
    let load = move || {
        let f = filter();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::audit(&f).await {
                Ok(list) => {
                    people.update(|p| {
                        for r in &list {
                            if let Some(id) = r.user_id {
                                if !p.iter().any(|(x, _)| *x == id) {
                                    p.push((id, r.user_name.clone()));
                                }
                            }
                        }
                        p.sort_by(|a, b| a.1.cmp(&b.1));
                    });
                    message.set(None);
                    rows.set(list);
                }
                Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (f, people);
    };
    Effect::new(move |_| load());
    let export = move || format!("{}/audit.csv?{}", crate::domain::sync::OFFICE_ROOT, filter().query());
    let text = |s: RwSignal<String>| move |ev| s.set(event_target_value(&ev));
    view! {
        <section class="card" data-testid="audit">
            <h2>{t!(i18n, audit_trail)}</h2>
            <p class="muted small">{t!(i18n, audit_trail_body)}</p>
            <form class="form" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <label class="field">{t!(i18n, audit_case)}
                    <input data-testid="audit-case" prop:value=case_id on:input=text(case_id) placeholder="0192…" />
                </label>
                <label class="field">{t!(i18n, audit_person)}
                    <input data-testid="audit-person" prop:value=person_id on:input=text(person_id) />
                </label>
                <label class="field">{t!(i18n, audit_user)}
                    <select data-testid="audit-user" prop:value=user_id on:change=text(user_id)>
                        <option value="">{t!(i18n, audit_everyone)}</option>
                        {move || people.get().into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">{t!(i18n, audit_action)}
                    // Chosen by name; every refusal at once is "refused", the filter's prefix.
                    <select data-testid="audit-action" prop:value=action on:change=text(action)>
                        <option value="">{t!(i18n, audit_everyone)}</option>
                        <option value="refused">{t!(i18n, au_refused)}</option>
                        {crate::domain::audit::ACTIONS.iter().map(|a| view! { <option value=*a>{action_name(i18n, a)}</option> }).collect_view()}
                    </select>
                </label>
                <label class="field">{t!(i18n, audit_from)}
                    <input type="date" data-testid="audit-from" prop:value=from on:input=text(from) />
                </label>
                <label class="field">{t!(i18n, audit_to)}
                    <input type="date" data-testid="audit-to" prop:value=to on:input=text(to) />
                </label>
                {move || bad_id().then(|| view! { <p class="error small">{t!(i18n, audit_bad_id)}</p> })}
                <div class="actions">
                    <button type="submit" data-testid="audit-search">{t!(i18n, audit_search)}</button>
                    <a class="button secondary" data-testid="audit-export" rel="external" download href=export>{t!(i18n, audit_export)}</a>
                </div>
            </form>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <p class="muted small" data-testid="audit-count">{move || rows.with(Vec::len)} " " {t!(i18n, audit_rows)}</p>
            <ul class="list audit" data-testid="audit-rows">
                {move || rows.get().into_iter().map(|r| {
                    let case = r.case_id;
                    let person = r.person_id;
                    let who = r.user_id;
                    view! {
                        <li data-testid="audit-row" data-action=r.action.clone()>
                            <strong>{action_name(i18n, &r.action)}</strong> " · " {crate::ui::field_work::local_time(r.at)}
                            <br />
                            {if r.user_name.is_empty() { t_string!(i18n, audit_server).to_string() } else { r.user_name.clone() }}
                            {who.map(|id| view! { " " <button type="button" class="link" on:click=move |_| { user_id.set(id.to_string()); load(); }>{t!(i18n, audit_only_this)}</button> })}
                            {case.map(|id| view! {
                                <br /> <span class="muted small">{t!(i18n, audit_case)} " "
                                <button type="button" class="link mono" on:click=move |_| { case_id.set(id.to_string()); load(); }>{id.to_string()}</button></span>
                            })}
                            {person.map(|id| view! {
                                <br /> <span class="muted small">{t!(i18n, audit_person)} " "
                                <button type="button" class="link mono" on:click=move |_| { person_id.set(id.to_string()); load(); }>{id.to_string()}</button></span>
                            })}
                            {r.device_id.map(|d| view! { <br /> <span class="muted small">{t!(i18n, audit_device)} " " <span class="mono" data-testid="audit-device">{d.to_string()}</span></span> })}
                            {r.reason.clone().map(|why| view! { <br /> <span data-testid="audit-reason">{t!(i18n, audit_reason)} " " {why}</span> })}
                            {(!r.detail.is_empty()).then(|| view! { <br /> <span class="muted small">{r.detail.clone()}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <Devices />
        <p><a href="/">{t!(i18n, back_home)}</a></p>
    }
    // Type-erased: the page's nested views otherwise outgrow the compiler's depth limit.
    .into_any()
}

/// The devices holding the municipality's users' keys, and marking one lost.
#[component]
fn Devices() -> impl IntoView {
    let i18n = use_i18n();
    let devices = RwSignal::new(Vec::<crate::domain::device::DeviceSummary>::new());
    let message = RwSignal::new(None::<String>);
    let load = move || {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::devices().await {
                Ok(list) => devices.set(list),
                Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
    };
    Effect::new(move |_| load());
    let mark = move |id: Uuid, reason: String| {
        if reason.trim().is_empty() {
            message.set(Some(t_string!(i18n, restriction_no_reason).to_string()));
            return;
        }
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::mark_device_lost(id, reason).await {
                Ok(()) => {
                    message.set(None);
                    load();
                }
                Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (id, reason);
    };
    view! {
        <section class="card" data-testid="devices">
            <h2>{t!(i18n, devices_title)}</h2>
            <p class="muted small">{t!(i18n, devices_hint)}</p>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || devices.with(Vec::is_empty).then(|| view! { <p class="muted">{t!(i18n, no_devices)}</p> })}
            <ul class="list">
                {move || devices.get().into_iter().map(|d| {
                    let id = d.device_id;
                    let reason = RwSignal::new(String::new());
                    let lost = d.lost_at.is_some();
                    view! {
                        <li data-testid="device" data-device=id.to_string() data-lost=lost.to_string()>
                            <strong>{t!(i18n, device)}</strong> " " <span class="mono small">{id.to_string()}</span>
                            <br /> {t!(i18n, device_users)} ": " {d.users.join(", ")}
                            <br /> <span class="muted small">{t!(i18n, device_last_key)} " " {crate::ui::field_work::local_time(d.last_key_at)}</span>
                            {match (d.lost_at, d.lost_reason) {
                                (Some(at), why) => view! {
                                    <p class="error small">{t!(i18n, device_lost)} " · " {crate::ui::field_work::local_time(at)} " · " {why.unwrap_or_default()}</p>
                                }.into_any(),
                                _ => view! {
                                    <form class="inline" on:submit=move |ev| { ev.prevent_default(); mark(id, reason.get_untracked()); }>
                                        <label class="field">{t!(i18n, device_lost_reason)}
                                            <input data-testid="device-lost-reason" prop:value=reason on:input=move |ev| reason.set(event_target_value(&ev)) />
                                        </label>
                                        <button type="submit" class="secondary" data-testid="device-mark-lost">{t!(i18n, device_mark_lost)}</button>
                                    </form>
                                }.into_any(),
                            }}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}
