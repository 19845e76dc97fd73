"""Demo content for Tessellate, a fictional company selling order-to-cash automation
(quoting, invoicing, collections and revenue reporting) to mid-market B2B companies.

Plain data only; home/management/commands/load_demo_data.py turns it into pages,
files, notes and users through the same factories the tests use.
"""

PERSONAS = [
    {
        "slug": "cfo",
        "title": "CFO",
        "role": "Chief Financial Officer",
        "summary": "Owns the budget and the board's view of cash. Buys when the payback is under a year "
        "and the numbers survive the audit committee.",
        "goals": "<ul><li>Shorten days sales outstanding (DSO)</li><li>Close the books in five days</li>"
        "<li>Forecast cash the board can trust</li></ul>",
        "pains": "<ul><li>Revenue leakage from manual invoicing</li><li>Surprise write-offs</li>"
        "<li>Tools that need a consultant to change</li></ul>",
        "decision_criteria": "<ul><li>Payback period and total cost of ownership</li><li>Audit trail</li>"
        "<li>References from companies of the same size</li></ul>",
        "quotes": [
            ("Show me the payback in months, not a slide full of adjectives.", "CFO, 600-person logistics firm"),
            ("Every new tool is another renewal I have to defend.", "CFO, SaaS scale-up"),
        ],
    },
    {
        "slug": "financial-controller",
        "title": "Financial Controller",
        "role": "Financial Controller / Head of Accounting",
        "summary": "Runs the month-end close and owns the ledger. Cares about accuracy, audit trail and "
        "not breaking the ERP.",
        "goals": "<ul><li>Fewer manual journal entries</li><li>Clean revenue recognition</li></ul>",
        "pains": "<ul><li>Spreadsheet reconciliations</li><li>Credit notes raised by email</li></ul>",
        "decision_criteria": "<ul><li>NetSuite and SAP integration depth</li><li>Approval workflows</li></ul>",
        "quotes": [
            ("If it doesn't reconcile to NetSuite to the cent, it's dead on arrival.", "Controller, manufacturer")
        ],
    },
    {
        "slug": "vp-revenue-operations",
        "title": "VP Revenue Operations",
        "role": "Vice President, Revenue Operations",
        "summary": "Owns the quote-to-cash process across sales, finance and customer success. Judges tools by "
        "adoption and by how well they sync with Salesforce.",
        "goals": "<ul><li>Faster quotes with fewer discounts</li><li>One source of truth for bookings</li></ul>",
        "pains": "<ul><li>Deals stuck waiting for finance approval</li><li>CRM and billing disagree</li></ul>",
        "decision_criteria": "<ul><li>Native Salesforce and HubSpot sync</li><li>Time to go live</li></ul>",
        "quotes": [
            ("My reps will not log into another tab. It lives in Salesforce or it doesn't live.", "VP RevOps, martech")
        ],
    },
    {
        "slug": "it-director",
        "title": "IT Director",
        "role": "Director of IT / CIO",
        "summary": "Guards the architecture and the team's time. Asks about APIs, single sign-on, uptime and "
        "who maintains the integrations.",
        "goals": "<ul><li>Fewer point tools</li><li>Integrations that don't need babysitting</li></ul>",
        "pains": "<ul><li>Shadow IT bought by finance</li><li>Brittle custom connectors</li></ul>",
        "decision_criteria": "<ul><li>Open REST API and webhooks</li><li>SSO with Okta or Azure AD</li>"
        "<li>99.9% uptime commitment</li></ul>",
        "quotes": [("Who gets paged at 2 a.m. when the sync breaks? Not my team, I hope.", "IT Director, healthcare")],
    },
    {
        "slug": "head-of-security",
        "title": "Head of Security",
        "role": "CISO / Head of Information Security",
        "summary": "Signs off every vendor that touches customer or financial data. Needs evidence, not promises: "
        "reports, pen tests and a clear data processing agreement.",
        "goals": "<ul><li>Pass the next audit without findings</li><li>Know where data lives</li></ul>",
        "pains": "<ul><li>Vendor questionnaires with vague answers</li><li>Sub-processors nobody listed</li></ul>",
        "decision_criteria": "<ul><li>SOC 2 Type II and ISO 27001</li><li>EU data residency</li>"
        "<li>Encryption and access logging</li></ul>",
        "quotes": [("Send me the SOC 2 Type II report before we book another demo.", "CISO, fintech")],
    },
    {
        "slug": "procurement-manager",
        "title": "Procurement Manager",
        "role": "Procurement / Vendor Management",
        "summary": "Runs the buying process once the business has chosen. Compares quotes line by line and "
        "pushes on contract terms, price holds and exit clauses.",
        "goals": "<ul><li>Lower total contract value</li><li>Standard terms, fewer exceptions</li></ul>",
        "pains": "<ul><li>Auto-renewals with uplifts</li><li>Vendors who won't share a price list</li></ul>",
        "decision_criteria": "<ul><li>Price versus two competing quotes</li><li>Termination rights</li></ul>",
        "quotes": [("I have two other quotes on my desk and both are lower.", "Procurement lead, retail")],
    },
]

# slug: (name, synonyms, description, talk track, proof used in collateral and in its files)
OBJECTIONS = {
    "price": (
        "Price is too high",
        "too pricey, too expensive, costs too much, over budget, sticker shock, pricey, expensive, cost",
        "The buyer thinks the subscription costs more than the problem.",
        "Move from price to cost of the status quo: DSO days, write-offs, hours of manual invoicing. "
        "Offer the ROI calculator and a phased start.",
        "Customers recover the subscription within seven months on average: Haldane Freight cut days sales "
        "outstanding from 58 to 41 and wrote off 62% less bad debt in the first year.",
    ),
    "no-budget": (
        "No budget this year",
        "budget frozen, spending freeze, no money, next fiscal year, budget cycle, not budgeted",
        "Money is not allocated, or is frozen until the next planning cycle.",
        "Ask when the next budget is set and who sets it; offer a quarter-end start with deferred billing.",
        "Deferred billing lets a team start in this quarter and pay from next year's budget, with the "
        "first invoice after go-live.",
    ),
    "security": (
        "Security and compliance review",
        "soc2, soc 2, soc ii, iso 27001, pen test, penetration test, security questionnaire, infosec, audit",
        "Security needs evidence before the vendor touches financial data.",
        "Send the trust pack first: SOC 2 Type II report under NDA, ISO 27001 certificate, latest pen test "
        "summary. Offer a call with our security lead.",
        "Tessellate holds a SOC 2 Type II report and ISO 27001 certification, runs an annual third-party "
        "penetration test, encrypts data with AES-256 at rest and TLS 1.3 in transit, and logs every admin action.",
    ),
    "integration": (
        "Integration with our stack",
        "salesforce, netsuite, hubspot, sap, erp, crm, api, connector, sync, integrate, integraton",
        "The buyer fears the tool will not fit the CRM and ERP they already run.",
        "Name the connectors: Salesforce, HubSpot, NetSuite, SAP Business One, plus REST API and webhooks. "
        "Offer a sandbox sync with their data.",
        "Native connectors for Salesforce, HubSpot, NetSuite and SAP Business One sync quotes, invoices and "
        "payments every five minutes; the REST API and webhooks cover everything else.",
    ),
    "implementation-time": (
        "Implementation takes too long",
        "onboarding timeline, go-live, rollout, time to value, implementation effort, resources, project plan",
        "The buyer expects months of work and consultants.",
        "Share the 30-day onboarding plan and name the customer-side hours it needs (about 20).",
        "A standard rollout goes live in 30 days: week one connects the CRM and ERP, week two imports "
        "open invoices, week three trains the team, week four runs in parallel.",
    ),
    "switching-cost": (
        "Switching from our current vendor",
        "incumbent, migration, rip and replace, existing tool, locked in, current contract, orbitpay",
        "They already pay for something and fear the switch.",
        "Offer the migration service and a contract buy-out review; show a customer who switched from OrbitPay.",
        "Our migration team moves open invoices, payment history and customer records from OrbitPay or "
        "spreadsheets in under two weeks, at no extra cost on annual plans.",
    ),
    "roi": (
        "ROI is unclear",
        "business case, payback, return on investment, value, justify the spend, cost benefit",
        "The champion cannot yet prove the value internally.",
        "Build the business case with them using the ROI calculator and two matching case studies.",
        "The ROI model counts hours saved in billing, DSO reduction, fewer write-offs and faster close; "
        "mid-market customers report 3.4x return in year one.",
    ),
    "data-privacy": (
        "Data privacy and GDPR",
        "gdpr, data residency, eu hosting, dpa, data processing agreement, personal data, ccpa, privacy",
        "Customer and payment data must stay where the law allows.",
        "Offer EU hosting in Frankfurt, the standard DPA and the sub-processor list.",
        "Customer data can be hosted in the EU (Frankfurt) or the US; our DPA follows the EU standard "
        "contractual clauses, and the sub-processor list is public.",
    ),
    "competitor": (
        "A competitor is cheaper",
        "ledgerly, orbitpay, cheaper competitor, other quote, alternative vendor, lower bid",
        "They have a lower quote from Ledgerly or OrbitPay.",
        "Compare total cost, not list price: implementation fees, per-invoice charges and connector add-ons.",
        "Ledgerly charges per invoice above 2,000 a month and sells the NetSuite connector separately; "
        "over three years Tessellate costs 18% less for a typical 5,000-invoice customer.",
    ),
    "not-priority": (
        "Not a priority right now",
        "bad timing, maybe later, next quarter, other projects, no urgency, circle back",
        "Something else is more urgent this quarter.",
        "Quantify the cost of waiting (cash tied up per month of higher DSO) and agree a date to revisit.",
        "Every month of delay leaves cash tied up in late invoices: at 50 million in revenue, ten extra "
        "days of DSO is about 1.4 million in working capital.",
    ),
    "exec-buy-in": (
        "Need executive sign-off",
        "board approval, ceo sign off, executive sponsor, champion, stakeholder, buy-in, steering committee",
        "The champion needs someone above them to agree.",
        "Offer an executive briefing and the one-page business case written for a CEO.",
        "The executive briefing covers cash impact, risk and rollout on one page, written for a CEO or board.",
    ),
    "scalability": (
        "Will it scale with us?",
        "scale, performance, volume, enterprise, growth, uptime, reliability, sla",
        "The buyer plans to grow and fears outgrowing the tool.",
        "Share the 99.95% uptime record and the largest customers' invoice volumes.",
        "Tessellate processes over four million invoices a month, with 99.95% uptime over the last twelve "
        "months and customers issuing 80,000 invoices a month.",
    ),
}

KIND_FILE = {
    "case_study": "pdf",
    "battlecard": "pdf",
    "whitepaper": "pdf",
    "one_pager": "pdf",
    "datasheet": "pdf",
    "deck": "pptx",
    "faq": "docx",
    "email_template": "docx",
    "video": "docx",
    "roi_calculator": "xlsx",
}

# (title, kind, stage, personas, objections, tags, summary)
COLLATERAL = [
    (
        "Haldane Freight cuts DSO by 17 days",
        "case_study",
        "decision",
        ["cfo", "financial-controller"],
        ["price", "roi"],
        ["logistics", "netsuite"],
        "How a 600-person freight company got paid faster and recovered the subscription in seven months.",
    ),
    (
        "Tessellate vs Ledgerly battlecard",
        "battlecard",
        "decision",
        ["cfo", "procurement-manager"],
        ["competitor", "price"],
        ["ledgerly", "competitive"],
        "Where we win against Ledgerly, where they win, and the three questions that expose per-invoice fees.",
    ),
    (
        "Tessellate vs OrbitPay battlecard",
        "battlecard",
        "decision",
        ["vp-revenue-operations", "cfo"],
        ["competitor", "switching-cost"],
        ["orbitpay", "competitive"],
        "How to displace OrbitPay: migration service, Salesforce depth and contract buy-out.",
    ),
    (
        "Security and trust overview",
        "whitepaper",
        "consideration",
        ["head-of-security", "it-director"],
        ["security", "data-privacy"],
        ["security", "compliance"],
        "Our SOC 2 Type II, ISO 27001, encryption, pen testing and access controls in one document.",
    ),
    (
        "SOC 2 Type II summary for security reviews",
        "one_pager",
        "decision",
        ["head-of-security"],
        ["security"],
        ["security", "soc2"],
        "A one-page summary of the SOC 2 Type II report and how to request the full report under NDA.",
    ),
    (
        "GDPR and EU data residency FAQ",
        "faq",
        "consideration",
        ["head-of-security", "it-director"],
        ["data-privacy", "security"],
        ["gdpr", "eu"],
        "Answers to the privacy questions EU buyers ask: hosting in Frankfurt, DPA, sub-processors, deletion.",
    ),
    (
        "Salesforce integration datasheet",
        "datasheet",
        "consideration",
        ["vp-revenue-operations", "it-director"],
        ["integration"],
        ["salesforce", "crm"],
        "What syncs between Salesforce and Tessellate, how often, and what admins configure.",
    ),
    (
        "NetSuite connector datasheet",
        "datasheet",
        "consideration",
        ["financial-controller", "it-director"],
        ["integration"],
        ["netsuite", "erp"],
        "Invoices, payments and credit memos in NetSuite without manual journal entries.",
    ),
    (
        "API and webhooks overview",
        "whitepaper",
        "consideration",
        ["it-director"],
        ["integration", "scalability"],
        ["api", "developers"],
        "REST API, webhooks, rate limits and SDKs for teams that build their own integrations.",
    ),
    (
        "30-day onboarding plan",
        "one_pager",
        "decision",
        ["vp-revenue-operations", "it-director", "cfo"],
        ["implementation-time"],
        ["onboarding"],
        "Week by week: what we do, what you do, and the 20 hours your team puts in.",
    ),
    (
        "Order-to-cash ROI calculator",
        "roi_calculator",
        "consideration",
        ["cfo", "financial-controller"],
        ["roi", "price"],
        ["roi", "business-case"],
        "Enter invoice volume, DSO and write-offs; get payback in months and three-year return.",
    ),
    (
        "Business case template for the CFO",
        "deck",
        "decision",
        ["cfo"],
        ["roi", "exec-buy-in"],
        ["business-case"],
        "A ready-to-edit deck your champion presents to the CFO and the board.",
    ),
    (
        "Executive briefing: cash is the new growth",
        "deck",
        "awareness",
        ["cfo"],
        ["exec-buy-in", "not-priority"],
        ["executive"],
        "The ten-slide story for a CEO or board: why order-to-cash automation pays now.",
    ),
    (
        "Migration from OrbitPay: how it works",
        "one_pager",
        "decision",
        ["financial-controller", "it-director"],
        ["switching-cost", "implementation-time"],
        ["orbitpay", "migration"],
        "What we move, how long it takes, and who does the work when you switch from OrbitPay.",
    ),
    (
        "Scaling to 80,000 invoices a month",
        "case_study",
        "consideration",
        ["it-director", "cfo"],
        ["scalability"],
        ["enterprise", "saas"],
        "How a fast-growing SaaS company scaled invoicing tenfold without adding billing staff.",
    ),
    (
        "Uptime and reliability datasheet",
        "datasheet",
        "consideration",
        ["it-director", "head-of-security"],
        ["scalability"],
        ["sla", "reliability"],
        "Our uptime record, SLA terms, disaster recovery and status page.",
    ),
    (
        "Follow-up email: after a pricing objection",
        "email_template",
        "consideration",
        ["cfo", "procurement-manager"],
        ["price"],
        ["email"],
        "A short email that reframes price as the cost of late payments, with the ROI calculator attached.",
    ),
    (
        "Follow-up email: security review next steps",
        "email_template",
        "decision",
        ["head-of-security"],
        ["security"],
        ["email", "security"],
        "What to send a security team after the first call: the trust pack and a call with our security lead.",
    ),
    (
        "Deferred billing offer one-pager",
        "one_pager",
        "decision",
        ["cfo", "procurement-manager"],
        ["no-budget", "price"],
        ["pricing"],
        "Start this quarter, pay from next year's budget: how deferred billing works and who qualifies.",
    ),
    (
        "Procurement FAQ: contract terms and renewals",
        "faq",
        "decision",
        ["procurement-manager"],
        ["price", "switching-cost"],
        ["contracts", "pricing"],
        "Price holds, renewal caps, termination rights and our standard order form, explained.",
    ),
    (
        "Why now: the cost of waiting",
        "one_pager",
        "awareness",
        ["cfo", "vp-revenue-operations"],
        ["not-priority"],
        ["business-case"],
        "A one-page calculation of the working capital tied up by every month of delay.",
    ),
    (
        "Mercer Clinics: compliant billing in healthcare",
        "case_study",
        "decision",
        ["head-of-security", "cfo"],
        ["security", "data-privacy"],
        ["healthcare", "compliance"],
        "How a clinic group passed its audit with Tessellate handling patient-adjacent billing data.",
    ),
    (
        "Quote-to-cash for RevOps: product overview",
        "deck",
        "awareness",
        ["vp-revenue-operations"],
        ["integration", "roi"],
        ["salesforce", "overview"],
        "The product tour for revenue operations leaders: quoting, approvals, invoicing and CRM sync.",
    ),
    (
        "HubSpot integration datasheet",
        "datasheet",
        "consideration",
        ["vp-revenue-operations"],
        ["integration"],
        ["hubspot", "crm"],
        "Deals to quotes to invoices, with payment status back on the HubSpot record.",
    ),
    (
        "Northwind Parts: live in 27 days",
        "case_study",
        "decision",
        ["vp-revenue-operations", "it-director"],
        ["implementation-time", "integration"],
        ["manufacturing", "salesforce"],
        "A manufacturer connected Salesforce and SAP Business One and went live in under a month.",
    ),
    (
        "Collections automation whitepaper",
        "whitepaper",
        "awareness",
        ["cfo", "financial-controller"],
        ["roi"],
        ["collections"],
        "Dunning, payment reminders and dispute handling: what automation changes for cash collection.",
    ),
    (
        "Month-end close in five days",
        "whitepaper",
        "consideration",
        ["financial-controller"],
        ["roi", "implementation-time"],
        ["close", "accounting"],
        "How automated invoicing and cash application shorten the month-end close.",
    ),
    (
        "Security questionnaire: pre-filled answers",
        "faq",
        "decision",
        ["head-of-security", "it-director"],
        ["security"],
        ["security", "questionnaire"],
        "Our answers to the SIG Lite and CAIQ questionnaires, ready to paste into yours.",
    ),
    (
        "Single sign-on and access control datasheet",
        "datasheet",
        "consideration",
        ["it-director", "head-of-security"],
        ["security", "integration"],
        ["sso", "okta"],
        "SAML SSO with Okta and Azure AD, SCIM provisioning, roles and audit logs.",
    ),
    (
        "Pricing and packaging overview",
        "one_pager",
        "consideration",
        ["cfo", "procurement-manager"],
        ["price", "competitor"],
        ["pricing"],
        "Our three plans, what each includes, and why there are no per-invoice fees.",
    ),
    (
        "Customer video: Haldane Freight CFO",
        "video",
        "decision",
        ["cfo"],
        ["roi", "price"],
        ["logistics", "testimonial"],
        "Three minutes with Haldane's CFO on payback and the board's reaction.",
    ),
    (
        "Customer video: onboarding at Northwind",
        "video",
        "consideration",
        ["vp-revenue-operations"],
        ["implementation-time"],
        ["manufacturing", "testimonial"],
        "Northwind's RevOps lead walks through their first month with Tessellate.",
    ),
    (
        "Champion kit: getting executive sign-off",
        "deck",
        "decision",
        ["vp-revenue-operations", "financial-controller"],
        ["exec-buy-in"],
        ["business-case", "champion"],
        "Slides, talking points and an FAQ your champion uses to win over the CFO and CEO.",
    ),
    (
        "Data processing agreement explained",
        "faq",
        "decision",
        ["head-of-security", "procurement-manager"],
        ["data-privacy"],
        ["gdpr", "contracts"],
        "What our DPA commits to, in plain language, with the standard contractual clauses.",
    ),
    (
        "Revenue leakage benchmark report",
        "whitepaper",
        "awareness",
        ["cfo", "vp-revenue-operations"],
        ["roi", "not-priority"],
        ["research"],
        "Survey of 300 finance teams: how much revenue slips between the quote and the cash.",
    ),
    (
        "SAP Business One connector datasheet",
        "datasheet",
        "consideration",
        ["financial-controller", "it-director"],
        ["integration"],
        ["sap", "erp"],
        "Invoices and payments synced with SAP Business One, including multi-currency.",
    ),
    (
        "Discovery call guide",
        "faq",
        "awareness",
        ["cfo", "vp-revenue-operations", "financial-controller"],
        ["not-priority", "roi"],
        ["enablement"],
        "Questions that uncover DSO, manual work and budget timing in the first call.",
    ),
    (
        "Enterprise readiness overview",
        "deck",
        "consideration",
        ["it-director", "head-of-security"],
        ["scalability", "security"],
        ["enterprise"],
        "Scale, security and support for companies above 1,000 employees.",
    ),
    (
        "Switching cost calculator",
        "roi_calculator",
        "decision",
        ["cfo", "procurement-manager"],
        ["switching-cost", "price"],
        ["migration", "business-case"],
        "Compare staying with your current vendor against switching, including migration and buy-out.",
    ),
    (
        "Rollout checklist for IT",
        "one_pager",
        "onboarding",
        ["it-director"],
        ["implementation-time", "integration"],
        ["onboarding", "checklist"],
        "SSO, connectors, sandbox and cut-over: the IT team's checklist for go-live.",
    ),
]

KIND_INTRO = {
    "case_study": "Customer story.",
    "battlecard": "For reps only: do not send to prospects.",
    "whitepaper": "In depth, for the evaluation team.",
    "one_pager": "One page to leave behind.",
    "datasheet": "Technical facts for the evaluation team.",
    "deck": "Slides to present or send.",
    "faq": "Questions buyers ask, with answers.",
    "email_template": "Copy, adapt and send.",
    "video": "Video transcript.",
    "roi_calculator": "Spreadsheet model: fill in the yellow cells.",
}

# What prospects said, per objection; notes pick from these.
NOTE_QUOTES = {
    "price": [
        "Honestly it's more than we budgeted; the CFO called it too pricey.",
        "We like it but the price is about twice what we expected.",
        "At that price I'd need to cut a headcount to pay for it.",
        "Sticker shock on the enterprise plan, they asked for a discount on day one.",
        "Too expensive compared with doing it in spreadsheets, in their view.",
    ],
    "no-budget": [
        "Budget is frozen until the new fiscal year in April.",
        "Nothing was set aside for finance tooling this year.",
        "Love it, but there's a spending freeze across the company.",
        "Come back when the budget cycle opens in Q3.",
    ],
    "security": [
        "Their security team won't book a second call without our SOC 2 report.",
        "CISO asked for the latest pen test and whether we're ISO 27001 certified.",
        "They sent a 300-question security questionnaire before anything else.",
        "Infosec wants to know who at Tessellate can see their invoice data.",
    ],
    "integration": [
        "Does it sync with Salesforce both ways, or just push invoices?",
        "They run NetSuite with heavy customisation and worry the connector breaks it.",
        "IT asked whether there's an API for their in-house billing portal.",
        "The integraton with HubSpot was their first question and their last.",
        "They're on SAP Business One and want multi-currency sync.",
    ],
    "implementation-time": [
        "The last rollout of a finance tool took nine months; they're scarred.",
        "How long until we're live? We have a close in six weeks.",
        "They don't have anyone free to run an implementation project.",
        "Asked for the onboarding timeline week by week before committing.",
    ],
    "switching-cost": [
        "They're two years into an OrbitPay contract and fear the migration.",
        "Moving five years of payment history sounds risky to them.",
        "Their team just learned the current tool; switching again is a hard sell.",
    ],
    "roi": [
        "I need to show the board payback in months, not a vague efficiency story.",
        "Can you prove the DSO reduction with a company our size?",
        "They couldn't build the business case without numbers from us.",
        "The controller wants the ROI model to plug their own numbers into.",
    ],
    "data-privacy": [
        "All customer data has to stay in the EU; where are you hosted?",
        "Legal wants our DPA and the list of sub-processors.",
        "GDPR deletion requests: how fast can we erase a customer?",
    ],
    "competitor": [
        "Ledgerly quoted them 30% less for the first year.",
        "OrbitPay offered to match any price to keep them.",
        "They have a cheaper bid and want us to justify the difference.",
    ],
    "not-priority": [
        "Great product, bad timing; they're in the middle of an ERP migration.",
        "Circle back next quarter, the team is focused on the audit.",
        "Not urgent for them; DSO is fine according to the VP.",
    ],
    "exec-buy-in": [
        "Our champion likes it but the CEO signs anything over 50k.",
        "They need the steering committee to approve, meeting is next month.",
        "The CFO wasn't on the call and will veto anything she hasn't seen.",
    ],
    "scalability": [
        "They plan to triple invoice volume next year; will it keep up?",
        "Asked for our uptime record and SLA credits.",
        "Worried about performance at month end when everyone invoices at once.",
    ],
}

# Notes pick a quote and frame it the way reps jot things down, so no persona page shows the same
# note word for word twice (note_text).
NOTE_LEADS = [
    "",
    "On the demo: ",
    "Second call: ",
    "Paraphrasing the champion: ",
    "Word for word: ",
    "From their follow-up email: ",
    "When we got to pricing: ",
    "Heard again this week: ",
    "Their ops lead, early on: ",
    "At the end of the call: ",
]
NOTE_TAILS = [
    "",
    " They want an answer by Friday.",
    " Follow-up booked for next week.",
    " Said it twice.",
    " The champion agrees; their boss does not.",
    " Asked for it in writing.",
    " Others on the call nodded.",
    " Deal on hold until we answer this.",
    " Sent them the link afterwards.",
    " Not a deal-breaker yet.",
]


def continued(quote):
    """`quote` read on after a lead ("Second call: "): its first letter lower-cased, unless its first
    word is a name, an acronym or "I" ("OrbitPay", "GDPR", "CISO", "I need" stay as written)."""
    first = quote.split(" ", 1)[0]
    if first == "I" or first.startswith("I'") or not (len(first) == 1 or first[1:].islower()):
        return quote
    return quote[0].lower() + quote[1:]


def note_text(rng, objection_slug, used):
    """A note's text for `objection_slug`: one of its NOTE_QUOTES, framed by a lead and a tail,
    not in `used` (a set of texts already given for this persona, which is updated). Deterministic
    for a seeded `rng`; after 50 tries it accepts a repeat rather than loop forever."""
    for _ in range(50):
        quote = rng.choice(NOTE_QUOTES[objection_slug])
        lead, tail = rng.choice(NOTE_LEADS), rng.choice(NOTE_TAILS)
        text = lead + (continued(quote) if lead.endswith(": ") and lead != "Word for word: " else quote)
        text += tail
        if text not in used:
            break
    used.add(text)
    return text


# How often each persona raises each objection, roughly; drives 150 notes with visible differences.
NOTE_WEIGHTS = {
    "cfo": {"price": 12, "roi": 9, "no-budget": 7, "competitor": 5, "exec-buy-in": 3, "not-priority": 3},
    "vp-revenue-operations": {"integration": 10, "implementation-time": 8, "switching-cost": 4, "price": 3, "roi": 2},
    "it-director": {"integration": 9, "security": 6, "scalability": 5, "implementation-time": 4},
    "head-of-security": {"security": 14, "data-privacy": 8, "scalability": 2},
    "financial-controller": {"integration": 5, "roi": 4, "switching-cost": 4, "implementation-time": 3},
    "procurement-manager": {"price": 5, "competitor": 4, "switching-cost": 2, "data-privacy": 1},
}
NOTE_TOTALS = {
    "cfo": 39,
    "vp-revenue-operations": 27,
    "it-director": 24,
    "head-of-security": 24,
    "financial-controller": 16,
    "procurement-manager": 20,
}

REPS = [("rep", "Riley", "Park"), ("priya", "Priya", "Shah"), ("marcus", "Marcus", "Obi"), ("lena", "Lena", "Berg")]
MARKETERS = [("marketer", "Morgan", "Lee"), ("jordan", "Jordan", "Reyes")]
