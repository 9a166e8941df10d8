//! The municipal plans' indicators. Each case's figures are kept beside it
//! ([`keep_figures`], run with every rescheduling of the case, so after every write and on the
//! plans' clock): a report reads one small row per case and runs the domain's one engine
//! ([`app::domain::indicator::report`]) over them, never every record. The cases behind a figure
//! are listed as far as the reader may see each case; every report, list and export is audited.

use crate::context::Ctx;
use crate::export::{Cell, ExportFormat, Table, Words};
use crate::records::{case_target, typed};
use crate::storage::{FiguresRow, PlanRow, StoredRecord};
use app::api::ApiError;
use app::domain::follow_up::{local_today, FollowUp};
use app::domain::indicator::{
    self, check_value, CaseBehind, CaseFigures, CasesBehind, IndicatorDef, IndicatorError, IndicatorResult,
    LiteracyFigure, NationalView, Period, PlanSummary, Report, Side, TemplateSummary, Unit,
};
use app::domain::record::{Case, Household, Literacy, Member, TypedRecord};
use app::domain::school::Thresholds;
use app::domain::{Action, RecordKind, SessionUser, Target};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use std::collections::BTreeMap;
use uuid::Uuid;

/// Keeps the figures of the case `records` belong to, from the follow-ups just computed for it.
/// A case merged into another counts only there.
pub async fn keep_figures(
    ctx: &Ctx,
    case: &StoredRecord,
    records: &[StoredRecord],
    follow_ups: &[FollowUp],
    thresholds: &Thresholds,
    now: DateTime<Utc>,
) -> Result<(), ApiError> {
    if case.kind != RecordKind::Case {
        return Ok(());
    }
    let c: Case = typed(case)?;
    if c.merged_into.is_some() {
        return Ok(ctx.store.remove_case_figures(case.id).await?);
    }
    let inputs: Vec<_> = records
        .iter()
        .filter(|r| r.case_id == case.id)
        .map(|r| (r.kind, r.id, &r.fields, local_today(r.created_at)))
        .collect();
    let mut figures = CaseFigures::of(case.id, &inputs, follow_ups, thresholds, local_today(now));
    figures.field_worker_id = case.field_worker_id;
    let row = FiguresRow {
        case_id: case.id,
        municipality_id: case.municipality_id,
        restricted: c.is_restricted(),
        figures: serde_json::to_string(&figures).map_err(|_| ApiError::Internal)?,
    };
    ctx.store.save_case_figures(&row, now).await?;
    Ok(())
}

fn summary(p: &PlanRow) -> PlanSummary {
    PlanSummary {
        id: p.id,
        code: p.code.clone(),
        name: p.name.clone(),
        starts_year: p.starts_year,
        ends_year: p.ends_year,
    }
}

/// Every case's figures of the municipality (or all), read off their rows.
pub(crate) async fn figures_in(ctx: &Ctx, municipality_id: Option<Uuid>) -> Result<Vec<CaseFigures>, ApiError> {
    ctx.store
        .case_figures(municipality_id)
        .await?
        .iter()
        .map(|r| {
            serde_json::from_str(&r.figures).map_err(|e| {
                tracing::error!(case = %r.case_id, error = %e, "case figures do not read");
                ApiError::Internal
            })
        })
        .collect()
}

async fn literacy_in(ctx: &Ctx, municipality_id: Option<Uuid>) -> Result<Vec<LiteracyFigure>, ApiError> {
    let mut out = Vec::new();
    for (id, _, fields, created_at) in ctx.store.literacy_list(municipality_id).await? {
        let fields = serde_json::from_str(&fields).map_err(|_| ApiError::Internal)?;
        let l = Literacy::from_fields(&fields)?;
        out.push(LiteracyFigure::of(id, &l, local_today(created_at)));
    }
    Ok(out)
}

/// The cases a reader may see, with what names them in a list: the first person registered,
/// the village, the field worker and the figures. Read in a few queries for the whole
/// municipality, not one per case.
#[derive(Default)]
pub(crate) struct CaseBook {
    pub visible: BTreeMap<Uuid, StoredRecord>,
    names: BTreeMap<Uuid, String>,
    villages: BTreeMap<Uuid, String>,
    pub figures: BTreeMap<Uuid, CaseFigures>,
    workers: BTreeMap<Uuid, String>,
}

impl CaseBook {
    /// The reader's cases (none for a role that sees no case: its drill-downs only count them).
    pub async fn load(ctx: &Ctx, actor: &SessionUser) -> Result<Self, ApiError> {
        let Ok(scope) = crate::records::case_filter(actor) else {
            return Ok(Self::default());
        };
        let m = actor.municipality_id;
        let mut visible = BTreeMap::new();
        for c in ctx.store.cases_in(scope).await? {
            let merged = typed::<Case>(&c).ok().and_then(|c| c.merged_into).is_some();
            if !merged && app::domain::access::permits(actor, Action::ViewCase, case_target(&c)) {
                visible.insert(c.id, c);
            }
        }
        let mut members: Vec<StoredRecord> = ctx.store.records_of_kind(m, RecordKind::Member).await?;
        members.sort_by_key(|r| (r.created_at, r.id));
        let mut names = BTreeMap::new();
        for r in &members {
            if let Ok(p) = typed::<Member>(r) {
                if p.merged_into.is_none() && !names.contains_key(&r.case_id) {
                    names.insert(r.case_id, format!("{} {}", p.first_name, p.last_name));
                }
            }
        }
        let villages = ctx
            .store
            .records_of_kind(m, RecordKind::Household)
            .await?
            .iter()
            .filter_map(|r| Some((r.case_id, typed::<Household>(r).ok()?.village)))
            .collect();
        let figures = figures_in(ctx, Some(m))
            .await?
            .into_iter()
            .map(|f| (f.case_id, f))
            .collect();
        let workers = ctx
            .store
            .users_in(m)
            .await?
            .into_iter()
            .map(|u| (u.id, u.display_name))
            .collect();
        Ok(Self {
            visible,
            names,
            villages,
            figures,
            workers,
        })
    }

    /// Name, village and ID: the first cells of every list's line.
    pub fn line(&self, case_id: Uuid) -> [Cell; 3] {
        [
            self.name(case_id).into(),
            self.village(case_id).into(),
            case_id.to_string().into(),
        ]
    }

    fn name(&self, case_id: Uuid) -> String {
        self.names.get(&case_id).cloned().unwrap_or_default()
    }

    fn village(&self, case_id: Uuid) -> String {
        self.villages.get(&case_id).cloned().unwrap_or_default()
    }

    pub fn worker(&self, case: &StoredRecord) -> String {
        case.field_worker_id
            .and_then(|w| self.workers.get(&w).cloned())
            .unwrap_or_default()
    }

    /// The case as a line of a figure's drill-down, if the reader may see it.
    fn behind(&self, case_id: Uuid) -> Option<CaseBehind> {
        let case = self.visible.get(&case_id)?;
        let f = self.figures.get(&case_id);
        Some(CaseBehind {
            case_id,
            name: self.name(case_id),
            village: self.village(case_id),
            field_worker: self.worker(case),
            returned_on: f.and_then(|f| f.returned_on),
            closed_on: f.and_then(|f| f.closed_on),
        })
    }
}

#[derive(Clone)]
pub struct Indicators {
    ctx: Ctx,
}

impl Indicators {
    pub fn new(ctx: Ctx) -> Self {
        Self { ctx }
    }

    /// The plans of the reader's municipality.
    pub async fn plans(&self, actor: &SessionUser) -> Result<Vec<PlanSummary>, ApiError> {
        let home = Target::Municipality(actor.municipality_id);
        self.ctx.require(actor, Action::ViewIndicators, home).await?;
        Ok(self
            .ctx
            .store
            .plans(Some(actor.municipality_id))
            .await?
            .iter()
            .map(summary)
            .collect())
    }

    /// The plans a municipality may start from (administrators).
    pub async fn templates(&self, actor: &SessionUser) -> Result<Vec<TemplateSummary>, ApiError> {
        let home = Target::Municipality(actor.municipality_id);
        self.ctx.require(actor, Action::EditIndicators, home).await?;
        Ok(indicator::catalogue::templates()
            .into_iter()
            .map(|t| TemplateSummary {
                code: t.code.into(),
                name: t.name.into(),
                starts_year: t.starts,
                ends_year: t.ends,
            })
            .collect())
    }

    /// The administrator gives the municipality a plan with the template's indicators, which
    /// they then change as their own plan says. Adopting the same template twice changes
    /// nothing and answers the plan already there.
    pub async fn adopt(&self, actor: &SessionUser, template: &str) -> Result<PlanSummary, ApiError> {
        let home = Target::Municipality(actor.municipality_id);
        self.ctx.require(actor, Action::EditIndicators, home).await?;
        let t = indicator::catalogue::templates()
            .into_iter()
            .find(|t| t.code == template)
            .ok_or(ApiError::NotFound)?;
        let row = PlanRow {
            id: Uuid::now_v7(),
            municipality_id: actor.municipality_id,
            code: t.code.into(),
            name: t.name.into(),
            starts_year: t.starts,
            ends_year: t.ends,
        };
        self.ctx.store.add_plan(&row, &t.indicators, self.ctx.now()).await?;
        let plan = self
            .ctx
            .store
            .plans(Some(actor.municipality_id))
            .await?
            .into_iter()
            .find(|p| p.code == row.code)
            .ok_or(ApiError::Internal)?;
        self.ctx
            .audit_by(
                actor,
                "indicators.adopt",
                "indicator_plan",
                Some(plan.id.to_string()),
                plan.code.clone(),
            )
            .await?;
        Ok(summary(&plan))
    }

    /// A plan of the actor's municipality (another's does not exist for them).
    async fn plan_of(&self, actor: &SessionUser, plan_id: Uuid, action: Action) -> Result<PlanRow, ApiError> {
        let plan = self.ctx.store.plan(plan_id).await?.ok_or(ApiError::NotFound)?;
        self.ctx
            .require(actor, action, Target::Municipality(plan.municipality_id))
            .await?;
        Ok(plan)
    }

    fn period(&self, from: NaiveDate, to: NaiveDate) -> Result<Period, ApiError> {
        Ok(Period::new(from, to, local_today(self.ctx.now()))?)
    }

    async fn compute(&self, plan: &PlanRow, period: &Period) -> Result<Vec<IndicatorResult>, ApiError> {
        let defs = self.ctx.store.indicators(plan.id).await?;
        let cases = figures_in(&self.ctx, Some(plan.municipality_id)).await?;
        let literacy = literacy_in(&self.ctx, Some(plan.municipality_id)).await?;
        let typed: BTreeMap<String, f64> = self
            .ctx
            .store
            .by_hand(plan.id, period.from, period.to)
            .await?
            .into_iter()
            .collect();
        Ok(indicator::report(
            &defs,
            &cases,
            &literacy,
            |code| typed.get(code).copied(),
            period,
        ))
    }

    /// The plan's report for the period, audited as read.
    pub async fn report(
        &self,
        actor: &SessionUser,
        plan_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Report, ApiError> {
        let plan = self.plan_of(actor, plan_id, Action::ViewIndicators).await?;
        let period = self.period(from, to)?;
        let rows = self.compute(&plan, &period).await?;
        let municipality = self
            .ctx
            .store
            .municipalities()
            .await?
            .into_iter()
            .find(|m| m.id == plan.municipality_id)
            .map(|m| m.name)
            .unwrap_or_default();
        self.ctx
            .audit_by(
                actor,
                "indicators.report",
                "indicator_plan",
                Some(plan.id.to_string()),
                format!("{} {from}–{to}", plan.code),
            )
            .await?;
        Ok(Report {
            plan: summary(&plan),
            municipality,
            period,
            rows,
        })
    }

    /// Every municipality's indicators side by side for the period, each by its own plan:
    /// restricted cases are not counted and small counts are hidden ([`indicator::national`]).
    pub async fn national(
        &self,
        actor: &SessionUser,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<NationalView, ApiError> {
        self.ctx
            .require(actor, Action::ViewNationalIndicators, Target::Nation)
            .await?;
        let period = self.period(from, to)?;
        let plans = self.ctx.store.plans(None).await?;
        let mut figures: BTreeMap<Uuid, Vec<CaseFigures>> = BTreeMap::new();
        for row in self.ctx.store.case_figures(None).await? {
            if row.restricted {
                continue;
            }
            let f = serde_json::from_str(&row.figures).map_err(|_| ApiError::Internal)?;
            figures.entry(row.municipality_id).or_default().push(f);
        }
        let mut literacy: BTreeMap<Uuid, Vec<LiteracyFigure>> = BTreeMap::new();
        for (id, municipality, fields, created_at) in self.ctx.store.literacy_list(None).await? {
            let fields = serde_json::from_str(&fields).map_err(|_| ApiError::Internal)?;
            let l = Literacy::from_fields(&fields)?;
            literacy
                .entry(municipality)
                .or_default()
                .push(LiteracyFigure::of(id, &l, local_today(created_at)));
        }
        let mut reports = Vec::new();
        for m in self.ctx.store.municipalities().await? {
            let own: Vec<&PlanRow> = plans.iter().filter(|p| p.municipality_id == m.id).collect();
            let cases = figures.remove(&m.id).unwrap_or_default();
            let Some(plan) = indicator::plan_for(&own, period.to.year(), |p| (p.starts_year, p.ends_year)) else {
                // A municipality without a plan and without cases (the ministry's own) is left out.
                if !cases.is_empty() {
                    reports.push((m.name.clone(), None));
                }
                continue;
            };
            let defs = self.ctx.store.indicators(plan.id).await?;
            let typed: BTreeMap<String, f64> = self
                .ctx
                .store
                .by_hand(plan.id, period.from, period.to)
                .await?
                .into_iter()
                .collect();
            let lit = literacy.remove(&m.id).unwrap_or_default();
            let rows = indicator::report(&defs, &cases, &lit, |c| typed.get(c).copied(), &period);
            reports.push((m.name.clone(), Some((plan.name.clone(), rows))));
        }
        self.ctx
            .audit_by(actor, "indicators.national", "nation", None, format!("{from}–{to}"))
            .await?;
        Ok(indicator::national(period, reports))
    }

    /// The cases behind one side of one figure: those the reader may see, named; the others
    /// only counted.
    pub async fn cases_behind(
        &self,
        actor: &SessionUser,
        plan_id: Uuid,
        code: &str,
        side: Side,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<CasesBehind, ApiError> {
        let plan = self.plan_of(actor, plan_id, Action::ViewIndicators).await?;
        let period = self.period(from, to)?;
        let rows = self.compute(&plan, &period).await?;
        let row = rows.into_iter().find(|r| r.code == code).ok_or(ApiError::NotFound)?;
        let ids = match side {
            Side::Numerator => row.numerator_cases,
            Side::Denominator => row.denominator_cases,
        };
        let book = CaseBook::load(&self.ctx, actor).await?;
        let mut out = CasesBehind {
            cases: Vec::new(),
            hidden: 0,
        };
        for id in ids {
            match book.behind(id) {
                Some(line) => out.cases.push(line),
                None => out.hidden += 1,
            }
        }
        out.cases
            .sort_by(|a, b| a.name.cmp(&b.name).then(a.case_id.cmp(&b.case_id)));
        self.ctx
            .audit_by(
                actor,
                "indicators.cases",
                "indicator_plan",
                Some(plan.id.to_string()),
                format!(
                    "{code} {side:?} {from}–{to}: {} shown, {} hidden",
                    out.cases.len(),
                    out.hidden
                ),
            )
            .await?;
        Ok(out)
    }

    /// The administrator changes an indicator's definition; refused with its reason when a
    /// measure is unknown or a target out of range. The code and the plan stay.
    pub async fn edit(&self, actor: &SessionUser, plan_id: Uuid, def: &IndicatorDef) -> Result<(), ApiError> {
        let plan = self.plan_of(actor, plan_id, Action::EditIndicators).await?;
        def.check()?;
        let now = self.ctx.now();
        let audit = self.ctx.event(
            Some(actor),
            None,
            "indicators.edit",
            "indicator",
            Some(format!("{}/{}", plan.code, def.code)),
            format!(
                "numerator {} denominator {} baseline {:?} targets {:?}",
                def.numerator.as_deref().unwrap_or("by hand"),
                def.denominator.as_deref().unwrap_or("-"),
                def.baseline,
                def.targets
            ),
        );
        if !self
            .ctx
            .store
            .save_indicator(plan.id, def, actor.id, now, &[audit])
            .await?
        {
            return Err(ApiError::NotFound);
        }
        Ok(())
    }

    /// The administrator types the figure of an indicator the records cannot give, for a period.
    pub async fn type_by_hand(
        &self,
        actor: &SessionUser,
        plan_id: Uuid,
        code: &str,
        from: NaiveDate,
        to: NaiveDate,
        value: f64,
    ) -> Result<(), ApiError> {
        let plan = self.plan_of(actor, plan_id, Action::EditIndicators).await?;
        let period = self.period(from, to)?;
        let defs = self.ctx.store.indicators(plan.id).await?;
        let def = defs.iter().find(|d| d.code == code).ok_or(ApiError::NotFound)?;
        if def.numerator.is_some() {
            return Err(IndicatorError::ComputedFromRecords.into());
        }
        check_value(def.unit, value)?;
        let audit = self.ctx.event(
            Some(actor),
            None,
            "indicators.by_hand",
            "indicator",
            Some(format!("{}/{code}", plan.code)),
            format!("{value} for {}–{}", period.from, period.to),
        );
        self.ctx
            .store
            .save_by_hand(
                plan.id,
                code,
                period.from,
                period.to,
                value,
                actor.id,
                self.ctx.now(),
                &[audit],
            )
            .await?;
        Ok(())
    }

    /// The report as a spreadsheet in the reader's language, audited as an export.
    pub async fn export_report(
        &self,
        actor: &SessionUser,
        plan_id: Uuid,
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let report = self.report(actor, plan_id, from, to).await?;
        let w = Words::of(&actor.locale);
        let mut table = Table {
            sheet: w.get("exp_indicators"),
            title: vec![
                report.plan.name.clone(),
                format!(
                    "{} · {} – {}",
                    report.municipality, report.period.from, report.period.to
                ),
            ],
            headers: vec![
                w.get("exp_objective"),
                w.get("exp_indicator"),
                w.get("exp_numerator"),
                w.get("exp_denominator"),
                w.get("exp_actual"),
                w.get("exp_baseline"),
                w.get("exp_target"),
                w.get("exp_target_year"),
                w.get("exp_gap"),
                w.get("exp_definition"),
            ],
            rows: Vec::new(),
        };
        for r in &report.rows {
            let definition = match (&r.numerator_code, &r.denominator_code) {
                (None, _) => w.get("exp_by_hand"),
                (Some(n), Some(d)) => format!("{} / {}", w.measure(n), w.measure(d)),
                (Some(n), None) => w.measure(n),
            };
            table.rows.push(vec![
                r.objective.get(&actor.locale).into(),
                r.title.get(&actor.locale).into(),
                r.numerator.into(),
                r.denominator.into(),
                r.actual.into(),
                r.baseline.into(),
                r.target.map(|(_, t)| t).into(),
                r.target.map(|(y, _)| f64::from(y)).into(),
                r.gap.into(),
                Cell::Text(format!(
                    "{definition}{}",
                    if r.unit == Unit::Share { " (%)" } else { "" }
                )),
            ]);
        }
        let bytes = table.write(format)?;
        self.ctx
            .audit_by(
                actor,
                "indicators.export",
                "indicator_plan",
                Some(report.plan.id.to_string()),
                format!("{} {}–{} as {}", report.plan.code, from, to, format.ext()),
            )
            .await?;
        let name = format!("{}-{from}-{to}.{}", report.plan.code, format.ext());
        Ok((name, bytes))
    }

    /// The cases behind a figure as a spreadsheet (a case list), audited as an export.
    #[allow(clippy::too_many_arguments)]
    pub async fn export_cases(
        &self,
        actor: &SessionUser,
        plan_id: Uuid,
        code: &str,
        side: Side,
        from: NaiveDate,
        to: NaiveDate,
        format: ExportFormat,
    ) -> Result<(String, Vec<u8>), ApiError> {
        let list = self.cases_behind(actor, plan_id, code, side, from, to).await?;
        let w = Words::of(&actor.locale);
        let table = Table {
            sheet: w.get("exp_cases"),
            title: vec![format!("{code} · {from} – {to}")],
            headers: vec![
                w.get("exp_name"),
                w.get("exp_village"),
                w.get("exp_field_worker"),
                w.get("exp_returned_on"),
                w.get("exp_closed_on"),
                w.get("exp_case_id"),
            ],
            rows: list
                .cases
                .iter()
                .map(|c| {
                    vec![
                        c.name.clone().into(),
                        c.village.clone().into(),
                        c.field_worker.clone().into(),
                        c.returned_on.into(),
                        c.closed_on.into(),
                        c.case_id.to_string().into(),
                    ]
                })
                .collect(),
        };
        let bytes = table.write(format)?;
        self.ctx
            .audit_by(
                actor,
                "indicators.export_cases",
                "indicator_plan",
                Some(plan_id.to_string()),
                format!(
                    "{code} {side:?} {from}–{to}: {} cases as {}",
                    list.cases.len(),
                    format.ext()
                ),
            )
            .await?;
        Ok((format!("{code}-{from}-{to}.{}", format.ext()), bytes))
    }
}
