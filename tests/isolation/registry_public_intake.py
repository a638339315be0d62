"""Isolation registry entries for the public pages of a firm (format:
registry.py): its intake forms, its booking pages and the feedback link.

They are public: nobody signs in, and anyone, signed in or not, gets the same
page. What keeps one firm's rows out of another's is the lookup: a form or an
attorney by firm A's slug and their own id, a lead or a feedback request by its
secret token (tests/web/test_public_intake.py covers unknown and malformed
tokens). Firm B's form, attorney or lead under firm A's slug answers 404.
"""

from .registry import ANONYMOUS, Route

ANYONE = (ANONYMOUS, "attorney", "assistant", "outsider")


def _form(f, form) -> dict:
    return {"firm": f.firm.slug, "form_slug": form.slug}


def _thanks(f, lead) -> dict:
    return {**_form(f, lead.form), "token": lead.token}


ROUTES = [
    Route(
        "public_intake:public_intake_form",
        kwargs=lambda f: _form(f, f.public_form),
        foreign_kwargs=lambda f: _form(f, f.public_other_form),
        allowed=ANYONE,
        public=True,
        why="a firm's intake form, open to the public; an inactive form is 404",
    ),
    Route(
        "public_intake:public_intake_thanks",
        kwargs=lambda f: _thanks(f, f.public_lead),
        foreign_kwargs=lambda f: _thanks(f, f.public_other_lead),
        allowed=ANYONE,
        public=True,
        why="the lead's secret token is the credential; the page shows the form's "
        "confirmation text and the booking link, nothing the visitor typed",
    ),
    Route(
        "public_intake:public_booking",
        kwargs=lambda f: {"firm": f.firm.slug},
        allowed=ANYONE,
        public=True,
        why="free consultation times of the firm's attorneys (times only)",
    ),
    Route(
        "public_intake:public_booking_attorney",
        kwargs=lambda f: {"firm": f.firm.slug, "attorney": f.attorney.public_id},
        foreign_kwargs=lambda f: {
            "firm": f.firm.slug,
            "attorney": f.outsider.public_id,
        },
        allowed=ANYONE,
        public=True,
        why="one attorney's free times; someone not an attorney of the firm is 404",
    ),
    Route(
        "public_intake:public_booking_for_lead",
        kwargs=lambda f: {"token": f.public_lead.token},
        allowed=ANYONE,
        public=True,
        why="the booking link e-mailed to a lead: the token is the credential",
    ),
    Route(
        "public_intake:public_feedback",
        kwargs=lambda f: {"token": f.public_feedback_request.token},
        allowed=ANYONE,
        public=True,
        why="the feedback link e-mailed to a client: the token is the credential",
    ),
]
