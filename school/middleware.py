import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.datastructures import MultiValueDictKeyError

from school.rest import has_control_characters

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


class ClientAddressMiddleware:
    """Put the client's real address in ``REMOTE_ADDR``, so that DRF's throttles, django-ratelimit
    and the verification logs all read one value, and none of them parses X-Forwarded-For.

    The header is believed only when the connection comes from a trusted proxy
    (``TRUSTED_PROXIES``; empty, the default: nobody, and the socket's address stands). Anyone
    can send the header, but a proxy like nginx with ``$proxy_add_x_forwarded_for`` *appends*
    the address it saw, so only the right end of the header is vouched for: it is read from the
    right, past the trusted proxies, and the first address that is not one of them is the
    client. Whatever the client wrote further left is never read.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        trusted = _networks(tuple(settings.TRUSTED_PROXIES))
        if trusted:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""),
                request.META.get("HTTP_X_FORWARDED_FOR", ""),
                trusted,
            )
        return self.get_response(request)


def client_address(remote_addr: str, forwarded_for: str, trusted: Iterable[IPNetwork]) -> str:
    """The client's address: ``remote_addr`` unless that is a trusted proxy, else the right-most
    address of ``forwarded_for`` that is not a trusted proxy.

    An entry that is not a plain IP address (a port, a name, garbage) ends the walk: nothing to
    its left can be believed, so the client is taken to be the trusted hop that passed it on.
    That never raises and never yields anything but an address some trusted hop vouched for. When
    every entry is trusted the left-most one is the client.
    """
    proxies = tuple(trusted)
    client = _address(remote_addr)
    if client is None or not _is_trusted(client, proxies):
        return remote_addr
    for entry in reversed(forwarded_for.split(",")):
        address = _address(entry)
        if address is None:
            break
        client = address
        if not _is_trusted(address, proxies):
            break
    return str(client)


def _address(text: str) -> IPAddress | None:
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    # A dual-stack socket reports IPv4 clients as ::ffff:a.b.c.d; compare and store them as IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, trusted: tuple[IPNetwork, ...]) -> bool:
    return any(address.version == network.version and address in network for network in trusted)


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    # settings.TRUSTED_PROXIES is checked when settings load (school.env.parse_networks).
    return tuple(ipaddress.ip_network(entry) for entry in entries)


class ChineseFirstLocaleMiddleware:
    """Pick the language: Chinese unless the person chose English.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a visitor with an
    English browser would land on an English party-school site. Here the site is Chinese
    unless the visitor chose otherwise with the language switcher (a cookie). API calls also
    honour Accept-Language, because API clients set it on purpose (our own pages send the
    page's language with every fetch).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = self._chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        patch_vary_headers(response, ["Cookie", "Accept-Language"])
        response.headers.setdefault("Content-Language", language)
        return response

    def _chosen_language(self, request) -> str:
        supported = {code for code, _label in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen in supported:
            return chosen
        if request.path.startswith("/api/"):
            return translation.get_language_from_request(request)
        return settings.LANGUAGE_CODE


class MissingParameterMiddleware:
    """A form post without a field its view reads with ``request.POST[...]`` is the client's
    mistake (a hand-made request, a page from before an upgrade): answer 400 with a message,
    not a server error. Wagtail's page editor and choosers read their management fields so."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, MultiValueDictKeyError):
            return None
        return HttpResponseBadRequest(
            translation.gettext("The form was sent incomplete. Reload the page and try again."),
            content_type="text/plain; charset=utf-8",
        )


class ControlCharacterMiddleware:
    """A path or query string holding control characters (NUL above all, which PostgreSQL
    cannot even compare) is a malformed request: answer 400 in the user's language before any
    view sees it, as JSON under /api/ and as text elsewhere. Bodies are checked where they are
    read (school.rest.StrictJSONParser; Django's and DRF's form fields refuse NUL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_control_characters(request.path) or any(
            has_control_characters(key) or any(has_control_characters(v) for v in values)
            for key, values in request.GET.lists()
        ):
            message = translation.gettext(
                "The address holds control characters (such as NUL), which no page accepts."
            )
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"code": "invalid_characters", "detail": message},
                    status=400,
                    json_dumps_params={"ensure_ascii": False},
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
