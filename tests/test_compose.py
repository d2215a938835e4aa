import os
import shutil
import subprocess

import pytest
import yaml

from tests.conftest import ROOT


def test_compose_file_describes_the_production_topology():
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
        },
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
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
    } <= set(services)
    assert services["web-sichuan"]["environment"]["PORTAL_REGION"] == "sichuan"
    assert services["web-chongqing"]["environment"]["PORTAL_REGION"] == "chongqing"
    assert services["elasticsearch"]["image"].startswith("docker.elastic.co/elasticsearch/elasticsearch:8.")


def test_compose_regions_reach_each_other_by_an_accepted_host_and_link_to_the_public_one():
    """Each region calls its partner at a host the partner's ALLOWED_HOSTS accepts (no DisallowedHost),
    and shows readers the partner's public address, not the internal service name."""
    import json
    from urllib.parse import urlsplit

    from portal.settings.environment import read_environment

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
            "SICHUAN_HOST": "dangshi.sc.example.cn",
            "CHONGQING_HOST": "dangshi.cq.example.cn",
        },
    )
    assert result.returncode == 0, result.stderr
    services = yaml.safe_load(result.stdout)["services"]
    for region, partner_region in (("sichuan", "chongqing"), ("chongqing", "sichuan")):
        env = services[f"worker-{region}"]["environment"]
        partner_env = services[f"web-{partner_region}"]["environment"]
        [partner] = read_environment({k: str(v) for k, v in env.items()}).partners
        accepted = read_environment({k: str(v) for k, v in partner_env.items()}).allowed_hosts
        assert urlsplit(partner.base_url).hostname in accepted
        assert partner.public_url == partner_env["PORTAL_BASE_URL"]
        assert urlsplit(partner.public_url).hostname.endswith(".example.cn")
        assert json.loads(env["PORTAL_PARTNERS"])[0]["base_url"] == f"http://web-{partner_region}:8000"
