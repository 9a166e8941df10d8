//! Helpers around the generated `i18n` module: the language list and translated labels for
//! domain values.

use crate::domain::{InstitutionKind, Problem, Role};
use crate::i18n::{t_string, Locale};
use leptos_i18n::{I18nContext, Locale as _};

/// Each language named in itself, as language pickers conventionally do: a person who cannot
/// read the current language must still find their own.
pub const LANGUAGES: [(Locale, &str); 5] = [
    (Locale::sq, "Shqip"),
    (Locale::sr_Latn, "Srpski (latinica)"),
    (Locale::sr_Cyrl, "Српски (ћирилица)"),
    (Locale::tr, "Türkçe"),
    (Locale::en, "English"),
];

/// Serbian in Cyrillic, as the build wrote it from Serbian in Latin (`build.rs`).
pub const SR_CYRL_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/i18n-src/locales/sr-Cyrl.json"));

/// A browser's `Accept-Language`, with Serbian that names no script read as Cyrillic (the
/// script Serbian is written in by default, and by the Serbian-speaking municipalities' offices):
/// `sr` and `sr-RS` become `sr-Cyrl` and `sr-Cyrl-RS`, so the page's language is matched among
/// sq, sr-Latn, sr-Cyrl, tr and en; what matches none of them gets Albanian.
pub fn with_serbian_script(accept_language: &str) -> String {
    accept_language
        .split(',')
        .map(|entry| {
            let (tag, weight) = entry.split_once(';').map_or((entry, None), |(t, w)| (t, Some(w)));
            let tag = tag.trim();
            let mut parts = tag.split(['-', '_']);
            let serbian_without_script = parts.next().is_some_and(|l| l.eq_ignore_ascii_case("sr"))
                && parts.next().is_none_or(|second| second.len() != 4);
            let tag = if serbian_without_script {
                format!("sr-Cyrl{}", &tag[2..])
            } else {
                tag.to_string()
            };
            match weight {
                Some(w) => format!("{tag};{w}"),
                None => tag,
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

pub fn is_supported(tag: &str) -> bool {
    LANGUAGES.iter().any(|(l, _)| l.as_str() == tag)
}

pub fn parse_locale(tag: &str) -> Option<Locale> {
    LANGUAGES.iter().map(|(l, _)| *l).find(|l| l.as_str() == tag)
}

pub fn role_label(i18n: I18nContext<Locale>, role: Role) -> String {
    match role {
        Role::FieldWorker => t_string!(i18n, role_field_worker).to_string(),
        Role::CaseManager => t_string!(i18n, role_case_manager).to_string(),
        Role::SchoolTeam => t_string!(i18n, role_school_team).to_string(),
        Role::Supervisor => t_string!(i18n, role_supervisor).to_string(),
        Role::Partner => t_string!(i18n, role_partner).to_string(),
        Role::Admin => t_string!(i18n, role_admin).to_string(),
        Role::National => t_string!(i18n, role_national).to_string(),
    }
}

pub fn institution_kind_label(i18n: I18nContext<Locale>, kind: InstitutionKind) -> String {
    match kind {
        InstitutionKind::CommunitiesOffice => t_string!(i18n, kind_communities_office).to_string(),
        InstitutionKind::SocialWorkCentre => t_string!(i18n, kind_social_work_centre).to_string(),
        InstitutionKind::EmploymentOffice => t_string!(i18n, kind_employment_office).to_string(),
        InstitutionKind::VocationalCentre => t_string!(i18n, kind_vocational_centre).to_string(),
        InstitutionKind::CivilStatus => t_string!(i18n, kind_civil_status).to_string(),
        InstitutionKind::HealthCentre => t_string!(i18n, kind_health_centre).to_string(),
        InstitutionKind::EducationDirectorate => t_string!(i18n, kind_education_directorate).to_string(),
        InstitutionKind::ReintegrationCommission => t_string!(i18n, kind_reintegration_commission).to_string(),
        InstitutionKind::Police => t_string!(i18n, kind_police).to_string(),
        InstitutionKind::Ngo => t_string!(i18n, kind_ngo).to_string(),
    }
}

/// Labels looked up by a key built at run time (field, choice, question, section and record
/// kind names from the domain schemas): `f_<field>`, `c_<choice>`, `q_<question>`,
/// `s_<section>`, `k_<kind>`. An unknown key is shown as itself (and fails the unit test below).
macro_rules! dynamic_labels {
    ($($key:tt),* $(,)?) => {
        pub fn label(i18n: I18nContext<Locale>, key: &str) -> String {
            match key {
                $(stringify!($key) => t_string!(i18n, $key).to_string(),)*
                _ => key.to_string(),
            }
        }

        #[cfg(test)]
        const DYNAMIC_KEYS: &[&str] = &[$(stringify!($key)),*];
    };
}

dynamic_labels!(
    exp_list_cases,
    exp_list_follow_ups,
    exp_list_referrals,
    exp_list_plans,
    ind_err_not_a_number,
    exp_indicators,
    exp_objective,
    exp_indicator,
    exp_numerator,
    exp_denominator,
    exp_actual,
    exp_baseline,
    exp_target,
    exp_target_year,
    exp_gap,
    exp_definition,
    exp_by_hand,
    exp_cases,
    exp_name,
    exp_village,
    exp_field_worker,
    exp_returned_on,
    exp_closed_on,
    exp_case_id,
    m_cases_open,
    m_returns,
    m_first_visits,
    m_first_visits_72h,
    m_assessed,
    m_anamnesis,
    m_plans_written,
    m_plans_approved,
    m_case_manager_decisions,
    m_needs,
    m_needs_served,
    m_monitoring_due,
    m_monitoring_on_time,
    m_reviews_due,
    m_reviews_on_time,
    m_referrals_sent,
    m_referrals_answered,
    m_referrals_accepted,
    m_referrals_served,
    m_referrals_overdue,
    m_claims,
    m_claims_approved,
    m_housing_applications,
    m_housing_decisions,
    m_housing_approved,
    m_cases_12_months,
    m_permanent_housing_12_months,
    m_final_assessments,
    m_sustainable,
    m_closures,
    m_open_over_18_months,
    m_cases_in_category,
    m_children,
    m_children_enrolled,
    m_children_language_classes,
    m_children_certificate_needed,
    m_children_nostrified,
    m_children_at_risk,
    m_children_at_risk_helped,
    m_school_interventions,
    m_literacy_adults,
    m_literacy_completed,
    ind_err_period_ends_before_start,
    ind_err_unknown_measure,
    ind_err_bad_measure_narrow,
    ind_err_share_without_denominator,
    ind_err_share_out_of_range,
    ind_err_negative_count,
    ind_err_target_year,
    ind_err_computed_from_records,
    pin_length,
    pin_digits,
    pin_mismatch,
    wipe_account_disabled,
    wipe_device_lost,
    k_referral,
    f_goals,
    f_summary,
    c_achieved,
    c_on_track,
    c_delayed,
    c_not_started,
    f_member_id,
    f_service_id,
    f_goal,
    f_start_on,
    f_due_on,
    f_reason,
    c_planned,
    c_in_progress,
    c_done,
    c_not_possible,
    c_yes,
    c_partly,
    c_no,
    a_documents,
    a_employment,
    a_vocational_training,
    a_social_assistance,
    a_health,
    a_psychosocial,
    a_housing,
    a_education,
    a_agriculture,
    a_protection,
    k_plan,
    k_plan_version,
    k_plan_decision,
    k_monitoring,
    k_review,
    f_plan_type,
    f_items,
    f_plan_id,
    f_content,
    f_content_hash,
    f_submitted_at,
    f_version_id,
    f_decision,
    f_comment,
    f_decided_at,
    f_done_on,
    f_services,
    f_school_attendance,
    f_jobseeker_status,
    f_social_programmes,
    f_progress,
    f_recommendations,
    f_case_manager_decision,
    f_case_manager_decided_on,
    c_pir,
    c_pii,
    c_approved,
    c_returned,
    f_institution_id,
    f_sent_on,
    f_note,
    f_assessment_id,
    f_state,
    f_answered_on,
    f_accepted_on,
    f_declined_on,
    f_service_given_on,
    f_feedback,
    f_closed_on,
    f_closing_note,
    c_psychosocial,
    c_housing,
    c_schooling,
    c_civil_documents,
    c_employment,
    c_health,
    c_social_assistance,
    c_sent,
    c_accepted,
    c_declined,
    c_service_given,
    agenda_overdue,
    agenda_today,
    agenda_week,
    fu_first_visit,
    fu_monitoring,
    fu_quarterly_review,
    fu_housing_review,
    fu_rent_end,
    fu_final_assessment,
    fu_referral,
    k_case,
    k_household,
    k_member,
    k_return_event,
    k_visit,
    k_assessment,
    k_attachment,
    f_household_id,
    f_status,
    f_field_worker_id,
    f_previous_worker_id,
    f_reassigned_at,
    f_merged_into,
    f_merged_at,
    f_case_manager_id,
    f_village,
    f_address,
    f_phone,
    f_notes,
    f_first_name,
    f_last_name,
    f_birth_date,
    f_sex,
    f_relationship,
    f_personal_number,
    f_languages,
    f_category,
    f_country,
    f_event_date,
    f_event_time,
    f_airport_registration,
    f_members,
    f_visited_at,
    f_kind,
    f_gps_consent,
    f_latitude,
    f_longitude,
    f_present,
    f_form_version,
    f_visit_id,
    f_completed_at,
    f_answers,
    f_owner_id,
    f_purpose,
    f_label,
    f_sha256,
    f_content_type,
    f_size,
    f_needs,
    f_household,
    c_open,
    c_closed,
    c_merged,
    c_female,
    c_male,
    c_other,
    c_head,
    c_spouse,
    c_child,
    c_parent,
    c_sibling,
    c_grandchild,
    c_other_relative,
    c_repatriated,
    c_voluntary_return,
    c_foreigner_protection,
    c_foreigner_residence,
    c_initial,
    c_monitoring,
    c_school,
    c_owned,
    c_rented,
    c_with_relatives,
    c_collective_centre,
    c_none,
    c_good,
    c_needs_repair,
    c_uninhabitable,
    c_sq,
    c_sr,
    c_tr,
    c_bs,
    c_high,
    c_medium,
    c_low,
    c_signature,
    c_document_photo,
    s_civil_documents,
    s_housing,
    s_schooling,
    s_health,
    s_psychosocial,
    s_work,
    s_social_assistance,
    s_agriculture,
    q_documents_complete,
    q_documents_missing,
    q_housing_tenure,
    q_housing_condition,
    q_monthly_rent,
    q_rent_paid_by_programme,
    q_housing_at_risk,
    q_school_enrolled,
    q_school_grade,
    q_instruction_language,
    q_not_enrolled_reason,
    q_certificates_missing,
    q_chronic_illness,
    q_disability,
    q_health_notes,
    q_psychosocial_signs,
    q_psychosocial_notes,
    q_employed,
    q_skills,
    q_employment_office_registered,
    q_receives_assistance,
    q_assistance_scheme,
    q_has_land,
    q_farming_interest,
    k_housing,
    k_housing_application,
    k_commission_decision,
    k_housing_review,
    k_benefit,
    k_anamnesis,
    k_final_assessment,
    k_closure,
    k_closure_decision,
    f_situation,
    f_rent_from,
    f_rent_to,
    f_rent_monthly,
    f_landlord,
    f_applied_on,
    f_documents,
    f_appealed_on,
    f_executed_on,
    f_application_id,
    f_application_hash,
    f_body,
    f_decided_on,
    f_after_rent,
    f_scheme,
    f_outcome,
    f_amount,
    f_period_from,
    f_period_to,
    f_written_on,
    f_family_history,
    f_current_situation,
    f_opinion,
    f_housing,
    f_education,
    f_health,
    f_psychosocial,
    f_employment,
    f_social_assistance,
    f_overall,
    f_to_municipality_id,
    f_final_assessment_id,
    f_requested_at,
    f_closure_id,
    f_reopened_at,
    f_reopen_reason,
    f_transferred_from,
    f_transferred_at,
    c_own_house,
    c_rent_by_programme,
    c_rent_own_means,
    c_social_housing,
    c_no_shelter,
    c_reconstruction,
    c_furniture,
    c_rent,
    c_commission,
    c_appeals_commission,
    c_rejected,
    c_social_housing_application,
    c_own_means,
    c_unemployment_support,
    c_health_insurance,
    c_business_grant,
    c_wage_subsidy,
    c_vocational_training,
    c_pending,
    c_sustainable,
    c_not_sustainable,
    c_stable_reintegration,
    c_moved_municipality,
    c_left_kosovo,
    c_deceased,
    c_unreachable,
    k_schooling,
    f_parents,
    f_parent_phone,
    f_returned_on,
    f_last_grade_abroad,
    f_school_history,
    f_assessed_on,
    f_assessment_result,
    f_recommended_grade,
    f_school_id,
    f_grade,
    f_class_name,
    f_instruction_language,
    f_enrolled_on,
    f_repeated_grade,
    f_certificate_missing_since,
    f_certificate_requested_on,
    f_certificate_received_on,
    f_certificate_translated_on,
    f_nostrified_on,
    f_language_course,
    f_supplementary_classes,
    f_education_plan_goals,
    f_education_plan_review_on,
    f_ended_on,
    f_end_reason,
    f_left_reason,
    f_at_risk_by_hand,
    f_at_risk_reason,
    f_at_risk_since,
    f_referral_id,
    k_attendance,
    f_schooling_id,
    f_school_days,
    f_absent_days,
    f_longest_absence_run,
    k_school_action,
    f_action,
    f_done_by,
    f_follow_up_on,
    f_meeting_id,
    k_team_meeting,
    f_held_on,
    f_participants,
    f_children,
    f_decisions,
    k_literacy,
    f_birth_year,
    f_course,
    f_started_on,
    f_finished_on,
    c_completed_year,
    c_moved,
    c_left_school,
    c_call_parents,
    c_home_visit,
    c_parents_meeting,
    c_teacher_plan,
    c_supplementary_classes,
    c_referral_social_worker,
    c_referral_psychosocial,
    c_waiting,
    c_attending,
    c_completed,
    c_dropped,
    fu_school_risk,
    fu_school_action,
    risk_absences,
    risk_absence_run,
    risk_not_enrolled,
    risk_repeated_grade,
    risk_certificate_missing,
    risk_by_hand,
    ew_absent_days,
    ew_absence_run,
    ew_not_enrolled_days,
    ew_certificate_missing_days,
    k_vulnerability,
    f_noted_on,
    f_set_by,
    f_set_by_name,
    c_elderly_without_care,
    c_trafficking,
    c_domestic_violence,
    c_child_abuse,
    c_special_needs,
    c_without_parental_care,
    c_returned_from_prison,
    c_drug_use,
    f_restricted,
    f_restriction,
    f_restriction_reason,
    f_restriction_by,
    f_restriction_at,
    f_restriction_lifted_for,
    c_marked,
    c_lifted,
    au_caseload_pull,
    au_schooling_pull,
    au_case_read_on_phone,
    au_record_create,
    au_record_update,
    au_record_refused,
    au_case_restrict,
    au_case_lift_restriction,
    au_case_restriction,
    au_case_reassign,
    au_case_reopen,
    au_case_close,
    au_sign_in,
    au_sign_out,
    au_device_key_handed,
    au_device_key_refused,
    au_device_marked_lost,
    au_sync_departing_push,
    au_audit_read,
    au_audit_export,
    num_decimal,
    num_group,
    num_percent,
    unit_kb,
    unit_mb,
    au_attachment_read,
    au_attachment_upload,
    au_case_appoint_case_manager,
    au_case_transfer,
    au_conflict_resolve,
    au_dashboard_read,
    au_duplicate_dismiss,
    au_duplicate_read,
    au_early_warning_set,
    au_follow_up_escalate,
    au_follow_up_read,
    au_indicators_adopt,
    au_indicators_by_hand,
    au_indicators_cases,
    au_indicators_edit,
    au_indicators_export,
    au_indicators_export_cases,
    au_indicators_national,
    au_indicators_report,
    au_person_merge,
    au_referral_answer,
    au_referral_read,
    au_referral_days_set,
    au_school_save,
    au_service_create,
    au_service_restore,
    au_service_retire,
    au_service_update,
    au_user_create,
    au_user_disable,
    au_user_enable,
    au_user_read,
    au_user_roles,
    au_sign_in_failed,
    au_export_cases,
    au_export_follow_ups,
    au_export_referrals,
    au_export_plans,
    au_refused,
    au_other,
    ac_view_case,
    ac_edit_case,
    ac_reassign_case,
    ac_view_duplicates,
    ac_merge_people,
    ac_dismiss_duplicate,
    ac_resolve_conflict,
    ac_view_incoming_referrals,
    ac_answer_referral,
    ac_view_referral_days,
    ac_set_referral_days,
    ac_manage_users,
    ac_view_institutions,
    ac_draft_plan,
    ac_decide_plan,
    ac_appoint_case_manager,
    ac_view_services,
    ac_manage_services,
    ac_record_commission_decision,
    ac_register_claims,
    ac_request_closure,
    ac_decide_closure,
    ac_reopen_case,
    ac_view_schooling,
    ac_work_on_schooling,
    ac_manage_schools,
    ac_set_early_warning,
    ac_view_restricted_case,
    ac_restrict_case,
    ac_view_audit_trail,
    ac_mark_device_lost,
    ac_view_indicators,
    ac_edit_indicators,
    ac_view_national_indicators
);

pub fn problem_text(i18n: I18nContext<Locale>, problem: Problem) -> String {
    match problem {
        Problem::Unknown => t_string!(i18n, p_unknown).to_string(),
        Problem::UnknownReference => t_string!(i18n, p_unknown_reference).to_string(),
        Problem::ControlCharacter => t_string!(i18n, p_control_character).to_string(),
        Problem::WrongType => t_string!(i18n, p_wrong_type).to_string(),
        Problem::Required => t_string!(i18n, p_required).to_string(),
        Problem::TooLong => t_string!(i18n, p_too_long).to_string(),
        Problem::FutureDate => t_string!(i18n, p_future_date).to_string(),
        Problem::NotAChoice => t_string!(i18n, p_not_a_choice).to_string(),
        Problem::OutOfRange => t_string!(i18n, p_out_of_range).to_string(),
        Problem::ReadOnly => t_string!(i18n, p_read_only).to_string(),
        Problem::Hidden => t_string!(i18n, p_hidden).to_string(),
        Problem::UnknownMember => t_string!(i18n, p_unknown_member).to_string(),
        Problem::NoConsent => t_string!(i18n, p_no_consent).to_string(),
        Problem::DueBeforeStart => t_string!(i18n, p_due_before_start).to_string(),
        Problem::BeforeApplication => t_string!(i18n, p_before_application).to_string(),
        Problem::TooEarly => t_string!(i18n, p_too_early).to_string(),
        Problem::OpenReferral => t_string!(i18n, p_open_referral).to_string(),
        Problem::PlanNotApproved => t_string!(i18n, p_plan_not_approved).to_string(),
        Problem::OverPeriod => t_string!(i18n, p_over_period).to_string(),
        Problem::BeforeRequest => t_string!(i18n, p_before_request).to_string(),
    }
}

/// Why the server refused a change, in the user's words.
pub fn rejection_text(i18n: I18nContext<Locale>, reason: crate::domain::sync::Rejection) -> String {
    use crate::domain::sync::Rejection as R;
    match reason {
        R::Malformed => t_string!(i18n, rej_malformed),
        R::Invalid => t_string!(i18n, rej_invalid),
        R::Forbidden => t_string!(i18n, rej_forbidden),
        R::UnknownCase => t_string!(i18n, rej_unknown_case),
        R::UnknownRecord => t_string!(i18n, rej_unknown_record),
        R::Mismatch => t_string!(i18n, rej_mismatch),
        R::AlreadyExists => t_string!(i18n, rej_already_exists),
        R::FutureBase => t_string!(i18n, rej_future_base),
        R::Busy => t_string!(i18n, rej_busy),
        R::PlanChanged => t_string!(i18n, rej_plan_changed),
        R::PlanExists => t_string!(i18n, rej_plan_exists),
        R::DecisionOutdated => t_string!(i18n, rej_decision_outdated),
        R::CaseClosed => t_string!(i18n, rej_case_closed),
        R::ClosureBlocked => t_string!(i18n, rej_closure_blocked),
        R::ClosurePending => t_string!(i18n, rej_closure_pending),
    }
    .to_string()
}

/// A measure's code in words: `referrals_served:employment` is "referrals with the service
/// given (employment)". `look` finds a label by key (on a page or in a named language).
pub fn measure_words(code: &str, look: impl Fn(&str) -> String) -> String {
    match code.split_once(':') {
        Some((head, narrow)) => format!("{} ({})", look(&format!("m_{head}")), look(&format!("c_{narrow}"))),
        None => look(&format!("m_{code}")),
    }
}

/// A number as the language writes it, `decimals` after the separator: the decimal comma of
/// sq, sr and tr, the point of en, and each language's thousands separator (`look` finds a
/// label by key, on a page or in a named language).
pub fn number_with(look: &impl Fn(&str) -> String, value: f64, decimals: usize) -> String {
    let text = format!("{:.*}", decimals, value.abs());
    let (whole, fraction) = text
        .split_once('.')
        .map_or((text.as_str(), None), |(w, f)| (w, Some(f)));
    let group = look("num_group");
    let digits: Vec<char> = whole.chars().collect();
    let mut out = String::new();
    if value < 0.0 && text.chars().any(|c| c.is_ascii_digit() && c != '0') {
        out.push('-');
    }
    for (i, d) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(&group);
        }
        out.push(*d);
    }
    if let Some(f) = fraction {
        out.push_str(&look("num_decimal"));
        out.push_str(f);
    }
    out
}

/// A share in percent as the language writes it: "66,7 %", "%66,7", "66.7%".
pub fn percent_with(look: &impl Fn(&str) -> String, value: f64, decimals: usize) -> String {
    look("num_percent").replace('#', &number_with(look, value, decimals))
}

/// A file's size for people: whole kilobytes under a megabyte, else megabytes with one decimal.
pub fn bytes_with(look: &impl Fn(&str) -> String, bytes: i64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes.max(0) as f64;
    if b < KB * KB {
        look("unit_kb").replace('#', &number_with(look, (b / KB).ceil(), 0))
    } else {
        look("unit_mb").replace('#', &number_with(look, b / KB / KB, 1))
    }
}

/// A text in a language named outright, read from the same locale files the pages use (the
/// server's exports, written for a reader who has no page open). An unknown key is itself.
#[cfg(feature = "ssr")]
pub fn label_in(locale: Locale, key: &str) -> String {
    use std::collections::HashMap;
    use std::sync::OnceLock;
    static TEXTS: OnceLock<HashMap<&'static str, HashMap<String, String>>> = OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        [
            ("sq", include_str!("../locales/sq.json")),
            ("sr-Latn", include_str!("../locales/sr-Latn.json")),
            ("sr-Cyrl", SR_CYRL_JSON),
            ("tr", include_str!("../locales/tr.json")),
            ("en", include_str!("../locales/en.json")),
        ]
        .into_iter()
        .map(|(tag, json)| (tag, serde_json::from_str(json).unwrap_or_default()))
        .collect()
    });
    texts
        .get(locale.as_str())
        .and_then(|t| t.get(key))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    const FILES: [(&str, &str); 5] = [
        ("sq", include_str!("../locales/sq.json")),
        ("sr-Latn", include_str!("../locales/sr-Latn.json")),
        ("sr-Cyrl", SR_CYRL_JSON),
        ("tr", include_str!("../locales/tr.json")),
        ("en", include_str!("../locales/en.json")),
    ];

    #[test]
    fn serbian_in_cyrillic_is_serbian_in_latin_transliterated() {
        let latin: std::collections::BTreeMap<String, String> = serde_json::from_str(FILES[1].1).unwrap();
        let cyrillic: std::collections::BTreeMap<String, String> = serde_json::from_str(SR_CYRL_JSON).unwrap();
        assert_eq!(latin.len(), cyrillic.len());
        for (key, text) in &latin {
            assert_eq!(cyrillic[key], crate::serbian::to_cyrillic(text), "{key}");
        }
        // Written out: a sample a reader can check.
        assert_eq!(cyrillic["save"], "Сачувај");
        assert!(cyrillic.values().all(|t| !t.contains(['č', 'ć', 'š', 'ž', 'đ'])));
    }

    fn keys(prefix: &str, v: &serde_json::Value, out: &mut BTreeSet<String>) {
        if let Some(obj) = v.as_object() {
            for (k, child) in obj {
                keys(&format!("{prefix}{k}."), child, out);
            }
        } else {
            out.insert(prefix.trim_end_matches('.').to_string());
        }
    }

    #[test]
    fn every_language_has_every_key_and_no_empty_text() {
        let sets: Vec<(&str, BTreeSet<String>)> = FILES
            .iter()
            .map(|(name, text)| {
                let json: serde_json::Value = serde_json::from_str(text).unwrap();
                let mut set = BTreeSet::new();
                keys("", &json, &mut set);
                for key in &set {
                    let value = key.split('.').fold(&json, |v, k| &v[k]);
                    // A thousands separator may be a space.
                    let text = value.as_str().unwrap_or_default();
                    let blank = if key == "num_group" {
                        text.is_empty()
                    } else {
                        text.trim().is_empty()
                    };
                    assert!(!blank, "{name}: {key} is empty");
                }
                (*name, set)
            })
            .collect();
        let all: BTreeSet<String> = sets.iter().flat_map(|(_, s)| s.iter().cloned()).collect();
        for (name, set) in &sets {
            let missing: Vec<_> = all.difference(set).collect();
            assert!(missing.is_empty(), "{name} lacks keys: {missing:?}");
        }
    }

    #[test]
    fn numbers_percents_and_sizes_in_each_language() {
        let look = |tag: &'static str| move |k: &str| label_in_tests(tag, k);
        assert_eq!(number_with(&look("en"), 1234567.891, 2), "1,234,567.89");
        assert_eq!(number_with(&look("sq"), 1234.5, 1), "1\u{a0}234,5");
        assert_eq!(number_with(&look("sr-Latn"), 1234.5, 1), "1.234,5");
        assert_eq!(number_with(&look("tr"), -0.04, 1), "0,0");
        assert_eq!(number_with(&look("en"), -12.0, 0), "-12");
        assert_eq!(percent_with(&look("sq"), 66.66, 1), "66,7 %");
        assert_eq!(percent_with(&look("tr"), 66.66, 1), "%66,7");
        assert_eq!(percent_with(&look("en"), 66.66, 1), "66.7%");
        assert_eq!(percent_with(&look("sr-Cyrl"), 5.0, 0), "5 %");
        assert_eq!(bytes_with(&look("en"), 312_000), "305 KB");
        assert_eq!(bytes_with(&look("sr-Latn"), 1_572_864), "1,5 MB");
        assert_eq!(bytes_with(&look("sr-Cyrl"), 2048), "2 КБ");
    }

    /// A label of a language file, for the tests that have no page.
    fn label_in_tests(tag: &str, key: &str) -> String {
        let text = FILES.iter().find(|(t, _)| *t == tag).expect("a language").1;
        let map: std::collections::BTreeMap<String, String> = serde_json::from_str(text).unwrap();
        map[key].clone()
    }

    #[test]
    fn serbian_without_a_script_is_cyrillic() {
        assert_eq!(with_serbian_script("sr"), "sr-Cyrl");
        assert_eq!(
            with_serbian_script("sr-RS,sr;q=0.9,en;q=0.5"),
            "sr-Cyrl-RS,sr-Cyrl;q=0.9,en;q=0.5"
        );
        assert_eq!(with_serbian_script("sr-Latn-RS,sq;q=0.8"), "sr-Latn-RS,sq;q=0.8");
        assert_eq!(with_serbian_script("sr-Cyrl"), "sr-Cyrl");
        assert_eq!(with_serbian_script("tr-TR, de"), "tr-TR,de");
        // Not Serbian: left alone.
        assert_eq!(with_serbian_script("srn,sq-XK"), "srn,sq-XK");
        // What the page's language then is.
        let pick = |header: &str| {
            let tags: Vec<String> = with_serbian_script(header)
                .split(',')
                .map(|t| t.split(';').next().unwrap_or("").to_string())
                .collect();
            Locale::find_locale(&tags)
        };
        assert_eq!(pick("sr-RS,sr;q=0.9"), Locale::sr_Cyrl);
        assert_eq!(pick("sr-Latn-RS"), Locale::sr_Latn);
        assert_eq!(pick("de-DE,tr;q=0.5"), Locale::tr);
        assert_eq!(pick("sq-XK"), Locale::sq);
        assert_eq!(pick("en-GB"), Locale::en);
        assert_eq!(pick("de"), Locale::sq);
    }

    #[test]
    fn language_list_matches_the_generated_locales() {
        assert_eq!(LANGUAGES.len(), Locale::get_all().len());
        for (locale, _) in LANGUAGES {
            assert!(is_supported(locale.as_str()));
            assert_eq!(parse_locale(locale.as_str()), Some(locale));
        }
        assert!(!is_supported("de"));
    }

    #[test]
    fn every_domain_name_shown_on_screen_has_a_label() {
        use crate::domain::assessment::{Answer, Section, FORMS, PRIORITIES};
        use crate::domain::record::{FieldType, RecordKind};
        let has = |k: String| assert!(DYNAMIC_KEYS.contains(&k.as_str()), "no label for {k}");
        for kind in RecordKind::ALL {
            has(format!("k_{}", kind.as_str()));
            for f in kind.schema() {
                has(format!("f_{}", f.name));
                // File types are never shown.
                if let (FieldType::Choice(cs), false) = (f.ty, f.name == "content_type") {
                    cs.iter().for_each(|c| has(format!("c_{c}")));
                }
            }
        }
        for form in FORMS {
            for q in form.questions() {
                has(format!("q_{}", q.key));
                if let Answer::Choice(cs) = q.answer {
                    cs.iter().for_each(|c| has(format!("c_{c}")));
                }
            }
        }
        Section::ALL.iter().for_each(|s| has(format!("s_{}", s.as_str())));
        crate::domain::service::SERVICE_AREAS
            .iter()
            .for_each(|a| has(format!("a_{a}")));
        crate::domain::plan::ITEM_STATUSES
            .iter()
            .for_each(|s| has(format!("c_{s}")));
        crate::domain::record::monitoring::RECEIVED
            .iter()
            .for_each(|r| has(format!("c_{r}")));
        [
            "member_id",
            "service_id",
            "institution_id",
            "goal",
            "start_on",
            "due_on",
            "status",
            "reason",
        ]
        .iter()
        .for_each(|f| has(format!("f_{f}")));
        PRIORITIES.iter().for_each(|p| has(format!("c_{p}")));
        use crate::domain::device::{PinProblem, WipeReason};
        [PinProblem::Length, PinProblem::NotDigits, PinProblem::Mismatch]
            .iter()
            .for_each(|p| has(p.key().into()));
        [WipeReason::AccountDisabled, WipeReason::DeviceLost]
            .iter()
            .for_each(|r| has(r.key().into()));
        // Every action the trail holds, and every permission a refusal names.
        use crate::domain::audit::{action_words, ACTIONS};
        for action in ACTIONS {
            let (key, _) = action_words(action);
            assert_ne!(key, "au_other", "{action} has no name");
            has(key);
        }
        for action in crate::domain::Action::ALL {
            let (key, permission) = action_words(&format!("refused.{}", action.as_str()));
            has(key);
            has(permission.expect("a refusal names its permission"));
        }
    }
}
