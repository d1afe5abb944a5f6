from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView

from core.middleware import otp_exempt

admin.site.site_header = "CATE pathway administration"
admin.site.site_title = "CATE pathway administration"
admin.site.index_title = "Users, teams and agencies"

# Everyone signs in through the service's own sign-in (with its second step), never the admin's.
admin_login = login_not_required(otp_exempt(RedirectView.as_view(url=reverse_lazy("core:login"), query_string=True)))

urlpatterns = [
    path("", include("core.urls")),
    path("front-door/", include("contacts.urls")),
    path("cate/", include("cate.urls")),
    path("risk-panel/", include("riskpanel.urls")),
    path("reports/", include("reporting.urls")),
    path("admin/login/", admin_login),
    path("admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
