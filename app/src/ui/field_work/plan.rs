//! The individual plan on the phone or tablet, offline like every record: the case manager
//! drafts it from the latest assessment's needs and the catalogue, edits and submits it; the
//! supervisor approves or returns the submitted version; the history lists every version and
//! decision with what changed; the monthly monitoring and quarterly review forms; the printable
//! plan for the paper file.

use super::inputs::{discard_one, new_draft, problems_of, save_one, Field, Problems};
use super::visit::open_draft;
use super::{go, Screen};
use crate::domain::access::{permits, Action, Target};
use crate::domain::follow_up::local_today;
use crate::domain::plan::{self, ItemAnswer, ItemChange, PlanContent, PlanItem, PlanRecords, PlanState, ITEM_STATUSES};
use crate::domain::record::monitoring::RECEIVED;
use crate::domain::record::review::PROGRESS;
use crate::domain::record::{
    self, Assessment, Case, Context, Household, Member, Monitoring, Plan, PlanDecision, PlanVersion, ReturnEvent,
    Review, TypedRecord,
};
use crate::domain::{FieldError, RecordKind, SessionUser};
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::{filled, member_facts, Draft};
use crate::phone::store::{of_case, PhoneStore};
use crate::spec;
use chrono::{SubsecRound, Utc};
use leptos::prelude::*;
use leptos_i18n::{I18nContext, Locale as _};
use uuid::Uuid;

const ITEMS: &str = spec!(plan, "items").name;

/// The plan's state in the user's words.
pub(crate) fn state_text(i18n: I18nContext<Locale>, state: PlanState) -> String {
    match state {
        PlanState::None => t_string!(i18n, plan_state_none),
        PlanState::Draft => t_string!(i18n, plan_state_draft),
        PlanState::WaitingForApproval => t_string!(i18n, plan_state_waiting),
        PlanState::Returned => t_string!(i18n, plan_state_returned),
        PlanState::Approved => t_string!(i18n, plan_state_approved),
        PlanState::ChangedSinceApproval => t_string!(i18n, plan_state_changed),
    }
    .to_string()
}

/// The case as the permission table sees it, from the phone's copy.
pub(crate) fn case_target(user: &SessionUser, store: PhoneStore, case_id: Uuid) -> Target {
    let case = store.record(case_id).map(|c| Case::read(&c.fields)).unwrap_or_default();
    case.target(user.municipality_id, case.field_worker_id)
}

pub(crate) fn may(store: PhoneStore, case_id: Uuid, action: Action) -> bool {
    use_context::<SessionUser>().is_some_and(|u| permits(&u, action, case_target(&u, store, case_id)))
}

fn plan_records(store: PhoneStore, case_id: Uuid) -> PlanRecords {
    let records = store.local();
    PlanRecords::read(
        records
            .iter()
            .filter(|r| r.case_id == case_id)
            .map(|r| (r.kind, r.id, &r.fields)),
    )
}

fn members(store: PhoneStore, case_id: Uuid) -> Vec<(Uuid, Member)> {
    of_case(&store.local(), case_id, RecordKind::Member)
        .into_iter()
        .map(|m| (m.id, Member::read(&m.fields)))
        .filter(|(_, m)| m.merged_into.is_none())
        .collect()
}

fn service_name(store: PhoneStore, i18n: I18nContext<Locale>, id: Option<Uuid>) -> String {
    let locale = i18n.get_locale().as_str();
    store.services.with(|all| {
        all.iter()
            .find(|s| Some(s.id) == id)
            .map(|s| s.names.in_locale(locale).to_string())
            .unwrap_or_default()
    })
}

/// A value of a plan record's field as people read it: the items as their goals and services
/// (the conflict screen shows two of these side by side).
pub(crate) fn field_text(
    store: PhoneStore,
    i18n: I18nContext<Locale>,
    field: &str,
    value: &serde_json::Value,
) -> String {
    if field != ITEMS {
        return record::display_value(value);
    }
    let items: Vec<PlanItem> = serde_json::from_value(value.clone()).unwrap_or_default();
    items
        .iter()
        .map(|i| {
            let service = service_name(store, i18n, i.service_id);
            let due = i.due_on.map(|d| d.to_string()).unwrap_or_default();
            if i.goal.trim().is_empty() {
                format!("{service} ({due})")
            } else {
                format!("{}: {service} ({due})", i.goal.trim())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// A new plan drafted from the latest assessment's needs: each need suggests the catalogue's
/// services of its area, for the head of the household, starting today.
pub(crate) fn draft_from_needs(store: PhoneStore, case_id: Uuid) -> Uuid {
    let records = store.local();
    let latest = of_case(&records, case_id, RecordKind::Assessment)
        .into_iter()
        .map(|a| (a.id, Assessment::read(&a.fields)))
        .max_by_key(|(_, a)| a.completed_at);
    let needs = latest.as_ref().map(|(_, a)| a.needs()).unwrap_or_default();
    let people = members(store, case_id);
    let head = people
        .iter()
        .find(|(_, m)| m.is_head())
        .or(people.first())
        .map(|(id, _)| *id);
    let foreigner = of_case(&records, case_id, RecordKind::ReturnEvent)
        .first()
        .and_then(|r| ReturnEvent::read(&r.fields).category)
        .is_some_and(|c| c.starts_with("foreigner"));
    let services = store.services.get_untracked();
    let items = plan::suggest_items(&needs, &services, head, local_today(Utc::now()), Uuid::now_v7);
    let id = Uuid::now_v7();
    let draft = Plan {
        plan_type: Some(if foreigner { "pii" } else { "pir" }.into()),
        assessment_id: latest.map(|(id, _)| id),
        items,
        notes: None,
    };
    store.save_draft(new_draft(RecordKind::Plan, id, case_id, draft.to_fields(), None));
    id
}

/// The plan block of the case screen: its state, and what this user may do next.
#[component]
pub fn PlanSection(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = Memo::new(move |_| plan_records(store, case_id));
    let status = move || records.with(PlanRecords::status);
    // Nothing new is planned on a closed case.
    let can_draft = move || {
        may(store, case_id, Action::DraftPlan)
            && !store.record(case_id).is_some_and(|c| Case::read(&c.fields).is_closed())
    };
    let start = move |_| {
        draft_from_needs(store, case_id);
        go(Screen::Plan(case_id));
    };
    let new_follow_up = move |kind: RecordKind| {
        let Some((plan_id, _)) = records.get_untracked().plan else {
            return;
        };
        let id = Uuid::now_v7();
        let today = local_today(Utc::now());
        let fields = if kind == RecordKind::Monitoring {
            // The school team's absences of the month, from the education directorate.
            let case_records: Vec<_> = store.local().into_iter().filter(|r| r.case_id == case_id).collect();
            let children = super::school::children(&case_records, &store.thresholds.get_untracked(), today);
            let attendance = crate::domain::school::attendance_summary(
                children.iter().map(|c| (&c.schooling, &c.attendance[..])),
                today - chrono::Months::new(1),
                today,
            );
            Monitoring {
                plan_id: Some(plan_id),
                done_on: Some(today),
                school_attendance: Some(attendance).filter(|a| !a.is_empty()),
                ..Default::default()
            }
            .to_fields()
        } else {
            Review {
                plan_id: Some(plan_id),
                done_on: Some(today),
                ..Default::default()
            }
            .to_fields()
        };
        store.save_draft(new_draft(kind, id, case_id, fields, None));
        go(if kind == RecordKind::Monitoring {
            Screen::Monitoring(case_id, id)
        } else {
            Screen::Review(case_id, id)
        });
    };
    let case_manager = move || {
        store
            .record(case_id)
            .map(|c| Case::read(&c.fields))
            .filter(|c| c.case_manager_id.is_some())
    };
    view! {
        <h3>{t!(i18n, individual_plan)}</h3>
        <div data-testid="plan-section">
            <p>
                <span class="badge" data-testid="plan-state" data-state=move || status().state.as_str()>
                    {move || state_text(i18n, status().state)}
                </span>
                {move || (status().changed_since_approval && status().state != PlanState::ChangedSinceApproval).then(|| view! {
                    " " <span class="badge warn">{t!(i18n, plan_state_changed)}</span>
                })}
                {move || status().active_since.map(|d| view! { " " <span class="muted">{t!(i18n, plan_active_since)} " " {d.to_string()}</span> })}
            </p>
            {move || case_manager().map(|c| view! {
                <p class="muted small" data-testid="case-manager">
                    {t!(i18n, case_manager)} " · " {t!(i18n, f_case_manager_decision)} " " {c.case_manager_decision.unwrap_or_default()}
                    " · " {c.case_manager_decided_on.map(|d| d.to_string()).unwrap_or_default()}
                </p>
            })}
            <div class="actions">
                {move || match (records.with(|r| r.plan.is_some()), can_draft()) {
                    (true, _) => Some(view! {
                        <a rel="external" class="button secondary" data-testid="open-plan" href=Screen::Plan(case_id).href()>{t!(i18n, open_plan)}</a>
                    }.into_any()),
                    (false, true) => Some(view! {
                        <button type="button" data-testid="draft-plan" on:click=start>{t!(i18n, draft_plan_from_needs)}</button>
                    }.into_any()),
                    (false, false) => None,
                }}
                {move || (status().active_since.is_some() && can_draft()).then(|| view! {
                    <button type="button" class="secondary" data-testid="new-monitoring" on:click=move |_| new_follow_up(RecordKind::Monitoring)>{t!(i18n, fill_monitoring)}</button>
                    <button type="button" class="secondary" data-testid="new-review" on:click=move |_| new_follow_up(RecordKind::Review)>{t!(i18n, fill_review)}</button>
                })}
            </div>
        </div>
    }
}

/// Changes one item of the plan's draft.
fn update_item(store: PhoneStore, plan_id: Uuid, item_id: Uuid, change: impl FnOnce(&mut PlanItem)) {
    let Some(draft) = store.draft(plan_id) else { return };
    let mut plan = Plan::read(&draft.fields);
    if let Some(item) = plan.items.iter_mut().find(|i| i.id == item_id) {
        change(item);
    }
    super::inputs::set_field(
        store,
        plan_id,
        ITEMS,
        serde_json::to_value(&plan.items).unwrap_or_default(),
    );
}

fn item_of(store: PhoneStore, plan_id: Uuid, item_id: Uuid) -> PlanItem {
    store
        .draft(plan_id)
        .map(|d| Plan::read(&d.fields))
        .and_then(|p| p.items.into_iter().find(|i| i.id == item_id))
        .unwrap_or_default()
}

fn parse_day(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// One line of the plan, edited in place.
#[component]
fn ItemEditor(plan_id: Uuid, case_id: Uuid, item_id: Uuid, number: usize) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let item = move || item_of(store, plan_id, item_id);
    let people = move || members(store, case_id);
    let set = move |f: fn(&mut PlanItem, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            update_item(store, plan_id, item_id, |i| f(i, v));
        }
    };
    let remove = move |_| {
        let Some(draft) = store.draft(plan_id) else { return };
        let mut plan = Plan::read(&draft.fields);
        plan.items.retain(|i| i.id != item_id);
        super::inputs::set_field(
            store,
            plan_id,
            ITEMS,
            serde_json::to_value(&plan.items).unwrap_or_default(),
        );
    };
    let locale = move || i18n.get_locale().as_str();
    view! {
        <fieldset class="member" data-testid="plan-item">
            <legend>{t!(i18n, plan_item)} " " {number}</legend>
            <label class="field">
                <span>{t!(i18n, f_member_id)} " *"</span>
                <select data-field="member_id" on:change=set(|i, v| i.member_id = Uuid::parse_str(&v).ok())>
                    <option value="">"—"</option>
                    {move || people().into_iter().map(|(id, m)| {
                        let selected = item().member_id == Some(id);
                        view! { <option value=id.to_string() selected=selected>{m.full_name()}</option> }
                    }).collect_view()}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, f_service_id)} " *"</span>
                <select data-field="service_id" on:change=move |ev| {
                    let id = Uuid::parse_str(&event_target_value(&ev)).ok();
                    let provider = store.services.with_untracked(|all| all.iter().find(|s| Some(s.id) == id).and_then(|s| s.institution_id));
                    update_item(store, plan_id, item_id, |i| {
                        i.service_id = id;
                        i.institution_id = provider;
                    });
                }>
                    <option value="">"—"</option>
                    {move || {
                        let chosen = item().service_id;
                        store.services.get().into_iter().filter(|s| !s.retired || Some(s.id) == chosen).map(|s| {
                            let area = s.area.clone();
                            view! {
                                <option value=s.id.to_string() selected=Some(s.id) == chosen>
                                    {move || label(i18n, &format!("a_{area}"))} " · " {s.names.in_locale(locale()).to_string()}
                                </option>
                            }
                        }).collect_view()
                    }}
                </select>
            </label>
            <label class="field">
                <span>{t!(i18n, f_goal)}</span>
                <textarea data-field="goal" rows="2" prop:value=move || item().goal on:input=set(|i, v| i.goal = v)></textarea>
            </label>
                <label class="field">
                    <span>{t!(i18n, f_start_on)} " *"</span>
                    <input type="date" data-field="start_on" prop:value=move || item().start_on.map(|d| d.to_string()).unwrap_or_default()
                        on:input=set(|i, v| i.start_on = parse_day(&v)) />
                </label>
                <label class="field">
                    <span>{t!(i18n, f_due_on)} " *"</span>
                    <input type="date" data-field="due_on" prop:value=move || item().due_on.map(|d| d.to_string()).unwrap_or_default()
                        on:input=set(|i, v| i.due_on = parse_day(&v)) />
                </label>
            <label class="field">
                <span>{t!(i18n, f_status)}</span>
                <select data-field="status" on:change=set(|i, v| i.status = v)>
                    {ITEM_STATUSES.iter().map(|s| {
                        let s = *s;
                        view! { <option value=s selected=move || item().status == s>{move || label(i18n, &format!("c_{s}"))}</option> }
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || item().status == "not_possible">
                <label class="field">
                    <span>{t!(i18n, f_reason)} " *"</span>
                    <input type="text" data-field="reason" prop:value=move || item().reason on:input=set(|i, v| i.reason = v) />
                </label>
            </Show>
            <button type="button" class="link" on:click=remove>{t!(i18n, remove_item)}</button>
        </fieldset>
    }
}

/// The plan screen (`#plan/<case>`).
#[component]
pub fn PlanView(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = Memo::new(move |_| plan_records(store, case_id));
    let plan_id = records.get_untracked().plan.map(|(id, _)| id).or_else(|| {
        // A draft never saved is found among the drafts.
        store.drafts.with_untracked(|d| {
            d.values()
                .find(|x| x.kind == RecordKind::Plan && x.case_id == case_id)
                .map(|x| x.record_id)
        })
    });
    let Some(plan_id) = plan_id else {
        return view! {
            <section class="card">
                <a rel="external" href=Screen::Case(case_id).href()>{t!(i18n, back_to_case)}</a>
                <p>{t!(i18n, plan_state_none)}</p>
            </section>
        }
        .into_any();
    };
    let can_draft = may(store, case_id, Action::DraftPlan);
    let can_decide = may(store, case_id, Action::DecidePlan);
    if can_draft {
        open_draft(store, RecordKind::Plan, plan_id, case_id);
    }
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let status = move || records.with(PlanRecords::status);
    let items = move || {
        store
            .draft(plan_id)
            .map(|d| Plan::read(&d.fields))
            .or_else(|| records.with(|r| r.plan.clone().map(|(_, p)| p)))
            .unwrap_or_default()
            .items
    };
    let add_item = move |_| {
        let Some(draft) = store.draft(plan_id) else { return };
        let mut plan = Plan::read(&draft.fields);
        let today = local_today(Utc::now());
        plan.items.push(PlanItem {
            id: Uuid::now_v7(),
            start_on: Some(today),
            due_on: Some(today + chrono::Days::new(30)),
            status: "planned".into(),
            ..Default::default()
        });
        super::inputs::set_field(
            store,
            plan_id,
            ITEMS,
            serde_json::to_value(&plan.items).unwrap_or_default(),
        );
    };
    let checked = move || -> Option<Draft> {
        let draft = store.draft(plan_id)?;
        let mut ctx = Context::at(Utc::now());
        ctx.members = member_facts(
            of_case(&store.local(), case_id, RecordKind::Member)
                .iter()
                .map(|m| (&m.id, &m.fields)),
        );
        let found = problems_of(i18n, &draft, &ctx);
        let clean = found.is_empty();
        errors.set(found);
        clean.then_some(draft)
    };
    let save = move |_| {
        if let Some(draft) = checked() {
            super::finish_and_return(store, vec![draft], case_id);
        }
    };
    let submit = move |_| {
        let Some(draft) = checked() else { return };
        let content = PlanContent::of(&Plan::read(&filled(&draft.fields)));
        let version = PlanVersion {
            plan_id: Some(plan_id),
            content_hash: plan::content_hash(&content),
            content,
            submitted_at: Some(Utc::now().trunc_subsecs(0)),
        };
        let version = new_draft(
            RecordKind::PlanVersion,
            Uuid::now_v7(),
            case_id,
            version.to_fields(),
            None,
        );
        // The plan's edit first, then the version that names its content: sent in this order.
        super::finish_and_return(store, vec![draft, version], case_id);
    };
    let comment = RwSignal::new(String::new());
    let decide = move |what: &'static str| {
        let s = status();
        let Some(version_id) = s.waiting_version else { return };
        if what == "returned" && comment.get_untracked().trim().is_empty() {
            errors.set(vec![(
                label(i18n, "k_plan_decision"),
                FieldError::new("comment", crate::domain::Problem::Required),
            )]);
            return;
        }
        let decision = PlanDecision {
            plan_id: Some(plan_id),
            version_id: Some(version_id),
            content_hash: s.hash.clone(),
            decision: Some(what.into()),
            comment: Some(comment.get_untracked()).filter(|c| !c.trim().is_empty()),
            decided_at: Some(Utc::now().trunc_subsecs(0)),
        };
        let draft = new_draft(
            RecordKind::PlanDecision,
            Uuid::now_v7(),
            case_id,
            decision.to_fields(),
            None,
        );
        super::finish_and_return(store, vec![draft], case_id);
    };
    let discard = move |_| discard_one(store, i18n, plan_id, case_id);
    // Keyed by position and ID: typing in one item does not rebuild the others.
    let item_keys = move || {
        items()
            .into_iter()
            .enumerate()
            .map(|(n, i)| (n, i.id))
            .collect::<Vec<_>>()
    };
    let editor = move |(n, id): (usize, Uuid)| view! { <ItemEditor plan_id case_id item_id=id number=n + 1 /> };
    view! {
        <section class="card form" data-testid="plan-view">
            <a rel="external" href=Screen::Case(case_id).href()>{t!(i18n, back_to_case)}</a>
            <h2>{t!(i18n, individual_plan)}</h2>
            <p>
                <span class="badge" data-testid="plan-state" data-state=move || status().state.as_str()>{move || state_text(i18n, status().state)}</span>
                {move || (status().changed_since_approval && status().state != PlanState::ChangedSinceApproval).then(|| view! {
                    " " <span class="badge warn">{t!(i18n, plan_state_changed)}</span>
                })}
            </p>
            {can_draft.then(|| view! {
                <p class="muted small">{t!(i18n, saved_as_you_type)}</p>
                <Field id=plan_id spec=spec!(plan, "plan_type") />
                <For each=item_keys key=|k: &(usize, Uuid)| *k children=editor />
                <button type="button" class="secondary" data-testid="add-item" on:click=add_item>{t!(i18n, add_item)}</button>
                <Field id=plan_id spec=spec!(plan, "notes") />
            })}
            {(!can_draft).then(|| view! {
                <ul class="list" data-testid="plan-items">
                    {move || items().into_iter().map(|i| view! {
                        <li>{service_name(store, i18n, i.service_id)} " · " {i.goal.clone()} " · " {i.due_on.map(|d| d.to_string()).unwrap_or_default()}</li>
                    }).collect_view()}
                </ul>
            })}
            <Problems errors />
            <div class="actions">
                {can_draft.then(|| view! {
                    <button type="button" class="secondary" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                    <button type="button" data-testid="submit-plan" on:click=submit>{t!(i18n, submit_for_approval)}</button>
                })}
                <a rel="external" class="button secondary" data-testid="print-plan" href=Screen::PlanPrint(case_id).href()>{t!(i18n, print_plan)}</a>
                {can_draft.then(|| view! { <button type="button" class="link" on:click=discard>{t!(i18n, discard_form)}</button> })}
            </div>
            {move || (can_decide && status().waiting_version.is_some()).then(|| view! {
                <fieldset class="section" data-testid="decide">
                    <legend>{t!(i18n, decide_plan)}</legend>
                    <label class="field">
                        <span>{t!(i18n, f_comment)}</span>
                        <textarea data-field="comment" rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                    </label>
                    <div class="actions">
                        <button type="button" data-testid="approve-plan" on:click=move |_| decide("approved")>{t!(i18n, approve)}</button>
                        <button type="button" class="secondary" data-testid="return-plan" on:click=move |_| decide("returned")>{t!(i18n, return_plan)}</button>
                    </div>
                </fieldset>
            })}
            <h3>{t!(i18n, plan_history)}</h3>
            <ul class="list" data-testid="plan-history">
                {move || {
                    let r = records.get();
                    let mut previous: Option<PlanContent> = None;
                    let mut lines = Vec::new();
                    for (id, v) in &r.versions {
                        let changes = previous.as_ref().map(|p| plan::changes(p, &v.content)).unwrap_or_default();
                        previous = Some(v.content.clone());
                        let at = v.submitted_at.map(super::local_time).unwrap_or_default();
                        let decided: Vec<PlanDecision> = r.decisions.iter().filter(|(_, d)| d.version_id == Some(*id)).map(|(_, d)| d.clone()).collect();
                        lines.push(view! {
                            <li data-testid="plan-version">
                                <strong>{t!(i18n, version_submitted)}</strong> " · " {at}
                                <ul>
                                    {changes.into_iter().map(|c| {
                                        let (sign, item, fields) = match c {
                                            ItemChange::Added(i) => ("+", i, vec![]),
                                            ItemChange::Removed(i) => ("−", i, vec![]),
                                            ItemChange::Changed(i, f) => ("~", i, f),
                                        };
                                        let name = service_name(store, i18n, item.service_id);
                                        view! {
                                            <li class="small">{sign} " " {name} " " {fields.into_iter().map(|f| view! { <span class="muted">{move || label(i18n, &format!("f_{f}"))} " "</span> }).collect_view()}</li>
                                        }
                                    }).collect_view()}
                                </ul>
                                {decided.into_iter().map(|d| {
                                    let what = d.decision.clone().unwrap_or_default();
                                    let attr = what.clone();
                                    view! {
                                        <p class="small" data-testid="plan-decision" data-decision=attr>
                                            {move || label(i18n, &format!("c_{what}"))} " · " {d.decided_at.map(super::local_time).unwrap_or_default()}
                                            {d.comment.clone().map(|c| view! { " · " <em>{c}</em> })}
                                        </p>
                                    }
                                }).collect_view()}
                            </li>
                        });
                    }
                    lines.collect_view()
                }}
            </ul>
        </section>
    }
    .into_any()
}

/// One answer per item of the case's plan, kept in the list field `field` of the draft `id`:
/// a choice from `choices` and a note. `title` names the item on screen.
#[allow(clippy::too_many_arguments)]
fn item_answers<T: ItemAnswer + serde::Serialize + Send + Sync + 'static>(
    store: PhoneStore,
    i18n: I18nContext<Locale>,
    case_id: Uuid,
    id: Uuid,
    field: &'static str,
    answers: impl Fn() -> Vec<T> + Copy + Send + Sync + 'static,
    choices: &'static [&'static str],
    (testid, answer_field): (&'static str, &'static str),
    title: fn(&PlanItem, String) -> String,
) -> impl IntoView {
    let set = move |item_id: Uuid, answer: Option<String>, note: Option<String>| {
        let all = plan::answered(answers(), item_id, answer, note);
        super::inputs::set_field(store, id, field, serde_json::to_value(all).unwrap_or_default());
    };
    move || {
        let people = members(store, case_id);
        plan_records(store, case_id)
            .plan
            .map(|(_, p)| p.items)
            .unwrap_or_default()
            .into_iter()
            .map(|item| {
                let item_id = item.id;
                let who = people
                    .iter()
                    .find(|(m, _)| Some(*m) == item.member_id)
                    .map(|(_, m)| m.full_name())
                    .unwrap_or_default();
                let name = title(&item, service_name(store, i18n, item.service_id));
                let current = move || answers().into_iter().find(|a| a.item_id() == item_id).unwrap_or_default();
                view! {
                    <div class="field" data-testid=testid>
                        <span>{name} " · " {who}</span>
                        <select data-field=answer_field on:change=move |ev| set(item_id, Some(event_target_value(&ev)), None)>
                            <option value="">"—"</option>
                            {choices.iter().map(|c| {
                                let c = *c;
                                view! { <option value=c selected=move || current().answer() == c>{move || label(i18n, &format!("c_{c}"))}</option> }
                            }).collect_view()}
                        </select>
                        <input type="text" data-field="note" prop:value=move || current().note().to_string()
                            on:input=move |ev| set(item_id, None, Some(event_target_value(&ev))) />
                    </div>
                }
            })
            .collect_view()
    }
}

/// The monthly monitoring form (`#monitoring/<case>/<id>`).
#[component]
pub fn MonitoringForm(case_id: Uuid, monitoring_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    open_draft(store, RecordKind::Monitoring, monitoring_id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let checks = move || {
        store
            .draft(monitoring_id)
            .map(|d| Monitoring::read(&d.fields).services)
            .unwrap_or_default()
    };
    // The people none of whose services came this month: to be contacted.
    let received_nothing = move || {
        let items = plan_records(store, case_id)
            .plan
            .map(|(_, p)| p.items)
            .unwrap_or_default();
        let checks = checks();
        members(store, case_id)
            .into_iter()
            .filter(|(id, _)| {
                let theirs: Vec<&PlanItem> = items.iter().filter(|i| i.member_id == Some(*id)).collect();
                !theirs.is_empty()
                    && theirs.iter().all(|i| {
                        checks
                            .iter()
                            .find(|c| c.item_id == i.id)
                            .is_some_and(|c| c.received == "no")
                    })
            })
            .map(|(_, m)| m.full_name())
            .collect::<Vec<_>>()
    };
    let save = move |_| save_one(store, i18n, monitoring_id, case_id, &Context::at(Utc::now()), errors);
    let cancel = move |_| discard_one(store, i18n, monitoring_id, case_id);
    view! {
        <form class="card form" data-testid="monitoring-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, k_monitoring)}</h2>
            <p class="muted small">{t!(i18n, saved_as_you_type)}</p>
            <Field id=monitoring_id spec=spec!(monitoring, "done_on") />
            <fieldset class="section">
                <legend>{t!(i18n, f_services)}</legend>
                {item_answers(store, i18n, case_id, monitoring_id, spec!(monitoring, "services").name, checks, RECEIVED,
                    ("service-check", "received"), |_, service| service)}
            </fieldset>
            {move || {
                let nobody = received_nothing();
                (!nobody.is_empty()).then(|| view! {
                    <p class="error" data-testid="received-nothing">{t!(i18n, received_nothing)} " " {nobody.join(", ")}</p>
                })
            }}
            <Field id=monitoring_id spec=spec!(monitoring, "school_attendance") />
            <Field id=monitoring_id spec=spec!(monitoring, "jobseeker_status") />
            <Field id=monitoring_id spec=spec!(monitoring, "social_programmes") />
            <Field id=monitoring_id spec=spec!(monitoring, "notes") />
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}

/// The quarterly review form (`#review/<case>/<id>`): progress towards each goal of the plan.
/// A change it leads to is made on the plan.
#[component]
pub fn ReviewForm(case_id: Uuid, review_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    open_draft(store, RecordKind::Review, review_id, case_id);
    let errors = RwSignal::new(Vec::<(String, FieldError)>::new());
    let goals = move || {
        store
            .draft(review_id)
            .map(|d| Review::read(&d.fields).goals)
            .unwrap_or_default()
    };
    let save = move |_| save_one(store, i18n, review_id, case_id, &Context::at(Utc::now()), errors);
    let cancel = move |_| discard_one(store, i18n, review_id, case_id);
    view! {
        <form class="card form" data-testid="review-form" on:submit=|ev| ev.prevent_default()>
            <h2>{t!(i18n, k_review)}</h2>
            <Field id=review_id spec=spec!(review, "done_on") />
            <fieldset class="section">
                <legend>{t!(i18n, f_goals)}</legend>
                {item_answers(store, i18n, case_id, review_id, spec!(review, "goals").name, goals, PROGRESS,
                    ("goal-progress", "progress"),
                    |item, service| if item.goal.is_empty() { service } else { item.goal.clone() })}
            </fieldset>
            <Field id=review_id spec=spec!(review, "summary") />
            <Field id=review_id spec=spec!(review, "recommendations") />
            <p class="muted small">{t!(i18n, review_changes_the_plan)}</p>
            <Problems errors />
            <div class="actions">
                <button type="button" data-testid="save" on:click=save>{t!(i18n, save)}</button>
                <a rel="external" class="button secondary" href=Screen::Plan(case_id).href()>{t!(i18n, open_plan)}</a>
                <button type="button" class="link" on:click=cancel>{t!(i18n, discard_form)}</button>
            </div>
        </form>
    }
}

/// The plan as it goes into the paper file (`#plan-print/<case>`): A4, the user's language, the
/// family, each person's goals and services, lines for the signatures.
#[component]
pub fn PlanPrint(case_id: Uuid) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let records = plan_records(store, case_id);
    let plan = records.plan.clone().map(|(_, p)| p).unwrap_or_default();
    let status = records.status();
    let household = of_case(&store.local(), case_id, RecordKind::Household)
        .first()
        .map(|h| Household::read(&h.fields))
        .unwrap_or_default();
    let people = members(store, case_id);
    let institutions = store.institutions.get_untracked();
    let plan_type = plan.plan_type.clone().unwrap_or_default();
    view! {
        <article class="print-plan" data-testid="plan-print">
            <p class="no-print"><a rel="external" href=Screen::Plan(case_id).href()>{t!(i18n, back_to_plan)}</a> " " <button type="button" on:click=|_| print()>{t!(i18n, print)}</button></p>
            <h1>{move || label(i18n, &format!("c_{plan_type}"))}</h1>
            <p>
                <strong>{t!(i18n, household)}</strong> ": " {household.village.clone()} ", " {household.address.clone()}
                <br />
                <strong>{t!(i18n, plan_state)}</strong> ": " {state_text(i18n, status.state)}
                {status.active_since.map(|d| view! { " · " {t!(i18n, plan_active_since)} " " {d.to_string()} })}
            </p>
            {people.iter().map(|(id, m)| {
                let theirs: Vec<PlanItem> = plan.items.iter().filter(|i| i.member_id == Some(*id)).cloned().collect();
                let born = m.birth_date.map(|d| d.to_string()).unwrap_or_default();
                (!theirs.is_empty()).then(|| view! {
                    <section class="print-person">
                        <h2>{m.full_name()} <span class="muted">" · " {born}</span></h2>
                        <table>
                            <thead><tr>
                                <th>{t!(i18n, f_goal)}</th><th>{t!(i18n, f_service_id)}</th><th>{t!(i18n, f_institution_id)}</th>
                                <th>{t!(i18n, f_start_on)}</th><th>{t!(i18n, f_due_on)}</th><th>{t!(i18n, f_status)}</th>
                            </tr></thead>
                            <tbody>
                                {theirs.into_iter().map(|i| {
                                    let inst = institutions.iter().find(|x| Some(x.id) == i.institution_id).map(|x| x.name.clone()).unwrap_or_default();
                                    let st = i.status.clone();
                                    view! {
                                        <tr>
                                            <td>{i.goal.clone()}</td>
                                            <td>{service_name(store, i18n, i.service_id)}</td>
                                            <td>{inst}</td>
                                            <td>{i.start_on.map(|d| d.to_string()).unwrap_or_default()}</td>
                                            <td>{i.due_on.map(|d| d.to_string()).unwrap_or_default()}</td>
                                            <td>{move || label(i18n, &format!("c_{st}"))}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    </section>
                })
            }).collect_view()}
            {super::case_end::signature_lines(vec![
                t_string!(i18n, signature_family).to_string(),
                t_string!(i18n, signature_case_manager).to_string(),
                t_string!(i18n, signature_supervisor).to_string(),
            ])}
        </article>
    }
}

pub(crate) fn print() {
    #[cfg(feature = "hydrate")]
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// The supervisor's queue: every plan waiting for a decision, oldest submission first.
#[component]
pub fn Approvals() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let waiting = Memo::new(move |_| {
        let records = store.local();
        let mut out: Vec<(Uuid, String, chrono::DateTime<Utc>)> = records
            .iter()
            .filter(|r| r.kind == RecordKind::Case)
            .filter_map(|case| {
                let plan = PlanRecords::read(
                    records
                        .iter()
                        .filter(|r| r.case_id == case.id)
                        .map(|r| (r.kind, r.id, &r.fields)),
                );
                let status = plan.status();
                let version = status.waiting_version?;
                let at = plan.versions.iter().find(|(id, _)| *id == version)?.1.submitted_at?;
                let village = of_case(&records, case.id, RecordKind::Household)
                    .first()
                    .map(|h| Household::read(&h.fields).village)
                    .unwrap_or_default();
                Some((case.id, village, at))
            })
            .collect();
        out.sort_by_key(|(_, _, at)| *at);
        out
    });
    let closures = Memo::new(move |_| {
        let records = store.local();
        super::case_end::waiting_closures(&records)
            .into_iter()
            .map(|(case_id, c)| {
                let village = of_case(&records, case_id, RecordKind::Household)
                    .first()
                    .map(|h| Household::read(&h.fields).village)
                    .unwrap_or_default();
                (case_id, village, c.reason.unwrap_or_default())
            })
            .collect::<Vec<_>>()
    });
    view! {
        <section class="card" data-testid="approvals">
            <a rel="external" href="#">{t!(i18n, back_to_caseload)}</a>
            <h2>{t!(i18n, approvals_queue)}</h2>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p>{t!(i18n, no_approvals)}</p>
            </Show>
            <ul class="list">
                {move || waiting.get().into_iter().map(|(case_id, village, at)| view! {
                    <li data-testid="approval">
                        <a rel="external" href=Screen::Plan(case_id).href()>{village} " · " {super::local_time(at)}</a>
                    </li>
                }).collect_view()}
            </ul>
            <h3>{t!(i18n, closures_waiting)}</h3>
            <Show when=move || closures.with(Vec::is_empty)>
                <p>{t!(i18n, no_approvals)}</p>
            </Show>
            <ul class="list">
                {move || closures.get().into_iter().map(|(case_id, village, reason)| view! {
                    <li data-testid="closure-approval">
                        <a rel="external" href=Screen::Case(case_id).href()>{village} " · " {move || label(i18n, &format!("c_{reason}"))}</a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}
