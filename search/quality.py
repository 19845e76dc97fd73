"""How good is the ranking? A judged query set on the demo data, and nDCG@10 and MRR.

Each query is written as a rep would type it before a call; each judgement names a demo
asset by title with a grade: 2 = the asset to send, 1 = useful.
"""

import math

from search.engines.base import SearchQuery

JUDGEMENTS = {
    "cfo says too pricey": {
        "Pricing and packaging overview": 2, "Order-to-cash ROI calculator": 2,
        "Follow-up email: after a pricing objection": 2, "Haldane Freight cuts DSO by 17 days": 1,
        "Deferred billing offer one-pager": 1, "Tessellate vs Ledgerly battlecard": 1,
    },
    "soc2": {
        "SOC 2 Type II summary for security reviews": 2, "Security and trust overview": 2,
        "Security questionnaire: pre-filled answers": 1, "Follow-up email: security review next steps": 1,
    },
    "integraton w salesforce": {
        "Salesforce integration datasheet": 2, "Quote-to-cash for RevOps: product overview": 1,
        "Northwind Parts: live in 27 days": 1,
    },
    "onboarding timeline": {
        "30-day onboarding plan": 2, "Rollout checklist for IT": 1, "Customer video: onboarding at Northwind": 1,
        "Northwind Parts: live in 27 days": 1,
    },
    "Tessellate vs Ledgerly battlecard": {"Tessellate vs Ledgerly battlecard": 2},
    "ledgerly is cheaper": {"Tessellate vs Ledgerly battlecard": 2, "Pricing and packaging overview": 1},
    "switching from orbitpay": {
        "Migration from OrbitPay: how it works": 2, "Tessellate vs OrbitPay battlecard": 2,
        "Switching cost calculator": 1,
    },
    "gdpr eu hosting": {
        "GDPR and EU data residency FAQ": 2, "Data processing agreement explained": 1, "Security and trust overview": 1,
    },
    "netsuite sync": {"NetSuite connector datasheet": 2},
    "hubspot": {"HubSpot integration datasheet": 2},
    "no budget this year": {"Deferred billing offer one-pager": 2, "Why now: the cost of waiting": 1},
    "payback period": {
        "Order-to-cash ROI calculator": 2, "Haldane Freight cuts DSO by 17 days": 2,
        "Customer video: Haldane Freight CFO": 1, "Business case template for the CFO": 1,
    },
    "needs board approval": {
        "Business case template for the CFO": 2, "Champion kit: getting executive sign-off": 2,
        "Executive briefing: cash is the new growth": 1,
    },
    "will it scale with us": {
        "Scaling to 80,000 invoices a month": 2, "Uptime and reliability datasheet": 2,
        "Enterprise readiness overview": 1,
    },
    "uptime sla": {"Uptime and reliability datasheet": 2},
    "sso okta": {"Single sign-on and access control datasheet": 2},
    "security questionnaire": {
        "Security questionnaire: pre-filled answers": 2, "Follow-up email: security review next steps": 1,
    },
    "pen test report": {"Security and trust overview": 2, "SOC 2 Type II summary for security reviews": 1},
    "api webhooks": {"API and webhooks overview": 2},
    "sap business one": {"SAP Business One connector datasheet": 2, "Northwind Parts: live in 27 days": 1},
    "contract renewal terms": {"Procurement FAQ: contract terms and renewals": 2},
    "month end close": {"Month-end close in five days": 2},
    "dunning and collections": {"Collections automation whitepaper": 2},
    "healthcare compliance": {"Mercer Clinics: compliant billing in healthcare": 2},
    "not a priority right now": {"Why now: the cost of waiting": 2, "Executive briefing: cash is the new growth": 1},
    "roi calculater": {"Order-to-cash ROI calculator": 2, "Switching cost calculator": 1},
    "champion deck for the ceo": {
        "Champion kit: getting executive sign-off": 2, "Business case template for the CFO": 1,
        "Executive briefing: cash is the new growth": 1,
    },
    "data processing agreement": {"Data processing agreement explained": 2, "GDPR and EU data residency FAQ": 1},
    "revenue leakage": {"Revenue leakage benchmark report": 2},
    "discovery call questions": {"Discovery call guide": 2},
}  # fmt: skip

CUTOFF = 10


def dcg(grades):
    return sum((2**grade - 1) / math.log2(position + 2) for position, grade in enumerate(grades))


def evaluate(engine, judgements=JUDGEMENTS, cutoff=CUTOFF, synonyms=lambda text: (), ranked=False):
    """Mean nDCG@cutoff and MRR of an engine over the judged queries, and each query's nDCG.

    `synonyms` is the service's query-side synonym matching, or nothing for the baseline;
    `ranked`: through search.service's re-ranking by effectiveness (helped figure, staleness from
    the database), as people see it, instead of the engine's text relevance alone."""
    from search.service import ranked_search

    run = (lambda query: ranked_search(engine, query)) if ranked else engine.search
    per_query = {}
    reciprocal_ranks = []
    for query, grades in judgements.items():
        search = SearchQuery(text=query, objections=synonyms(query), page_size=cutoff)
        found = [hit.title for hit in run(search).hits]
        gained = [grades.get(title, 0) for title in found]
        ideal = dcg(sorted(grades.values(), reverse=True)[:cutoff])
        per_query[query] = dcg(gained) / ideal if ideal else 0.0
        first = next((rank for rank, grade in enumerate(gained, start=1) if grade), None)
        reciprocal_ranks.append(1 / first if first else 0.0)
    return {
        "ndcg": sum(per_query.values()) / len(per_query),
        "mrr": sum(reciprocal_ranks) / len(reciprocal_ranks),
        "per_query": per_query,
    }
