"""Log-in, password and second-factor pages: the site's own, and the few the admin adds."""

from django import forms
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView, View

from accounts import lockout, services, two_factor
from accounts.models import User
from school.admin import AdminPageMixin


def _safe_next(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- The site's log-in page -------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    """The site's log-in. Where the person asked to go, if anywhere but the home page (which is
    only where the 登录 link was pressed); else where their work is: the admin for staff, 我的学习
    for a learner, who would otherwise land on the home page with no hint of what to do next."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_success_url(self):
        target = self.get_redirect_url()
        if target and target != "/":
            return target
        if self.request.user.has_perm("wagtailadmin.access_admin"):
            return reverse("wagtailadmin_home")
        return reverse("learning:mine")


# --- The site's password page ----------------------------------------------------------------


class PasswordChangeView(auth_views.PasswordChangeView):
    """Everyone's own password (/accounts/password/), with the school's policy
    (``AUTH_PASSWORD_VALIDATORS``). The session stays signed in; the account's other sessions
    and its API tokens end (a new password is a new credential)."""

    template_name = "accounts/password_change.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["expired"] = services.password_expired(self.request.user)
        context["policy"] = password_validators_help_text_html()
        context["next"] = _safe_next(self.request, "")
        return context

    def get_success_url(self):
        return _safe_next(self.request, reverse("learning:mine"))

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password has been changed."))
        return response


# --- The second factor (in the admin) --------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": ""}
        ),
    )


def _code_refused(form: forms.Form, user) -> None:
    wait = two_factor.wait_seconds(user)
    if wait:
        form.add_error(
            "code",
            _("Too many wrong codes. Wait %(seconds)d seconds, then enter the current code.")
            % {"seconds": wait},
        )
    else:
        form.add_error("code", _("That code is not right, or it has expired. Try the current one."))


class TwoFactorVerifyView(FormView):
    """After the password: the current code from the authenticator app. Reached by every
    account that owes a code (SecondFactorMiddleware sends them here)."""

    template_name = "accounts/admin/two_factor_verify.html"
    form_class = CodeForm

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_verified() or not two_factor.confirmed_device(request.user):
            return redirect(_safe_next(request, reverse("wagtailadmin_home")))
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "next": _safe_next(self.request, "")}

    def form_valid(self, form):
        device = two_factor.verify(self.request.user, form.cleaned_data["code"])
        if device is None:
            _code_refused(form, self.request.user)
            return self.form_invalid(form)
        two_factor.otp_login(self.request, device)
        return redirect(_safe_next(self.request, reverse("wagtailadmin_home")))


class TwoFactorSetupView(AdminPageMixin, FormView):
    """One's own second factor: enrol an authenticator app with a QR code and a first code, or,
    once enrolled, remove it (with a current code, so that someone who only has the session
    cannot take it off)."""

    template_name = "accounts/admin/two_factor_setup.html"
    form_class = CodeForm
    page_title = gettext_lazy("Two-step verification")
    header_icon = "key"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        device = two_factor.confirmed_device(user)
        context["enrolled"] = device is not None
        context["required"] = two_factor.requirement(user) != two_factor.NOT_NEEDED
        if device is None:
            pending = two_factor.pending_device(self.request)
            context["qr_code"] = two_factor.qr_code_svg(pending)
            context["secret"] = two_factor.secret_for_typing(pending)
        context["next"] = _safe_next(self.request, "")
        return context

    def form_valid(self, form):
        user = self.request.user
        code = form.cleaned_data["code"]
        if two_factor.confirmed_device(user) is None:
            if not two_factor.confirm_enrolment(self.request, code):
                _code_refused(form, user)
                return self.form_invalid(form)
            messages.success(
                self.request,
                _("Two-step verification is on. From now on you give a code after the password."),
            )
            return redirect(_safe_next(self.request, reverse("accounts_two_factor_setup")))
        if two_factor.verify(user, code) is None:
            _code_refused(form, user)
            return self.form_invalid(form)
        two_factor.remove_second_factor(user, actor=user)
        self.request.session.pop(two_factor.SESSION_KEY, None)
        messages.success(self.request, _("Two-step verification is off."))
        return redirect(reverse("accounts_two_factor_setup"))


# --- Lockouts (in the admin, for school admins) ----------------------------------------------


class UnlockForm(forms.Form):
    username = forms.CharField(max_length=255)
    ip_address = forms.GenericIPAddressField(required=False)


class LockoutsView(AdminPageMixin, TemplateView):
    """The accounts with failed log-ins within the lockout window, locked ones first, and an
    unlock button for each (one address, or the account from everywhere). School admins only."""

    template_name = "accounts/admin/lockouts.html"
    page_title = gettext_lazy("Log-in lockouts")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        if not services.is_school_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = lockout.current_lockouts(queryset=services.lockouts_visible_to(self.request.user))
        names = dict(
            User.objects.filter(username__in={row.username for row in rows}).values_list(
                "username", "full_name"
            )
        )
        context["rows"] = [(row, names.get(row.username, "")) for row in rows]
        context["minutes"] = int(lockout.cool_off().total_seconds() // 60)
        return context

    def post(self, request, *args, **kwargs):
        form = UnlockForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose an account to unlock."))
            return redirect("accounts_lockouts")
        username = form.cleaned_data["username"]
        cleared = services.unlock(
            username, actor=request.user, ip_address=form.cleaned_data["ip_address"] or None
        )
        if cleared:
            messages.success(request, _("%(number)s may log in again.") % {"number": username})
        else:
            messages.warning(
                request, _("%(number)s had no failed log-ins to clear.") % {"number": username}
            )
        return redirect("accounts_lockouts")


class SecondFactorResetForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Student or staff number"), max_length=150)


class SecondFactorResetView(View):
    """A lost phone: a school admin removes an account's two-step verification, so that its
    owner logs in with the password and enrols a new phone. Logged on the account's history
    and in the audit log's neighbour, Wagtail's log. School admins only; POST only."""

    def dispatch(self, request, *args, **kwargs):
        if not services.is_school_admin(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        form = SecondFactorResetForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Enter the number of the account whose phone was lost."))
            return redirect("accounts_lockouts")
        username = form.cleaned_data["username"].strip()
        user = User.objects.filter(username=username).first()
        removed = two_factor.remove_second_factor(user, actor=request.user) if user else 0
        if removed:
            messages.success(
                request,
                _(
                    "Two-step verification of %(number)s is off: they log in with the password "
                    "and turn it on again with their new phone."
                )
                % {"number": username},
            )
        else:
            messages.warning(
                request,
                _("%(number)s has no two-step verification to remove.") % {"number": username},
            )
        return redirect("accounts_lockouts")
