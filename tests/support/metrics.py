"""What a running service's /metrics says: a counter summed over the series that match."""

import httpx


async def counted(service_url: str, name: str, **labels: str) -> float:
    """The sum of `name` over every series carrying these label values (every worker's)."""
    async with httpx.AsyncClient(base_url=service_url) as client:
        response = await client.get("/metrics")
    response.raise_for_status()
    wanted = [f'{label}="{value}"' for label, value in labels.items()]
    total = 0.0
    for line in response.text.splitlines():
        if line.startswith(f"{name}{{") and all(part in line for part in wanted):
            total += float(line.rsplit(" ", 1)[1])
    return total
