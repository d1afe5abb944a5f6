from django.contrib import admin
from django.urls import include, path

from core.views import admin_sign_in

admin.site.site_header = "CATE pathway administration"
admin.site.site_title = "CATE pathway administration"
admin.site.index_title = "Users, teams and agencies"

urlpatterns = [
    path("", include("core.urls")),
    path("front-door/", include("contacts.urls")),
    path("cate/", include("cate.urls")),
    path("risk-panel/", include("riskpanel.urls")),
    path("network/", include("network.urls")),
    path("intelligence/", include("intelligence.urls")),
    path("reports/", include("reporting.urls")),
    # Everyone signs in through the service's own sign-in (with its second step), never the admin's.
    path("admin/login/", admin_sign_in),
    path("admin/", admin.site.urls),
]

handler500 = "core.views.server_error"
