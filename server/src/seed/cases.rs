//! Households at every stage of a case's life, made by one seeded generator: the demo loads
//! about forty, tests and benchmarks ask for thousands. Dated relative to `now`, so the demo
//! always has a first visit due, an overdue referral, a monitoring due and a case near its
//! 18th month. Names in Albanian, Serbian (Latin and Cyrillic), Turkish, Bosniak and Roma
//! spellings. Every record passes the same validation a phone's change does (tested).

use app::domain::assessment::{Need, Section};
use app::domain::follow_up::local_today;
use app::domain::plan::{self, PlanContent};
use app::domain::record::{
    Assessment, Benefit, Case, GoalProgress, Household, Housing, HousingReview, Member, Monitoring, Plan, PlanDecision,
    PlanVersion, Referral, ReturnEvent, Review, TypedRecord, Visit,
};
use app::domain::service::Service;
use app::domain::sync;
use app::domain::{Fields, Institution, InstitutionKind, RecordKind};
use chrono::{DateTime, Days, Duration, Months, NaiveDate, Utc};
use serde_json::json;
use uuid::Uuid;

/// Who and what the generated cases belong to.
#[derive(Debug, Clone)]
pub struct CaseWorld {
    pub municipality_id: Uuid,
    /// The field workers the cases are spread over (the first gets most).
    pub field_workers: Vec<Uuid>,
    pub case_manager: Uuid,
    pub supervisor: Uuid,
    pub institutions: Vec<Institution>,
    pub services: Vec<Service>,
}

/// One record to store, with who made it and when.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub kind: RecordKind,
    pub id: Uuid,
    pub case_id: Uuid,
    pub field_worker_id: Option<Uuid>,
    pub fields: Fields,
    pub by: Uuid,
    pub at: DateTime<Utc>,
}

/// The stages, in the order households cycle through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Returned yesterday: the home visit is due within 72 hours.
    JustReturned,
    /// Returned six days ago and not visited: the visit is overdue.
    VisitOverdue,
    /// Visited and assessed.
    Assessed,
    /// A case manager appointed and a plan drafted from the needs.
    PlanDrafted,
    /// The plan submitted, waiting for the supervisor.
    WaitingForApproval,
    /// Approved forty days ago: the first monthly monitoring is overdue.
    MonitoringDue,
    /// An employment referral sent 45 days ago, unanswered.
    ReferralOverdue,
    /// A person registered again who is already in an earlier household.
    PossibleDuplicate,
    /// Returned seventeen months ago, monitored and reviewed: the final assessment is near.
    NearClosure,
}

pub const STAGES: [Stage; 9] = [
    Stage::JustReturned,
    Stage::VisitOverdue,
    Stage::Assessed,
    Stage::PlanDrafted,
    Stage::WaitingForApproval,
    Stage::MonitoringDue,
    Stage::ReferralOverdue,
    Stage::PossibleDuplicate,
    Stage::NearClosure,
];

/// (first names of women, of men, last names) per community and script.
const NAMES: &[(&[&str], &[&str], &[&str])] = &[
    (
        &["Blerta", "Drita", "Shqipe", "Valbona", "Mimoza", "Fëllënza"],
        &["Arben", "Fatmir", "Ilir", "Besnik", "Lulzim", "Agron"],
        &["Krasniqi", "Berisha", "Gashi", "Hoxha", "Morina", "Shala", "Çeku"],
    ),
    (
        &["Jelena", "Milica", "Snežana", "Dragana", "Vesna"],
        &["Dragan", "Nenad", "Miloš", "Željko", "Đorđe"],
        &["Jovanović", "Petrović", "Stojanović", "Đorđević", "Marković"],
    ),
    (
        &["Јелена", "Милица", "Снежана", "Ивана"],
        &["Драган", "Ненад", "Милош", "Жељко"],
        &["Јовановић", "Петровић", "Ђорђевић", "Стаменковић"],
    ),
    (
        &["Ayşe", "Gülşen", "Özlem", "Şükriye", "Çiğdem"],
        &["Mehmet", "Şükrü", "İsmail", "Çağrı", "Özgür"],
        &["Yılmaz", "Çelik", "Öztürk", "Doğan", "Şahin"],
    ),
    (
        &["Emina", "Alma", "Šejla", "Amra"],
        &["Adnan", "Senad", "Dževad", "Haris"],
        &["Hodžić", "Mehmedović", "Bešić", "Ćatović"],
    ),
    (
        &["Sabina", "Šemsa", "Mirvete", "Elmaze"],
        &["Elvis", "Bajram", "Avdyl", "Sefer"],
        &["Bajrami", "Mustafa", "Salihu", "Demiri", "Gaši"],
    ),
];

const VILLAGES: &[&str] = &[
    "Plemetin / Племетина",
    "Obiliq / Obilić",
    "Milloshevë / Miloševo",
    "Babimoc / Babin Most",
    "Kryshtec / Crkvena Vodica",
    "Hamidi",
    "Lajthishtë / Lepina",
];

const COUNTRIES: &[&str] = &["Deutschland", "Sverige", "France", "Schweiz", "België", "Österreich"];

/// A small, seeded, reproducible sequence (splitmix64): the same seed gives the same demo.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from[self.below(from.len())]
    }

    /// A UUID from the sequence (v4 layout), so a seed always gives the same IDs.
    fn id(&mut self) -> Uuid {
        let bytes = (u128::from(self.next()) << 64) | u128::from(self.next());
        uuid::Builder::from_random_bytes(bytes.to_be_bytes()).into_uuid()
    }
}

/// `count` households, cycling through [`STAGES`], as records ready to store.
pub fn households(world: &CaseWorld, count: usize, seed: u64, now: DateTime<Utc>) -> Vec<Seeded> {
    let mut dice = Dice(seed);
    let mut out = Vec::new();
    // Heads of the earlier households, for the possible duplicates.
    let mut heads: Vec<Member> = Vec::new();
    for i in 0..count {
        let stage = STAGES[i % STAGES.len()];
        let worker = match world.field_workers.as_slice() {
            [] => None,
            [only] => Some(*only),
            many => Some(if i % 4 == 3 { many[1] } else { many[0] }),
        };
        let family = Family::new(&mut dice, world, stage, worker, now, heads.last());
        heads.push(family.head.clone());
        out.extend(family.records);
    }
    out
}

struct Family {
    head: Member,
    records: Vec<Seeded>,
}

impl Family {
    fn new(
        dice: &mut Dice,
        world: &CaseWorld,
        stage: Stage,
        worker: Option<Uuid>,
        now: DateTime<Utc>,
        earlier_head: Option<&Member>,
    ) -> Family {
        let today = local_today(now);
        let days_ago = |d: u64| today - Days::new(d);
        let at_day = |day: NaiveDate, hour: u32| {
            day.and_hms_opt(hour, 0, 0)
                .map_or(now, |t| t.and_utc())
                .min(now - Duration::minutes(5))
        };
        let returned = match stage {
            Stage::JustReturned => days_ago(1),
            Stage::VisitOverdue => days_ago(6),
            Stage::Assessed | Stage::PlanDrafted | Stage::WaitingForApproval => days_ago(20 + dice.below(10) as u64),
            Stage::MonitoringDue => days_ago(75),
            Stage::ReferralOverdue => days_ago(60),
            Stage::PossibleDuplicate => days_ago(12),
            Stage::NearClosure => today - Months::new(17) - Days::new(10),
        };
        let (women, men, last_names) = NAMES[dice.below(NAMES.len())];
        let last = dice.pick(last_names).to_string();
        let case_id = dice.id();
        let household_id = dice.id();
        let creator = worker.unwrap_or(world.supervisor);
        let mut records = Vec::new();
        let mut add = |kind, id, fields: Fields, by: Uuid, at: DateTime<Utc>| {
            records.push(Seeded {
                kind,
                id,
                case_id,
                field_worker_id: (kind == RecordKind::Case).then_some(worker).flatten(),
                fields,
                by,
                at,
            });
        };
        let registered = at_day(returned, 9);
        let mut case = Case {
            household_id: Some(household_id),
            ..Default::default()
        };
        let appointed = matches!(
            stage,
            Stage::PlanDrafted | Stage::WaitingForApproval | Stage::MonitoringDue | Stage::NearClosure
        );
        if appointed {
            case.case_manager_id = Some(world.case_manager);
            case.case_manager_decision = Some(format!("01-016/{}-{}", returned.format("%Y"), 100 + dice.below(800)));
            case.case_manager_decided_on = Some(returned + Days::new(3));
        }
        add(RecordKind::Case, case_id, case.to_fields(), creator, registered);
        let village = dice.pick(VILLAGES).to_string();
        let household = Household {
            village: village.clone(),
            address: format!(
                "Rr. {} {}",
                dice.pick(&["Dëshmorët", "Adem Jashari", "Skënderbeu", "Kosovska"]),
                1 + dice.below(80)
            ),
            phone: Some(format!(
                "+383 4{} {:03} {:03}",
                4 + dice.below(6),
                dice.below(1000),
                dice.below(1000)
            )),
            notes: None,
        };
        add(
            RecordKind::Household,
            household_id,
            household.to_fields(),
            creator,
            registered,
        );

        // The head (a woman or a man), a spouse, one to three children.
        let head_is_woman = dice.below(2) == 0;
        let mut head = Member {
            household_id: Some(household_id),
            first_name: dice.pick(if head_is_woman { women } else { men }).to_string(),
            last_name: last.clone(),
            birth_date: NaiveDate::from_ymd_opt(
                1965 + dice.below(30) as i32,
                1 + dice.below(12) as u32,
                1 + dice.below(28) as u32,
            ),
            sex: Some(if head_is_woman { "female" } else { "male" }.into()),
            relationship: Some("head".into()),
            ..Default::default()
        };
        if stage == Stage::PossibleDuplicate {
            // Registered again under the spelling of the earlier household: the same person.
            if let Some(earlier) = earlier_head {
                head.first_name = earlier.first_name.clone();
                head.last_name = earlier.last_name.clone();
                head.birth_date = earlier.birth_date;
                head.sex = earlier.sex.clone();
            }
        }
        let head_id = dice.id();
        let mut people = vec![(head_id, head.clone())];
        let spouse = Member {
            household_id: Some(household_id),
            first_name: dice.pick(if head_is_woman { men } else { women }).to_string(),
            last_name: last.clone(),
            birth_date: head.birth_date.map(|d| d + Days::new(400 + dice.below(1500) as u64)),
            sex: Some(if head_is_woman { "male" } else { "female" }.into()),
            relationship: Some("spouse".into()),
            ..Default::default()
        };
        people.push((dice.id(), spouse));
        for _ in 0..1 + dice.below(3) {
            let girl = dice.below(2) == 0;
            let child = Member {
                household_id: Some(household_id),
                first_name: dice.pick(if girl { women } else { men }).to_string(),
                last_name: last.clone(),
                birth_date: Some(days_ago(365 * (3 + dice.below(14) as u64) + dice.below(300) as u64)),
                sex: Some(if girl { "female" } else { "male" }.into()),
                relationship: Some("child".into()),
                ..Default::default()
            };
            people.push((dice.id(), child));
        }
        for (id, m) in &people {
            add(RecordKind::Member, *id, m.to_fields(), creator, registered);
        }
        let foreigner = dice.below(8) == 0;
        // Drawn in the order the demo always drew them, so the same seed gives the same families.
        let country = dice.pick(COUNTRIES).to_string();
        let registration = dice.below(10_000);
        let arrival = ReturnEvent {
            household_id: Some(household_id),
            category: Some(
                if foreigner {
                    "foreigner_protection"
                } else {
                    "repatriated"
                }
                .into(),
            ),
            country,
            event_date: Some(returned),
            // A repatriation's airport registration has the hour it landed; a foreigner's
            // decision has a day only.
            event_time: (!foreigner).then(|| format!("{:02}:{:02}", 6 + registration % 16, (registration / 16) % 60)),
            airport_registration: Some(format!("PR-{}-{:04}", returned.format("%Y"), registration)),
            members: people.iter().map(|(id, _)| *id).collect(),
        };
        add(
            RecordKind::ReturnEvent,
            dice.id(),
            arrival.to_fields(),
            creator,
            registered,
        );

        if matches!(
            stage,
            Stage::JustReturned | Stage::VisitOverdue | Stage::PossibleDuplicate
        ) {
            return Family { head, records };
        }
        // Visited on the second day, assessed there.
        let visited = at_day(returned + Days::new(2), 10);
        let visit_id = dice.id();
        let visit = Visit {
            visited_at: Some(visited),
            kind: Some("initial".into()),
            village,
            present: people.iter().take(2).map(|(id, _)| *id).collect(),
            ..Default::default()
        };
        add(RecordKind::Visit, visit_id, visit.to_fields(), creator, visited);
        let needs = vec![
            Need {
                section: Section::CivilDocuments,
                priority: "high".into(),
                note: "Letërnjoftime për të gjithë / lične karte za sve".into(),
            },
            Need {
                section: Section::Work,
                priority: "medium".into(),
                note: String::new(),
            },
            Need {
                section: Section::Schooling,
                priority: "high".into(),
                note: "Nostrifikimi i dëftesave".into(),
            },
        ];
        let mut members_answers = serde_json::Map::new();
        for (id, m) in &people {
            let adult = m
                .birth_date
                .is_some_and(|b| visited.date_naive().years_since(b).unwrap_or(0) >= 18);
            let answers = if adult {
                json!({ "employed": false, "employment_office_registered": false })
            } else {
                json!({ "school_enrolled": true, "school_grade": 1 + dice.below(9), "instruction_language": "sq",
                        "certificates_missing": true })
            };
            members_answers.insert(id.to_string(), answers);
        }
        let assessment_id = dice.id();
        let assessment = Assessment {
            form_version: Some(1),
            visit_id: Some(visit_id),
            completed_at: Some(visited),
            answers: json!({
                "household": { "documents_complete": false, "documents_missing": "Letërnjoftimi", "housing_tenure": "with_relatives",
                    "housing_condition": "needs_repair", "housing_at_risk": false, "chronic_illness": false, "disability": false,
                    "psychosocial_signs": false, "receives_assistance": false, "has_land": false },
                "members": members_answers,
                "needs": needs,
            }),
        };
        add(
            RecordKind::Assessment,
            assessment_id,
            assessment.to_fields(),
            creator,
            visited,
        );

        if stage == Stage::ReferralOverdue {
            let office = world
                .institutions
                .iter()
                .find(|i| i.kind == InstitutionKind::EmploymentOffice)
                .map(|i| i.id);
            let referral = Referral {
                kind: Some("employment".into()),
                institution_id: office,
                sent_on: Some(days_ago(45)),
                note: Some("Regjistrim si punëkërkues".into()),
                assessment_id: Some(assessment_id),
                ..Default::default()
            };
            add(
                RecordKind::Referral,
                dice.id(),
                referral.to_fields(),
                creator,
                at_day(days_ago(45), 11),
            );
            // The children's schooling, sent to the education directorate (where there is one):
            // the school team accepts it and the children's schooling opens.
            let directorate = world
                .institutions
                .iter()
                .find(|i| i.kind == InstitutionKind::EducationDirectorate);
            if let Some(directorate) = directorate {
                let schooling = Referral {
                    kind: Some("schooling".into()),
                    institution_id: Some(directorate.id),
                    sent_on: Some(days_ago(5)),
                    note: Some("Regjistrimi në shkollë dhe nostrifikimi i dëftesave".into()),
                    assessment_id: Some(assessment_id),
                    ..Default::default()
                };
                add(
                    RecordKind::Referral,
                    dice.id(),
                    schooling.to_fields(),
                    creator,
                    at_day(days_ago(5), 11),
                );
            }
        }
        if !appointed {
            return Family { head, records };
        }

        // The plan, drafted by the case manager from the needs.
        let drafted_on = match stage {
            Stage::MonitoringDue => days_ago(45),
            Stage::NearClosure => returned + Days::new(20),
            _ => days_ago(3),
        };
        let plan_id = dice.id();
        let mut n = 0u64;
        let mut items = plan::suggest_items(&needs, &world.services, Some(head_id), drafted_on, || {
            n += 1;
            Uuid::from_u64_pair(plan_id.as_u64_pair().0, n)
        });
        // A family plan keeps one service per need.
        items.dedup_by_key(|i| i.need);
        let the_plan = Plan {
            plan_type: Some(if foreigner { "pii" } else { "pir" }.into()),
            assessment_id: Some(assessment_id),
            items,
            notes: None,
        };
        let drafted = at_day(drafted_on, 12);
        add(
            RecordKind::Plan,
            plan_id,
            the_plan.to_fields(),
            world.case_manager,
            drafted,
        );
        if stage == Stage::PlanDrafted {
            return Family { head, records };
        }
        let content = PlanContent::of(&the_plan);
        let hash = plan::content_hash(&content);
        let version_id = dice.id();
        let submitted = match stage {
            Stage::WaitingForApproval => at_day(days_ago(2), 14),
            _ => at_day(drafted_on, 14),
        };
        let version = PlanVersion {
            plan_id: Some(plan_id),
            content,
            content_hash: hash.clone(),
            submitted_at: Some(submitted),
        };
        add(
            RecordKind::PlanVersion,
            version_id,
            version.to_fields(),
            world.case_manager,
            submitted,
        );
        if stage == Stage::WaitingForApproval {
            return Family { head, records };
        }
        let approved_on = drafted_on + Days::new(5);
        let decided = at_day(approved_on, 9);
        let decision = PlanDecision {
            plan_id: Some(plan_id),
            version_id: Some(version_id),
            content_hash: hash,
            decision: Some("approved".into()),
            comment: None,
            decided_at: Some(decided),
        };
        add(
            RecordKind::PlanDecision,
            dice.id(),
            decision.to_fields(),
            world.supervisor,
            decided,
        );
        if stage == Stage::NearClosure {
            // Monitored most months; reviewed every quarter.
            let mut month = 1;
            while approved_on + Months::new(month) < today {
                let on = approved_on + Months::new(month) - Days::new(2);
                if month % 5 != 0 {
                    let monitoring = Monitoring {
                        plan_id: Some(plan_id),
                        done_on: Some(on),
                        jobseeker_status: Some("I regjistruar / prijavljen".into()),
                        ..Default::default()
                    };
                    add(
                        RecordKind::Monitoring,
                        dice.id(),
                        monitoring.to_fields(),
                        world.case_manager,
                        at_day(on, 15),
                    );
                }
                if month % 3 == 0 {
                    let review = Review {
                        plan_id: Some(plan_id),
                        done_on: Some(on),
                        goals: the_plan
                            .items
                            .iter()
                            .enumerate()
                            .map(|(i, item)| GoalProgress {
                                item_id: item.id,
                                progress: if i == 0 { "achieved" } else { "on_track" }.into(),
                                note: String::new(),
                            })
                            .collect(),
                        summary: "Dokumentet u morën; punë sezonale.".into(),
                        recommendations: Some("Vazhdim i mësimit plotësues.".into()),
                    };
                    add(
                        RecordKind::Review,
                        dice.id(),
                        review.to_fields(),
                        world.case_manager,
                        at_day(on, 16),
                    );
                }
                month += 1;
            }
            // The programme paid a year's rent; the housing review said what came after it, and
            // the family's social assistance was granted.
            let housing = Housing {
                situation: Some("rent_by_programme".into()),
                rent_from: Some(returned + Months::new(1)),
                rent_to: Some(returned + Months::new(13)),
                rent_monthly: Some(140.0),
                landlord: Some("Bajram Morina".into()),
                notes: None,
            };
            add(
                RecordKind::Housing,
                dice.id(),
                housing.to_fields(),
                worker.unwrap_or(world.case_manager),
                at_day(returned + Months::new(1), 10),
            );
            let reviewed = returned + Months::new(12);
            let review = HousingReview {
                done_on: Some(reviewed),
                after_rent: Some("social_housing_application".into()),
                notes: None,
            };
            add(
                RecordKind::HousingReview,
                dice.id(),
                review.to_fields(),
                world.case_manager,
                at_day(reviewed, 11),
            );
            let claim = Benefit {
                member_id: Some(head_id),
                scheme: Some("social_assistance".into()),
                applied_on: Some(returned + Days::new(40)),
                outcome: Some("approved".into()),
                decided_on: Some(returned + Days::new(75)),
                amount: Some(85.0),
                period_from: Some(returned + Days::new(75)),
                period_to: Some(returned + Days::new(75) + Months::new(12)),
                ..Default::default()
            };
            add(
                RecordKind::Benefit,
                dice.id(),
                claim.to_fields(),
                world.case_manager,
                at_day(returned + Days::new(75), 12),
            );
        }
        Family { head, records }
    }
}

/// The change counter's records for `seeded`, as the sync layer stores them.
pub fn stored(s: &Seeded, municipality_id: Uuid) -> crate::storage::StoredRecord {
    crate::storage::StoredRecord {
        kind: s.kind,
        id: s.id,
        case_id: s.case_id,
        municipality_id,
        field_worker_id: s.field_worker_id,
        version: 1,
        stamps: sync::created(&s.fields, Uuid::nil()),
        fields: s.fields.clone(),
        seq: 0,
        created_by: s.by,
        created_at: s.at,
        updated_by: s.by,
        updated_at: s.at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::plan::{PlanRecords, PlanState};
    use app::domain::record::{validate, Context};
    use app::domain::service::ServiceNames;

    fn world() -> CaseWorld {
        let m = Uuid::from_u128(1);
        let service = |n: u128, area: &str| Service {
            id: Uuid::from_u128(n),
            municipality_id: m,
            area: area.into(),
            names: ServiceNames::default(),
            institution_id: None,
            typical_days: 30,
            retired: false,
        };
        CaseWorld {
            municipality_id: m,
            field_workers: vec![Uuid::from_u128(2), Uuid::from_u128(3)],
            case_manager: Uuid::from_u128(4),
            supervisor: Uuid::from_u128(5),
            institutions: vec![Institution {
                id: Uuid::from_u128(6),
                municipality_id: m,
                kind: InstitutionKind::EmploymentOffice,
                name: "Zyra e Punësimit".into(),
            }],
            services: vec![
                service(10, "documents"),
                service(11, "employment"),
                service(12, "education"),
            ],
        }
    }

    fn now() -> DateTime<Utc> {
        DateTime::parse_from_rfc3339("2026-11-24T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn every_generated_record_passes_the_phones_validation() {
        let records = households(&world(), 45, 7, now());
        for s in &records {
            let mut ctx = Context::at(now());
            ctx.members = records
                .iter()
                .filter(|r| r.case_id == s.case_id && r.kind == RecordKind::Member)
                .map(|r| Member::facts(r.id, &r.fields))
                .collect();
            let errors = validate(s.kind, &s.fields, &ctx);
            assert!(errors.is_empty(), "{:?} {:?}: {errors:?}", s.kind, s.fields);
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_households_and_every_stage_appears() {
        let a = households(&world(), 18, 42, now());
        let b = households(&world(), 18, 42, now());
        let ids = |v: &[Seeded]| v.iter().map(|r| (r.id, r.fields.clone())).collect::<Vec<_>>();
        assert_eq!(ids(&a), ids(&b));
        assert_ne!(ids(&a), ids(&households(&world(), 18, 43, now())));
        let cases: Vec<Uuid> = a.iter().filter(|r| r.kind == RecordKind::Case).map(|r| r.id).collect();
        assert_eq!(cases.len(), 18);
        // Counted from the stage list: per nine households, one plan drafted, one waiting, and
        // two approved (monitoring due, near closure).
        let states: Vec<PlanState> = cases
            .iter()
            .map(|c| {
                PlanRecords::read(a.iter().filter(|r| r.case_id == *c).map(|r| (r.kind, r.id, &r.fields)))
                    .status()
                    .state
            })
            .collect();
        let count = |s: PlanState| states.iter().filter(|x| **x == s).count();
        assert_eq!(count(PlanState::Draft), 2);
        assert_eq!(count(PlanState::WaitingForApproval), 2);
        assert_eq!(count(PlanState::Approved), 4);
        assert_eq!(count(PlanState::None), 10);
    }
}
