from django.contrib.auth.models import AbstractUser, BaseUserManager, Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

ods_code_validator = RegexValidator(
    regex=r"^[A-Z][A-Z0-9]{5}$",
    message="Enter the practice's 6-character NHS ODS code, for example L83001.",
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who logs in: a member of a practice or LMC staff. Email is the login."""

    username = None
    email = models.EmailField("email address", unique=True)
    phone = models.CharField(max_length=30, blank=True)
    invited_at = models.DateTimeField("invitation sent", null=True, blank=True, help_text="When the last invitation was sent.")
    # Django's own labels for these say "Designates whether the user..."; these say what each tick does here.
    is_staff = models.BooleanField(
        "LMC staff",
        default=False,
        help_text="Can sign in to this staff area (with two-factor authentication). Their groups decide what they see and do.",
    )
    is_active = models.BooleanField(
        "account open",
        default=True,
        help_text="Untick to stop someone signing in, instead of deleting their account. "
        "For someone who left their practice, use the action \"Deactivate (left the practice)\".",
    )
    is_superuser = models.BooleanField(
        "superuser",
        default=False,
        help_text="Can see and change everything here, whatever their groups. Only for the people who run the portal.",
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        ordering = ["last_name", "first_name", "email"]
        permissions = [("invite_member", "Can send members an invitation to the portal")]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="members_user_email_ci_unique",
                violation_error_message="Someone already has an account with this email address (capital letters do not count as different).",
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email

    def _read_permissions(self) -> None:
        """Fill Django's permission cache in one query, where its backends would take two.

        Django's `ModelBackend` reads a user's own permissions and their
        groups' in two queries and keeps the union on the object as
        `_perm_cache` (the cache its docs say to clear after changing
        permissions); every backend reads that cache first. This fills the same
        cache, with the same "app_label.codename" strings, in one. Inactive
        users and superusers are left to Django, which answers them without
        reading anything.
        """
        if "_perm_cache" in self.__dict__ or not self.is_active or self.is_superuser or self.pk is None:
            return
        own = User.user_permissions.through.objects.filter(user_id=self.pk).values("permission_id")
        from_groups = Group.permissions.through.objects.filter(group__user=self.pk).values("permission_id")
        permissions = Permission.objects.filter(Q(pk__in=own) | Q(pk__in=from_groups))
        self._perm_cache = {
            f"{app_label}.{codename}"
            for app_label, codename in permissions.values_list("content_type__app_label", "codename")
        }

    def get_all_permissions(self, obj=None) -> set[str]:
        self._read_permissions()
        return super().get_all_permissions(obj)

    def has_perm(self, perm: str, obj=None) -> bool:
        self._read_permissions()
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label: str) -> bool:
        """Return Django's answer, remembered for as long as this object keeps the permissions it comes from.

        The admin's sidebar asks once per registered model on every page
        (some forty times), and Django's backends answer by walking every
        permission the user has. The answers are kept beside Django's own
        permission cache (`_perm_cache`, filled once per user object by
        `_read_permissions`) and dropped whenever that cache is replaced or cleared.
        """
        self._read_permissions()
        perms = self.__dict__.get("_perm_cache")
        memo = self.__dict__.get("_module_perms_memo")
        if perms is not None and memo is not None and memo[0] is perms and app_label in memo[1]:
            return memo[1][app_label]
        answer = super().has_module_perms(app_label)
        perms = self.__dict__.get("_perm_cache")
        if perms is not None:
            if memo is None or memo[0] is not perms:
                memo = self._module_perms_memo = (perms, {})
            memo[1][app_label] = answer
        return answer


class PCN(models.Model):
    """A Primary Care Network."""

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField("ODS code", max_length=10, unique=True, help_text="The PCN's ODS code, for example U12345.")

    class Meta:
        ordering = ["name"]
        verbose_name = "PCN"
        verbose_name_plural = "PCNs"

    def __str__(self) -> str:
        return self.name


class Area(models.Model):
    """An NHS area practices belong to: an Integrated Care Board (ICB) or one of its Sub-ICB locations."""

    class Kind(models.TextChoices):
        ICB = "icb", "Integrated Care Board (ICB)"
        SUB_ICB = "sub_icb", "Sub-ICB location"

    name = models.CharField(max_length=200, unique=True)
    code = models.CharField("ODS code", max_length=10, blank=True, help_text="For example QE1 (ICB) or 00R (Sub-ICB).")
    kind = models.CharField("type", max_length=10, choices=Kind, default=Kind.SUB_ICB)
    icb = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_icb_locations",
        limit_choices_to={"kind": "icb"},
        verbose_name="ICB",
        help_text="For a Sub-ICB location: the ICB it is part of.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "NHS area (ICB or Sub-ICB)"
        verbose_name_plural = "NHS areas (ICB or Sub-ICB)"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="sub_icb") | models.Q(icb__isnull=True),
                name="members_area_only_sub_icb_has_icb",
                violation_error_message="Only a Sub-ICB location is part of an ICB. Leave the ICB empty for an ICB.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind == self.Kind.ICB and self.icb_id:
            raise ValidationError({"icb": "An ICB is not part of another ICB. Leave this empty."})

    def with_icb(self) -> list["Area"]:
        """Return this area and, for a Sub-ICB location, its ICB."""
        return [self, self.icb] if self.icb_id else [self]


class Practice(models.Model):
    class ContractType(models.TextChoices):
        GMS = "GMS", "GMS"
        PMS = "PMS", "PMS"
        APMS = "APMS", "APMS"

    name = models.CharField(max_length=200)
    ods_code = models.CharField("ODS code", max_length=6, unique=True, validators=[ods_code_validator])
    pcn = models.ForeignKey(PCN, on_delete=models.PROTECT, null=True, blank=True, related_name="practices", verbose_name="PCN")
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practices",
        verbose_name="NHS area",
        help_text="The Sub-ICB location (or ICB) the practice belongs to: it decides the member's Training Hub.",
    )
    postcode = models.CharField(max_length=10, blank=True)
    contract_type = models.CharField(max_length=4, choices=ContractType, default=ContractType.GMS)
    gpdf_opt_out = models.BooleanField(
        "opts out of the GPDF levy",
        default=False,
        help_text="The practice has opted out of the voluntary national (GPDF) levy.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.ods_code})"

    def clean(self) -> None:
        self.ods_code = (self.ods_code or "").strip().upper()
        self.postcode = " ".join((self.postcode or "").upper().split())


class Membership(models.Model):
    """A person's role at a practice. One person may belong to several practices."""

    class Role(models.TextChoices):
        GP_PARTNER = "gp_partner", "GP partner"
        SALARIED_GP = "salaried_gp", "Salaried GP"
        GP_TRAINEE = "gp_trainee", "GP trainee or early-career GP"
        PRACTICE_MANAGER = "practice_manager", "Practice manager"
        ASSISTANT_MANAGER = "assistant_manager", "Assistant or deputy practice manager"
        TEAM_LEAD = "team_lead", "Team lead (for example reception or admin lead)"
        OTHER = "other", "Other"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="person")
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role)
    is_active = models.BooleanField("still at the practice", default=True, help_text="Untick when the person leaves the practice.")
    created_at = models.DateTimeField("added", auto_now_add=True)

    class Meta:
        ordering = ["practice__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "practice"],
                name="members_membership_one_per_practice",
                violation_error_message="This person is already a member of this practice. Change their existing role instead.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.practice.name}"
