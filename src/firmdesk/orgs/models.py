import datetime
import uuid
import zoneinfo
from functools import cached_property

import holidays as holidays_lib
from django.contrib.auth.models import (
    AbstractBaseUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone


def validate_time_zone(value: str) -> None:
    """Any name the zone database knows: pickers offer the zones people live in
    (``orgs.zones``), and a value saved before from the full list stays valid."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            f"“{value}” is not a time zone name. Use a name such as America/New_York."
        )


def validate_jurisdiction(value: str) -> None:
    country, _, subdivision = value.partition("-")
    try:
        holidays_lib.country_holidays(country, subdiv=subdivision or None)
    except (NotImplementedError, KeyError):
        raise ValidationError(
            f"“{value}” is not a jurisdiction we know. Use a code such as US or US-NY."
        ) from None


def default_working_hours() -> dict:
    """Monday=0 … Sunday=6 → [start, end] in the organisation's own time zone."""
    return {str(d): ["09:00", "17:00"] for d in range(5)}


class Function(models.TextChoices):
    SCHEDULING = "scheduling", "Scheduling"
    DOCUMENTS = "documents", "Document preparation"
    CASE_MANAGEMENT = "case_management", "Case management"
    RESEARCH = "research", "Research"
    INTAKE = "intake", "Intake"
    RECEPTION = "reception", "Reception"
    CRM = "crm", "CRM and data entry"
    BILLING = "billing", "Billing"


class Role(models.TextChoices):
    FIRM_ADMIN = "firm_admin", "Firm admin"
    ATTORNEY = "attorney", "Attorney"
    FIRM_STAFF = "firm_staff", "In-house staff"
    PROVIDER_ADMIN = "provider_admin", "Provider admin"
    ASSISTANT = "assistant", "Virtual assistant"
    RECEPTIONIST = "receptionist", "Receptionist"
    INTAKE_SPECIALIST = "intake_specialist", "Intake specialist"
    PARALEGAL = "paralegal", "Paralegal"


FIRM_ROLES = frozenset({Role.FIRM_ADMIN, Role.ATTORNEY, Role.FIRM_STAFF})
PROVIDER_ROLES = frozenset(set(Role) - FIRM_ROLES)
PROVIDER_STAFF_ROLES = PROVIDER_ROLES - {Role.PROVIDER_ADMIN}


class Organization(models.Model):
    class Kind(models.TextChoices):
        FIRM = "firm", "Law firm"
        PROVIDER = "provider", "Support provider"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    jurisdiction = models.CharField(
        max_length=10,
        default="US",
        validators=[validate_jurisdiction],
        help_text="Country and state code for holidays, such as US or US-NY.",
    )
    working_hours = models.JSONField(default=default_working_hours, blank=True)
    closure_days = models.JSONField(
        default=list,
        blank=True,
        help_text="Extra days the office is closed (ISO dates).",
    )
    require_client_consent = models.BooleanField(
        default=False,
        help_text=(
            "Outside staff see a matter only once the client's consent to outside "
            "help is recorded on it (ABA Formal Opinion 08-451)."
        ),
    )
    require_two_factor = models.BooleanField(
        default=False, help_text="Require two-factor sign-in for everyone in the firm."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_firm(self) -> bool:
        return self.kind == self.Kind.FIRM

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    def holiday_calendar(self, years):
        country, _, subdivision = self.jurisdiction.partition("-")
        return holidays_lib.country_holidays(
            country, subdiv=subdivision or None, years=years
        )

    def is_business_day(self, day: datetime.date) -> bool:
        if str(day.weekday()) not in (self.working_hours or {}):
            return False
        if day.isoformat() in (self.closure_days or []):
            return False
        return day not in self.holiday_calendar(day.year)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="May use the Django admin (superusers only)."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name"]

    def __str__(self):
        return self.full_name or self.email

    @cached_property
    def tz(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    roles = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="one_membership_per_org"
            )
        ]

    def __str__(self):
        return f"{self.user} at {self.organization} ({', '.join(self.roles)})"

    def clean(self):
        allowed = FIRM_ROLES if self.organization.is_firm else PROVIDER_ROLES
        wrong = [r for r in self.roles if r not in allowed]
        if not self.roles:
            raise ValidationError({"roles": "Choose at least one role."})
        if wrong:
            kind = "a law firm" if self.organization.is_firm else "a provider"
            raise ValidationError(
                {"roles": f"{', '.join(wrong)} is not a role at {kind}."}
            )

    def role_labels(self) -> list[str]:
        return [Role(r).label for r in self.roles if r in Role.values]


class StaffProfile(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        LEFT = "left", "Left"

    class CheckResult(models.TextChoices):
        PENDING = "pending", "Pending"
        CLEAR = "clear", "Clear"
        FLAGGED = "flagged", "Flagged"

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="staff_profile"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="staff_profiles"
    )
    functions = models.JSONField(default=list, blank=True)
    practice_areas = models.JSONField(default=list, blank=True)
    languages = models.JSONField(default=list, blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    weekly_hours = models.JSONField(default=default_working_hours, blank=True)
    background_check_date = models.DateField(null=True, blank=True)
    background_check_result = models.CharField(
        max_length=10, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    prior_employers = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    left_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"{self.user} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def absent_on(self, day: datetime.date) -> "Absence | None":
        return self.user.absences.filter(start__lte=day, end__gte=day).first()


class TrainingRecord(models.Model):
    profile = models.ForeignKey(
        StaffProfile, on_delete=models.CASCADE, related_name="training_records"
    )
    title = models.CharField(max_length=200)
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-completed_on"]

    def __str__(self):
        return self.title

    def is_current(self, today: datetime.date) -> bool:
        return self.expires_on is None or self.expires_on >= today


class Absence(models.Model):
    class Kind(models.TextChoices):
        LEAVE = "leave", "Leave"
        SICK = "sick", "Sick day"
        OTHER = "other", "Other"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="absences")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.LEAVE)
    start = models.DateField()
    end = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="absence_ends_after_start",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.start}–{self.end}"

    def clean(self):
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {"end": "The last day must be on or after the first day."}
            )


class UserSession(models.Model):
    """One signed-in browser session of a person (issue 20).

    Django keeps sessions by key only; this row ties a key to its person so
    that ending an engagement, a staff member leaving or a firm admin's
    "sign out everywhere" can end that person's sessions at once
    (``orgs.revocation``), and a person can see where they are signed in.
    """

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="browser_sessions"
    )
    session_key = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "ended_at"])]

    def __str__(self):
        return f"{self.user} since {self.created_at:%Y-%m-%d %H:%M}"
