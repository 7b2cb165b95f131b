"""Eligibility rules P1-P14 as plain functions: ``check_contact`` (P1-P5, P13) and
``check_provision`` (P1-P14) for provisioning; lighter checks for the other request kinds."""
from ecomm.rules.contact import (check_contact, course_valid_through, p1_university_email,
                                 p2_employee_id, p3_employment, p4_agreement, p5_courses,
                                 p13_duplicates, normalise_campus)
from ecomm.rules.models import (AgreementMember, Contact, ContactFacts, DeprovisionDraft,
                                Duplicate, Eligibility, Employment, GroupChangeDraft, GroupChoices,
                                HeldLicense, LicenseApp, ProvisionDraft, ReplacedLicense,
                                RuleResult)
from ecomm.rules.request import (apply_billing_defaults, check_deprovision, check_group_change,
                                 check_provision, format_unit_speedtypes, is_net_new, p6_campus,
                                 p7_applications, p8_super_user, p9_cvent_add_ons, p10_replaces,
                                 p11_groups, p11_known_groups, p12_billing, p14_quiz,
                                 parse_unit_speedtypes)
from ecomm.rules.profile import p16_apply, p16_profile_for, p16_resolve  # noqa: E402
from ecomm.rules.license_life import (ChangeDraft, c7_task_reasons,  # noqa: E402
                                      check_change, p15_change)

__all__ = [
    "AgreementMember", "Contact", "ContactFacts", "DeprovisionDraft", "Duplicate", "Eligibility",
    "Employment", "GroupChangeDraft", "GroupChoices", "HeldLicense", "LicenseApp", "ProvisionDraft",
    "ReplacedLicense", "RuleResult",
    "check_contact", "check_provision", "check_deprovision", "check_group_change",
    "course_valid_through", "is_net_new", "parse_unit_speedtypes", "format_unit_speedtypes",
    "apply_billing_defaults", "normalise_campus",
    "p1_university_email", "p2_employee_id", "p3_employment", "p4_agreement", "p5_courses",
    "p6_campus", "p7_applications", "p8_super_user", "p9_cvent_add_ons", "p10_replaces",
    "p11_groups", "p11_known_groups", "p12_billing", "p13_duplicates", "p14_quiz",
    "ChangeDraft", "c7_task_reasons", "check_change", "p15_change", "p16_apply",
    "p16_profile_for", "p16_resolve",
]
