from django.contrib.auth import logout, user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts import two_factor
from accounts.models import User
from school.exceptions import DomainError

from .services import (
    IDENTITY_FIELDS,
    LoginLocked,
    authenticate_or_fail,
    issue_token,
    revoke_tokens,
)


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone", "email"]
        read_only_fields = fields


class UserUpdateSerializer(serializers.ModelSerializer):
    """One's own contact details. A new full name or number is refused (400
    `identity_read_only`) rather than dropped, so nobody believes their name was corrected
    when it was not; sending the values already held is accepted, so a client may send back
    what it read."""

    class Meta:
        model = User
        fields = ["phone", "email"]

    def validate(self, attrs):
        refused = {
            name: serializers.ErrorDetail(
                _(
                    "Your name and your number are on your certificates and files, so only the "
                    "school administrators change them. Ask them to correct yours."
                ),
                code="identity_read_only",
            )
            for name in IDENTITY_FIELDS
            if name in self.initial_data
            and str(self.initial_data[name]).strip() != getattr(self.instance, name)
        }
        if refused:
            raise serializers.ValidationError(refused)
        return attrs


class SecondFactorRequired(DomainError):
    code = "second_factor_required"
    default_detail = _(
        "This account uses two-step verification: send the code from the authenticator app "
        "as “otp”."
    )


class SecondFactorInvalid(DomainError):
    code = "second_factor_invalid"
    default_detail = _("That code is not right, or it has expired. Try the current one.")


class SecondFactorNotEnrolled(DomainError):
    code = "second_factor_not_enrolled"
    default_detail = _(
        "Staff accounts must turn on two-step verification in the admin (账号 › 两步验证) "
        "before they can get an API token."
    )


class TokenCreateSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=10,
        help_text=_("The current code of the account's authenticator app, if it has one."),
    )

    def validate(self, attrs):
        user = authenticate_or_fail(
            self.context["request"], username=attrs.get("username"), password=attrs.get("password")
        )
        owed = two_factor.requirement(user)
        if owed == two_factor.ENROL:
            raise SecondFactorNotEnrolled()
        if owed == two_factor.VERIFY:
            if not attrs.get("otp"):
                raise SecondFactorRequired()
            if two_factor.verify(user, attrs["otp"]) is None:
                raise SecondFactorInvalid()
        attrs["user"] = user
        return attrs


class TokenView(APIView):
    """Exchange a student/staff number and password for an API token.

    Each call issues a new token (stored only as a hash), which expires after
    ``API_TOKEN_HOURS`` and ends when the account logs out (`POST /api/v1/auth/logout/`, or the
    site's or the admin's log-out) or changes its password; send it as
    ``Authorization: Token <token>``. After 5 wrong passwords for one number from one address
    the number is locked there for 30 minutes: 429 ``login_locked``, with ``Retry-After``, even
    for the right password. Staff with two-step verification also send ``otp``.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=TokenCreateSerializer,
        responses=inline_serializer(
            "TokenResponse",
            {"token": serializers.CharField(), "expiry": serializers.DateTimeField()},
        ),
        summary=_("Obtain an API token"),
    )
    def post(self, request):
        serializer = TokenCreateSerializer(data=request.data, context={"request": request})
        try:
            serializer.is_valid(raise_exception=True)
        except LoginLocked as locked:
            return Response(
                {"code": locked.code, "detail": str(locked.detail)},
                status=locked.status_code,
                headers={"Retry-After": str(locked.retry_after)},
            )
        user = serializer.validated_data["user"]
        token, key = issue_token(user)
        # A log-in like any other: the audit log records it, axes clears this address's failures.
        user_logged_in.send(sender=User, request=request, user=user)
        return Response(
            {"token": key, "expiry": serializers.DateTimeField().to_representation(token.expiry)}
        )


class LogoutView(APIView):
    """Log out: every API token of the account is revoked (and, if the call came with the
    session cookie, the session ends too). Safe to repeat with a session; with a token, the
    second call is 401, because the token is gone."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        request=None, responses={204: None}, summary=_("Log out and revoke the API tokens")
    )
    def post(self, request):
        revoke_tokens(request.user)
        if request.session.get("_auth_user_id"):
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(generics.RetrieveAPIView):
    """The signed-in account: read it, or change the contact details (phone, email).

    The full name and the number are changed only by the school administrators, with a
    reason that is kept; a request that would change them is refused with 400
    `identity_read_only` and changes nothing.
    """

    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "head"]

    def get_object(self):
        return self.request.user

    @extend_schema(request=UserUpdateSerializer, responses=UserSerializer)
    def patch(self, request, *args, **kwargs):
        payload = UserUpdateSerializer(request.user, data=request.data, partial=True)
        payload.is_valid(raise_exception=True)
        payload.save()
        return Response(UserSerializer(payload.instance).data)
