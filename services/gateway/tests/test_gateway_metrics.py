"""The gateway's metrics: requests by authority, upstream latency, pools, refusals."""

import re
import uuid

import httpx

from portalstack.endpoints import Stack


def sample(metrics: str, name: str, **labels: str) -> float:
    """The summed value of a metric's samples whose labels include these."""
    total = 0.0
    for line in metrics.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(found.get(key) == value for key, value in labels.items()):
            total += float(line.rsplit(" ", 1)[1])
    return total


class TestGatewayMetrics:
    async def test_requests_latency_pools_and_refusals_are_counted(
        self, gateway: httpx.AsyncClient, stack: Stack
    ) -> None:
        async with httpx.AsyncClient(base_url=stack.gateway_operations_url) as operations:
            before = (await operations.get("/metrics")).text
            for _ in range(5):
                assert (await gateway.get("/kingston/api/notifications/healthz")).status_code == 200
            assert (await gateway.get("/nowhere/api/cases/healthz")).status_code == 404
            address = {"X-Forwarded-For": f"2001:db8:77::{uuid.uuid4().hex[:4]}"}
            statuses = [
                (
                    await gateway.post("/rugby/api/identity/sessions", json={}, headers=address)
                ).status_code
                for _ in range(31)
            ]
            assert statuses[-1] == 429
            after = (await operations.get("/metrics")).text

        def grew(name: str, **labels: str) -> float:
            return sample(after, name, **labels) - sample(before, name, **labels)

        requests = "portal_gateway_requests_total"
        assert grew(requests, authority="kingston", service="notifications", status="200") >= 5
        assert grew(requests, authority="unknown", service="cases", status="404") >= 1
        assert grew("portal_gateway_upstream_seconds_count", service="notifications") >= 5
        assert grew("portal_gateway_rate_limited_total", rule="sign_in_per_address") >= 1
        assert sample(after, "portal_gateway_pool_member_up", url=stack.service_urls["cases"]) == 1
        assert "nowhere" not in after  # unknown slugs never become labels
