from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

login_number_validator = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    _("Use letters, digits, dots, hyphens or underscores only, e.g. 2023010101 or T0815."),
)
phone_validator = RegexValidator(
    r"^\+?[0-9][0-9 -]{5,18}[0-9]$",
    _("Enter a phone number made of digits, e.g. 13800138000."),
)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, username, password, **fields):
        if not username:
            raise ValueError("A user needs a student or staff number.")
        fields["email"] = self.normalize_email(fields.get("email", ""))
        user = self.model(username=username.strip(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, username, password=None, **fields):
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(username, password, **fields)

    def create_superuser(self, username, password=None, **fields):
        fields["is_staff"] = True
        fields["is_superuser"] = True
        return self._create(username, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """An account. People log in with their student or staff number (学号/工号).

    Chinese names do not split into a given and a family name the way Western forms expect,
    so there is one ``full_name``.
    """

    username = models.CharField(
        _("student or staff number"),
        max_length=32,
        unique=True,
        validators=[login_number_validator],
        help_text=_("Used to log in: the student number for students, the staff number for staff."),
        error_messages={"unique": _("An account with this number already exists.")},
    )
    full_name = models.CharField(_("full name"), max_length=64)
    phone = models.CharField(
        _("mobile phone"), max_length=20, blank=True, validators=[phone_validator]
    )
    email = models.EmailField(_("email"), blank=True)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the account may use the Django management pages (rarely needed)."),
    )
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("Unselect this instead of deleting accounts, so records keep their author."),
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # When the password was last set (accounts.services.record_password_change); None: before
    # this was recorded, when date_joined stands in for it.
    password_changed_at = models.DateTimeField(_("password changed"), null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name or self.username


class PasswordHistory(models.Model):
    """A password the account has had, as its hash (never the password itself), so that a new
    password can be refused when it is one of the last few (accounts.validators)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("former password")
        verbose_name_plural = _("former passwords")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "-created_at"], name="password_history_recent")]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"
