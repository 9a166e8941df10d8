//! The office's lists as spreadsheets: cases, follow-ups, referrals and the plans' items, each
//! as far as the reader may see (their scope of `view_case`, a restricted case only for those
//! the permission table lets see it), headers and values in the reader's language, names as
//! typed. Every export is audited with what it held.

use crate::context::Ctx;
use crate::export::{Cell, ExportFormat, Table};
use crate::follow_ups::{case_filter, FollowUps};
use crate::records::{case_target, typed};
use crate::storage::StoredRecord;
use app::api::ApiError;
use app::domain::indicator::CaseFigures;
use app::domain::record::{Household, Member, Plan, Referral};
use app::domain::{Action, RecordKind, SessionUser, Target};
use app::i18n_support::{label_in, parse_locale};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// The lists there are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum List {
    Cases,
    FollowUps,
    Referrals,
    Plans,
}

impl List {
    /// `cases.xlsx` → (cases, XLSX).
    pub fn parse(file: &str) -> Option<(List, ExportFormat)> {
        let (name, ext) = file.rsplit_once('.')?;
        let list = match name {
            "cases" => List::Cases,
            "follow-ups" => List::FollowUps,
            "referrals" => List::Referrals,
            "plans" => List::Plans,
            _ => return None,
        };
        Some((list, ExportFormat::parse(ext)?))
    }

    fn name(self) -> &'static str {
        match self {
            List::Cases => "cases",
            List::FollowUps => "follow-ups",
            List::Referrals => "referrals",
            List::Plans => "plans",
        }
    }
}

/// What every list needs to name a case: its first person, village, worker and figures.
struct Cases {
    visible: BTreeMap<Uuid, StoredRecord>,
    names: BTreeMap<Uuid, String>,
    villages: BTreeMap<Uuid, String>,
    figures: BTreeMap<Uuid, CaseFigures>,
    workers: BTreeMap<Uuid, String>,
}

impl Cases {
    fn line(&self, case_id: Uuid) -> [Cell; 3] {
        [
            self.names.get(&case_id).cloned().unwrap_or_default().into(),
            self.villages.get(&case_id).cloned().unwrap_or_default().into(),
            case_id.to_string().into(),
        ]
    }

    fn worker(&self, case: &StoredRecord) -> Cell {
        case.field_worker_id
            .and_then(|w| self.workers.get(&w).cloned())
            .unwrap_or_default()
            .into()
    }
}

#[derive(Clone)]
pub struct Exports {
    ctx: Ctx,
}

impl Exports {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    async fn cases(&self, actor: &SessionUser) -> Result<Cases, ApiError> {
        let m = actor.municipality_id;
        self.ctx
            .require(actor, Action::ViewCase, Target::Municipality(m))
            .await?;
        let mut visible = BTreeMap::new();
        for c in self.ctx.store.cases_in(case_filter(actor)?).await? {
            let merged = typed::<app::domain::record::Case>(&c)
                .ok()
                .and_then(|c| c.merged_into)
                .is_some();
            if !merged && app::domain::access::permits(actor, Action::ViewCase, case_target(&c)) {
                visible.insert(c.id, c);
            }
        }
        let mut members: Vec<StoredRecord> = self.ctx.store.records_of_kind(m, RecordKind::Member).await?;
        members.sort_by_key(|r| (r.created_at, r.id));
        let mut names = BTreeMap::new();
        for r in &members {
            if let Ok(p) = typed::<Member>(r) {
                if p.merged_into.is_none() && !names.contains_key(&r.case_id) {
                    names.insert(r.case_id, format!("{} {}", p.first_name, p.last_name));
                }
            }
        }
        let villages = self
            .ctx
            .store
            .records_of_kind(m, RecordKind::Household)
            .await?
            .iter()
            .filter_map(|r| Some((r.case_id, typed::<Household>(r).ok()?.village)))
            .collect();
        let mut figures = BTreeMap::new();
        for row in self.ctx.store.case_figures(Some(m)).await? {
            if let Ok(f) = serde_json::from_str::<CaseFigures>(&row.figures) {
                figures.insert(row.case_id, f);
            }
        }
        let workers = self
            .ctx
            .store
            .users_in(m)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        Ok(Cases {
            visible,
            names,
            villages,
            figures,
            workers,
        })
    }

    /// The list as a spreadsheet named for the download.
    pub async fn export(
        &self,
        actor: &SessionUser,
        list: List,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let locale = parse_locale(&actor.locale).unwrap_or(app::i18n::Locale::sq);
        let w = |k: &str| label_in(locale, k);
        let cases = self.cases(actor).await?;
        let person = [w("exp_name"), w("exp_village"), w("exp_case_id")];
        let mut table = Table::default();
        match list {
            List::Cases => {
                table.sheet = w("exp_list_cases");
                table.headers = [
                    &person[..],
                    &[
                        w("exp_field_worker"),
                        w("exp_returned_on"),
                        w("exp_first_visit_on"),
                        w("m_first_visits_72h"),
                        w("exp_plan_approved_on"),
                        w("exp_closed_on"),
                    ],
                ]
                .concat();
                for (id, case) in &cases.visible {
                    let f = cases.figures.get(id).cloned().unwrap_or_default();
                    let mut row = cases.line(*id).to_vec();
                    row.extend([
                        cases.worker(case),
                        f.returned_on.into(),
                        f.first_visit_on.into(),
                        w(if f.visited_in_72_hours() { "yes" } else { "no" }).into(),
                        f.plan_approved_on.into(),
                        f.closed_on.into(),
                    ]);
                    table.rows.push(row);
                }
            }
            List::FollowUps => {
                table.sheet = w("exp_list_follow_ups");
                table.headers = [
                    &person[..],
                    &[w("dash_kind"), w("exp_due_on"), w("exp_status"), w("exp_field_worker")],
                ]
                .concat();
                let all = FollowUps::new(self.ctx.clone()).list(actor, self.ctx.now()).await?;
                for f in all.iter().filter(|f| cases.visible.contains_key(&f.follow_up.case_id)) {
                    let kind = match f.follow_up.kind {
                        app::domain::follow_up::FollowUpKind::Referral(_) => "referral".to_string(),
                        k => k.code(),
                    };
                    let mut row = cases.line(f.follow_up.case_id).to_vec();
                    row.extend([
                        w(&format!("fu_{kind}")).into(),
                        f.follow_up.due_on.into(),
                        w(&format!("exp_status_{}", f.follow_up.status.as_str())).into(),
                        cases.worker(&cases.visible[&f.follow_up.case_id]),
                    ]);
                    table.rows.push(row);
                }
            }
            List::Referrals => {
                table.sheet = w("exp_list_referrals");
                table.headers = [
                    &person[..],
                    &[
                        w("dash_kind"),
                        w("dash_institution"),
                        w("exp_sent_on"),
                        w("exp_status"),
                        w("exp_answered_on"),
                        w("exp_closed_on"),
                    ],
                ]
                .concat();
                let institutions: BTreeMap<Uuid, String> = self
                    .ctx
                    .store
                    .institutions(actor.municipality_id)
                    .await?
                    .into_iter()
                    .map(|i| (i.id, i.name))
                    .collect();
                let mut referrals = self
                    .ctx
                    .store
                    .records_of_kind(actor.municipality_id, RecordKind::Referral)
                    .await?;
                referrals.retain(|r| cases.visible.contains_key(&r.case_id));
                referrals.sort_by_key(|r| (r.case_id, r.created_at));
                for r in &referrals {
                    let Ok(x) = typed::<Referral>(r) else { continue };
                    let mut row = cases.line(r.case_id).to_vec();
                    row.extend([
                        w(&format!("c_{}", x.kind.clone().unwrap_or_default())).into(),
                        x.institution_id.and_then(|i| institutions.get(&i).cloned()).into(),
                        x.sent_on.into(),
                        w(&format!("c_{}", x.state())).into(),
                        x.answered_on.into(),
                        x.closed_on.into(),
                    ]);
                    table.rows.push(row);
                }
            }
            List::Plans => {
                table.sheet = w("exp_list_plans");
                table.headers = [
                    &person[..],
                    &[
                        w("exp_goal"),
                        w("exp_start_on"),
                        w("exp_due_on"),
                        w("exp_status"),
                        w("exp_plan_approved_on"),
                    ],
                ]
                .concat();
                let mut plans = self
                    .ctx
                    .store
                    .records_of_kind(actor.municipality_id, RecordKind::Plan)
                    .await?;
                plans.retain(|r| cases.visible.contains_key(&r.case_id));
                plans.sort_by_key(|r| (r.case_id, r.created_at));
                for r in &plans {
                    let Ok(p) = typed::<Plan>(r) else { continue };
                    let approved = cases.figures.get(&r.case_id).and_then(|f| f.plan_approved_on);
                    for item in &p.items {
                        let mut row = cases.line(r.case_id).to_vec();
                        row.extend([
                            item.goal.clone().into(),
                            item.start_on.into(),
                            item.due_on.into(),
                            w(&format!("c_{}", item.status)).into(),
                            approved.into(),
                        ]);
                        table.rows.push(row);
                    }
                }
            }
        }
        let bytes = table.write(format)?;
        let held: BTreeSet<&str> = table
            .rows
            .iter()
            .filter_map(|r| match r.get(2) {
                Some(Cell::Text(id)) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        self.ctx
            .audit_by(
                actor,
                &format!("export.{}", list.name()),
                "case",
                None,
                format!("{} rows of {} cases as {}", table.rows.len(), held.len(), format.ext()),
            )
            .await?;
        let day = app::domain::follow_up::local_today(self.ctx.now());
        Ok((format!("{}-{day}.{}", list.name(), format.ext()), bytes))
    }
}
