"""Certificates: mine, and the public verification anyone may use."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from courses.certificates.signing import mask_name, public_key_fingerprint, public_key_pem
from courses.models import Certificate, VerificationLog
from courses.services.certificates import find_certificate, log_verification


class CertificateSerializer(serializers.ModelSerializer):
    png = serializers.SerializerMethodField()
    pdf = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "serial",
            "status",
            "course_title",
            "hours",
            "final_grade",
            "started_on",
            "completed_on",
            "issued_on",
            "png",
            "pdf",
        ]

    def get_png(self, certificate) -> str:
        return reverse("learning:certificate-file", args=[certificate.serial, "png"])

    def get_pdf(self, certificate) -> str:
        return reverse("learning:certificate-file", args=[certificate.serial, "pdf"])


class VerificationSerializer(serializers.Serializer):
    serial = serializers.CharField()
    valid = serializers.BooleanField()
    revoked = serializers.BooleanField()
    holder_name = serializers.CharField(help_text="Partly masked, e.g. 张*明.")
    course_title = serializers.CharField()
    hours = serializers.DecimalField(max_digits=5, decimal_places=1)
    issued_on = serializers.DateField()
    signature = serializers.CharField(
        help_text="Base64 Ed25519 signature of the certificate's canonical payload."
    )
    replaced_by = serializers.CharField(allow_null=True)


class CertificateViewSet(viewsets.GenericViewSet):
    """My certificates; and, for anyone, verification of a serial and the public key."""

    serializer_class = CertificateSerializer
    lookup_field = "serial"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return Certificate.objects.filter(user=self.request.user).order_by("-issued_at")

    def list(self, request):
        """My certificates, a page at a time like every list."""
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(CertificateSerializer(page, many=True).data)

    @extend_schema(responses=VerificationSerializer)
    @action(
        detail=False,
        methods=["get"],
        url_path=r"verify/(?P<serial>[^/]+)",
        permission_classes=[AllowAny],
        authentication_classes=[],
        throttle_classes=[ScopedRateThrottle],
    )
    def verify(self, request, serial=None):
        """Is this certificate genuine? 404 for a serial that does not exist. Every look-up is logged."""
        certificate = find_certificate(serial)
        log_verification(
            serial,
            certificate,
            channel=VerificationLog.Channel.API,
            client=request.META.get("REMOTE_ADDR", ""),
        )
        if certificate is None:
            raise NotFound()
        return Response(
            VerificationSerializer(
                {
                    "serial": certificate.serial,
                    "valid": certificate.is_valid,
                    "revoked": not certificate.is_valid,
                    "holder_name": mask_name(certificate.holder_name),
                    "course_title": certificate.course_title,
                    "hours": certificate.hours,
                    "issued_on": certificate.issued_on,
                    "signature": certificate.signature,
                    "replaced_by": getattr(
                        getattr(certificate, "replaced_by", None), "serial", None
                    ),
                }
            ).data
        )

    @extend_schema(
        responses=inline_serializer(
            "CertificatePublicKey",
            {
                "algorithm": serializers.CharField(),
                "public_key_pem": serializers.CharField(),
                "fingerprint": serializers.CharField(),
            },
        )
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="public-key",
        permission_classes=[AllowAny],
        authentication_classes=[],
    )
    def public_key(self, request):
        """The key certificates are signed with. The signature covers the canonical JSON of the
        serial and what the certificate states (sorted keys, no spaces, UTF-8)."""
        return Response(
            {
                "algorithm": "Ed25519",
                "public_key_pem": public_key_pem(),
                "fingerprint": public_key_fingerprint(),
            }
        )

    throttle_scope = "verify"
