//! The indicator report (`/indicators`): for a plan of the municipality and a period, each
//! indicator's baseline, target and actual side by side with its numerator and denominator (in
//! words and in numbers), the gap to the target, and the cases behind a number as far as the
//! reader may see them. Printable; downloadable as XLSX and CSV. The administrator changes a
//! definition and types the figures the records cannot give, here too.

use super::signed_in;
use crate::domain::indicator::{CasesBehind, IndicatorResult, PlanSummary, Report, Side, Unit};
use crate::domain::{Role, SessionUser};
use crate::i18n::*;
use crate::i18n_support::{label, measure_words};
use chrono::{Datelike, NaiveDate};
use leptos::prelude::*;
use uuid::Uuid;

#[component]
pub fn IndicatorsPage() -> impl IntoView {
    signed_in(page)
}

fn day(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A figure as read in the page's language: a share with one decimal and "%", a count as a
/// whole number.
fn figure(look: &impl Fn(&str) -> String, unit: Unit, v: Option<f64>) -> String {
    use crate::i18n_support::{number_with, percent_with};
    match (unit, v) {
        (_, None) => "—".into(),
        (Unit::Share, Some(v)) => percent_with(look, v, 1),
        (Unit::Count, Some(v)) => number_with(look, v, 0),
    }
}

fn page(user: SessionUser) -> AnyView {
    let i18n = use_i18n();
    let locale = user.locale.clone();
    let admin = user.has_role(Role::Admin);
    let today = crate::domain::follow_up::local_today(chrono::Utc::now());
    let plans = RwSignal::new(Vec::<PlanSummary>::new());
    let plan = RwSignal::new(None::<Uuid>);
    let from = RwSignal::new(NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today).to_string());
    let to = RwSignal::new(today.to_string());
    let report = RwSignal::new(None::<Report>);
    let behind = RwSignal::new(None::<(String, Side, CasesBehind)>);
    let message = RwSignal::new(None::<String>);
    let period = move || Some((day(&from.get())?, day(&to.get())?));
    let load = move || {
        let (Some(p), Some((f, t))) = (plan.get_untracked(), period()) else {
            return;
        };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::indicators::report(p, f, t).await {
                Ok(r) => {
                    message.set(None);
                    behind.set(None);
                    report.set(Some(r));
                }
                Err(e) => {
                    report.set(None);
                    message.set(Some(crate::ui::field_work::net_error_text(i18n, &e)));
                }
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (p, f, t);
    };
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        match crate::phone::net::indicators::plans().await {
            Ok(list) => {
                plan.set(list.first().map(|p| p.id));
                plans.set(list);
                load();
            }
            Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
        }
    });
    let open_cases = move |code: String, side: Side| {
        let (Some(p), Some((f, t))) = (plan.get_untracked(), period()) else {
            return;
        };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::indicators::cases(p, &code, side, f, t).await {
                Ok(list) => behind.set(Some((code, side, list))),
                Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (p, f, t, code, side);
    };
    let download = move |ext: &'static str| {
        move || match (plan.get(), period()) {
            (Some(p), Some((f, t))) => format!(
                "{}/indicators/plans/{p}/report.{ext}?from={f}&to={t}",
                crate::domain::sync::OFFICE_ROOT
            ),
            _ => String::new(),
        }
    };
    let bad_period = move || matches!(period(), Some((f, t)) if t < f);
    let words = move |code: &str| measure_words(code, |k| label(i18n, k));
    view! {
        <section class="card indicators" data-testid="indicators">
            <h2>{t!(i18n, ind_title)}</h2>
            <p class="muted small no-print">{t!(i18n, ind_body)}</p>
            <form class="form no-print" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <label class="field">{t!(i18n, ind_plan)}
                    <select data-testid="ind-plan" on:change=move |ev| { plan.set(Uuid::parse_str(&event_target_value(&ev)).ok()); load(); }>
                        {move || plans.get().into_iter().map(|p| {
                            let chosen = plan.get() == Some(p.id);
                            view! { <option value=p.id.to_string() selected=chosen>{format!("{} ({}–{})", p.name, p.starts_year, p.ends_year)}</option> }
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">{t!(i18n, audit_from)}
                    <input type="date" data-testid="ind-from" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="field">{t!(i18n, audit_to)}
                    <input type="date" data-testid="ind-to" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) />
                </label>
                {move || bad_period().then(|| view! { <p class="error small">{t!(i18n, ind_err_period_ends_before_start)}</p> })}
                <div class="actions">
                    <button type="submit" data-testid="ind-show">{t!(i18n, ind_show)}</button>
                    <a class="button secondary" data-testid="ind-xlsx" rel="external" download href=download("xlsx")>{t!(i18n, ind_download_xlsx)}</a>
                    <a class="button secondary" data-testid="ind-csv" rel="external" download href=download("csv")>{t!(i18n, ind_download_csv)}</a>
                    <button type="button" class="secondary" on:click=move |_| print()>{t!(i18n, ind_print)}</button>
                </div>
            </form>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || (plans.with(Vec::is_empty) && message.get().is_none()).then(|| view! { <p class="muted" data-testid="ind-no-plan">{t!(i18n, ind_no_plan)}</p> })}
            {admin.then(|| adopt_form(i18n, plans, plan, load))}
            {move || report.get().map(|r| {
                let locale = locale.clone();
                view! {
                    <h3 class="print-only">{r.plan.name.clone()}</h3>
                    <p class="muted small" data-testid="ind-period">{format!("{} · {} – {}", r.municipality, r.period.from, r.period.to)}</p>
                    <div class="table-scroll">
                    <table class="report cards" data-testid="ind-report">
                        <thead><tr>
                            <th>{t!(i18n, exp_indicator)}</th>
                            <th class="num">{t!(i18n, exp_numerator)}</th>
                            <th class="num">{t!(i18n, exp_denominator)}</th>
                            <th class="num">{t!(i18n, exp_actual)}</th>
                            <th class="num">{t!(i18n, exp_baseline)}</th>
                            <th class="num">{t!(i18n, exp_target)}</th>
                            <th class="num">{t!(i18n, exp_gap)}</th>
                        </tr></thead>
                        <tbody>
                            {group(&r.rows).into_iter().map(|(objective, rows)| {
                                let locale = locale.clone();
                                view! {
                                    <tr class="objective"><th colspan="7">{objective.get(&locale).to_string()}</th></tr>
                                    {rows.into_iter().map(|row| line(i18n, &locale, row, admin, open_cases, words, plan, period, load)).collect_view()}
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            })}
            {move || behind.get().map(|(code, side, list)| cases_view(i18n, plan.get(), period(), code, side, list, behind))}
        </section>
    }
    .into_any()
}

/// The administrator gives the municipality a plan from a template (Obiliq's objectives,
/// Prizren's plan), to change afterwards indicator by indicator.
fn adopt_form(
    i18n: leptos_i18n::I18nContext<Locale>,
    plans: RwSignal<Vec<PlanSummary>>,
    plan: RwSignal<Option<Uuid>>,
    load: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let templates = RwSignal::new(Vec::<crate::domain::indicator::TemplateSummary>::new());
    let chosen = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        if let Ok(list) = crate::phone::net::indicators::templates().await {
            chosen.set(list.first().map(|t| t.code.clone()).unwrap_or_default());
            templates.set(list);
        }
    });
    let add = move |_| {
        let code = chosen.get_untracked();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::indicators::adopt(&code).await {
                Ok(p) => {
                    let id = p.id;
                    plans.update(|list| {
                        if !list.iter().any(|x| x.id == id) {
                            list.push(p);
                        }
                    });
                    plan.set(Some(id));
                    note.set(Some(t_string!(i18n, ind_saved).to_string()));
                    load();
                }
                Err(e) => note.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (code, plans, plan, load);
    };
    view! {
        <details class="no-print" data-testid="ind-adopt">
            <summary>{t!(i18n, ind_adopt)}</summary>
            <p class="muted small">{t!(i18n, ind_adopt_body)}</p>
            <select prop:value=chosen on:change=move |ev| chosen.set(event_target_value(&ev))>
                {move || templates.get().into_iter().map(|t| view! {
                    <option value=t.code.clone()>{format!("{} ({}–{})", t.name, t.starts_year, t.ends_year)}</option>
                }).collect_view()}
            </select>
            " "
            <button type="button" data-testid="ind-adopt-add" on:click=add>{t!(i18n, ind_adopt_add)}</button>
            {move || note.get().map(|n| view! { <p class="small" role="status">{n}</p> })}
        </details>
    }
}

/// The rows under their objective, in the plan's order.
fn group(rows: &[IndicatorResult]) -> Vec<(crate::domain::indicator::LocalText, Vec<IndicatorResult>)> {
    let mut out: Vec<(crate::domain::indicator::LocalText, Vec<IndicatorResult>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|(o, _)| *o == r.objective) {
            Some((_, list)) => list.push(r.clone()),
            None => out.push((r.objective.clone(), vec![r.clone()])),
        }
    }
    out
}

fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

#[allow(clippy::too_many_arguments)]
fn line(
    i18n: leptos_i18n::I18nContext<Locale>,
    locale: &str,
    row: IndicatorResult,
    admin: bool,
    open_cases: impl Fn(String, Side) + Copy + Send + Sync + 'static,
    words: impl Fn(&str) -> String + Copy + Send + Sync + 'static,
    plan: RwSignal<Option<Uuid>>,
    period: impl Fn() -> Option<(NaiveDate, NaiveDate)> + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let count = |side: Side, n: Option<u64>, code: String| {
        let indicator = row.code.clone();
        n.map(|n| {
            view! {
                <button type="button" class="link" data-testid=format!("ind-{}-{}", row.code, if side == Side::Numerator { "num" } else { "den" })
                    on:click=move |_| open_cases(indicator.clone(), side)>{n}</button>
                <br /><span class="muted small">{words(&code)}</span>
            }
        })
    };
    let numerator = count(
        Side::Numerator,
        row.numerator,
        row.numerator_code.clone().unwrap_or_default(),
    );
    let denominator = count(
        Side::Denominator,
        row.denominator,
        row.denominator_code.clone().unwrap_or_default(),
    );
    let look = move |k: &str| crate::i18n_support::label(i18n, k);
    let short = row.gap.is_some_and(|g| g < 0.0);
    let target = row
        .target
        .map(|(y, t)| format!("{} ({y})", figure(&look, row.unit, Some(t))));
    let gap = row.gap.map(|g| {
        format!(
            "{}{}",
            if g < 0.0 { "−" } else { "+" },
            crate::i18n_support::number_with(&look, g.abs(), 1)
        )
    });
    view! {
        <tr data-testid=format!("ind-row-{}", row.code)>
            <td>{row.title.get(locale).to_string()}
                {row.by_hand.then(|| view! { <br /><span class="muted small">{t!(i18n, exp_by_hand)}</span> })}
                {admin.then(|| editor(i18n, row.clone(), plan, period, reload))}
            </td>
            <td class="num" data-label=t_string!(i18n, exp_numerator)>{numerator}</td>
            <td class="num" data-label=t_string!(i18n, exp_denominator)>{denominator}</td>
            <td class="num" data-label=t_string!(i18n, exp_actual) data-testid=format!("ind-{}-actual", row.code)><strong>{figure(&look, row.unit, row.actual)}</strong></td>
            <td class="num" data-label=t_string!(i18n, exp_baseline)>{figure(&look, row.unit, row.baseline)}</td>
            <td class="num" data-label=t_string!(i18n, exp_target)>{target.unwrap_or_else(|| "—".into())}</td>
            <td class="num" data-label=t_string!(i18n, exp_gap) class:short=short>{gap.unwrap_or_else(|| "—".into())}</td>
        </tr>
    }
}

/// The administrator's edit of one indicator: its numerator, denominator, baseline and targets,
/// or the figure typed by hand for the period shown.
fn editor(
    i18n: leptos_i18n::I18nContext<Locale>,
    row: IndicatorResult,
    plan: RwSignal<Option<Uuid>>,
    period: impl Fn() -> Option<(NaiveDate, NaiveDate)> + Copy + Send + Sync + 'static,
    reload: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let numerator = RwSignal::new(row.numerator_code.clone().unwrap_or_default());
    let denominator = RwSignal::new(row.denominator_code.clone().unwrap_or_default());
    let baseline = RwSignal::new(row.baseline.map(|b| b.to_string()).unwrap_or_default());
    let targets = RwSignal::new(String::new());
    let value = RwSignal::new(
        row.actual
            .filter(|_| row.by_hand)
            .map(|v| v.to_string())
            .unwrap_or_default(),
    );
    let note = RwSignal::new(None::<String>);
    let by_hand = row.by_hand;
    let code = row.code.clone();
    let save = move |_| {
        let Some(p) = plan.get_untracked() else { return };
        let row = row.clone();
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let done = if by_hand {
                match (period(), value.get_untracked().trim().replace(',', ".").parse::<f64>()) {
                    (Some((f, t)), Ok(v)) => crate::phone::net::indicators::type_by_hand(p, &row.code, f, t, v).await,
                    _ => Err(crate::phone::net::NetError::Refused("not_a_number".into())),
                }
            } else {
                let def = crate::domain::indicator::IndicatorDef {
                    code: row.code.clone(),
                    objective: row.objective.clone(),
                    title: row.title.clone(),
                    unit: row.unit,
                    numerator: Some(numerator.get_untracked().trim().to_string()),
                    denominator: Some(denominator.get_untracked().trim().to_string()).filter(|d| !d.is_empty()),
                    baseline: baseline.get_untracked().trim().replace(',', ".").parse().ok(),
                    targets: parse_targets(&targets.get_untracked())
                        .unwrap_or_else(|| row.target.into_iter().collect()),
                };
                crate::phone::net::indicators::edit(p, &def).await
            };
            match done {
                Ok(()) => {
                    note.set(Some(t_string!(i18n, ind_saved).to_string()));
                    reload();
                }
                Err(e) => note.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (p, row, period, reload);
    };
    view! {
        <details class="no-print edit-indicator">
            <summary data-testid=format!("ind-edit-{code}")>{t!(i18n, ind_edit)}</summary>
            {if by_hand {
                view! {
                    <label class="field">{t!(i18n, ind_by_hand_value)}
                        <input inputmode="decimal" data-testid=format!("ind-value-{code}") prop:value=value on:input=move |ev| value.set(event_target_value(&ev)) />
                    </label>
                }.into_any()
            } else {
                view! {
                    <label class="field">{t!(i18n, exp_numerator)}
                        <input list="ind-measures" prop:value=numerator on:input=move |ev| numerator.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">{t!(i18n, exp_denominator)}
                        <input list="ind-measures" prop:value=denominator on:input=move |ev| denominator.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">{t!(i18n, exp_baseline)}
                        <input inputmode="decimal" prop:value=baseline on:input=move |ev| baseline.set(event_target_value(&ev)) />
                    </label>
                    <label class="field">{t!(i18n, ind_targets)}
                        <input data-testid=format!("ind-targets-{code}") placeholder="2026: 70, 2028: 90" prop:value=targets on:input=move |ev| targets.set(event_target_value(&ev)) />
                    </label>
                    <datalist id="ind-measures">
                        {crate::domain::indicator::Base::ALL.iter().map(|b| view! { <option value=b.code()></option> }).collect_view()}
                    </datalist>
                }.into_any()
            }}
            <button type="button" data-testid=format!("ind-save-{code}") on:click=save>{t!(i18n, ind_save)}</button>
            {move || note.get().map(|n| view! { <p class="small" role="status">{n}</p> })}
        </details>
    }
}

/// "2026: 70, 2028: 90" as targets by year; `None` when empty or not in that form.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
fn parse_targets(s: &str) -> Option<Vec<(i32, f64)>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    s.split([',', ';'])
        .map(|part| {
            let (y, v) = part.split_once(':')?;
            Some((
                y.trim().parse().ok()?,
                v.trim().trim_end_matches('%').trim().parse().ok()?,
            ))
        })
        .collect()
}

fn cases_view(
    i18n: leptos_i18n::I18nContext<Locale>,
    plan: Option<Uuid>,
    period: Option<(NaiveDate, NaiveDate)>,
    code: String,
    side: Side,
    list: CasesBehind,
    behind: RwSignal<Option<(String, Side, CasesBehind)>>,
) -> impl IntoView {
    let link = move |ext: &str| match (plan, period) {
        (Some(p), Some((f, t))) => format!(
            "{}/indicators/plans/{p}/cases.{ext}?{}",
            crate::domain::sync::OFFICE_ROOT,
            crate::domain::indicator::cases_query(&code, side, f, t)
        ),
        _ => String::new(),
    };
    let (xlsx, csv) = (link("xlsx"), link("csv"));
    let hidden = list.hidden;
    view! {
        <section class="cases-behind" data-testid="ind-cases">
            <h3>{t!(i18n, ind_cases_behind)}</h3>
            <ul class="list">
                {list.cases.into_iter().map(|c| view! {
                    <li>
                        <strong>{c.name}</strong> " · " {c.village} " · " {c.field_worker}
                        {c.returned_on.map(|d| view! { " · " {d.to_string()} })}
                    </li>
                }).collect_view()}
            </ul>
            {(hidden > 0).then(|| view! { <p class="muted small" data-testid="ind-hidden">{hidden} " " {t!(i18n, ind_hidden)}</p> })}
            <div class="actions no-print">
                <a class="button secondary" data-testid="ind-cases-xlsx" rel="external" download href=xlsx>{t!(i18n, ind_download_xlsx)}</a>
                <a class="button secondary" rel="external" download href=csv>{t!(i18n, ind_download_csv)}</a>
                <button type="button" class="secondary" on:click=move |_| behind.set(None)>{t!(i18n, ind_close)}</button>
            </div>
        </section>
    }
}

/// The supervisor's dashboard (`/dashboard`): drawn on the server (charts as SVG with their
/// numbers beside them, in the reader's language) and shown here as it comes.
#[component]
pub fn DashboardPage() -> impl IntoView {
    signed_in(dashboard)
}

fn dashboard(_user: SessionUser) -> AnyView {
    let i18n = use_i18n();
    let html = RwSignal::new(String::new());
    let message = RwSignal::new(None::<String>);
    #[cfg(feature = "hydrate")]
    leptos::task::spawn_local(async move {
        match crate::phone::net::dashboard_html().await {
            Ok(h) => html.set(h),
            Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
        }
    });
    view! {
        <section class="card" data-testid="dashboard">
            <h2>{t!(i18n, dash_title)}</h2>
            <p class="muted small no-print">{t!(i18n, dash_body)}</p>
            <p class="no-print"><a class="button secondary" href="/indicators" data-testid="open-indicators">{t!(i18n, nav_indicators)}</a></p>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            <div data-testid="dash-charts" inner_html=move || html.get()></div>
            <h3 class="no-print">{t!(i18n, exp_downloads)}</h3>
            <ul class="list no-print" data-testid="dash-exports">
                {[("cases", "exp_list_cases"), ("follow-ups", "exp_list_follow_ups"), ("referrals", "exp_list_referrals"), ("plans", "exp_list_plans")]
                    .into_iter()
                    .map(|(file, key)| {
                        let root = crate::domain::sync::OFFICE_ROOT;
                        view! {
                            <li>{label(i18n, key)} " · "
                                <a rel="external" download href=format!("{root}/exports/{file}.xlsx") data-testid=format!("export-{file}-xlsx")>"XLSX"</a> " · "
                                <a rel="external" download href=format!("{root}/exports/{file}.csv")>"CSV"</a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

/// The national view (`/national`): every municipality's indicators side by side, each by its
/// own plan; counts under five show as "<5" and their shares are hidden.
#[component]
pub fn NationalPage() -> impl IntoView {
    signed_in(national)
}

fn shown(s: Option<crate::domain::indicator::Shown>) -> String {
    use crate::domain::indicator::{Shown, SMALL_NUMBER};
    match s {
        None => String::new(),
        Some(Shown::Count(n)) => n.to_string(),
        Some(Shown::Few) => format!("<{SMALL_NUMBER}"),
    }
}

fn national(user: SessionUser) -> AnyView {
    let i18n = use_i18n();
    let locale = user.locale.clone();
    let today = crate::domain::follow_up::local_today(chrono::Utc::now());
    let from = RwSignal::new(NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today).to_string());
    let to = RwSignal::new(today.to_string());
    let view_ = RwSignal::new(None::<crate::domain::indicator::NationalView>);
    let message = RwSignal::new(None::<String>);
    let load = move || {
        let (Some(f), Some(t)) = (day(&from.get_untracked()), day(&to.get_untracked())) else {
            return;
        };
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            match crate::phone::net::indicators::national(f, t).await {
                Ok(v) => {
                    message.set(None);
                    view_.set(Some(v));
                }
                Err(e) => message.set(Some(crate::ui::field_work::net_error_text(i18n, &e))),
            }
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (f, t);
    };
    load();
    view! {
        <section class="card indicators" data-testid="national">
            <h2>{t!(i18n, nat_title)}</h2>
            <p class="muted small">{t!(i18n, nat_body)}</p>
            <form class="form no-print" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <label class="field">{t!(i18n, audit_from)}
                    <input type="date" prop:value=from on:input=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="field">{t!(i18n, audit_to)}
                    <input type="date" prop:value=to on:input=move |ev| to.set(event_target_value(&ev)) />
                </label>
                <div class="actions">
                    <button type="submit" data-testid="nat-show">{t!(i18n, ind_show)}</button>
                    <button type="button" class="secondary" on:click=move |_| print()>{t!(i18n, ind_print)}</button>
                </div>
            </form>
            {move || message.get().map(|m| view! { <p class="error" role="alert">{m}</p> })}
            {move || view_.get().map(|v| {
                let locale = locale.clone();
                view! {
                    <div class="table-scroll">
                    <table class="report" data-testid="nat-table">
                        <thead><tr>
                            <th>{t!(i18n, exp_indicator)}</th>
                            {v.municipalities.iter().map(|(name, plan)| view! {
                                <th class="num">{name.clone()}
                                    {plan.is_none().then(|| view! { <br /><span class="muted small">{t!(i18n, nat_no_plan)}</span> })}
                                </th>
                            }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {v.rows.iter().map(|row| {
                                let unit = row.unit;
                                let look = move |k: &str| crate::i18n_support::label(i18n, k);
                                view! {
                                    <tr data-testid=format!("nat-row-{}", row.code)>
                                        <td>{row.title.get(&locale).to_string()}</td>
                                        {row.cells.iter().map(|c| match c {
                                            None => view! { <td class="num">"—"</td> }.into_any(),
                                            Some(c) => {
                                                let counts = match (c.numerator, c.denominator) {
                                                    (Some(n), Some(d)) => format!("{} / {}", shown(Some(n)), shown(Some(d))),
                                                    (n, _) => shown(n),
                                                };
                                                view! {
                                                    <td class="num"><strong>{figure(&look, unit, c.actual)}</strong>
                                                        <br /><span class="muted small">{counts}</span></td>
                                                }.into_any()
                                            }
                                        }).collect_view()}
                                    </tr>
                                }
                            }).collect_view()}
                        </tbody>
                    </table>
                    </div>
                }
            })}
        </section>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_are_typed_as_year_colon_value() {
        assert_eq!(
            parse_targets("2026: 70, 2028: 90 %"),
            Some(vec![(2026, 70.0), (2028, 90.0)])
        );
        assert_eq!(parse_targets(""), None);
        assert_eq!(parse_targets("seventy"), None);
    }

    #[test]
    fn figures_read_as_shares_or_counts() {
        let en: std::collections::BTreeMap<String, String> =
            serde_json::from_str(include_str!("../../locales/en.json")).unwrap();
        let look = |k: &str| en[k].clone();
        assert_eq!(figure(&look, Unit::Share, Some(66.66)), "66.7%");
        assert_eq!(figure(&look, Unit::Count, Some(1200.0)), "1,200");
        assert_eq!(figure(&look, Unit::Share, None), "—");
    }
}
