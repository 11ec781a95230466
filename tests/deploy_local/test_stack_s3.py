"""rclone's S3 server started by the runner: authenticated, bucket made, objects kept."""

from __future__ import annotations

import dataclasses

import pytest
from botocore.exceptions import ClientError

from portalstack.infra import s3_answers, s3_client
from portalstack.settings import BUCKET, StackSettings
from portalstack.stack import Stack


class TestS3:
    """The S3-compatible store is ready, authenticated and has the documents bucket."""

    def test_bucket_is_created_and_objects_round_trip(
        self, stack: Stack, settings: StackSettings
    ) -> None:
        stack.start(["s3"])
        client = s3_client(settings)

        assert BUCKET in {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}
        client.put_object(Bucket=BUCKET, Key="watford/doc-1", Body=b"%PDF-1.7 tenancy")
        body = client.get_object(Bucket=BUCKET, Key="watford/doc-1")["Body"].read()
        assert body == b"%PDF-1.7 tenancy"

    def test_wrong_secret_is_refused(self, stack: Stack, settings: StackSettings) -> None:
        stack.start(["s3"])
        wrong = dataclasses.replace(settings, s3_secret_key="not-the-secret-key")

        with pytest.raises(ClientError):
            s3_answers(wrong)

    def test_objects_survive_a_restart(self, stack: Stack, settings: StackSettings) -> None:
        stack.start(["s3"])
        s3_client(settings).put_object(Bucket=BUCKET, Key="kingston/doc-2", Body=b"payslip")

        stack.stop(["s3"])
        stack.start(["s3"])

        body = s3_client(settings).get_object(Bucket=BUCKET, Key="kingston/doc-2")["Body"].read()
        assert body == b"payslip"
