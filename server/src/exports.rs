//! The office's lists as spreadsheets: cases, follow-ups, referrals and the plans' items, each
//! as far as the reader may see (their scope of `view_case`, a restricted case only for those
//! the permission table lets see it), headers and values in the reader's language, names as
//! typed. Every export is audited with what it held.

use crate::context::Ctx;
use crate::export::{Cell, ExportFormat, Table};
use crate::follow_ups::FollowUps;
use crate::indicators::CaseBook;
use crate::records::typed;
use app::api::ApiError;
use app::domain::record::{Plan, Referral};
use app::domain::{Action, RecordKind, SessionUser, Target};
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

#[derive(Clone)]
pub struct Exports {
    ctx: Ctx,
}

impl Exports {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// The list as a spreadsheet named for the download.
    pub async fn export(
        &self,
        actor: &SessionUser,
        list: List,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let words = crate::export::Words::of(&actor.locale);
        let w = |k: &str| words.get(k);
        self.ctx
            .require(actor, Action::ViewCase, Target::Municipality(actor.municipality_id))
            .await?;
        let cases = CaseBook::load(&self.ctx, actor).await?;
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
                        cases.worker(case).into(),
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
                    let mut row = cases.line(f.follow_up.case_id).to_vec();
                    row.extend([
                        w(f.follow_up.kind.label_key()).into(),
                        f.follow_up.due_on.into(),
                        w(&format!("exp_status_{}", f.follow_up.status.as_str())).into(),
                        cases.worker(&cases.visible[&f.follow_up.case_id]).into(),
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
