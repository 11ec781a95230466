"""Which address a request counts against: the peer, or the client a trusted proxy names."""

import pytest
from pydantic import ValidationError

from gateway.clients import TrustedProxies, client_address
from gateway.config import Settings


def scope(peer: str, forwarded: str | None = None) -> dict[str, object]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return {"type": "http", "client": (peer, 50000), "headers": headers}


class TestTrustedProxies:
    def test_a_caller_that_is_no_proxy_is_the_client_whatever_it_forwards(self) -> None:
        trusted = TrustedProxies(["10.1.0.0/16"])
        assert client_address(scope("203.0.113.9", "198.51.100.1"), trusted) == "203.0.113.9"

    def test_a_proxy_in_a_trusted_network_names_the_client(self) -> None:
        trusted = TrustedProxies(["10.1.0.0/16"])
        assert client_address(scope("10.1.7.23", "198.51.100.1"), trusted) == "198.51.100.1"

    def test_an_address_just_outside_the_network_is_not_trusted(self) -> None:
        trusted = TrustedProxies(["10.1.0.0/16"])
        assert client_address(scope("10.2.0.1", "198.51.100.1"), trusted) == "10.2.0.1"

    def test_single_addresses_still_work(self) -> None:
        trusted = TrustedProxies(["127.0.0.1", "::1"])
        assert client_address(scope("127.0.0.1", "198.51.100.1"), trusted) == "198.51.100.1"
        assert client_address(scope("::1", "2001:db8::5"), trusted) == "2001:db8::5"
        assert client_address(scope("127.0.0.2", "198.51.100.1"), trusted) == "127.0.0.2"

    def test_the_nearest_hop_outside_every_proxy_is_the_client(self) -> None:
        # The web pod forwards what the ingress told the gateway, which told the web.
        trusted = TrustedProxies(["10.1.0.0/16", "192.0.2.10"])
        forwarded = "6.6.6.6, 198.51.100.1, 192.0.2.10"
        assert client_address(scope("10.1.0.5", forwarded), trusted) == "198.51.100.1"

    def test_nothing_is_trusted_by_default(self) -> None:
        assert client_address(scope("10.1.0.5", "198.51.100.1"), TrustedProxies()) == "10.1.0.5"

    def test_a_name_or_garbage_in_the_header_is_never_a_proxy(self) -> None:
        trusted = TrustedProxies(["10.1.0.0/16"])
        assert client_address(scope("10.1.0.5", "unknown"), trusted) == "unknown"
        assert "not-an-address" not in trusted


class TestSettings:
    def test_networks_and_addresses_are_taken(self) -> None:
        settings = Settings(trusted_proxies=["172.30.0.10", "10.244.0.0/16", "fd00::/8"])
        assert settings.trusted_proxies == ["172.30.0.10", "10.244.0.0/16", "fd00::/8"]

    @pytest.mark.parametrize("entry", ["web", "10.0.0.0/33", "300.1.1.1", ""])
    def test_anything_else_stops_the_gateway_starting(self, entry: str) -> None:
        with pytest.raises(ValidationError):
            Settings(trusted_proxies=[entry])
