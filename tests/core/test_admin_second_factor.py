"""The administrator manages accounts and never reads anyone's second factor: django-otp's device
pages (each authenticator's secret and QR code, each recovery code) are not in the admin."""

import pytest
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def test_the_admin_has_no_page_of_authenticators_or_recovery_codes(personas, client_for):
    owner = personas["cate_worker"]
    totp = TOTPDevice.objects.create(user=owner, name="Phone", confirmed=True)
    codes = StaticDevice.objects.create(user=owner, name="Recovery codes", confirmed=True)
    codes.token_set.create(token="recovery-code-1")
    client = client_for(personas["administrator"])

    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert "otp_totp" not in html and "otp_static" not in html
    for name, record in (("admin:otp_totp_totpdevice_change", totp), ("admin:otp_static_staticdevice_change", codes)):
        with pytest.raises(NoReverseMatch):
            reverse(name, args=[record.pk])
    for path in (
        f"/admin/otp_totp/totpdevice/{totp.pk}/change/",
        f"/admin/otp_totp/totpdevice/{totp.pk}/config/",
        f"/admin/otp_totp/totpdevice/{totp.pk}/qrcode/",
        f"/admin/otp_static/staticdevice/{codes.pk}/change/",
        "/admin/otp_totp/totpdevice/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert totp.key not in response.content.decode()
        assert "recovery-code-1" not in response.content.decode()
