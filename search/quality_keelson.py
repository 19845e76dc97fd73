# ruff: noqa: E501 (data: one asset or judgement per line reads best)
"""A second judged library, written only to measure search honestly: Keelson, a fictional vendor of
HR, payroll and shift-scheduling software for employers with hourly staff. Different vendor,
different buyers, different words from the Tessellate demo the ranking was tuned on.

Rule: the ranking is tuned on the Tessellate set (search/quality.py) and only *reported* here.
Nothing in search/ may name a word, asset or query of this module.

Grades: 3 = the asset to send, 2 = useful, 1 = related; a query with no grades has no answer in
this library and should be flagged weak.
"""

PERSONAS = [
    # (slug, title, role)
    ("chro", "CHRO", "Chief Human Resources Officer / Chief People Officer"),
    ("payroll-manager", "Payroll Manager", "Payroll Manager / Head of Payroll"),
    ("hr-operations-lead", "HR Operations Lead", "HR Operations Lead"),
    ("finance-director", "Finance Director", "Finance Director / VP Finance"),
    ("it-security-manager", "IT Security Manager", "IT Security Manager"),
    ("store-operations-director", "Store Operations Director", "Director of Store Operations"),
]

OBJECTIONS = [
    # (slug, name, synonyms)
    ("data-protection", "Employee data protection", ["personal data", "data breach", "encryption", "soc 2", "gdpr"]),
    ("payroll-errors", "Payroll errors", ["wrong pay", "payroll mistakes", "underpaid", "overpaid", "tax errors"]),
    ("adoption", "Staff will not use it", ["adoption", "usability", "user friendly", "training", "too complicated"]),
    ("migration", "Moving off our current system", ["data migration", "switching", "legacy system", "spreadsheets"]),
    ("cost", "Too expensive per employee", ["per employee pricing", "too costly", "over budget", "price"]),
    ("compliance", "Labour law compliance", ["labor law", "working time", "overtime rules", "right to work"]),
    ("integration", "Fits our stack", ["integrations", "accounting", "single sign on", "api", "quickbooks", "xero"]),
    ("support", "Support when things go wrong", ["support hours", "response time", "help desk", "escalation"]),
]

TAGS = {
    "hospitality": "Hospitality", "healthcare": "Healthcare", "retail": "Retail", "manufacturing": "Manufacturing",
    "nonprofit": "Nonprofit", "payroll": "Payroll", "scheduling": "Scheduling", "benefits": "Benefits",
    "time-tracking": "Time tracking", "workday": "Workday", "bamboohr": "BambooHR", "gusto": "Gusto",
    "uk": "UK", "mobile": "Mobile",
}  # fmt: skip

# (title, kind, stage, personas, objections, tags, summary, body, file text)
ASSETS = [
    ("Harbor Hotels: payroll for 3,000 seasonal staff", "case_study", "decision", ["payroll-manager", "chro"],
     ["payroll-errors"], ["hospitality", "payroll"],
     "A hotel group runs weekly payroll for seasonal workers without a single late payslip.",
     "Harbor Hotels hires 1,200 extra staff every summer. Keelson imports their hours from the rota, "
     "calculates holiday pay and tips, and pays on time.", "Payroll errors fell from 4% of payslips to 0.2%."),
    ("Meadowbank Care: shift scheduling across 40 care homes", "case_study", "decision",
     ["store-operations-director", "hr-operations-lead"], ["compliance"], ["healthcare", "scheduling"],
     "How a care provider fills every shift and keeps to working time rules.",
     "Managers publish rotas two weeks ahead; carers swap shifts on their phones; the system blocks "
     "shifts that break rest-period rules.", "Agency spend down 31% in a year."),
    ("Northgate Retail cuts overtime by 18%", "case_study", "decision", ["store-operations-director", "finance-director"],
     ["cost"], ["retail", "scheduling", "time-tracking"],
     "A 90-store retailer matched staffing to footfall and stopped paying unplanned overtime.",
     "Forecasts from till data set the rota; clock-ins from the mobile app feed timesheets.",
     "Overtime hours fell 18% and payroll cost per store 6%."),
    ("Fernhill Foods: from spreadsheets to Keelson in six weeks", "case_study", "onboarding",
     ["hr-operations-lead", "payroll-manager"], ["migration"], ["manufacturing", "payroll"],
     "A food manufacturer moved 2,400 employee records and five years of payroll history off spreadsheets.",
     "The migration team mapped pay codes, imported history and ran two parallel payrolls before go-live.",
     "Live in six weeks with zero payroll errors in the first quarter."),
    ("Open Doors Charity: HR on a nonprofit budget", "case_study", "decision", ["chro", "finance-director"],
     ["cost"], ["nonprofit"],
     "A charity with 600 staff and volunteers replaced three tools with one and saved on licences.",
     "Volunteers are free seats; the charity pays only for employees.", "Licence costs down 40%."),
    ("Keelson vs Workday battlecard", "battlecard", "decision", ["chro", "finance-director"], ["cost", "migration"],
     ["workday"], "Where Keelson wins against Workday for employers with hourly staff, and where it does not.",
     "Workday suits salaried head offices; Keelson handles shifts, tips and weekly pay natively. "
     "Expect Workday to lead on global HR depth.", "Typical Workday implementation: 9 months. Keelson: 6 weeks."),
    ("Keelson vs BambooHR battlecard", "battlecard", "decision", ["hr-operations-lead", "chro"], ["integration"],
     ["bamboohr"], "How to win when BambooHR is the incumbent HR tool.",
     "BambooHR has no native scheduling or payroll outside the US; Keelson does both.",
     "Ask: how do your shift hours reach payroll today?"),
    ("Keelson vs Gusto battlecard", "battlecard", "decision", ["payroll-manager", "finance-director"],
     ["payroll-errors", "cost"], ["gusto", "payroll"], "Gusto is cheaper for small offices; here is why shift "
     "employers outgrow it.", "Gusto lacks tip pooling, rota-driven pay and multi-site cost centres.",
     "Three questions that expose manual work in Gusto."),
    ("Employee data protection whitepaper", "whitepaper", "consideration", ["it-security-manager", "chro"],
     ["data-protection"], [], "How Keelson protects employee personal data: encryption, access control, audits.",
     "Data is encrypted at rest and in transit; access is role based and logged.",
     "SOC 2 Type II report available under NDA; annual penetration test by an external firm."),
    ("GDPR for HR data: questions answered", "faq", "consideration", ["it-security-manager", "hr-operations-lead"],
     ["data-protection", "compliance"], ["uk"], "Where employee data is stored, for how long, and how to "
     "answer a subject access request.", "Data is hosted in London and Dublin; retention rules per record type.",
     "Subject access requests are exported in one click."),
    ("Security questionnaire: standard answers", "faq", "decision", ["it-security-manager"], ["data-protection"],
     [], "Pre-filled answers to the security questionnaires IT teams send.",
     "Covers encryption, backups, disaster recovery, vendor management and incident response.",
     "Recovery point objective 15 minutes; recovery time objective 4 hours."),
    ("Single sign-on and user provisioning datasheet", "datasheet", "consideration", ["it-security-manager"],
     ["integration", "data-protection"], [], "SAML single sign-on with Okta, Azure AD and Google; SCIM provisioning.",
     "Leavers lose access the moment HR ends their contract.", "Supports SAML 2.0 and SCIM 2.0."),
    ("Payroll engine datasheet", "datasheet", "consideration", ["payroll-manager"], ["payroll-errors"], ["payroll"],
     "Gross-to-net calculation, tax codes, pensions auto-enrolment and holiday pay.",
     "Weekly, fortnightly and monthly pay runs; retro pay and back pay calculated automatically.",
     "Every pay run is checked against 140 validation rules before approval."),
    ("Time and attendance datasheet", "datasheet", "consideration", ["store-operations-director", "payroll-manager"],
     [], ["time-tracking", "mobile"], "Clock in by phone, kiosk or badge; hours flow straight to payroll.",
     "Geofenced mobile clock-in stops buddy punching; breaks are tracked against the rota.",
     "Works offline and syncs when the signal returns."),
    ("Shift scheduling product tour", "deck", "awareness", ["store-operations-director", "hr-operations-lead"], [],
     ["scheduling"], "Build rotas in minutes, let staff swap shifts, and see labour cost as you plan.",
     "Demand forecasts suggest the number of staff per hour; managers drag and drop shifts.",
     "Open shifts are offered to qualified staff first."),
    ("Benefits administration overview", "one_pager", "awareness", ["chro", "hr-operations-lead"], [],
     ["benefits"], "Enrolment windows, pensions, health cover and perks in one place.",
     "Employees choose benefits in the app; deductions flow to payroll.", "Supports salary sacrifice schemes."),
    ("Performance reviews and goals module", "one_pager", "awareness", ["chro"], ["adoption"], [],
     "Lightweight reviews for frontline teams: check-ins, goals and feedback on mobile.",
     "Managers run a five-minute check-in from their phone after a shift.", "Completion rates above 85%."),
    ("Mobile app for frontline staff", "datasheet", "consideration", ["hr-operations-lead", "store-operations-director"],
     ["adoption"], ["mobile"], "Payslips, rotas, holiday requests and shift swaps in one app staff actually use.",
     "Available in 14 languages; no training needed; works on old phones.", "4.7 stars in the app stores."),
    ("Adoption playbook: getting hourly staff onto Keelson", "whitepaper", "onboarding", ["hr-operations-lead"],
     ["adoption"], ["mobile"], "How customers reach 90% app adoption in the first month.",
     "Launch with payslips in the app, train shift leaders first, and switch off paper rotas on a set date.",
     "Week-by-week launch checklist included."),
    ("Implementation plan: live in six weeks", "deck", "onboarding", ["hr-operations-lead", "payroll-manager"],
     ["migration"], [], "The six-week implementation timeline, who does what, and when payroll goes live.",
     "Week one: data import. Weeks two to four: configuration and pay code mapping. Weeks five and six: "
     "parallel payroll runs.", "The customer team needs about 30 hours in total."),
    ("Data migration guide: moving from your HRIS", "whitepaper", "onboarding", ["hr-operations-lead"],
     ["migration"], ["workday", "bamboohr"], "Which records move, how pay history is imported, and how to check it.",
     "Templates for employee records, absences and pay history; validation report before import.",
     "Imports from Workday, BambooHR, Sage and spreadsheets."),
    ("Pricing and plans", "one_pager", "decision", ["finance-director", "chro"], ["cost"], [],
     "Per-employee monthly pricing, what each plan includes and volume discounts.",
     "Core HR, Scheduling and Payroll plans; seasonal staff billed only for months worked.",
     "Volume discounts from 500 employees."),
    ("Total cost of ownership calculator", "roi_calculator", "decision", ["finance-director"], ["cost"], [],
     "Compare three-year cost of Keelson with your current tools and manual work.",
     "Enter headcount, pay frequency and hours spent on timesheets.", "Typical saving: 22% over three years."),
    ("Overtime savings calculator", "roi_calculator", "consideration", ["finance-director", "store-operations-director"],
     ["cost"], ["scheduling", "time-tracking"], "Estimate what better rotas save in overtime and agency spend.",
     "Uses your current overtime hours and agency rates.", "Most retailers save 10 to 20% of overtime."),
    ("Working time and rest-period rules explained", "whitepaper", "consideration",
     ["hr-operations-lead", "store-operations-director"], ["compliance"], ["uk"],
     "How Keelson enforces maximum weekly hours, rest breaks and night work limits.",
     "Warnings before a manager publishes a rota that breaks the rules; an audit trail for inspections.",
     "Rules for the UK and Ireland, updated when the law changes."),
    ("Right to work checks datasheet", "datasheet", "decision", ["hr-operations-lead"], ["compliance"], ["uk"],
     "Digital identity checks for new hires, with reminders before visas expire.",
     "Checks are stored against the employee record for inspections.", "Certified identity service provider."),
    ("Integrations overview: accounting, ERP and more", "datasheet", "consideration",
     ["finance-director", "it-security-manager"], ["integration"], [],
     "Journals to Xero, QuickBooks and Sage; open API and webhooks for everything else.",
     "Payroll journals post automatically after each pay run, mapped to your cost centres.",
     "REST API with OAuth 2.0; 99.9% uptime."),
    ("Support and service levels", "faq", "decision", ["chro", "payroll-manager"], ["support"], [],
     "Who answers, how fast, and what happens on payday when something breaks.",
     "UK-based support every day from 7am to 10pm; payday priority line; named customer success manager "
     "over 500 employees.", "Critical issues answered within 30 minutes."),
    ("Uptime and reliability record", "datasheet", "decision", ["it-security-manager"], ["support"], [],
     "Twelve months of uptime, incident history and how we handle outages.",
     "Status page with live incidents; postmortems shared with customers.", "99.95% uptime over twelve months."),
    ("Why frontline HR is different", "deck", "awareness", ["chro"], [], [],
     "The case for HR software built for hourly, shift-based workforces.",
     "Most HR tools assume a desk and a laptop; frontline staff have a phone and a shift.",
     "Three trends: staff shortages, wage pressure, scheduling laws."),
    ("Executive briefing for the CHRO", "deck", "consideration", ["chro"], ["cost", "adoption"], [],
     "Twenty minutes on turnover, cost per hire and what better scheduling does to retention.",
     "Retention improves when staff can swap shifts and see pay early.", "Customers report turnover down 12%."),
    ("Business case template", "email_template", "decision", ["hr-operations-lead", "finance-director"], ["cost"], [],
     "A template your champion fills in to get budget approved.",
     "Sections: current cost, risks, savings, plan, ask.", "Fill in the numbers from the cost calculator."),
    ("Follow-up email after a payroll demo", "email_template", "consideration", ["payroll-manager"],
     ["payroll-errors"], ["payroll"], "What to send after showing the payroll engine.",
     "Recap the pay run demo, attach the payroll datasheet, propose a parallel run.",
     "Subject line: Your next pay run, checked twice."),
    ("Follow-up email after a security review", "email_template", "decision", ["it-security-manager"],
     ["data-protection"], [], "Next steps after the security call: documents to send and who signs the DPA.",
     "Attach the security questionnaire answers and the whitepaper.", "Offer a call with our security officer."),
    ("Customer video: Harbor Hotels payroll team", "video", "decision", ["payroll-manager"], ["payroll-errors"],
     ["hospitality", "payroll"], "The payroll manager of Harbor Hotels on running weekly pay for seasonal staff.",
     "Transcript: we used to spend two days a week fixing timesheets.", "Now payroll takes half a day."),
    ("Customer video: Northgate store managers", "video", "consideration", ["store-operations-director"],
     ["adoption"], ["retail", "mobile"], "Store managers on building rotas on their phones.",
     "Transcript: the team picked it up in a week.", "Shift swaps without calling the manager."),
    ("Healthcare staffing compliance brief", "one_pager", "consideration", ["store-operations-director", "chro"],
     ["compliance"], ["healthcare"], "Skills and certification checks before a carer is scheduled.",
     "Expired training blocks the shift; managers see gaps before they become breaches.",
     "Built with care providers."),
    ("Tip pooling and tronc payroll guide", "whitepaper", "consideration", ["payroll-manager"], ["payroll-errors"],
     ["hospitality", "payroll"], "How tips and service charges are shared fairly and paid through payroll.",
     "Rules per site; tronc schemes handled with the right tax treatment.", "Audit trail for every share."),
    ("Manufacturing shift patterns guide", "whitepaper", "consideration", ["store-operations-director"], [],
     ["manufacturing", "scheduling"], "Rotating shifts, continental patterns and on-call pay in one rota.",
     "Patterns repeat automatically; shift premiums are calculated in payroll.", "Covers 4-on-4-off patterns."),
    ("Absence and holiday management one-pager", "one_pager", "awareness", ["hr-operations-lead"], [], [],
     "Holiday requests, sickness and absence trends without paper forms.",
     "Staff request leave in the app; managers see cover before approving.", "Bradford factor reports built in."),
    ("Discovery questions for HR buyers", "faq", "awareness", ["chro", "hr-operations-lead"], [], [],
     "Questions that uncover the cost of manual scheduling and payroll.",
     "How many hours a week go on rotas? How often is pay corrected after payday?",
     "Use on the first call."),
    ("Nonprofit volunteer scheduling datasheet", "datasheet", "consideration", ["hr-operations-lead"], [],
     ["nonprofit", "scheduling"], "Schedule volunteers alongside staff without paying for their seats.",
     "Volunteers sign up for open shifts in the app.", "Free volunteer seats on every plan."),
    ("Contract and renewal terms FAQ", "faq", "decision", ["finance-director"], ["cost"], [],
     "Contract length, notice periods, price protection at renewal and data return when you leave.",
     "Annual or three-year terms; price increases capped at inflation.", "Your data exported on request."),
    ("Onboarding new hires: digital contracts and documents", "one_pager", "awareness", ["hr-operations-lead"],
     ["compliance"], [], "New starters sign contracts and upload documents before day one.",
     "E-signature, document checklists and automatic reminders.", "Time to hire shortened by a week."),
]  # fmt: skip

# Written and graded from the assets above, as reps would type them; never used for tuning.
JUDGEMENTS = {
    "payrol errors": {
        "Payroll engine datasheet": 3, "Harbor Hotels: payroll for 3,000 seasonal staff": 2,
        "Keelson vs Gusto battlecard": 1, "Customer video: Harbor Hotels payroll team": 1,
        "Tip pooling and tronc payroll guide": 1, "Follow-up email after a payroll demo": 1,
    },
    "customer stories": {
        "Harbor Hotels: payroll for 3,000 seasonal staff": 3, "Meadowbank Care: shift scheduling across 40 care homes": 3,
        "Northgate Retail cuts overtime by 18%": 3, "Fernhill Foods: from spreadsheets to Keelson in six weeks": 3,
        "Open Doors Charity: HR on a nonprofit budget": 3, "Customer video: Harbor Hotels payroll team": 1,
        "Customer video: Northgate store managers": 1,
    },
    "email template": {
        "Business case template": 3, "Follow-up email after a payroll demo": 3,
        "Follow-up email after a security review": 3,
    },
    "hospitality customer story": {
        "Harbor Hotels: payroll for 3,000 seasonal staff": 3, "Customer video: Harbor Hotels payroll team": 1,
    },
    "retail case studies": {"Northgate Retail cuts overtime by 18%": 3, "Customer video: Northgate store managers": 1},
    "chro deck": {"Executive briefing for the CHRO": 3, "Why frontline HR is different": 2},
    "vp finance worried about cost": {
        "Pricing and plans": 3, "Total cost of ownership calculator": 3, "Business case template": 2,
        "Overtime savings calculator": 1, "Contract and renewal terms FAQ": 1,
    },
    "impl timeline": {"Implementation plan: live in six weeks": 3, "Fernhill Foods: from spreadsheets to Keelson in six weeks": 1},
    "migrating from workday": {
        "Data migration guide: moving from your HRIS": 3, "Keelson vs Workday battlecard": 3,
        "Implementation plan: live in six weeks": 1,
    },
    "workday comparison": {"Keelson vs Workday battlecard": 3},
    "bamboohr is our current tool": {"Keelson vs BambooHR battlecard": 3, "Data migration guide: moving from your HRIS": 2},
    "gusto cheaper": {"Keelson vs Gusto battlecard": 3, "Pricing and plans": 1},
    "sso okta": {"Single sign-on and user provisioning datasheet": 3},
    "security questionnaire": {
        "Security questionnaire: standard answers": 3, "Follow-up email after a security review": 1,
        "Employee data protection whitepaper": 1,
    },
    "gdpr": {"GDPR for HR data: questions answered": 3, "Employee data protection whitepaper": 2},
    "is employee data encrypted": {
        "Employee data protection whitepaper": 3, "Security questionnaire: standard answers": 2,
        "GDPR for HR data: questions answered": 1,
    },
    "soc2 report": {"Employee data protection whitepaper": 3, "Security questionnaire: standard answers": 1},
    "clock in from phone": {"Time and attendance datasheet": 3, "Mobile app for frontline staff": 2},
    "time tracking": {"Time and attendance datasheet": 3, "Northgate Retail cuts overtime by 18%": 1},
    "rota": {
        "Shift scheduling product tour": 3, "Meadowbank Care: shift scheduling across 40 care homes": 2,
        "Northgate Retail cuts overtime by 18%": 1, "Working time and rest-period rules explained": 1,
        "Manufacturing shift patterns guide": 1,
    },
    "shift swaps": {
        "Mobile app for frontline staff": 3, "Shift scheduling product tour": 3,
        "Customer video: Northgate store managers": 2, "Meadowbank Care: shift scheduling across 40 care homes": 1,
    },
    "overtime cost": {
        "Overtime savings calculator": 3, "Northgate Retail cuts overtime by 18%": 3,
        "Working time and rest-period rules explained": 1,
    },
    "roi calculator": {"Total cost of ownership calculator": 3, "Overtime savings calculator": 3},
    "tco": {"Total cost of ownership calculator": 3, "Pricing and plans": 1},
    "working time rules": {"Working time and rest-period rules explained": 3, "Meadowbank Care: shift scheduling across 40 care homes": 2},
    "right to work checks": {"Right to work checks datasheet": 3},
    "care homes": {
        "Meadowbank Care: shift scheduling across 40 care homes": 3, "Healthcare staffing compliance brief": 2,
    },
    "tips": {"Tip pooling and tronc payroll guide": 3, "Harbor Hotels: payroll for 3,000 seasonal staff": 1},
    "benefits enrolment": {"Benefits administration overview": 3},
    "performance reviews": {"Performance reviews and goals module": 3},
    "staff wont use the app": {
        "Adoption playbook: getting hourly staff onto Keelson": 3, "Mobile app for frontline staff": 3,
        "Customer video: Northgate store managers": 1,
    },
    "xero integration": {"Integrations overview: accounting, ERP and more": 3},
    "api": {"Integrations overview: accounting, ERP and more": 3},
    "support hours on payday": {"Support and service levels": 3},
    "uptime": {"Uptime and reliability record": 3, "Integrations overview: accounting, ERP and more": 1},
    "nonprofit pricing": {
        "Open Doors Charity: HR on a nonprofit budget": 3, "Pricing and plans": 2,
        "Nonprofit volunteer scheduling datasheet": 2,
    },
    "volunteers": {"Nonprofit volunteer scheduling datasheet": 3, "Open Doors Charity: HR on a nonprofit budget": 2},
    "contract renewal": {"Contract and renewal terms FAQ": 3},
    "follow up email security": {"Follow-up email after a security review": 3},
    "payroll demo follow up": {"Follow-up email after a payroll demo": 3},
    "discovery questions": {"Discovery questions for HR buyers": 3},
    "holiday requests": {"Absence and holiday management one-pager": 3, "Mobile app for frontline staff": 1},
    "new starter contracts": {"Onboarding new hires: digital contracts and documents": 3},
    "business case for budget approval": {"Business case template": 3, "Total cost of ownership calculator": 1},
    "manufacturing shift patterns": {"Manufacturing shift patterns guide": 3, "Fernhill Foods: from spreadsheets to Keelson in six weeks": 1},
    "payroll manager video": {"Customer video: Harbor Hotels payroll team": 3},
    # No asset answers these.
    "does it do recruitment and job ads": {},
    "french language version of the payroll deck": {},
    "crypto salary payments": {},
    "learning management system for compliance training courses": {},
    "can it run on premise on our own servers": {},
}  # fmt: skip


def documents():
    """The library as index documents (search.engines.base.IndexDocument), built the way
    search.documents.to_document builds them from pages: names only in the taxonomy text."""
    from content.models import BuyerStage, CollateralKind
    from search.engines.base import IndexDocument

    personas = {slug: (title, role) for slug, title, role in PERSONAS}
    objections = {slug: name for slug, name, _synonyms in OBJECTIONS}
    kinds, stages = dict(CollateralKind.choices()), dict(BuyerStage.choices)
    result = []
    for number, (title, kind, stage, persona_slugs, objection_slugs, tags, summary, body, file_text) in enumerate(
        ASSETS, start=1
    ):
        taxonomy = [personas[slug][0] for slug in persona_slugs] + [personas[slug][1] for slug in persona_slugs]
        taxonomy += [objections[slug] for slug in objection_slugs] + [TAGS[slug] for slug in tags]
        result.append(
            IndexDocument(
                id=number,
                title=title,
                url=f"/keelson/{number}/",
                summary=summary,
                body=body,
                files=f"{title}\n{summary}\n{file_text}",
                taxonomy=" · ".join(taxonomy),
                facets={
                    "persona": persona_slugs,
                    "objection": objection_slugs,
                    "stage": [stage],
                    "kind": [kind],
                    "tag": tags,
                },
                labels={
                    "persona": {slug: personas[slug][0] for slug in persona_slugs},
                    "objection": {slug: objections[slug] for slug in objection_slugs},
                    "stage": {stage: stages[stage]},
                    "kind": {kind: kinds[kind]},
                    "tag": {slug: TAGS[slug] for slug in tags},
                },
                published=f"2026-{1 + number % 12:02d}-01",
            )  # fmt: skip
        )
    return result


def vocabulary(synonyms):
    """The Vocabulary a site holding this library would have, with `synonyms` [(term, meaning)]."""
    from content.models import BuyerStage, CollateralKind
    from search.understanding import Vocabulary

    return Vocabulary.build(
        personas=PERSONAS,
        kinds=CollateralKind.choices(),
        stages=BuyerStage.choices,
        tags=list(TAGS.items()),
        objections=OBJECTIONS,
        synonyms=synonyms,
    )
