import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT


def test_compose_file_describes_the_production_topology():
    services = compose_config()["services"]
    assert {
        "postgres",
        "redis",
        "elasticsearch",
        "web-sichuan",
        "web-chongqing",
        "worker-sichuan",
        "worker-chongqing",
        "beat-sichuan",
        "beat-chongqing",
        "extract-sichuan",
        "extract-chongqing",
    } <= set(services)
    for region in ("sichuan", "chongqing"):
        # Text extraction has its own worker: sync's worker never takes a long OCR.
        assert f"{region}.extract" not in " ".join(services[f"worker-{region}"]["command"])
        assert f"{region}.extract" in services[f"extract-{region}"]["command"]
    assert services["web-sichuan"]["environment"]["PORTAL_REGION"] == "sichuan"
    assert services["web-chongqing"]["environment"]["PORTAL_REGION"] == "chongqing"
    assert services["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:8.")


def test_compose_regions_reach_each_other_by_an_accepted_host_and_link_to_the_public_one():
    """Each region calls its partner at a host the partner's ALLOWED_HOSTS accepts (no DisallowedHost),
    and shows readers the partner's public address, not the internal service name."""
    import json
    from urllib.parse import urlsplit

    from portal.settings.environment import read_environment

    services = compose_config(SICHUAN_HOST="dangshi.sc.example.cn", CHONGQING_HOST="dangshi.cq.example.cn")[
        "services"
    ]
    for region, partner_region in (("sichuan", "chongqing"), ("chongqing", "sichuan")):
        env = services[f"worker-{region}"]["environment"]
        partner_env = services[f"web-{partner_region}"]["environment"]
        [partner] = read_environment({k: str(v) for k, v in env.items()}).partners
        accepted = read_environment({k: str(v) for k, v in partner_env.items()}).allowed_hosts
        assert urlsplit(partner.base_url).hostname in accepted
        assert partner.public_url == partner_env["PORTAL_BASE_URL"]
        assert urlsplit(partner.public_url).hostname.endswith(".example.cn")
        assert json.loads(env["PORTAL_PARTNERS"])[0]["base_url"] == f"http://web-{partner_region}:8000"


def compose_services() -> dict:
    return compose_config()["services"]


def compose_config(**environment: str) -> dict:
    if shutil.which("docker") is None:
        pytest.fail("the docker client is needed to validate docker-compose.yml")
    result = subprocess.run(
        ["docker", "compose", "-f", str(ROOT / "docker-compose.yml"), "config"],
        capture_output=True,
        text=True,
        timeout=60,
        env={
            **os.environ,
            "POSTGRES_PASSWORD": "compose-check",
            "SYNC_SECRET": "s" * 40,
            "SICHUAN_SECRET_KEY": "k" * 50,
            "CHONGQING_SECRET_KEY": "q" * 50,
            **environment,
        },
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


def test_compose_runs_migrations_once_behind_nginx_with_clamd():
    services = compose_services()
    for region in ("sichuan", "chongqing"):
        web, migrate = services[f"web-{region}"], services[f"migrate-{region}"]
        assert "migrate" not in " ".join(web["command"])
        assert "migrate" in " ".join(migrate["command"]) and migrate["restart"] == "no"
        assert web["depends_on"][f"migrate-{region}"]["condition"] == "service_completed_successfully"
        assert "ports" not in web  # only nginx is published
        env = web["environment"]
        assert env["CLAMAV_ADDRESS"] == "clamd:3310"
        assert env["PRIVATE_FILES_ACCEL_PREFIX"] == "/_private/"
        assert not env["MATERIALS_PRIVATE_ROOT"].startswith(env["MEDIA_ROOT"])
        assert "inspect ping" in " ".join(services[f"worker-{region}"]["healthcheck"]["test"])
    assert "clamd" in services
    nginx = services["nginx"]
    assert {p["published"] for p in nginx["ports"]} == {"80", "443"}
    targets = {v["target"] for v in nginx["volumes"]}
    assert "/etc/nginx/templates/portal.conf.template" in targets
    assert all(v.get("read_only") for v in nginx["volumes"])


def test_compose_web_services_believe_forwarded_headers_from_nginx_only():
    """Without a trusted proxy, SECURE_SSL_REDIRECT would answer every request nginx forwards
    (plain HTTP inside) with a redirect to https, and the reader would loop."""
    import ipaddress

    from portal.settings.environment import read_environment

    config = compose_config()
    services = config["services"]
    [pool] = config["networks"]["default"]["ipam"]["config"]
    subnet, dynamic = ipaddress.ip_network(pool["subnet"]), ipaddress.ip_network(pool["ip_range"])
    nginx = ipaddress.ip_address(services["nginx"]["networks"]["default"]["ipv4_address"])
    assert nginx in subnet and nginx not in dynamic  # no other container can take nginx's address
    for region in ("sichuan", "chongqing"):
        env = services[f"web-{region}"]["environment"]
        assert env["TRUSTED_PROXIES"]
        trusted = read_environment({k: str(v) for k, v in env.items()}).trusted_proxies
        assert trusted == [f"{nginx}/32"]  # nginx, and no other container of the network
