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
