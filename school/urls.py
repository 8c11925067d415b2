from django.conf import settings
from django.conf.urls.static import static
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls

from accounts.admin_views import AccountView
from cms.page_cache import serve as serve_page
from courses import views as course_views
from membership import views as membership_views
from school import views
from school.scoping import ScopedSiteHistoryView

urlpatterns = [
    # Before Wagtail's admin URLs, so our account page (one full name) replaces its own.
    path("admin/account/", require_admin_access(AccountView.as_view())),
    # Wagtail's site history, narrowed to the objects in the user's reach (school/admin.py).
    path(
        "admin/reports/site-history/",
        require_admin_access(ScopedSiteHistoryView.as_view()),
    ),
    path(
        "admin/reports/site-history/results/",
        require_admin_access(ScopedSiteHistoryView.as_view(results_only=True)),
    ),
    # Wagtail's page that raises an error on purpose, to test error reporting: not for users.
    path("admin/failwhale/", views.not_found),
    path(
        "admin/redirects/import/process/",
        require_admin_access(views.redirects_process_import),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("school.api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file of its own (?script), which
    # the Content-Security-Policy allows; the plain view writes it inline.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("accounts/", include("accounts.urls")),
    path("search/", course_views.search, name="search"),
    path("learning/development/", membership_views.my_development, name="my-development"),
    path("learning/", include("courses.urls")),
    path("verify/", course_views.verify, name="verify"),
    path("verify/public-key.pem", course_views.public_key, name="verify-public-key"),
    path("verify/<str:serial>/", course_views.verify_serial, name="verify-serial"),
    # Exempt from CSRF: the form is on every public page, which sets no cookie so that it can
    # be cached (cms/page_cache.py); a forged switch only changes the language shown.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("healthz/", views.health, name="health"),
    path("favicon.ico", views.favicon),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Wagtail's pages, served from the page cache to visitors who are not logged in and, for the
# page types that allow it, kept once for signed-in readers and filled in for each
# (cms/page_cache.py); Wagtail's own patterns after them for its _util views.
urlpatterns += [
    re_path(r"^(?!_util/)((?:[\w\-]+/)*)$", serve_page, name="wagtail_serve"),
    path("", include(wagtail_urls)),
]
