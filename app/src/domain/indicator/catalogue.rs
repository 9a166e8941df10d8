//! The indicators of two municipal plans, as their objective tables give them
//! (`../shared/plans-indicators.md`): Obiliq's 2019–2022 objectives (baseline → middle years →
//! last year) and Prizren's 2026–2028 (baseline → 2026 → 2028). The denominators are the
//! product's: the plans give none. A municipality's administrator may change any of it.

use super::{IndicatorDef, LocalText, Unit};

/// A plan as seeded: its name, its years and its indicators.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanTemplate {
    pub code: &'static str,
    pub name: &'static str,
    pub starts: i32,
    pub ends: i32,
    pub indicators: Vec<IndicatorDef>,
}

const OBJ_NEEDS: [&str; 4] = [
    "Sistem i bazuar në nevojat e personave të riatdhesuar",
    "Sistem zasnovan na potrebama povratnika",
    "Geri dönenlerin ihtiyaçlarına dayalı sistem",
    "A system based on the returnees' needs",
];
const OBJ_REFERRAL: [&str; 4] = [
    "Sistemi i referimit",
    "Sistem upućivanja",
    "Sevk sistemi",
    "The referral system",
];
const OBJ_ECONOMIC: [&str; 4] = [
    "Riintegrimi ekonomik",
    "Ekonomska reintegracija",
    "Ekonomik yeniden entegrasyon",
    "Economic reintegration",
];
const OBJ_SOCIAL: [&str; 4] = [
    "Riintegrimi social",
    "Socijalna reintegracija",
    "Sosyal yeniden entegrasyon",
    "Social reintegration",
];
const OBJ_EDUCATION: [&str; 4] = ["Arsimi", "Obrazovanje", "Eğitim", "Education"];
const OBJ_CAPACITY: [&str; 4] = [
    "Kapacitetet e komunës",
    "Kapaciteti opštine",
    "Belediyenin kapasitesi",
    "The municipality's capacity",
];
const OBJ_CASES: [&str; 4] = [
    "Të dhënat e rasteve",
    "Podaci o slučajevima",
    "Vaka verileri",
    "Case data",
];

/// The titles, by the indicator's code: the same in every plan that has it.
const TITLES: &[(&str, [&str; 4])] = &[
    (
        "needs_served",
        [
            "Nevojat e identifikuara dhe të plotësuara përmes PIR",
            "Potrebe utvrđene i zadovoljene kroz IPR",
            "BYEP ile belirlenen ve karşılanan ihtiyaçlar",
            "Needs identified and served through the plan",
        ],
    ),
    (
        "monitoring_on_time",
        [
            "Monitorimi mujor i bërë në kohë",
            "Mesečno praćenje obavljeno na vreme",
            "Zamanında yapılan aylık izleme",
            "Monthly monitoring done on time",
        ],
    ),
    (
        "reviews_on_time",
        [
            "Rishikimi tremujor i bërë në kohë",
            "Tromesečni pregled obavljen na vreme",
            "Zamanında yapılan üç aylık gözden geçirme",
            "Quarterly reviews done on time",
        ],
    ),
    (
        "reintegration_achieved",
        [
            "Riintegrimi i qëndrueshëm sipas vlerësimit përfundimtar",
            "Održiva reintegracija prema završnoj proceni",
            "Son değerlendirmeye göre sürdürülebilir yeniden entegrasyon",
            "Sustainable reintegration at the final assessment",
        ],
    ),
    (
        "first_visit_72h",
        [
            "Vizita e parë brenda 72 orëve nga kthimi",
            "Prva poseta u roku od 72 sata od povratka",
            "Dönüşten sonra 72 saat içinde ilk ziyaret",
            "First visit within 72 hours of the return",
        ],
    ),
    (
        "referrals_answered",
        [
            "Referimet që morën përgjigje nga institucioni",
            "Upućivanja na koja je institucija odgovorila",
            "Kurumun yanıtladığı sevkler",
            "Referrals the institution answered",
        ],
    ),
    (
        "referrals_served",
        [
            "Referimet me shërbim të dhënë",
            "Upućivanja sa pruženom uslugom",
            "Hizmet verilen sevkler",
            "Referrals with the service given",
        ],
    ),
    (
        "employment_served",
        [
            "Punësimi: referimet me shërbim të dhënë",
            "Zapošljavanje: upućivanja sa pruženom uslugom",
            "İstihdam: hizmet verilen sevkler",
            "Employment: referrals with the service given",
        ],
    ),
    (
        "documents_served",
        [
            "Dokumentet civile të siguruara",
            "Obezbeđeni lični dokumenti",
            "Temin edilen kimlik belgeleri",
            "Civil documents obtained",
        ],
    ),
    (
        "social_assistance",
        [
            "Kërkesat për ndihmë sociale të aprovuara",
            "Odobreni zahtevi za socijalnu pomoć",
            "Onaylanan sosyal yardım başvuruları",
            "Social assistance claims approved",
        ],
    ),
    (
        "psychosocial",
        [
            "Referimet psiko-sociale me shërbim të dhënë",
            "Psihosocijalna upućivanja sa pruženom uslugom",
            "Hizmet verilen psikososyal sevkler",
            "Psychosocial referrals with the service given",
        ],
    ),
    (
        "activities",
        [
            "Pjesëmarrja në aktivitete sociale (e futur me dorë)",
            "Učešće u društvenim aktivnostima (uneto ručno)",
            "Sosyal etkinliklere katılım (elle girilen)",
            "Taking part in social activities (entered by hand)",
        ],
    ),
    (
        "permanent_housing",
        [
            "Banim i përhershëm pas 12 muajve",
            "Trajno stanovanje posle 12 meseci",
            "12 ay sonra kalıcı konut",
            "Permanent housing after 12 months",
        ],
    ),
    (
        "housing_help",
        [
            "Vendimet e komisionit që japin ndihmë për banim",
            "Odluke komisije koje daju pomoć za stanovanje",
            "Konut yardımı veren komisyon kararları",
            "Commission decisions granting housing help",
        ],
    ),
    (
        "children_enrolled",
        [
            "Fëmijët e regjistruar në shkollë",
            "Deca upisana u školu",
            "Okula kaydedilen çocuklar",
            "Children enrolled in school",
        ],
    ),
    (
        "language_classes",
        [
            "Fëmijët në mësim gjuhe ose plotësues",
            "Deca na časovima jezika ili dopunskoj nastavi",
            "Dil veya ek derslerdeki çocuklar",
            "Children in language or supplementary classes",
        ],
    ),
    (
        "dropout_responses",
        [
            "Fëmijët në rrezik me ndërhyrje të ekipit",
            "Deca u riziku sa intervencijom tima",
            "Ekibin müdahale ettiği risk altındaki çocuklar",
            "Children at risk the team acted for",
        ],
    ),
    (
        "curricula",
        [
            "Kurrikulat e rishikuara (e futur me dorë)",
            "Revidirani nastavni planovi (uneto ručno)",
            "Gözden geçirilen müfredatlar (elle girilen)",
            "Curricula revised (entered by hand)",
        ],
    ),
    (
        "literacy",
        [
            "Të rriturit që përfunduan kursin e shkrim-leximit",
            "Odrasli koji su završili kurs opismenjavanja",
            "Okuma yazma kursunu bitiren yetişkinler",
            "Adults who completed the literacy course",
        ],
    ),
    (
        "school_monitoring_reports",
        [
            "Raportet e monitorimit në arsim (e futur me dorë)",
            "Izveštaji o praćenju u obrazovanju (uneto ručno)",
            "Eğitimde izleme raporları (elle girilen)",
            "Monitoring reports in education (entered by hand)",
        ],
    ),
    (
        "staff_trained",
        [
            "Stafi i trajnuar (e futur me dorë)",
            "Obučeno osoblje (uneto ručno)",
            "Eğitim alan personel (elle girilen)",
            "Staff trained (entered by hand)",
        ],
    ),
    (
        "directorates_connected",
        [
            "Drejtoritë e lidhura në sistemin e referimit (e futur me dorë)",
            "Uprave povezane u sistem upućivanja (uneto ručno)",
            "Sevk sistemine bağlı müdürlükler (elle girilen)",
            "Directorates connected to the referral system (entered by hand)",
        ],
    ),
    (
        "trainings_held",
        [
            "Trajnimet e mbajtura (e futur me dorë)",
            "Održane obuke (uneto ručno)",
            "Düzenlenen eğitimler (elle girilen)",
            "Trainings held (entered by hand)",
        ],
    ),
    (
        "returns",
        [
            "Familjet e kthyera",
            "Vraćene porodice",
            "Geri dönen aileler",
            "Families returned",
        ],
    ),
    (
        "assessed",
        [
            "Rastet me vlerësim të nevojave",
            "Slučajevi sa procenom potreba",
            "İhtiyaç değerlendirmesi yapılan vakalar",
            "Cases with a needs assessment",
        ],
    ),
    (
        "anamnesis",
        [
            "Raportet e anamnezës",
            "Izveštaji anamneze",
            "Anamnez raporları",
            "Anamnesis reports",
        ],
    ),
    (
        "plans_approved",
        [
            "Planet individuale të aprovuara",
            "Odobreni individualni planovi",
            "Onaylanan bireysel planlar",
            "Individual plans approved",
        ],
    ),
    (
        "case_manager_decisions",
        [
            "Vendimet e menaxherit të rastit",
            "Odluke rukovodioca slučaja",
            "Vaka yöneticisi kararları",
            "Case-manager decisions",
        ],
    ),
    (
        "claims",
        [
            "Kërkesat për skema dhe përfitime",
            "Zahtevi za šeme i pogodnosti",
            "Program ve yardım başvuruları",
            "Claims for schemes and benefits",
        ],
    ),
    (
        "housing_applications",
        [
            "Aplikimet për banim",
            "Zahtevi za stanovanje",
            "Konut başvuruları",
            "Housing applications",
        ],
    ),
    (
        "final_assessments",
        [
            "Vlerësimet përfundimtare",
            "Završne procene",
            "Son değerlendirmeler",
            "Final assessments",
        ],
    ),
    (
        "closures",
        [
            "Rastet e mbyllura",
            "Zatvoreni slučajevi",
            "Kapatılan vakalar",
            "Cases closed",
        ],
    ),
    (
        "open_over_18_months",
        [
            "Raste të hapura më shumë se 18 muaj",
            "Slučajevi otvoreni duže od 18 meseci",
            "18 aydan uzun süredir açık vakalar",
            "Cases open longer than 18 months",
        ],
    ),
    (
        "children_nostrified",
        [
            "Fëmijët me dëftesa të nostrifikuara",
            "Deca sa nostrifikovanim svedočanstvima",
            "Denklik belgesi alan çocuklar",
            "Children with nostrified certificates",
        ],
    ),
    (
        "children_at_risk",
        [
            "Fëmijët në rrezik braktisjeje",
            "Deca u riziku od napuštanja škole",
            "Okul terki riski taşıyan çocuklar",
            "Children at risk of dropping out",
        ],
    ),
    (
        "school_interventions",
        [
            "Ndërhyrjet për parandalimin e braktisjes",
            "Intervencije za sprečavanje napuštanja škole",
            "Okul terkini önleme müdahaleleri",
            "Dropout-prevention interventions",
        ],
    ),
    (
        "referrals_overdue",
        [
            "Referimet pa përgjigje pas afatit",
            "Upućivanja bez odgovora posle roka",
            "Süresi geçmiş yanıtsız sevkler",
            "Referrals unanswered past their deadline",
        ],
    ),
];

fn title(code: &str) -> LocalText {
    TITLES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, t)| LocalText::new(*t))
        .unwrap_or_default()
}

/// Baseline and targets: `None` where the plan leaves the baseline unknown ("?").
type Targets = (Option<f64>, &'static [(i32, f64)]);

fn share(objective: [&str; 4], code: &str, num: &str, den: &str, (baseline, targets): Targets) -> IndicatorDef {
    IndicatorDef {
        code: code.into(),
        objective: LocalText::new(objective),
        title: title(code),
        unit: Unit::Share,
        numerator: Some(num.into()),
        denominator: Some(den.into()),
        baseline,
        targets: targets.to_vec(),
    }
}

fn by_hand(objective: [&str; 4], code: &str, unit: Unit, (baseline, targets): Targets) -> IndicatorDef {
    IndicatorDef {
        code: code.into(),
        objective: LocalText::new(objective),
        title: title(code),
        unit,
        numerator: None,
        denominator: None,
        baseline,
        targets: targets.to_vec(),
    }
}

/// The counts every plan reports from the case data, without targets.
fn case_counts() -> Vec<IndicatorDef> {
    [
        ("returns", "returns"),
        ("assessed", "assessed"),
        ("anamnesis", "anamnesis"),
        ("plans_approved", "plans_approved"),
        ("case_manager_decisions", "case_manager_decisions"),
        ("claims", "claims"),
        ("housing_applications", "housing_applications"),
        ("final_assessments", "final_assessments"),
        ("closures", "closures"),
        ("open_over_18_months", "open_over_18_months"),
        ("children_nostrified", "children_nostrified"),
        ("children_at_risk", "children_at_risk"),
        ("school_interventions", "school_interventions"),
        ("referrals_overdue", "referrals_overdue"),
    ]
    .into_iter()
    .map(|(code, measure)| IndicatorDef {
        code: code.into(),
        objective: LocalText::new(OBJ_CASES),
        title: title(code),
        unit: Unit::Count,
        numerator: Some(measure.into()),
        denominator: None,
        baseline: None,
        targets: Vec::new(),
    })
    .collect()
}

/// Obiliq's objectives (2019–2022: baseline → 2020 and 2021 → 2022), carried into the demo
/// municipality's plan for 2026–2028: the middle target for 2026 and 2027, the last for 2028.
pub fn obiliq() -> PlanTemplate {
    macro_rules! tg {
        ($b:expr, $mid:expr, $last:expr) => {{
            const T: [(i32, f64); 3] = [(2026, $mid), (2027, $mid), (2028, $last)];
            ($b, &T as &'static [(i32, f64)])
        }};
    }
    let mut indicators = vec![
        share(
            OBJ_NEEDS,
            "needs_served",
            "needs_served",
            "needs",
            tg!(Some(40.0), 70.0, 90.0),
        ),
        share(
            OBJ_NEEDS,
            "monitoring_on_time",
            "monitoring_on_time",
            "monitoring_due",
            tg!(Some(30.0), 60.0, 80.0),
        ),
        share(
            OBJ_NEEDS,
            "reintegration_achieved",
            "sustainable",
            "final_assessments",
            tg!(Some(50.0), 60.0, 80.0),
        ),
        share(OBJ_NEEDS, "first_visit_72h", "first_visits_72h", "returns", (None, &[])),
        share(
            OBJ_NEEDS,
            "reviews_on_time",
            "reviews_on_time",
            "reviews_due",
            (None, &[]),
        ),
        share(
            OBJ_REFERRAL,
            "referrals_answered",
            "referrals_answered",
            "referrals_sent",
            tg!(Some(40.0), 80.0, 100.0),
        ),
        share(
            OBJ_ECONOMIC,
            "employment_served",
            "referrals_served:employment",
            "referrals_sent:employment",
            tg!(None, 50.0, 80.0),
        ),
        share(
            OBJ_SOCIAL,
            "documents_served",
            "referrals_served:civil_documents",
            "referrals_sent:civil_documents",
            tg!(Some(40.0), 75.0, 90.0),
        ),
        share(
            OBJ_SOCIAL,
            "social_assistance",
            "claims_approved:social_assistance",
            "claims:social_assistance",
            tg!(Some(50.0), 70.0, 90.0),
        ),
        share(
            OBJ_SOCIAL,
            "psychosocial",
            "referrals_served:psychosocial",
            "referrals_sent:psychosocial",
            tg!(None, 30.0, 50.0),
        ),
        by_hand(OBJ_SOCIAL, "activities", Unit::Share, tg!(Some(10.0), 30.0, 60.0)),
        share(
            OBJ_SOCIAL,
            "permanent_housing",
            "permanent_housing_12_months",
            "cases_12_months",
            tg!(Some(10.0), 30.0, 50.0),
        ),
        share(
            OBJ_SOCIAL,
            "housing_help",
            "housing_approved",
            "housing_decisions",
            tg!(Some(30.0), 50.0, 60.0),
        ),
        share(
            OBJ_EDUCATION,
            "children_enrolled",
            "children_enrolled",
            "children",
            tg!(Some(90.0), 100.0, 100.0),
        ),
        share(
            OBJ_EDUCATION,
            "language_classes",
            "children_language_classes",
            "children_enrolled",
            tg!(Some(50.0), 60.0, 85.0),
        ),
        share(
            OBJ_EDUCATION,
            "dropout_responses",
            "children_at_risk_helped",
            "children_at_risk",
            tg!(Some(50.0), 75.0, 80.0),
        ),
        by_hand(OBJ_EDUCATION, "curricula", Unit::Share, tg!(Some(10.0), 50.0, 80.0)),
        share(
            OBJ_EDUCATION,
            "literacy",
            "literacy_completed",
            "literacy_adults",
            tg!(Some(50.0), 60.0, 70.0),
        ),
        by_hand(
            OBJ_EDUCATION,
            "school_monitoring_reports",
            Unit::Share,
            tg!(Some(80.0), 85.0, 97.0),
        ),
        by_hand(OBJ_CAPACITY, "staff_trained", Unit::Share, tg!(None, 30.0, 70.0)),
        by_hand(OBJ_CAPACITY, "trainings_held", Unit::Count, (None, &[])),
    ];
    indicators.extend(case_counts());
    PlanTemplate {
        code: "obiliq-2026",
        name: "Plani lokal i veprimit për riintegrimin e personave të riatdhesuar 2026–2028 (objektivat e planit 2019–2022)",
        starts: 2026,
        ends: 2028,
        indicators,
    }
}

/// Prizren's plan 2026–2028 (baseline → 2026 → 2028).
pub fn prizren() -> PlanTemplate {
    macro_rules! tg {
        ($b:expr, $a:expr, $c:expr) => {{
            const T: [(i32, f64); 2] = [(2026, $a), (2028, $c)];
            ($b, &T as &'static [(i32, f64)])
        }};
    }
    let mut indicators = vec![
        share(
            OBJ_NEEDS,
            "needs_served",
            "needs_served",
            "needs",
            tg!(Some(40.0), 60.0, 80.0),
        ),
        share(
            OBJ_NEEDS,
            "monitoring_on_time",
            "monitoring_on_time",
            "monitoring_due",
            tg!(Some(50.0), 70.0, 80.0),
        ),
        share(
            OBJ_NEEDS,
            "reintegration_achieved",
            "sustainable",
            "final_assessments",
            tg!(Some(30.0), 50.0, 70.0),
        ),
        share(OBJ_NEEDS, "first_visit_72h", "first_visits_72h", "returns", (None, &[])),
        share(
            OBJ_REFERRAL,
            "referrals_answered",
            "referrals_answered",
            "referrals_sent",
            tg!(Some(40.0), 70.0, 90.0),
        ),
        share(
            OBJ_REFERRAL,
            "referrals_served",
            "referrals_served",
            "referrals_sent",
            tg!(Some(40.0), 75.0, 90.0),
        ),
        by_hand(
            OBJ_REFERRAL,
            "directorates_connected",
            Unit::Share,
            tg!(Some(30.0), 60.0, 80.0),
        ),
        share(
            OBJ_ECONOMIC,
            "employment_served",
            "referrals_served:employment",
            "referrals_sent:employment",
            tg!(Some(60.0), 70.0, 90.0),
        ),
        share(
            OBJ_SOCIAL,
            "documents_served",
            "referrals_served:civil_documents",
            "referrals_sent:civil_documents",
            tg!(Some(40.0), 75.0, 90.0),
        ),
        share(
            OBJ_SOCIAL,
            "social_assistance",
            "claims_approved:social_assistance",
            "claims:social_assistance",
            tg!(Some(50.0), 70.0, 90.0),
        ),
        share(
            OBJ_SOCIAL,
            "psychosocial",
            "referrals_served:psychosocial",
            "referrals_sent:psychosocial",
            tg!(None, 30.0, 50.0),
        ),
        by_hand(OBJ_SOCIAL, "activities", Unit::Share, tg!(Some(10.0), 30.0, 60.0)),
        share(
            OBJ_SOCIAL,
            "permanent_housing",
            "permanent_housing_12_months",
            "cases_12_months",
            tg!(Some(10.0), 30.0, 50.0),
        ),
        share(
            OBJ_SOCIAL,
            "housing_help",
            "housing_approved",
            "housing_decisions",
            tg!(Some(30.0), 50.0, 60.0),
        ),
        share(
            OBJ_EDUCATION,
            "children_enrolled",
            "children_enrolled",
            "children",
            tg!(Some(90.0), 100.0, 100.0),
        ),
        share(
            OBJ_EDUCATION,
            "language_classes",
            "children_language_classes",
            "children_enrolled",
            tg!(Some(50.0), 60.0, 85.0),
        ),
        share(
            OBJ_EDUCATION,
            "dropout_responses",
            "children_at_risk_helped",
            "children_at_risk",
            tg!(Some(50.0), 75.0, 80.0),
        ),
        by_hand(OBJ_EDUCATION, "curricula", Unit::Share, tg!(Some(10.0), 50.0, 80.0)),
        share(
            OBJ_EDUCATION,
            "literacy",
            "literacy_completed",
            "literacy_adults",
            tg!(Some(50.0), 60.0, 70.0),
        ),
        by_hand(
            OBJ_EDUCATION,
            "school_monitoring_reports",
            Unit::Share,
            tg!(Some(80.0), 85.0, 97.0),
        ),
        by_hand(OBJ_CAPACITY, "trainings_held", Unit::Count, (None, &[])),
    ];
    indicators.extend(case_counts());
    PlanTemplate {
        code: "prizren-2026",
        name: "Geri dönenlerin yeniden entegrasyonu için yerel eylem planı 2026–2028 (Prizren)",
        starts: 2026,
        ends: 2028,
        indicators,
    }
}

/// Every plan a municipality may start from.
pub fn templates() -> Vec<PlanTemplate> {
    vec![obiliq(), prizren()]
}
