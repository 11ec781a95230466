"""Local infrastructure: SecantusDB, rclone's S3 server, the mail catcher and RabbitMQ."""

from __future__ import annotations

import sys
from typing import Any

from portalstack.components import (
    Component,
    ProcessComponent,
    RabbitMQ,
    http_status,
    say,
)
from portalstack.processes import port_open
from portalstack.settings import BUCKET, StackSettings


def mongo_ping(settings: StackSettings) -> bool:
    """Whether the MongoDB-wire server answers a ping."""
    from pymongo import MongoClient  # imported here: only probes need the driver

    client: MongoClient[dict[str, Any]] = MongoClient(
        settings.mongo_url, serverSelectionTimeoutMS=1000, connectTimeoutMS=1000
    )
    try:
        client.admin.command("ping")
        return True
    finally:
        client.close()


def s3_client(settings: StackSettings) -> Any:
    """boto3 S3 client for the local S3 server, failing fast."""
    import boto3  # imported here: it is slow to import and only probes need it
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=settings.s3_endpoint,
        aws_access_key_id=settings.s3_access_key,
        aws_secret_access_key=settings.s3_secret_key,
        region_name="us-east-1",
        config=Config(connect_timeout=1, read_timeout=5, retries={"max_attempts": 1}),
    )


def s3_answers(settings: StackSettings) -> bool:
    """Whether an authenticated ListBuckets succeeds."""
    s3_client(settings).list_buckets()
    return True


def ensure_bucket(settings: StackSettings, bucket: str = BUCKET) -> None:
    """Create the documents bucket through the S3 API unless it exists."""
    client = s3_client(settings)
    names = {entry["Name"] for entry in client.list_buckets().get("Buckets", [])}
    if bucket in names:
        return
    try:
        client.create_bucket(Bucket=bucket)
    except client.exceptions.BucketAlreadyOwnedByYou:
        pass
    except client.exceptions.BucketAlreadyExists:
        pass
    say(f"s3: created bucket {bucket}")


def mail_answers(settings: StackSettings) -> bool:
    """Whether both the catcher's SMTP port and its web API answer."""
    return (
        port_open(settings.connect_host, settings.smtp_port)
        and http_status(settings.connect_host, settings.mail_http_port, "/healthz") == 200
    )


def mongo(settings: StackSettings) -> ProcessComponent:
    """SecantusDB with its data under the data folder, its oplog pruned a little at a time."""
    storage = settings.data_dir / "mongo"
    return ProcessComponent(
        settings,
        name="mongo",
        argv=[
            # The interpreter running the runner has portalstack installed.
            sys.executable,
            "-m",
            "portalstack.store",
            "--host",
            settings.host,
            "--port",
            str(settings.mongo_port),
            "--storage-path",
            str(storage),
        ],
        ports=[settings.mongo_port],
        probe=lambda: mongo_ping(settings),
        prepare=lambda: storage.mkdir(parents=True, exist_ok=True),
        # It checkpoints on SIGTERM (about 4 s): leave time before SIGKILL.
        stop_timeout=30,
    )


def s3(settings: StackSettings) -> ProcessComponent:
    """rclone serving a folder as S3 (top-level folders are buckets)."""
    root = settings.data_dir / "s3"
    return ProcessComponent(
        settings,
        name="s3",
        argv=[
            settings.tool("rclone"),
            "serve",
            "s3",
            str(root),
            "--addr",
            f"{settings.host}:{settings.s3_port}",
            "--auth-key",
            f"{settings.s3_access_key},{settings.s3_secret_key}",
        ],
        ports=[settings.s3_port],
        probe=lambda: s3_answers(settings),
        prepare=lambda: root.mkdir(parents=True, exist_ok=True),
        after_ready=lambda: ensure_bucket(settings),
    )


def mail(settings: StackSettings) -> ProcessComponent:
    """The SMTP mail catcher and its web view, one process."""
    return ProcessComponent(
        settings,
        name="mail",
        argv=[
            # The interpreter running the runner has portalstack installed.
            sys.executable,
            "-m",
            "portalstack.mailcatcher",
            "--host",
            settings.host,
            "--smtp-port",
            str(settings.smtp_port),
            "--http-port",
            str(settings.mail_http_port),
            "--dir",
            str(settings.data_dir / "mail"),
        ],
        ports=[settings.smtp_port, settings.mail_http_port],
        probe=lambda: mail_answers(settings),
    )


def infra_components(settings: StackSettings) -> list[Component]:
    """Every infrastructure component, in start order."""
    return [RabbitMQ(settings), mongo(settings), s3(settings), mail(settings)]
