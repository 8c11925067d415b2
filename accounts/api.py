from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from accounts.models import User

from .services import IDENTITY_FIELDS, authenticate_or_fail


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


class TokenCreateSerializer(AuthTokenSerializer):
    def validate(self, attrs):
        attrs["user"] = authenticate_or_fail(
            self.context["request"], username=attrs.get("username"), password=attrs.get("password")
        )
        return attrs


class TokenView(APIView):
    """Exchange a student/staff number and password for an API token.

    The same token is returned on every call until it is deleted, so a client may repeat the call.
    """

    permission_classes = [AllowAny]
    authentication_classes: list = []
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    @extend_schema(
        request=TokenCreateSerializer,
        responses=inline_serializer("TokenResponse", {"token": serializers.CharField()}),
        summary=_("Obtain an API token"),
    )
    def post(self, request):
        serializer = TokenCreateSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


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
