//! The worker's caseload on the phone, searchable by name or village (diacritics folded).

use super::inputs::new_draft;
use super::{go, Screen};
use crate::domain::follow_up::{self, FollowUpKind, Status};
use crate::domain::plan::PlanState;
use crate::domain::record::{Case, Household, Member, ReturnEvent, TypedRecord};
use crate::domain::text;
use crate::domain::RecordKind;
use crate::i18n::*;
use crate::i18n_support::label;
use crate::phone::model::LocalRecord;
use crate::phone::store::{of_case, PhoneStore};
use leptos::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// One line of the caseload.
#[derive(Clone, PartialEq)]
struct CaseLine {
    case_id: Uuid,
    title: String,
    village: String,
    names: String,
    returned: String,
    visits: usize,
    pending: bool,
    plan: crate::domain::plan::PlanState,
}

fn lines(all: &[LocalRecord]) -> Vec<CaseLine> {
    // Each case's records gathered once: looking them up in the whole store per case made the
    // list quadratic (2,000 cases × 23,000 records on a big caseload).
    let mut by_case: HashMap<Uuid, Vec<LocalRecord>> = HashMap::new();
    for r in all {
        by_case.entry(r.case_id).or_default().push(r.clone());
    }
    let mut out: Vec<CaseLine> = all
        .iter()
        .filter(|r| r.kind == RecordKind::Case)
        .map(|case| {
            let records = by_case.get(&case.id).map(Vec::as_slice).unwrap_or_default();
            let members: Vec<Member> = of_case(records, case.id, RecordKind::Member)
                .iter()
                .map(|m| Member::read(&m.fields))
                .collect();
            let household = of_case(records, case.id, RecordKind::Household)
                .first()
                .map(|h| Household::read(&h.fields))
                .unwrap_or_default();
            let name = |m: &Member| format!("{} {}", m.first_name, m.last_name);
            let names: Vec<String> = members.iter().map(name).collect();
            let head = members
                .iter()
                .find(|m| m.is_head())
                .or(members.first())
                .map(name)
                .unwrap_or_default();
            let returned = of_case(records, case.id, RecordKind::ReturnEvent)
                .first()
                .and_then(|r| ReturnEvent::read(&r.fields).event_date)
                .map(|d| d.to_string())
                .unwrap_or_default();
            let pending = records.iter().any(|r| r.case_id == case.id && r.pending);
            CaseLine {
                case_id: case.id,
                title: head,
                village: household.village,
                names: names.join(", "),
                returned,
                visits: of_case(records, case.id, RecordKind::Visit).len(),
                pending,
                plan: crate::domain::plan::PlanRecords::read(
                    records
                        .iter()
                        .filter(|r| r.case_id == case.id)
                        .map(|r| (r.kind, r.id, &r.fields)),
                )
                .status()
                .state,
            }
        })
        .collect();
    out.sort_by(|a, b| b.returned.cmp(&a.returned).then(a.title.cmp(&b.title)));
    out
}

/// One thing to do on the agenda.
#[derive(Clone, PartialEq)]
struct AgendaLine {
    case_id: Uuid,
    village: String,
    who: String,
    kind: FollowUpKind,
    due_on: chrono::NaiveDate,
    /// The hour, Kosovo's, when the deadline has one (a return at a known hour).
    due_time: Option<String>,
}

/// What is overdue, due today and due this week, from the phone's own copy and the same rules
/// the server runs: a record saved offline moves the agenda at once.
#[component]
fn AgendaView(lines: Memo<Vec<CaseLine>>) -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let agenda = Memo::new(move |_| {
        let records = store.local();
        let days = store.referral_days.get();
        let thresholds = store.thresholds.get();
        let now = chrono::Utc::now();
        let mut all = Vec::new();
        for line in lines.get() {
            let facts = follow_up::facts_from_records(
                line.case_id,
                records
                    .iter()
                    .filter(|r| r.case_id == line.case_id)
                    .map(|r| (r.kind, r.id, &r.fields)),
            );
            // The school team's own follow-ups are on its agenda, not the case worker's.
            for f in follow_up::schedule_with(&facts, &days, &thresholds, now)
                .into_iter()
                .filter(|f| !f.kind.is_school_teams())
            {
                let l = AgendaLine {
                    case_id: f.case_id,
                    village: line.village.clone(),
                    who: line.title.clone(),
                    kind: f.kind,
                    due_on: f.due_on,
                    due_time: f.due_at.map(follow_up::local_hhmm),
                };
                all.push((l, f));
            }
        }
        let mut by_status: [Vec<AgendaLine>; 3] = Default::default();
        let today = follow_up::local_today(now);
        for (line, f) in all {
            let slot = match f.status {
                Status::Overdue => 0,
                Status::Due if f.due_on == today => 1,
                Status::Due if f.due_on <= today + chrono::Days::new(7) => 2,
                _ => continue,
            };
            by_status[slot].push(line);
        }
        for list in &mut by_status {
            list.sort_by(|a, b| a.village.cmp(&b.village).then(a.due_on.cmp(&b.due_on)));
        }
        by_status
    });
    let section = move |slot: usize, testid: &'static str, title: &'static str| {
        view! {
            <div class="agenda-part" data-testid=testid>
                <h3>{move || label(i18n, title)} " (" {move || agenda.with(|a| a[slot].len())} ")"</h3>
                <ul class="list">
                    {move || {
                        let mut village = String::new();
                        agenda
                            .get()[slot]
                            .clone()
                            .into_iter()
                            .map(|l| {
                                let heading = (l.village != village).then(|| {
                                    village = l.village.clone();
                                    view! { <li class="eyebrow">{l.village.clone()}</li> }
                                });
                                let key = l.kind.label_key();
                                view! {
                                    {heading}
                                    <li data-testid="agenda-item" data-kind=key data-due=l.due_on.to_string()>
                                        <a rel="external" href=Screen::Case(l.case_id).href()>
                                            {move || label(i18n, key)} " · " {l.who.clone()}
                                        </a>
                                        <span class="muted">" · " {l.due_on.to_string()} {l.due_time.map(|t| format!(" {t}"))}</span>
                                    </li>
                                }
                            })
                            .collect_view()
                    }}
                </ul>
            </div>
        }
    };
    view! {
        <section class="card agenda" data-testid="agenda">
            <h2>{t!(i18n, agenda)}</h2>
            {section(0, "agenda-overdue", "agenda_overdue")}
            {section(1, "agenda-today", "agenda_today")}
            {section(2, "agenda-week", "agenda_week")}
        </section>
    }
}

/// Case lines drawn at once (more on request): a phone with 2,000 cases draws a screenful and
/// a little more, so typing in the search answers within a frame, not after 2,000 lines.
const LINES_AT_ONCE: usize = 50;

#[component]
pub fn Caseload() -> impl IntoView {
    let store = expect_context::<PhoneStore>();
    let i18n = use_i18n();
    let query = RwSignal::new(String::new());
    let limit = RwSignal::new(LINES_AT_ONCE);
    let all = Memo::new(move |_| lines(&store.local()));
    let matching = Memo::new(move |_| {
        let q = query.get();
        all.with(|a| {
            a.iter()
                .filter(|l| text::matches(&format!("{} {} {}", l.names, l.village, l.title), &q))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let has_more = move || matching.with(Vec::len) > limit.get();
    let new_household = move |_| {
        let (case_id, household_id, member_id, return_id) =
            (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let case = Case {
            household_id: Some(household_id),
            ..Default::default()
        };
        store.save_draft(new_draft(RecordKind::Case, case_id, case_id, case.to_fields(), None));
        store.save_draft(new_draft(
            RecordKind::Household,
            household_id,
            case_id,
            Default::default(),
            None,
        ));
        let head = Member {
            household_id: Some(household_id),
            relationship: Some("head".into()),
            ..Default::default()
        };
        store.save_draft(new_draft(
            RecordKind::Member,
            member_id,
            case_id,
            head.to_fields(),
            None,
        ));
        let arrival = ReturnEvent {
            household_id: Some(household_id),
            members: vec![member_id],
            ..Default::default()
        };
        store.save_draft(new_draft(
            RecordKind::ReturnEvent,
            return_id,
            case_id,
            arrival.to_fields(),
            None,
        ));
        go(Screen::Household(case_id));
    };
    let may_decide = move || {
        use_context::<crate::domain::SessionUser>().is_some_and(|u| {
            crate::domain::access::permits(
                &u,
                crate::domain::Action::DecidePlan,
                crate::domain::Target::Municipality(u.municipality_id),
            )
        })
    };
    let waiting = move || all.with(|l| l.iter().filter(|l| l.plan == PlanState::WaitingForApproval).count());
    // Drafts left open (a closed tab, a call, a dead battery): one line per case and form.
    let unfinished = move || {
        let mut seen = Vec::new();
        store.drafts.with(|d| {
            for draft in d.values() {
                let screen = match draft.kind {
                    RecordKind::Visit => Screen::Visit(draft.case_id, draft.record_id),
                    RecordKind::Assessment => Screen::Assessment(draft.case_id, draft.record_id),
                    RecordKind::Attachment | RecordKind::PlanVersion | RecordKind::PlanDecision => continue,
                    RecordKind::Plan => Screen::Plan(draft.case_id),
                    RecordKind::Monitoring => Screen::Monitoring(draft.case_id, draft.record_id),
                    RecordKind::Review => Screen::Review(draft.case_id, draft.record_id),
                    _ => Screen::Household(draft.case_id),
                };
                if !seen.iter().any(|(s, _)| *s == screen) {
                    seen.push((screen, draft.kind));
                }
            }
        });
        seen
    };
    view! {
        <AgendaView lines=all />
        <Show when=move || !store.workers.with(Vec::is_empty)>
            <crate::ui::supervision::Supervision />
        </Show>
        <Show when=move || may_decide()>
            <p class="card" data-testid="approvals-link">
                <a rel="external" class="button" href=Screen::Approvals.href()>
                    {t!(i18n, approvals_queue)} " (" {waiting} ")"
                </a>
            </p>
        </Show>
        <section class="card">
            <div class="row">
                <h2>{t!(i18n, caseload)}</h2>
                <button type="button" data-testid="new-household" on:click=new_household>{t!(i18n, new_household)}</button>
            </div>
            <Show when=move || !unfinished().is_empty()>
                <div class="notice" data-testid="unfinished">
                    <p>{t!(i18n, unfinished_forms)}</p>
                    <ul>
                        {move || {
                            unfinished()
                                .into_iter()
                                .map(|(screen, kind)| {
                                    view! {
                                        <li>
                                            <a rel="external" href=screen.href()>{move || label(i18n, &format!("k_{}", kind.as_str()))}</a>
                                        </li>
                                    }
                                })
                                .collect_view()
                        }}
                    </ul>
                </div>
            </Show>
            <label class="field">
                <span>{t!(i18n, search_by_name)}</span>
                <input
                    type="search"
                    data-testid="search"
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        query.set(event_target_value(&ev));
                        limit.set(LINES_AT_ONCE);
                    }
                />
            </label>
            <ul class="list" data-testid="case-list" data-matching=move || matching.with(Vec::len)>
                {move || {
                    let limit = limit.get();
                    matching
                        .with(|m| m.iter().take(limit).cloned().collect::<Vec<_>>())
                        .into_iter()
                        .map(|l| {
                            view! {
                                <li data-testid="case-line">
                                    <a rel="external" href=Screen::Case(l.case_id).href()>
                                        <strong>{if l.title.trim().is_empty() { "—".to_string() } else { l.title.clone() }}</strong>
                                        <span class="muted">" · " {l.village.clone()}</span>
                                    </a>
                                    <p class="muted small">
                                        {l.names.clone()}
                                        <br />
                                        {t!(i18n, returned_on)} " " {l.returned.clone()} " · " {t!(i18n, visits)} ": " {l.visits}
                                        {l.pending.then(|| view! { " · " <span class="badge">{t!(i18n, not_sent)}</span> })}
                                        {(l.plan != PlanState::None).then(|| view! {
                                            " · " <span class="badge" data-testid="case-plan-state" data-state=l.plan.as_str()>
                                                {move || super::plan::state_text(i18n, l.plan)}
                                            </span>
                                        })}
                                    </p>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <Show when=has_more>
                <p class="row" data-testid="case-list-more">
                    <span class="muted small">{move || {
                        // Counts as the language writes them ("50 / 2.000" in Albanian).
                        let look = |k: &str| label(i18n, k);
                        let count = |n: usize| crate::i18n_support::number_with(&look, n as f64, 0);
                        format!("{} / {}", count(limit.get()), count(matching.with(Vec::len)))
                    }}</span>
                    <button type="button" data-testid="show-more" on:click=move |_| limit.update(|n| *n += LINES_AT_ONCE)>
                        {t!(i18n, show_more)}
                    </button>
                </p>
            </Show>
            <Show when=move || all.with(Vec::is_empty)>
                <p class="muted">{t!(i18n, no_cases)}</p>
            </Show>
        </section>
    }
}
