# Copyright 2026 CRM Suite Authors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Vocabulary of the calls shared by the models and the webhook controller."""

OUTCOMES = [
    ("answered", "Answered"),
    ("missed", "Missed"),
    ("busy", "Busy"),
    ("no_answer", "No Answer"),
    ("failed", "Failed"),
    ("voicemail", "Voicemail"),
]
# Outcomes of an inbound call that nobody took: they ask for a call back.
UNANSWERED = ("missed", "busy", "no_answer", "voicemail")
EVENTS = ("call_started", "call_answered", "call_ended", "recording_ready")
# Work the PBX events job still has to do for a call; the job's queue is the calls with one set (the
# same predicate in the partial index and in the job's statements, so that the planner uses the index).
PENDING_FLAGS = ("pbx_lead_pending", "pbx_popup_pending", "pbx_end_pending")
QUEUE_WHERE = " OR ".join(PENDING_FLAGS)
