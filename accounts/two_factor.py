"""A second factor for staff: a TOTP code from an authenticator app (django-otp).

A staff member enrols one device (a QR code for the app) on the admin's 两步验证 page; from then
on, after the password, every way into their account asks for the current code: the admin and
the site (until the code is given, ``SecondFactorMiddleware`` sends every page to the code page
and answers session API calls with 403), and the token endpoint (an ``otp`` field). With
``STAFF_SECOND_FACTOR_REQUIRED`` every account with admin access must enrol before it may do
anything else. django-otp throttles wrong codes per device (1, 2, 4 … seconds) and never
accepts the same code twice.
"""

import time
from base64 import b32encode
from binascii import unhexlify

import segno
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp import login as otp_login
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key
from wagtail.log_actions import log

from accounts.models import User
from accounts.services import is_school_admin
from school.exceptions import Forbidden

# What the session remembers, once per log-in, about the account's second factor.
SESSION_KEY = "accounts.second_factor"
NOT_NEEDED = "none"
VERIFY = "verify"  # has a device: the code is asked after the password
ENROL = "enrol"  # required for staff, and no device yet

# The secret of a device being enrolled, until its first code confirms it.
PENDING_KEY = "accounts.pending_second_factor"

REMOVE_ACTION = "accounts.remove_second_factor"


def has_admin_access(user) -> bool:
    return bool(
        user.is_active and (user.is_superuser or user.has_perm("wagtailadmin.access_admin"))
    )


def devices_visible_to(user):
    """The second-factor devices a user reaches: their own."""
    if not user.is_authenticated:
        return TOTPDevice.objects.none()
    return TOTPDevice.objects.filter(user=user)


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def requirement(user) -> str:
    """What ``user`` owes after the password: nothing, a code, or an enrolment."""
    # Only staff: someone who has left the staff roles logs in as a learner, without a code.
    if not has_admin_access(user):
        return NOT_NEEDED
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return VERIFY
    return ENROL if settings.STAFF_SECOND_FACTOR_REQUIRED else NOT_NEEDED


def needs_code(user) -> bool:
    """Whether a log-in as ``user`` must also give a code (or is refused until they enrol)."""
    return requirement(user) != NOT_NEEDED


def verify(user, code: str) -> TOTPDevice | None:
    """The device of ``user`` that accepts ``code`` now, or None. Locks the device's row, so two
    requests cannot both use one code; a wrong code counts towards django-otp's throttle."""
    code = (code or "").strip().replace(" ", "")
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=True)
            .order_by("pk")
            .first()
        )
        if device is not None and code.isdigit() and device.verify_token(code):
            return device
    return None


def wait_seconds(user) -> int:
    """How long django-otp makes ``user`` wait before the next code is tried (0: none)."""
    device = confirmed_device(user)
    if device is None:
        return 0
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return 0
    return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)


def pending_device(request) -> TOTPDevice:
    """The device ``request.user`` is enrolling, not saved: its secret waits in the session
    until the first code confirms it, so opening the page writes nothing and reloading it shows
    the same QR code."""
    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = default_key()
    return TOTPDevice(user=request.user, name="authenticator", key=key, confirmed=False)


@transaction.atomic
def confirm_enrolment(request, code: str) -> bool:
    """Save the pending device of ``request.user`` once ``code`` (the app's first) matches it;
    the session counts as verified from then on. False, and nothing saved, for a wrong code or
    when no enrolment is pending."""
    key = request.session.get(PENDING_KEY)
    code = (code or "").strip().replace(" ", "")
    if not key or not code.isdigit():
        return False
    totp = TOTP(unhexlify(key))
    totp.time = time.time()
    if not totp.verify(int(code), tolerance=1):
        return False
    device = TOTPDevice.objects.create(
        user=request.user,
        name="authenticator",
        key=key,
        confirmed=True,
        last_t=totp.t(),  # the first code is used up
        drift=totp.drift,
    )
    del request.session[PENDING_KEY]
    otp_login(request, device)
    request.session[SESSION_KEY] = VERIFY
    return True


@transaction.atomic
def remove_second_factor(user: User, *, actor: User) -> int:
    """Remove ``user``'s devices: by the user themselves (the view asks for a current code
    first) or by a school admin (a lost phone). Logged on the account's history. Returns how
    many were removed; safe to repeat. Raises ``Forbidden`` for anyone else."""
    if actor.pk != user.pk and not is_school_admin(actor):
        raise Forbidden()
    removed, _deleted = TOTPDevice.objects.filter(user=user).delete()
    if removed:
        # The account itself, not request.user's lazy wrapper, which Wagtail's log cannot place.
        account = User.objects.get(pk=user.pk)
        log(instance=account, action=REMOVE_ACTION, user=actor, data={"devices": removed})
    return removed


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """The enrolment QR code as inline SVG (no inline style, so the CSP allows it)."""
    svg = segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#1a1a1a")
    return mark_safe(svg)  # segno's own markup: nothing in it comes from a user


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for apps without a camera."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
