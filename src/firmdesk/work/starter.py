"""The starter playbook library: one written procedure per kind of delegated work.

A new firm gets copies of these to edit; nothing here is read at request time
except to make those copies. The Markdown fields render with
``firmdesk.work.markdown.render_markdown``.
"""

from dataclasses import dataclass
from textwrap import dedent


@dataclass(frozen=True)
class StarterPlaybook:
    key: str
    function: str
    title: str
    summary: str
    steps: str
    definition_of_done: tuple[str, ...]
    common_mistakes: str
    templates: str
    examples: str
    # Work that goes outside the firm (letters, client messages, filings,
    # invoices) is always reviewed by an attorney before it leaves.
    output_leaves_firm: bool
    review_required: bool
    turnaround_hours: int


def _md(text: str) -> str:
    return dedent(text).strip() + "\n"


CALENDAR_COURT_DATE = StarterPlaybook(
    key="calendar-court-date",
    function="scheduling",
    title="Calendar a court date or deadline",
    summary=(
        "Turn an order, notice or served document into calendar entries the "
        "attorney has confirmed, with the deadline arithmetic written down."
    ),
    steps=_md(
        """
        1. Save the source (order, notice of hearing, served complaint) to the
           matter file and read it yourself, not just the e-filing e-mail.
        2. Find the trigger (date of service, date the order was entered) and the
           rule that sets the deadline: the court's rules, the local rules, or the
           judge's own order.
        3. Count as the rule says. Under the federal rules: skip the trigger day,
           count every calendar day, and if the last day is a weekend or court
           holiday, move to the next court day.
        4. Write the derivation in the event notes: trigger, rule, count, result.
        5. Enter the event in the **court's** time zone with the court, judge,
           courtroom or dial-in, and the matter.
        6. Add the firm's standard reminders for the responsible attorney and
           paralegal.
        7. Send the attorney the entry and derivation. Leave it marked *tentative*
           until the attorney confirms.
        """
    ),
    definition_of_done=(
        "Save the source document to the matter file.",
        "Write the derivation: trigger date, rule, count and result.",
        "Enter the event in the court's time zone with court, judge and room.",
        "Add the standard reminders for the attorney and paralegal.",
        "Get the attorney's confirmation of the date and the rule.",
    ),
    common_mistakes=_md(
        """
        - Counting from the day the document reached the firm instead of the
          service or entry date.
        - Using federal holidays for a state court (their holiday lists differ).
        - Entering the time in your own zone: a 9:00 a.m. Pacific hearing is not
          9:00 a.m. Eastern.
        - Adding three "mail days" for electronic service; the federal rules
          stopped allowing that in 2016.
        """
    ),
    templates=_md(
        """
        - Deadline calculation worksheet (Excel)
        - Attorney confirmation e-mail — court deadline (Outlook quick part)
        """
    ),
    examples=_md(
        """
        Complaint served on our client Monday, January 27, 2025, in the Northern
        District of California. Answer due 21 days after service (FRCP
        12(a)(1)(A)(i)): day 21 is Monday, February 17, Washington's Birthday, so
        the deadline rolls to **Tuesday, February 18, 2025, 11:59 p.m. Pacific**
        (FRCP 6(a)(1)(C), 6(a)(4)). Entered in Pacific time; the Chicago attorney
        sees 1:59 a.m. Central on February 19.
        """
    ),
    output_leaves_firm=False,
    review_required=True,
    turnaround_hours=4,
)

BOOK_CLIENT_CONSULTATION = StarterPlaybook(
    key="book-client-consultation",
    function="reception",
    title="Book a client consultation",
    summary=(
        "Book a caller into an attorney's consultation slot and send the firm's "
        "confirmation."
    ),
    steps=_md(
        """
        1. Take the caller's name, phone and e-mail, and ask whether they already
           work with the firm.
        2. New caller: the conflict check from *Qualify an inquiry* must be clear
           before you book. If it is not, say the firm will call back.
        3. Offer two or three of the attorney's consultation slots, saying the
           time **and the caller's time zone** aloud.
        4. Agree the format: office (give the address and parking), phone, or
           video.
        5. Book it in the attorney's calendar as "Consultation — caller's name",
           linked to the intake record.
        6. Send the confirmation template unchanged: date, time and zone,
           format, what to bring, any consultation fee, cancellation policy.
        7. Schedule the reminder for the day before.
        """
    ),
    definition_of_done=(
        "Record the caller's name, phone and e-mail.",
        "Confirm the conflict check is clear for a new caller before booking.",
        "Book the meeting in one of the attorney's consultation slots.",
        "Send the confirmation template with the date, time and time zone.",
        "Schedule the reminder for the day before.",
    ),
    common_mistakes=_md(
        """
        - Answering legal questions. Say: "The attorney will go over that with
          you at the consultation."
        - Booking outside the attorney's consultation blocks because a slot looks
          free.
        - Editing the confirmation text; anything beyond the template goes to
          the attorney first.
        """
    ),
    templates=_md(
        """
        - Consultation confirmation — in person / phone / video (e-mail template)
        - What to bring to your consultation (PDF handout)
        """
    ),
    examples=_md(
        """
        Dana Reyes calls from Phoenix about a car accident. Her conflict check
        cleared yesterday. You offer Thursday 10:00 or 2:30 **Arizona time**; she
        takes 2:30 by video. You book "Consultation — Dana Reyes" and send the
        video confirmation with the police report on the what-to-bring list.
        """
    ),
    # The confirmation is the firm's pre-approved template, sent as written.
    output_leaves_firm=False,
    review_required=False,
    turnaround_hours=1,
)

PREPARE_DEMAND_LETTER = StarterPlaybook(
    key="prepare-demand-letter",
    function="documents",
    title="Prepare a demand letter from the template",
    summary=(
        "Draft a personal-injury demand letter from the firm template and the "
        "file, ready for the attorney to review and sign."
    ),
    steps=_md(
        """
        1. Get from the attorney: recipient, claim number, demand amount and
           response deadline. Never choose the amount yourself.
        2. Start from the current firm template, never from another client's
           letter.
        3. Fill in facts only from the file: date and place of the accident, the
           police report, injuries and treatment from the medical records.
        4. Build the medical specials table by provider and date of service, and
           add lost wages from the employer's letter. Check every total twice.
        5. List the enclosures, put them in that order, and redact Social
           Security numbers, dates of birth and account numbers.
        6. Submit the draft for attorney review with a note of anything missing
           or uncertain. **Do not send it.**
        """
    ),
    definition_of_done=(
        "Start from the current firm template.",
        "Trace every fact and figure to a document in the file.",
        "Check the specials totals against the bills.",
        "List and assemble the enclosures, with personal identifiers redacted.",
        "Check the recipient, claim number and response deadline.",
        "Submit the draft for attorney review without sending it.",
    ),
    common_mistakes=_md(
        """
        - Another client's name or figures left in from a reused letter.
        - Describing fault or injuries beyond what the records say.
        - Mixing amounts billed with amounts paid; the attorney decides which
          to claim.
        - Treating an ordinary demand as time-limited: some states (Georgia, for
          one) have strict rules for those, so use the state form the attorney
          names.
        """
    ),
    templates=_md(
        """
        - Demand letter — personal injury (Word template)
        - Medical specials summary (Excel)
        - Enclosure index (Word template)
        """
    ),
    examples=_md(
        """
        Client rear-ended June 12, 2024. Specials: emergency room $4,250,
        physical therapy $3,120, lost wages $1,800; total **$9,170**. The
        attorney set the demand at $45,000 with 30 days to respond. The draft goes
        to the attorney noting "September PT bill not yet received — left blank".
        """
    ),
    output_leaves_firm=True,
    review_required=True,
    turnaround_hours=16,
)

OPEN_NEW_MATTER = StarterPlaybook(
    key="open-new-matter",
    function="case_management",
    title="Open a new matter file",
    summary=(
        "Set up a newly accepted matter so that billing, calendaring and "
        "conflict checks all work from day one."
    ),
    steps=_md(
        """
        1. Check the intake record shows a **cleared conflict check** and a
           **signed engagement letter**. If either is missing, stop and tell the
           responsible attorney.
        2. Search for the client by name, e-mail and phone before creating a new
           client record.
        3. Create the matter: name in the firm's style ("Lopez — Auto accident
           6/12/2024"), practice area, responsible attorney, billing terms and
           rate copied from the engagement letter.
        4. Add the other parties, opposing counsel and insurer, and add every
           adverse party to the conflicts list.
        5. Create the standard folders and file the engagement letter, intake
           notes and the client's documents.
        6. Send the statute of limitations and any known deadlines to calendaring.
        7. Send the attorney a short note: matter number, what is set up, what
           is missing.
        """
    ),
    definition_of_done=(
        "Confirm the conflict clearance and signed engagement letter are on file.",
        "Create the matter with attorney, practice area and billing terms.",
        "Enter all parties and add the adverse ones to the conflicts list.",
        "Create the standard folders and file the intake documents.",
        "Send the limitation date and known deadlines to calendaring.",
        "Send the responsible attorney a summary of the new matter.",
    ),
    common_mistakes=_md(
        """
        - Opening the matter before conflicts clear or the letter is signed.
        - Typing the rate or contingency percentage from memory.
        - A second record for an existing client.
        - Leaving related people and companies (spouse, employer, the client's
          business) out of the conflicts list.
        """
    ),
    templates=_md(
        """
        - New matter checklist (Word)
        - Standard matter folder structure
        - Engagement letter — signed copy from the intake record
        """
    ),
    examples=_md(
        """
        Engagement letter signed by Ana Lopez, contingency fee of 33⅓%. You create
        "Lopez — Auto accident 6/12/2024", add the other driver and State Auto
        Insurance as adverse parties, and send the two-year limitation date to
        calendaring for the attorney to confirm.
        """
    ),
    output_leaves_firm=False,
    review_required=False,
    turnaround_hours=8,
)

RESEARCH_CASE_SUMMARY = StarterPlaybook(
    key="research-case-summary",
    function="research",
    title="Pull and summarise cases on a question",
    summary=(
        "Find the cases on a legal question the attorney asked and summarise "
        "them, checked and cited, for the attorney alone."
    ),
    steps=_md(
        """
        1. Restate the question in one sentence with the jurisdiction, court
           level and date range. If unsure, ask the attorney before searching.
        2. Search the firm's research service, and keep a list of the searches
           you ran.
        3. Prefer binding authority (the jurisdiction's highest court, then its
           appellate courts); label anything else as persuasive.
        4. For each case: full citation, court and year, holding in one or two
           sentences, key facts, pin cite, and whether it helps or hurts.
        5. Run every case through the citator (KeyCite or Shepard's) to check it
           is **still good law**; record the result and any negative treatment.
        6. Send the memo to the requesting attorney only.
        """
    ),
    definition_of_done=(
        "Confirm the question, jurisdiction and date range.",
        "Read each case in full and record citation, holding and pin cite.",
        "Check every case in the citator and record its status.",
        "Include the cases that go against the firm's position.",
        "Attach the list of searches run.",
        "Send the memo to the requesting attorney only.",
    ),
    common_mistakes=_md(
        """
        - Citing a case you have not read, or one found only through an AI tool:
          invented citations have led to court sanctions.
        - Skipping the citator; an overruled case is worse than none.
        - Leaving out cases that go against the client.
        - Answering a client's question or sharing the memo with a client. This
          is legal advice and only the attorney gives it.
        """
    ),
    templates=_md(
        """
        - Research memo — case summary (Word template)
        - Search log (Excel)
        """
    ),
    examples=_md(
        """
        Question: "In New York, does a landlord's acceptance of rent after a
        lease expires create a month-to-month tenancy?" You find three Appellate
        Division cases, check each in the citator (all still good law), note one
        that went the other way on its facts, and send the memo to the attorney.
        """
    ),
    output_leaves_firm=False,
    review_required=True,
    turnaround_hours=16,
)

QUALIFY_INQUIRY = StarterPlaybook(
    key="qualify-inquiry",
    function="intake",
    title="Qualify an inquiry",
    summary=(
        "Take a new caller through the intake script, clear conflicts first, and "
        "record whether the matter fits the firm."
    ),
    steps=_md(
        """
        1. Use the intake script for the practice area. Ask **only the scripted
           questions**, in order.
        2. Take the caller's name and contact details, then the name of every
           other person or company involved.
        3. Run the conflict check on all those names **before** hearing more
           about the matter. If anything matches, stop politely: "An attorney
           will call you back." Send it to the conflicts attorney.
        4. If clear, continue the script: date of the incident, where it
           happened, what kind of matter, whether they have a lawyer already.
        5. Give no legal advice: "I can't give legal advice, but an attorney will
           review what you've told me."
        6. Record answers in the caller's words and mark the inquiry qualified or
           not against the firm's criteria.
        """
    ),
    definition_of_done=(
        "Ask the scripted questions in order and record the answers as given.",
        "Run the conflict check on every name before taking matter details.",
        "Give no legal advice, case value or promise of representation.",
        "Mark the inquiry qualified or not, with the reason.",
        "Flag a possible limitation deadline to an attorney the same day.",
    ),
    common_mistakes=_md(
        """
        - Letting the caller tell the whole story before the conflict check: the
          firm could be disqualified from a current client's case.
        - Answering "Do I have a case?" or "What is it worth?".
        - Saying "We'll take your case"; only a signed engagement letter does.
        - Missing a limitation date that is close (an incident nearly two years
          ago).
        """
    ),
    templates=_md(
        """
        - Intake script — personal injury
        - Intake script — family law
        - Conflict check request form
        """
    ),
    examples=_md(
        """
        A caller says she slipped at a Harbor Foods store. You take her details
        and the store's name, run the conflict check (clear), then finish the
        script: fall on March 3, 2025, in Ohio, no lawyer yet. Marked qualified
        and sent to the personal injury attorney.
        """
    ),
    output_leaves_firm=False,
    review_required=True,
    turnaround_hours=1,
)

UPDATE_CONTACT_RECORDS = StarterPlaybook(
    key="update-contact-records",
    function="crm",
    title="Update contact records",
    summary=(
        "Change contact details from a written source, keep the history, and "
        "keep the conflicts list accurate."
    ),
    steps=_md(
        """
        1. Work only from a source: the client's e-mail, a signed form, returned
           mail, or the attorney's note. Link the source to the change.
        2. Search by name, e-mail and phone first. If you find a duplicate, do not
           merge it unless the firm's rule says it is the same person; flag it.
        3. Enter the new details in the firm's format; move the old address or
           phone to the history, don't delete it.
        4. Add a new name (marriage, company rename) as an **alias**, so
           conflict checks still find the old one.
        5. If the person's role on a matter changed (new opposing counsel, new
           adjuster), update the matter contacts too.
        6. Record what changed and why in the activity note.
        """
    ),
    definition_of_done=(
        "Link the source of each change in the activity note.",
        "Search for duplicates before editing.",
        "Enter details in the firm's format and keep old values as history.",
        "Add new names as aliases for conflict checks.",
        "Update matter contacts where the change affects a matter.",
    ),
    common_mistakes=_md(
        """
        - Changing a record because of a phone call you cannot verify.
        - Overwriting the old name, so conflict checks stop finding it.
        - Merging two people with the same name.
        """
    ),
    templates=_md(
        """
        - Contact change request form
        - Contact data format guide (names, addresses, phone numbers)
        """
    ),
    examples=_md(
        """
        Returned mail for Jordan Price and an e-mail from him with a new address
        in Tampa. You enter the new address, move the old one to history, link
        the e-mail, and note "Address changed per client e-mail of 4/2/2025".
        """
    ),
    output_leaves_firm=False,
    review_required=False,
    turnaround_hours=8,
)

MONTHLY_PRE_BILL = StarterPlaybook(
    key="monthly-pre-bill",
    function="billing",
    title="Prepare the monthly pre-bill",
    summary=(
        "Assemble each matter's unbilled time and expenses into draft invoices "
        "for the billing attorney to review."
    ),
    steps=_md(
        """
        1. After the month-end cutoff, remind timekeepers of missing time, then
           run the unbilled time and expense report.
        2. Check each entry: right matter, rate as in the engagement letter, a
           clear description, and the client's billing guidelines (task codes,
           no block billing) where they apply.
        3. Flag entries for the billing attorney (vague, unusually long,
           duplicated, on a flat-fee matter). **Do not edit or write down time
           yourself.**
        4. Check each expense has a receipt and is billable under the agreement.
        5. Note the trust balance for matters paid from a retainer. Never move
           trust money; only the attorney authorises that.
        6. Generate the pre-bills and send them to the billing attorney with a
           summary of the flags. Invoices go out only after approval.
        """
    ),
    definition_of_done=(
        "Pull unbilled time and expenses for every active matter after cutoff.",
        "Check rates and billing terms against each engagement letter.",
        "Flag questionable entries for the billing attorney without editing them.",
        "Confirm each expense has a receipt and is billable.",
        "Note trust balances and make no trust transfers.",
        "Send the pre-bills and a summary of flags to the billing attorney.",
    ),
    common_mistakes=_md(
        """
        - An old rate after the engagement letter's annual increase.
        - Billing a contingency or flat-fee matter by the hour.
        - Sending an invoice before the billing attorney approves it.
        """
    ),
    templates=_md(
        """
        - Pre-bill review summary (Excel)
        - Unbilled time and expense report (billing system)
        - Invoice — hourly matters (billing system template)
        """
    ),
    examples=_md(
        """
        October pre-bill for Acme Corp: 42.6 hours at the 2025 rates. You flag
        one 7.5-hour entry that only says "research" and a duplicate $350 filing
        fee, note $2,000 left in trust, and send both to the billing attorney.
        """
    ),
    output_leaves_firm=True,
    review_required=True,
    turnaround_hours=16,
)

STARTER_PLAYBOOKS: tuple[StarterPlaybook, ...] = (
    CALENDAR_COURT_DATE,
    BOOK_CLIENT_CONSULTATION,
    PREPARE_DEMAND_LETTER,
    OPEN_NEW_MATTER,
    RESEARCH_CASE_SUMMARY,
    QUALIFY_INQUIRY,
    UPDATE_CONTACT_RECORDS,
    MONTHLY_PRE_BILL,
)

_BY_KEY = {playbook.key: playbook for playbook in STARTER_PLAYBOOKS}


def starter_by_key(key: str) -> StarterPlaybook:
    """The starter playbook with this key; ``KeyError`` if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"No starter playbook has the key {key!r}.") from None
