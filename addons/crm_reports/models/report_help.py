# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The definitions of the reports' fields: each sentence is the field's help and its line in
docs/metrics.md."""

HELP = {
    # sales report
    "sales.date": "Invoice date of the invoice or credit note (the date printed on the document).",
    "sales.partner_id": "Commercial partner (the company, or the individual) the document is addressed to.",
    "sales.user_id": "Salesperson of the invoice or credit note.",
    "sales.team_id": "Sales team of the invoice or credit note.",
    "sales.segment_id": "Client segment of the customer (its commercial partner) today.",
    "sales.country_id": "Country of the customer (its commercial partner) today.",
    "sales.revenue": (
        "Untaxed amount of the product lines of posted customer invoices minus those of posted "
        "customer credit notes, in the company currency (the signed balance of the journal items, "
        "at the rate accounting used)."
    ),
    "sales.quantity": "Quantity invoiced in the product's unit of measure; credit notes count negative.",
    # lead intake
    "intake.date": "Day the lead or opportunity was created, in the company's timezone.",
    "intake.product_id": (
        "Product of interest of the lead; a lead with several is split evenly between them, a "
        "lead without one shows under no product."
    ),
    "intake.lead_count": (
        "Leads and opportunities created, archived and lost ones included; a lead with n products "
        "of interest counts 1/n under each, so every lead adds up to exactly 1."
    ),
    "intake.opportunity_count": (
        "Of the leads counted, those that are opportunities now (split by product like the lead count)."
    ),
    "intake.won_count": (
        "Of the leads counted, those won now: in a won stage and not archived (split by product "
        "like the lead count)."
    ),
    "intake.lost_count": (
        "Of the leads counted, those lost now: archived with probability 0 (split by product like "
        "the lead count)."
    ),
    "intake.expected_revenue": (
        "Expected revenue of the leads counted, as entered on each lead, not weighted by "
        "probability (split by product like the lead count)."
    ),
    # funnel
    "funnel.stage_id": (
        "A stage the opportunity reached. Stages are ordered by sequence: reaching a stage means "
        "having reached every earlier stage of the opportunity's team, even one it skipped; a "
        "stage reached twice counts once."
    ),
    "funnel.date_reached": (
        "Day the opportunity first reached this stage or a later one, in the company's timezone."
    ),
    "funnel.days_in_stage": (
        "Days the opportunity spent in this stage over all its visits, until it moved on, was won "
        "or lost, or until now; 0 for a skipped stage."
    ),
    "funnel.cohort_date": "Day the opportunity was created, in the company's timezone: its cohort.",
    "funnel.won": (
        "The opportunity is won now (in a won stage and not archived); set on every stage it reached."
    ),
    "funnel.lost": (
        "The opportunity is lost now (archived with probability 0) and this is the stage it was "
        "lost in (its stage when lost)."
    ),
    "funnel.lost_reason_id": "Lost reason of the opportunity, on the stage it was lost in.",
    "funnel.deal_count": "Opportunities that reached the stage (each counts once per stage).",
    "funnel.conversion": (
        "Of the opportunities that reached the stage, the share (%) that reached a later one."
    ),
    "funnel.drop_off": "Of the opportunities that reached the stage, the share (%) lost in this stage.",
    "funnel.lost_count": "Opportunities lost in this stage.",
    "funnel.won_count": "Of the opportunities that reached the stage, those won now.",
    # activity
    "activity.date": "Day, in the company's timezone, of the activity (the day each KPI counts by).",
    "activity.calls_in": "Inbound Calls KPI (calls_in) for the salesperson, team and day.",
    "activity.calls_out": "Outbound Calls KPI (calls_out) for the salesperson, team and day.",
    "activity.calls_missed": "Missed Calls KPI (calls_missed) for the salesperson, team and day.",
    "activity.talk_minutes": (
        "Talk Time KPI (talk_time) for the salesperson, team and day, in minutes (seconds / 60)."
    ),
    "activity.meetings": "Meetings KPI (meetings) for the salesperson, team and day.",
    "activity.proposals_sent": "Proposals Sent KPI (proposals_sent) for the salesperson, team and day.",
    "activity.deals_won": "Deals Won KPI (deals_won) for the salesperson, team and day.",
    "activity.leads_new": "New Leads KPI (leads_new) for the salesperson, team and day.",
    "activity.revenue": (
        'Revenue KPI (revenue) for the salesperson, team and day: the company setting "Paid '
        'Invoices Only" applies.'
    ),
    "activity.deals_closed": (
        "Opportunities closed (won, or lost: archived with probability 0) on the day, by their "
        "salesperson and team: the base of the conversion rate."
    ),
    "activity.won_revenue": (
        "Invoiced revenue of the deals won on the day (posted customer invoices minus credit notes "
        "of their sale orders, untaxed, company currency, whatever the invoice date): the numerator "
        "of the average deal size."
    ),
    "activity.won_cycle_days": (
        "Days from creation to won of the deals won on the day, added up (closing day minus "
        "creation day, in the company's timezone): the numerator of the average sales cycle."
    ),
    "activity.conversion_rate": (
        "Conversion Rate KPI (conversion_rate): deals won divided by deals closed, in percent; in a "
        "group or total, computed from the group's own counts, never added up or averaged."
    ),
    "activity.avg_deal_size": (
        "Average Deal Size KPI (avg_deal_size): won deals' revenue divided by deals won; in a group "
        "or total, computed from the group's own sums, never added up or averaged."
    ),
    "activity.avg_sales_cycle": (
        "Average Sales Cycle KPI (avg_sales_cycle): won deals' cycle days divided by deals won; in "
        "a group or total, computed from the group's own sums, never added up or averaged."
    ),
    # plan vs fact
    "plan.line_kind": (
        "Salesperson: a salesperson's plan line. Unassigned remainder: the team line minus the "
        "salespeople's lines of the same plan and KPI, so that salespeople and remainder add up "
        "to the team line; 0 for a ratio KPI (conversion rate, average deal size, average sales "
        "cycle), whose team line is computed from the team's records and is not a sum."
    ),
    "plan.target": (
        "Target of the plan line (for the remainder: team target minus the salespeople's targets)."
    ),
    "plan.actual": (
        "Actual of the plan line as last refreshed (for the remainder: team actual minus the "
        "salespeople's actuals, i.e. the team's records without a salesperson of the plan, less "
        "the salespeople's records booked under other teams)."
    ),
    "plan.achievement": (
        "Actual divided by target, in percent (target divided by actual for a KPI where lower is "
        "better); 0 when there is no target. Group rows show the average of their lines."
    ),
    "plan.forecast": (
        "Actual so far extrapolated to the end of the period at the same daily rate (days counted "
        "in the company's timezone); for a ratio KPI, the actual (a ratio does not grow with time)."
    ),
    "plan.team_target": (
        "Target of the team line, on the remainder row only, so that the team's total shows next "
        "to the sum of its rows."
    ),
    "plan.team_actual": (
        "Actual of the team line, on the remainder row only, so that the team's total shows next "
        "to the sum of its rows."
    ),
    # marketing spend
    "cost.date": (
        "Month of the spend (any day entered stands for its month); the channel report counts it on "
        "the first day of the month."
    ),
    "cost.amount": "Amount spent on the channel in the month, untaxed, in the company's currency.",
    # channel effectiveness
    "channel.date": (
        "Day the figure counts on, in the company's timezone: a lead's creation day, an invoice's "
        "invoice date, the first day of a spend's month."
    ),
    "channel.cohort_date": (
        "Creation day of the lead (for revenue: of the opportunity it was invoiced from), in the "
        "company's timezone; the first day of the month for spend. Filter on it for the cohort "
        "view: the leads created in a period and everything they brought."
    ),
    "channel.kind": (
        "Lead: a lead or opportunity created. Revenue: a journal item invoiced from the sale order "
        "of an opportunity. Spend: a marketing spend of the month."
    ),
    "channel.source_id": (
        "utm source of the lead (for revenue: of the opportunity; for spend: as entered); empty for "
        "the leads without a source, which are shown as such."
    ),
    "channel.lead_count": (
        "Leads and opportunities created, archived and lost ones included (each counts 1)."
    ),
    "channel.opportunity_count": "Of the leads counted, those that are opportunities now.",
    "channel.won_count": (
        "Of the leads counted, those won now: in a won stage and not archived (the won deals)."
    ),
    "channel.revenue": (
        "Untaxed amount of the posted customer invoices minus the posted credit notes invoiced from "
        "the sale orders of the channel's opportunities (product lines, signed balance in the "
        "company currency, by invoice date), won or not; a journal item linked to the orders of "
        "several opportunities counts once, for the oldest."
    ),
    "channel.spend": "Marketing spend of the channel (as entered), in the company's currency.",
    "channel.cost_per_lead": (
        "Spend divided by leads counted, over the same rows (group, total); empty without leads."
    ),
    "channel.cost_per_won": (
        "Spend divided by won deals counted, over the same rows (group, total); empty without won deals."
    ),
    "channel.romi": (
        "Return on marketing investment: (revenue - spend) / spend, in percent, over the same rows "
        "(group, total); empty without spend."
    ),
    # cross-sell
    "cross.client_count": (
        "Clients (commercial partners) with an invoice or credit note in the cell: each client counts "
        "once per cell, however many documents, products or lines."
    ),
    "cross.abc_class": (
        "ABC class of the client in the company of the document, as last computed (see ABC Class "
        "on the client card)."
    ),
    # ABC analysis
    "partner.abc_class": (
        "ABC class of the client in this company by revenue over the company's ABC period (the last "
        "months, up to today): clients ranked by revenue, A = the clients that make the first 80 % "
        "of it (the one crossing 80 % included), B = the next ones up to 95 % (the one crossing 95 "
        "% included), C = the rest and the clients with no positive revenue; empty for a client "
        "without invoice in the period. Recomputed every night."
    ),
}
