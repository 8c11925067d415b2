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

from .services import authenticate_or_fail


class UserSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "phone", "email"]
        read_only_fields = ["id", "username"]


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


class MeView(generics.RetrieveUpdateAPIView):
    """The signed-in account: read it, or change the contact details (name, phone, email)."""

    serializer_class = UserSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_object(self):
        return self.request.user
