"""The S3-compatible store that holds the files."""

import asyncio
from typing import Any

import boto3
from botocore.config import Config

from documents.config import Settings


class FileStore:
    """The deployment's bucket; keys are `{authority}/{document id}`."""

    def __init__(self, settings: Settings) -> None:
        self.bucket = settings.s3_bucket
        self.client: Any = boto3.client(
            "s3",
            endpoint_url=settings.s3_endpoint,
            aws_access_key_id=settings.s3_access_key,
            aws_secret_access_key=settings.s3_secret_key,
            region_name=settings.s3_region,
            config=Config(
                connect_timeout=2,
                read_timeout=5,
                retries={"max_attempts": 1},
                s3={"addressing_style": "path"},
            ),
        )

    async def check(self) -> None:
        """Raise unless the bucket answers."""
        await asyncio.to_thread(self.client.head_bucket, Bucket=self.bucket)
