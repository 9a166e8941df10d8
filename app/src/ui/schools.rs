//! The administrator's registry of the municipality's schools and their classes, and its
//! early-warning thresholds (`/admin/schools`). Names in any script, kept as typed. The
//! thresholds say when they are the product's defaults; the plans give none.

use super::signed_in;
use crate::domain::school::{School, SchoolInput, Thresholds};
use crate::domain::SessionUser;
use crate::i18n::*;
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn SchoolsPage() -> impl IntoView {
    signed_in(registry)
}

fn registry(_admin: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    let schools = RwSignal::new(Vec::<School>::new());
    let thresholds = RwSignal::new(Thresholds::default());
    let defaults = RwSignal::new(true);
    let message = RwSignal::new(None::<String>);
    let reload = move || {
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match (
                crate::phone::net::schools().await,
                crate::phone::net::early_warning().await,
            ) {
                (Ok(list), Ok(ew)) => {
                    schools.set(list);
                    thresholds.set(ew.thresholds);
                    defaults.set(ew.defaults);
                }
                _ => message.set(Some(t_string!(i18n, try_again).to_string())),
            }
        });
    };
    Effect::new(move |_| reload());
    let name = RwSignal::new(String::new());
    let classes = RwSignal::new(String::new());
    let editing = RwSignal::new(None::<Uuid>);
    let edit = move |s: School| {
        name.set(s.name.clone());
        classes.set(s.classes.join(", "));
        editing.set(Some(s.id));
        message.set(None);
    };
    let send = move |id: Option<Uuid>, input: SchoolInput| match input.cleaned() {
        Err(_) => message.set(Some(t_string!(i18n, school_input_invalid).to_string())),
        Ok(clean) => {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                match crate::phone::net::save_school(id, &clean).await {
                    Ok(_) => {
                        editing.set(None);
                        name.set(String::new());
                        classes.set(String::new());
                        message.set(Some(t_string!(i18n, school_saved).to_string()));
                        reload();
                    }
                    Err(_) => message.set(Some(t_string!(i18n, try_again).to_string())),
                }
            });
            #[cfg(not(feature = "hydrate"))]
            let _ = (id, clean);
        }
    };
    let save = move |_| {
        let input = SchoolInput {
            name: name.get_untracked(),
            classes: classes.get_untracked().split([',', '\n']).map(str::to_string).collect(),
            retired: false,
        };
        send(editing.get_untracked(), input);
    };
    let retire = move |s: School, retired: bool| {
        send(
            Some(s.id),
            SchoolInput {
                name: s.name,
                classes: s.classes,
                retired,
            },
        )
    };
    let number = move |key: &'static str, get: fn(&Thresholds) -> u32, put: fn(&mut Thresholds, u32)| {
        view! {
            <label class="field">
                <span>{move || crate::i18n_support::label(i18n, key)}</span>
                <input type="number" min="1" max="365" data-field=key
                    prop:value=move || thresholds.with(|t| get(t).to_string())
                    on:input=move |ev| {
                        let n = event_target_value(&ev).trim().parse().unwrap_or(0);
                        thresholds.update(|t| put(t, n));
                    } />
            </label>
        }
    };
    let save_thresholds = move |_| {
        let t = thresholds.get_untracked();
        if !t.out_of_range().is_empty() {
            message.set(Some(t_string!(i18n, thresholds_out_of_range).to_string()));
        } else {
            #[cfg(feature = "hydrate")]
            leptos::task::spawn_local(async move {
                match crate::phone::net::set_early_warning(&t).await {
                    Ok(ew) => {
                        thresholds.set(ew.thresholds);
                        defaults.set(ew.defaults);
                        message.set(Some(t_string!(i18n, thresholds_saved).to_string()));
                    }
                    Err(_) => message.set(Some(t_string!(i18n, try_again).to_string())),
                }
            });
        }
    };
    view! {
        <h1>{t!(i18n, schools_title)}</h1>
        {move || message.get().map(|m| view! { <p class="notice" role="status" data-testid="message">{m}</p> })}
        <section class="card">
            <ul class="list" data-testid="schools">
                {move || schools.get().into_iter().map(|s| {
                    let (for_edit, for_retire) = (s.clone(), s.clone());
                    let retired = s.retired;
                    view! {
                        <li data-testid="school" data-retired=retired.to_string()>
                            <strong>{s.name.clone()}</strong>
                            <span class="muted">" · " {s.classes.join(", ")}</span>
                            {retired.then(|| view! { " " <span class="badge">{t!(i18n, service_retired)}</span> })}
                            <div class="actions">
                                <button type="button" class="link" on:click=move |_| edit(for_edit.clone())>{t!(i18n, service_change)}</button>
                                <button type="button" class="link" on:click=move |_| retire(for_retire.clone(), !retired)>
                                    {move || if retired { t_string!(i18n, service_restore).to_string() } else { t_string!(i18n, service_retire).to_string() }}
                                </button>
                            </div>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <form class="form" on:submit=|ev| ev.prevent_default()>
                <label class="field"><span>{t!(i18n, school_name)} " *"</span>
                    <input type="text" data-field="name" prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev)) /></label>
                <label class="field"><span>{t!(i18n, school_classes)}</span>
                    <input type="text" data-field="classes" prop:value=move || classes.get() on:input=move |ev| classes.set(event_target_value(&ev)) /></label>
                <div class="actions"><button type="button" data-testid="save-school" on:click=save>{t!(i18n, save)}</button></div>
            </form>
        </section>
        <section class="card" data-testid="thresholds">
            <h2>{t!(i18n, early_warning_title)}</h2>
            <p class="muted" data-testid="thresholds-origin">
                {move || if defaults.get() { t_string!(i18n, thresholds_are_defaults).to_string() } else { t_string!(i18n, thresholds_are_own).to_string() }}
            </p>
            {number("ew_absent_days", |t| t.absent_days, |t, n| t.absent_days = n)}
            {number("ew_absence_run", |t| t.absence_run, |t, n| t.absence_run = n)}
            {number("ew_not_enrolled_days", |t| t.not_enrolled_days, |t, n| t.not_enrolled_days = n)}
            {number("ew_certificate_missing_days", |t| t.certificate_missing_days, |t, n| t.certificate_missing_days = n)}
            <label class="check">
                <input type="checkbox" data-field="repeated_grade"
                    prop:checked=move || thresholds.with(|t| t.repeated_grade)
                    on:change=move |ev| thresholds.update(|t| t.repeated_grade = event_target_checked(&ev)) />
                " " {t!(i18n, ew_repeated_grade)}
            </label>
            <div class="actions"><button type="button" data-testid="save-thresholds" on:click=save_thresholds>{t!(i18n, save)}</button></div>
        </section>
    }
}
