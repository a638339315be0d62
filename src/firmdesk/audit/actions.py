"""What each audit action means, in the words a firm admin reads on the audit
page: a group per area (the part of the action before the first dot) and a
label per action. An action missing here still shows, worded from its name,
so a new one never hides; docs/security-audit.md lists them in a table."""

GROUPS: dict[str, str] = {
    "matter": "Matters",
    "contact": "Contacts",
    "contacts": "Contacts",
    "conflict": "Conflict checks",
    "document": "Documents",
    "documents": "Documents",
    "template": "Documents",
    "exhibit": "Documents",
    "exhibits": "Documents",
    "share": "Shared links",
    "task": "Tasks",
    "playbook": "Playbooks",
    "recurrence": "Tasks",
    "event": "Calendar",
    "feed": "Calendar",
    "intake": "Intake",
    "call": "Reception",
    "reception": "Reception",
    "invoice": "Billing",
    "billing": "Billing",
    "payment": "Billing",
    "time": "Billing",
    "expense": "Billing",
    "provider_bill": "Billing",
    "engagement": "Engagements and agreements",
    "assignment": "Engagements and agreements",
    "agreement": "Engagements and agreements",
    "nda": "Engagements and agreements",
    "staff": "People and sign-in",
    "member": "People and sign-in",
    "absence": "People and sign-in",
    "user": "People and sign-in",
    "two_factor": "People and sign-in",
    "account": "People and sign-in",
    "session": "People and sign-in",
    "org": "People and sign-in",
    "insights": "Insights",
    "scorecard": "Insights",
    "pilot": "Insights",
    "audit": "Audit trail",
    "incident": "Incidents",
    "compliance": "Incidents",
    "api_token": "API tokens and webhooks",
    "webhook": "API tokens and webhooks",
}
OTHER = "Other"

LABELS: dict[str, str] = {
    # Reads of client data
    "matter.viewed": "Opened a matter",
    "matter.calendar_viewed": "Opened a matter's calendar",
    "contact.viewed": "Opened a contact",
    "document.viewed": "Opened a document",
    "document.downloaded": "Downloaded a document",
    "task.viewed": "Opened a task",
    "task.checklist_ticked": "Ticked a task's checklist",
    "intake.lead_checklist": "Ticked a lead's checklist",
    "event.viewed": "Opened a calendar event",
    "feed.read": "A calendar feed was read",
    "invoice.viewed": "Opened an invoice",
    "invoice.pdf_downloaded": "Downloaded an invoice PDF",
    "invoice.ledes_exported": "Downloaded a LEDES file",
    "intake.lead_viewed": "Opened a lead",
    "billing.invoice_collection_viewed": "Opened an invoice's collection page",
    "billing.time_viewed": "Opened a time entry for review",
    "billing.expense_viewed": "Opened an expense for review",
    "conflict.check_viewed": "Opened a conflict check",
    "share.viewed": "A shared link was opened",
    "share.downloaded": "A file was downloaded through a shared link",
    "webhook.delivery_viewed": "Opened a webhook delivery (its payload)",
    # Exports
    "contacts.exported": "Exported the contacts",
    "exhibits.exported": "Downloaded an exhibit index",
    "billing.ageing_exported": "Downloaded the receivables ageing",
    "insights.export": "Downloaded dashboard figures",
    "insights.report.downloaded": "Downloaded a review report",
    "audit.exported": "Exported the audit trail",
    # The chain itself
    "audit.reads_sealed": "Sealed reads into the audit chain",
    # Changes
    "matter.opened": "Opened a new matter",
    "matter.created": "Created a matter",
    "matter.updated": "Changed a matter",
    "matter.closed": "Closed a matter",
    "matter.reopened": "Reopened a matter",
    "matter.imported": "Imported matters",
    "matter.party_added": "Added a party to a matter",
    "matter.party_changed": "Changed a matter's party",
    "matter.party_removed": "Removed a party from a matter",
    "matter.screen_added": "Screened someone off a matter",
    "matter.screen_removed": "Lifted a screen",
    "matter.granted": "Opened a matter to provider staff",
    "matter.grant_revoked": "Closed a matter to provider staff",
    "matter.consent_changed": "Recorded the client's consent",
    "matter.consent_withdrawn": "Recorded that the client withdrew consent",
    "contact.created": "Created a contact",
    "contact.updated": "Changed a contact",
    "contact.imported": "Imported contacts",
    "contact.related": "Related two contacts",
    "contact.unrelated": "Removed a relationship between contacts",
    "contact.alias_added": "Added a contact's other name",
    "contact.alias_removed": "Removed a contact's other name",
    "conflict.check_run": "Ran a conflict check",
    "conflict.decided": "Decided a conflict check",
    "conflict.searched": "Searched for conflicts",
    "document.uploaded": "Uploaded a document",
    "document.version_added": "Added a version of a document",
    "document.generated": "Generated a draft",
    "document.submitted": "Sent a document for review",
    "document.approved": "Approved a document",
    "document.returned": "Returned a document",
    "document.finalised": "Marked a document final",
    "document.deleted": "Deleted a document",
    "document.damaged": "A stored file could not be read",
    "documents.keys_rotated": "Rotated the document encryption keys",
    "share.created": "Shared a document by link",
    "share.revoked": "Revoked a shared link",
    "task.created": "Delegated a task",
    "task.returned": "Returned a task",
    "task.sla_breached": "A task went past its deadline",
    "event.import": "Imported calendar events",
    "feed.create": "Made a calendar feed address",
    "feed.revoke": "Revoked a calendar feed address",
    "invoice.created": "Drafted an invoice",
    "payment.recorded": "Recorded a payment",
    "time.recorded": "Recorded time",
    "time.imported": "Imported time",
    "expense.recorded": "Recorded an expense",
    "engagement.created": "Started an engagement",
    "engagement.updated": "Changed an engagement",
    "engagement.ended": "Ended an engagement",
    "assignment.saved": "Assigned provider staff",
    "assignment.ended": "Ended an assignment",
    "nda.signed": "Signed a confidentiality agreement",
    "agreement.kept": "Kept a signed agreement",
    "staff.left": "Marked a staff member as left",
    "member.added": "Added a member",
    "two_factor.device_added": "Added a two-factor device",
    "account.confirmed": "Typed the password again for a sensitive action",
    "api_token.created": "Made an API token",
    "api_token.revoked": "Revoked an API token",
    "webhook.endpoint_created": "Added a webhook",
    "webhook.endpoint_changed": "Changed a webhook",
    "webhook.endpoint_disabled": "Disabled a webhook",
    "webhook.endpoint_enabled": "Enabled a webhook",
    "webhook.disabled": "A webhook was disabled after repeated failures",
    "webhook.secret_rolled": "Made a new webhook signing secret",
    "webhook.test_sent": "Sent a webhook test event",
    "webhook.redelivered": "Sent a webhook delivery again",
}


def group_of(action: str) -> str:
    return GROUPS.get(action.split(".", 1)[0], OTHER)


def label_of(action: str) -> str:
    """The plain label of ``action``: its entry, or its name in words
    ("call.escalated" → "Call: escalated")."""
    if action in LABELS:
        return LABELS[action]
    head, _, rest = action.partition(".")
    head = head.replace("_", " ").capitalize()
    return f"{head}: {rest.replace('_', ' ').replace('.', ' ')}" if rest else head


def grouped_choices(actions) -> list[tuple[str, list[tuple[str, str]]]]:
    """``actions`` as optgroups for a select, each group first offering all of
    its actions at once (value ``group:<name>``), groups and labels sorted."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for action in set(actions):
        groups.setdefault(group_of(action), []).append((action, label_of(action)))
    return [
        (
            name,
            [
                (f"group:{name}", f"Anything in {name.lower()}"),
                *sorted(items, key=lambda item: item[1]),
            ],
        )
        for name, items in sorted(groups.items())
    ]


def actions_in_group(name: str, actions) -> list[str]:
    return [action for action in actions if group_of(action) == name]
