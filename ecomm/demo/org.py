"""The demo organisation: each campus's email domain, business units, public groups and
speedtypes (reference.csv), departments and job titles. Invented, in the style of the wiki."""
from __future__ import annotations

from functools import lru_cache

from ecomm import reference as ref

# Share of the licenses held at each campus (Anschutz is the biggest user of eComm).
CAMPUS_WEIGHTS: dict[str, int] = {
    "Anschutz": 28,
    "Boulder": 22,
    "Boulder Advancement": 12,
    "Denver": 16,
    "UCCS": 12,
    "System": 10,
}

# Domain of each campus's university email field (ecomm.reference.CAMPUS_EMAIL_FIELD).
EMAIL_DOMAIN: dict[str, str] = {
    "ucb_email": "colorado.edu",
    "ucd_email": "ucdenver.edu",
    "anschutz_email": "cuanschutz.edu",
    "uccs_email": "uccs.edu",
    "cu_system_email": "cu.edu",
}

# Business units: the last one of each campus is retired (active false in reference.csv).
BUSINESS_UNITS: dict[str, tuple[str, ...]] = {
    "Anschutz": (
        "CUA Advancement", "CUA Alumni Relations", "CUA Central Administration",
        "CUA School of Medicine", "CUA College of Nursing", "CUA Skaggs School of Pharmacy",
        "CUA Colorado School of Public Health", "CUA School of Dental Medicine",
        "CUA Office of Research", "CUA Facilities Management", "CUA Human Resources",
        "CUA Student Affairs", "CUA Events Office (retired)",
    ),
    "Boulder": (
        "CUB Strategic Relations and Communications", "CUB College of Arts and Sciences",
        "CUB Leeds School of Business", "CUB College of Engineering and Applied Science",
        "CUB Athletics", "CUB Student Affairs", "CUB University Libraries",
        "CUB Housing and Dining Services", "CUB Continuing Education", "CUB Office of Admissions",
        "CUB Research and Innovation Office", "CUB Conference Services (retired)",
    ),
    "Boulder Advancement": (
        "CUBA Advancement Operations", "CUBA Alumni Association", "CUBA Annual Giving",
        "CUBA Development", "CUBA Donor Relations", "CUBA Advancement Events",
        "CUBA Advancement Communications", "CUBA Legacy Campaign (retired)",
    ),
    "Denver": (
        "CUD College of Arts & Media", "CUD Business School",
        "CUD College of Engineering, Design and Computing", "CUD Office of Admissions",
        "CUD Advancement", "CUD School of Public Affairs", "CUD School of Education",
        "CUD College of Liberal Arts and Sciences", "CUD Student Affairs",
        "CUD Marketing and Communications", "CUD Lynx Center (retired)",
    ),
    "UCCS": (
        "UCCS Advancement", "UCCS College of Business", "UCCS Admissions", "UCCS Athletics",
        "UCCS Ent Center for the Arts", "UCCS Helen and Arthur E. Johnson Beth-El College of Nursing",
        "UCCS College of Engineering and Applied Science", "UCCS Extended Studies",
        "UCCS Marketing and Communications", "UCCS Career Center (retired)",
    ),
    "System": (
        "CUS eComm", "CUS University Relations", "CUS Employee Services",
        "CUS Office of the President", "CUS Treasury", "CUS University Information Services",
        "CUS Government Relations", "CUS Advancement", "CUS Policy Office (retired)",
    ),
}

# Public groups: prefix 01 Boulder, 02 Anschutz, 03 Denver, 04 UCCS, 08 System, 09 CU Advancement.
PUBLIC_GROUPS: dict[str, tuple[str, ...]] = {
    "Anschutz": (
        "02 Alumni Relations", "02 Campus Student Services", "02 Center for Bioethics and Humanities",
        "02 Center on Aging", "02 Clinical and Translational Sciences", "02 College of Nursing",
        "02 CU Alzheimer's and Cognition Center", "02 Facilities Management", "02 Gates Center",
        "02 Health & Wellness Center", "02 Human Resources", "02 School of Medicine",
        "02 Skaggs School of Pharmacy", "09 Adv Anschutz Leadership Giving",
        "09 Adv Anschutz Annual Fund", "02 Graduate School (retired)",
    ),
    "Boulder": (
        "01 Arts and Sciences", "01 Leeds School of Business", "01 Engineering",
        "01 Athletics", "01 Housing and Dining", "01 University Libraries",
        "01 Strategic Relations", "01 Admissions", "01 Continuing Education",
        "01 CU Boulder Today", "01 Orientation (retired)",
    ),
    "Boulder Advancement": (
        "01 Adv Boulder Alumni Association", "01 Adv Boulder Annual Giving",
        "01 Adv Boulder Development", "01 Adv Boulder Donor Relations", "01 Adv Boulder Events",
        "01 Adv Boulder Communications", "01 Adv Boulder Reunion (retired)",
    ),
    "Denver": (
        "03 Arts & Media", "03 Business School", "03 Engineering Design and Computing",
        "03 Admissions", "03 Advancement", "03 Public Affairs", "03 Education",
        "03 Liberal Arts and Sciences", "03 Student Life", "03 Marketing (retired)",
    ),
    "UCCS": (
        "04 Advancement", "04 College of Business", "04 Admissions", "04 Athletics",
        "04 Ent Center for the Arts", "04 Nursing", "04 Engineering", "04 Extended Studies",
        "04 Alumni (retired)",
    ),
    "System": (
        "08 eComm", "08 University Relations", "08 Employee Services", "08 Office of the President",
        "08 Treasury", "08 UIS", "08 Government Relations", "09 Adv System",
        "08 Newsletter (retired)",
    ),
}

# Speedtypes: the first is the campus billing speedtype (one per campus, B4); the others are
# unit speedtypes; the last of each campus is closed (active false).
SPEEDTYPES: dict[str, tuple[tuple[str, str], ...]] = {
    "Anschutz": (
        ("61000101", "Anschutz campus eComm billing"), ("61000342", "CUA Advancement operations"),
        ("61000530", "School of Medicine communications"), ("61000644", "College of Nursing outreach"),
        ("61000718", "Office of Research events"), ("61000825", "Skaggs Pharmacy alumni"),
        ("61000907", "Public Health marketing"), ("61000299", "Old events account (closed)"),
    ),
    "Boulder": (
        ("11504317", "Boulder campus eComm billing"), ("11520844", "Arts and Sciences communications"),
        ("11531092", "Leeds marketing"), ("11547733", "Engineering outreach"),
        ("11552610", "Athletics ticketing"), ("11568201", "Libraries events"),
        ("11500012", "Old orientation account (closed)"),
    ),
    "Boulder Advancement": (
        ("13200450", "Advancement campus eComm billing"), ("13210377", "Annual Giving"),
        ("13225519", "Alumni Association"), ("13238840", "Donor Relations events"),
        ("13200099", "Legacy campaign (closed)"),
    ),
    "Denver": (
        ("40100220", "Denver campus eComm billing"), ("40115309", "Business School marketing"),
        ("40127741", "Admissions recruitment"), ("40138856", "Arts & Media events"),
        ("40142018", "Public Affairs outreach"), ("40100007", "Lynx Center (closed)"),
    ),
    "UCCS": (
        ("50210045", "UCCS campus eComm billing"), ("50223381", "Advancement"),
        ("50236614", "Ent Center for the Arts"), ("50241170", "Athletics"),
        ("50257702", "Extended Studies marketing"), ("50200018", "Career Center (closed)"),
    ),
    "System": (
        ("510", "System eComm billing"), ("520", "University Relations"),
        ("535", "Employee Services communications"), ("548", "Office of the President events"),
        ("562", "UIS training"), ("501", "Old newsletter (closed)"),
    ),
}

TITLES: tuple[str, ...] = (
    "Communications Specialist", "Marketing Manager", "Program Coordinator", "Events Manager",
    "Director of Development", "Assistant Director", "Web Content Specialist",
    "Alumni Relations Coordinator", "Business Manager", "Administrative Assistant III",
    "Outreach Coordinator", "Recruitment Coordinator", "Data Analyst", "Associate Director",
    "Digital Marketing Specialist", "Donor Relations Officer", "Student Services Professional",
    "Research Administrator", "Project Manager", "Graphic Designer",
)


@lru_cache(maxsize=None)
def active_units(campus: str) -> tuple[str, ...]:
    return BUSINESS_UNITS[campus][:-1]


@lru_cache(maxsize=None)
def active_groups(campus: str) -> tuple[str, ...]:
    return PUBLIC_GROUPS[campus][:-1]


@lru_cache(maxsize=None)
def campus_speedtype(campus: str) -> str:
    return SPEEDTYPES[campus][0][0]


@lru_cache(maxsize=None)
def unit_speedtypes(campus: str) -> tuple[str, ...]:
    return tuple(v for v, _ in SPEEDTYPES[campus][1:-1])


@lru_cache(maxsize=None)
def departments(campus: str) -> tuple[str, ...]:
    """Departments for employment records: the active business units without their prefix."""
    return tuple(u.split(" ", 1)[1] for u in active_units(campus))


@lru_cache(maxsize=None)
def email_domain(campus: str) -> str:
    return EMAIL_DOMAIN[ref.CAMPUS_EMAIL_FIELD[campus]]


def reference_rows() -> list[dict]:
    """reference.csv rows: kind, campus, value, label, active (fixed choices are not rows)."""
    rows: list[dict] = []
    for campus in ref.CAMPUSES:
        units = BUSINESS_UNITS[campus]
        for i, u in enumerate(units):
            rows.append({"kind": "business_unit", "campus": campus, "value": u, "label": "",
                         "active": i < len(units) - 1})
        groups = PUBLIC_GROUPS[campus]
        for i, g in enumerate(groups):
            rows.append({"kind": "public_group", "campus": campus, "value": g, "label": "",
                         "active": i < len(groups) - 1})
        sts = SPEEDTYPES[campus]
        for i, (v, label) in enumerate(sts):
            rows.append({"kind": "speedtype", "campus": campus, "value": v, "label": label,
                         "active": i < len(sts) - 1})
    return rows + campus_billing_speedtype_rows()


def campus_billing_speedtype_rows() -> list[dict]:
    """P12 (rev 2): each campus's default campus billing speedtype (reference.csv kind
    campus_billing_speedtype): the campus's first speedtype, the one its licenses carry."""
    return [{"kind": "campus_billing_speedtype", "campus": campus,
             "value": campus_speedtype(campus), "label": SPEEDTYPES[campus][0][1],
             "active": True} for campus in ref.CAMPUSES]
