"""Fixed reference data from rules.md ("Reference data"): campuses, applications, courses."""
from __future__ import annotations

CAMPUSES: tuple[str, ...] = (
    "Anschutz",
    "Boulder",
    "Boulder Advancement",
    "Denver",
    "UCCS",
    "System",
)

# Names people type or that older reports use, mapped to the canonical campus name.
CAMPUS_ALIASES: dict[str, str] = {
    "boulder adv": "Boulder Advancement",
    "cu anschutz": "Anschutz",
    "cu boulder": "Boulder",
    "cu denver": "Denver",
    "cu system": "System",
}

# University email field per campus (000, 001): the column on the contact that P1 reads.
CAMPUS_EMAIL_FIELD: dict[str, str] = {
    "Boulder": "ucb_email",
    "Boulder Advancement": "ucb_email",
    "Denver": "ucd_email",
    "Anschutz": "anschutz_email",
    "UCCS": "uccs_email",
    "System": "cu_system_email",
}

# The field's name as the CRM shows it, for messages ("No UCB Email on this contact").
EMAIL_FIELD_LABEL: dict[str, str] = {
    "ucb_email": "UCB Email",
    "ucd_email": "UCD Email",
    "anschutz_email": "Anschutz Email",
    "uccs_email": "UCCS Email",
    "cu_system_email": "CU System Email",
}

SALESFORCE = "Salesforce"
MARKETING_CLOUD = "Marketing Cloud"
CVENT = "Cvent"
APSONA = "Apsona"
GEOPOINTE = "Geopointe"
APPLICATIONS: tuple[str, ...] = (SALESFORCE, MARKETING_CLOUD, CVENT, APSONA, GEOPOINTE)
# B7 (rev 2): license counts keep Chatter Free (free) Salesforce apart from paid Salesforce
CHATTER_FREE_COUNT = "Chatter Free"
COUNTED_APPLICATIONS: tuple[str, ...] = (SALESFORCE, CHATTER_FREE_COUNT, MARKETING_CLOUD, CVENT,
                                         APSONA, GEOPOINTE)

# Invoice groups (B4: two spreadsheets per run).
GROUP_SALESFORCE_MC = "salesforce_marketing_cloud"
GROUP_CVENT = "cvent"
INVOICE_GROUPS: dict[str, tuple[str, ...]] = {
    GROUP_SALESFORCE_MC: (SALESFORCE, MARKETING_CLOUD, APSONA, GEOPOINTE),
    GROUP_CVENT: (CVENT,),
}

CVENT_ADD_ONS: tuple[str, ...] = ("Event Management",)
SUPER_USER_PERMISSIONS: tuple[str, ...] = ("Paid Cvent Approval", "Salesforce Reporting")

ROLE_USER = "User"
ROLE_MEC = "MEC"
ECOMM_ROLES: tuple[str, ...] = (ROLE_USER, ROLE_MEC)

PROFILE_STANDARD = "Standard"
PROFILE_CHATTER_FREE = "Chatter Free User"
SALESFORCE_PROFILES: tuple[str, ...] = (PROFILE_STANDARD, PROFILE_CHATTER_FREE)

COURSE_PRIVACY = "Information Security & Privacy Awareness"
COURSE_IT_PROVIDERS = "Information Security for IT Service Providers"
COURSE_PCI = "PCI Compliance"
COURSES: tuple[str, ...] = (COURSE_PRIVACY, COURSE_IT_PROVIDERS, COURSE_PCI)

# requests.csv columns that carry course dates.
COURSE_REQUEST_COLUMNS: dict[str, str] = {
    "course_privacy_awareness_on": COURSE_PRIVACY,
    "course_it_providers_on": COURSE_IT_PROVIDERS,
    "course_pci_on": COURSE_PCI,
}

AGREEMENT_CAMPAIGN = "08_20340227_eComm User Agreement"

# Fixed choices offered beside each campus's own lists (000).
NA_MEC = "N/A - MEC"
NA_USER_CVENT_SF_ONLY = "N/A - User is Cvent and/or Salesforce only"
NEW_PUBLIC_GROUP = "New Public Group"
NEW_SPEEDTYPE_NEEDED = "New SpeedType Needed"
FIXED_BUSINESS_UNITS: tuple[str, ...] = (NA_MEC, NA_USER_CVENT_SF_ONLY)
FIXED_PUBLIC_GROUPS: tuple[str, ...] = (NA_MEC, "N/A - User", NEW_PUBLIC_GROUP)
FIXED_SPEEDTYPES: tuple[str, ...] = (NEW_SPEEDTYPE_NEEDED,)

REFERENCE_KINDS: tuple[str, ...] = ("business_unit", "public_group", "speedtype",
                                    "primary_specialist", "campus_billing_speedtype")

# App users (users.csv).
APP_SPECIALIST = "specialist"
APP_SYSTEM = "system"
APP_MANAGER = "manager"
APP_ROLES: tuple[str, ...] = (APP_SPECIALIST, APP_SYSTEM, APP_MANAGER)
APP_ROLE_LABEL: dict[str, str] = {
    APP_SPECIALIST: "eComm specialist",
    APP_SYSTEM: "System team",
    APP_MANAGER: "Manager",
}

REQUEST_KINDS: tuple[str, ...] = ("provision", "deprovision", "change_groups", "change")

TIMEZONE = "America/Denver"


def canonical_campus(value: str) -> str | None:
    """The campus name for ``value`` (case-insensitive, aliases allowed), or None."""
    v = (value or "").strip()
    for c in CAMPUSES:
        if c.lower() == v.lower():
            return c
    return CAMPUS_ALIASES.get(v.lower())


def canonical_choice(value: str, choices: tuple[str, ...]) -> str | None:
    """The member of ``choices`` equal to ``value`` ignoring case and outer spaces, or None."""
    v = (value or "").strip().lower()
    for c in choices:
        if c.lower() == v:
            return c
    return None
