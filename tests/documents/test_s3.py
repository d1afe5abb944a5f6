"""Documents in an S3-compatible store (production's `DOCUMENTS_S3_BUCKET`, MinIO in docker compose):
moto's S3 server, run here in server mode on a local port, stands in for it. Uploads land in the
bucket under `documents/`, encrypted at rest as asked (ServerSideEncryption), private, and stream
back through the permission-checked download."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from core.roles import Role
from documents import owners, services
from tests.factories import allocated_case

from . import samples

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
KEYS = {"access_key": "testing", "secret_key": "testing"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_url():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_url, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_url,
        region_name="eu-west-2",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    name = f"cate-documents-{_free_port()}"
    client.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"})
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_url,
                "region_name": "eu-west-2",
                **KEYS,
                "location": "documents",
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
                "object_parameters": {"ServerSideEncryption": "AES256"},
            },
        },
    }
    return client, name


def test_an_upload_is_stored_encrypted_in_the_bucket_and_streams_back(bucket, make_user, cate_team, client_for):
    client, name = bucket
    leader = make_user(Role.TEAM_LEADER, team=cate_team)
    worker = make_user(Role.CATE_WORKER, team=cate_team)
    case = allocated_case(leader, worker)

    document = services.document_add(
        owner=owners.owner_by_key("case"),
        record=case,
        title="Police report",
        kind="police_report",
        document_date=dt.date(2026, 3, 2),
        source_agency=None,
        sensitivity="normal",
        file=SimpleUploadedFile("report.pdf", samples.pdf()),
        actor=worker,
    )
    [stored] = client.list_objects_v2(Bucket=name)["Contents"]
    assert stored["Key"] == f"documents/{document.current.file.name}"
    head = client.head_object(Bucket=name, Key=stored["Key"])
    assert head["ServerSideEncryption"] == "AES256"
    acl = client.get_object_acl(Bucket=name, Key=stored["Key"])
    assert all(grant["Grantee"].get("URI", "").find("AllUsers") < 0 for grant in acl["Grants"])  # private
    response = client_for(worker).get(reverse("documents:download", args=[document.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == samples.pdf()
    assert (
        client_for(make_user(Role.CATE_WORKER)).get(reverse("documents:download", args=[document.pk])).status_code
        == 404
    )


def test_production_keeps_documents_in_the_bucket_encrypted_when_configured():
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_", "DOCUMENTS_"))
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY="x" * 60,
        DJANGO_ALLOWED_HOSTS="cate.example",
        DATABASE_URL="postgres://app@127.0.0.1:5432/cate",
        DOCUMENTS_S3_BUCKET="cate-documents",
        DOCUMENTS_S3_ENDPOINT_URL="http://minio:9000",
        DOCUMENTS_S3_ENCRYPTION="aws:kms",
        DOCUMENTS_S3_KMS_KEY_ID="key-1",
    )
    code = "import json; from django.conf import settings; print(json.dumps(settings.STORAGES['documents']))"
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    storage = json.loads(out.strip().splitlines()[-1])
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "cate-documents"
    assert storage["OPTIONS"]["object_parameters"] == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "key-1"}
    assert storage["OPTIONS"]["default_acl"] is None
