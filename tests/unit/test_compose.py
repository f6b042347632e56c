"""The deployment files (docker-compose.yml, deploy/) agree with the code they run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
import typer
import yaml
from pydantic import AliasChoices
from starlette.applications import Starlette
from starlette.routing import Match

from shared.metrics import ServiceMetrics
from shared.settings import SERVICES, Settings

from nastavnik import cli as nastavnik_cli
from nastavnik.app import build_single

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))["services"]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DEPLOY = ROOT / "deploy"


def settings_env_names() -> set[str]:
    """Every environment variable name Settings reads: alias choices, else prefix + field name."""
    prefix = Settings.model_config["env_prefix"]
    names: set[str] = set()
    for field, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(c for c in alias.choices if isinstance(c, str))
        elif isinstance(alias, str):
            names.add(alias)
        else:
            names.add(f"{prefix}{field}".upper())
    return names


def environment(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def port_pairs(service: dict) -> list[tuple[int, int]]:
    """(host, container) of every published port, short or long syntax."""
    pairs = []
    for port in service.get("ports") or []:
        if isinstance(port, dict):
            pairs.append((int(port["published"]), int(port["target"])))
        else:
            *_, host, container = str(port).split("/")[0].split(":")
            pairs.append((int(host), int(container)))
    return pairs


def serve_params(name: str) -> dict:
    """Parse the compose command of `name` with the real `nastavnik serve` CLI."""
    command = COMPOSE[name].get("command")
    assert isinstance(command, list) and len(command) >= 3, f"{name}: command must be a list like ['nastavnik', 'serve', '{name}', ...], got {command!r}"
    script, subcommand, *args = command
    assert script in PYPROJECT["project"]["scripts"], f"{name}: command runs {script!r}, not a [project.scripts] entry"
    assert subcommand == "serve", f"{name}: command must be `nastavnik serve`, got `{script} {subcommand}`"
    serve = typer.main.get_command(nastavnik_cli.cli).commands["serve"]  # type: ignore[attr-defined]
    return serve.make_context("serve", list(args)).params


def serves(app: Starlette, path: str) -> bool:
    """A route of `app` fully matches GET `path` (works for included routers and mounts alike)."""
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "headers": []}
    return any(route.matches(scope)[0] == Match.FULL for route in app.routes)


@pytest.mark.parametrize("name", SERVICES)
def test_service_command_and_ports(name: str) -> None:
    assert name in COMPOSE, f"docker-compose.yml has no service {name!r} (SERVICES: {SERVICES})"
    params = serve_params(name)
    assert params["service"] == name, f"{name}: command serves {params['service']!r} instead of {name!r}"
    containers = {container for _, container in port_pairs(COMPOSE[name])}
    assert containers == {params["port"]}, f"{name}: serves on port {params['port']} but publishes container ports {containers}"


def test_host_ports_unique() -> None:
    hosts = [host for service in COMPOSE.values() for host, _ in port_pairs(service)]
    duplicates = {p for p in hosts if hosts.count(p) > 1}
    assert not duplicates, f"host ports published twice: {duplicates}"


@pytest.mark.parametrize("name", SERVICES)
def test_environment_is_what_settings_reads(name: str) -> None:
    env = environment(COMPOSE[name])
    unknown = set(env) - settings_env_names()
    assert not unknown, f"{name}: environment variables that Settings never reads: {sorted(unknown)}"

    db = urlparse(env.get("DATABASE_URL", ""))
    assert db.path.lstrip("/") == name, f"{name}: DATABASE_URL must name database {name!r}, got {env.get('DATABASE_URL')!r}"
    assert db.hostname in COMPOSE, f"{name}: DATABASE_URL host {db.hostname!r} is not a compose service"
    init_sql = (DEPLOY / "postgres" / "init-databases.sql").read_text(encoding="utf-8")
    assert re.search(rf"CREATE\s+DATABASE\s+\"?{name}\"?\s*;", init_sql, re.I), f"init-databases.sql does not create database {name!r}"

    mq = urlparse(env.get("RABBITMQ_URL", ""))
    assert (mq.scheme, mq.hostname, mq.port) == ("amqp", "rabbitmq", 5672), f"{name}: RABBITMQ_URL must be amqp://…@rabbitmq:5672/, got {env.get('RABBITMQ_URL')!r}"
    assert "rabbitmq" in COMPOSE, "docker-compose.yml has no rabbitmq service"



@pytest.mark.parametrize("name", SERVICES)
def test_compose_passes_the_checks_of_serve(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """`nastavnik serve` refuses to start without a broker, a database and a real secret
    (shared.settings.serve_problems): the compose environment gives all three, and the
    container listens on every interface, or nginx and the healthcheck could not reach it."""
    from shared.settings import serve_problems

    for variable in settings_env_names() | {f"{s.upper()}_DATABASE_URL" for s in SERVICES}:
        monkeypatch.delenv(variable, raising=False)
    env = environment(COMPOSE[name])
    secret = env.get("NASTAVNIK_JWT_SECRET", "")
    assert secret.startswith("${NASTAVNIK_JWT_SECRET:?"), f"{name}: the secret must come from the operator, got {secret!r}"
    env["NASTAVNIK_JWT_SECRET"] = "0123456789abcdef" * 4  # what `openssl rand -hex 32` gives
    for variable, value in env.items():
        monkeypatch.setenv(variable, re.sub(r"\$\{(\w+):-([^}]*)\}", r"\2", value))
    assert serve_problems(Settings(), name) == []
    assert serve_params(name)["host"] == "0.0.0.0", f"{name}: serve listens on 127.0.0.1 unless given --host 0.0.0.0"


@pytest.mark.parametrize("name", SERVICES)
def test_depends_on_healthy_infrastructure(name: str) -> None:
    depends = COMPOSE[name].get("depends_on") or {}
    for infra in ("rabbitmq", "postgres"):
        assert infra in depends, f"{name}: depends_on lacks {infra}"
        if isinstance(depends, dict):
            condition = depends[infra].get("condition")
            assert condition == "service_healthy", f"{name}: depends_on {infra} has condition {condition!r}, want service_healthy"
        assert "healthcheck" in COMPOSE[infra], f"{infra} has no healthcheck, so service_healthy never holds"


@pytest.mark.parametrize("name", SERVICES)
def test_the_migrate_step_runs_first_on_the_service_s_own_database(name: str) -> None:
    """`serve` refuses a database behind the code: the one-shot `migrate` brings each to head first."""
    migrate = COMPOSE["migrate"]
    assert migrate["command"] == ["nastavnik", "migrate"]
    assert COMPOSE[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert environment(migrate)[f"{name.upper()}_DATABASE_URL"] == environment(COMPOSE[name])["DATABASE_URL"]


@pytest.mark.parametrize("name", SERVICES)
def test_probes_are_real_routes(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(f"{name.upper()}_DATABASE_URL", raising=False)
    app = build_single(name, Settings(data_dir=tmp_path, rabbitmq_url=None, database_url=None))
    for path in ("/health", "/ready", "/metrics"):
        assert serves(app, path), f"{name}: the single-service app has no {path} route"
    test = " ".join(map(str, COMPOSE[name].get("healthcheck", {}).get("test", [])))
    probed = re.findall(r"https?://[^/'\"]+(/[^'\"\s]*)", test)
    assert probed, f"{name}: healthcheck probes no HTTP path: {test!r}"
    for path in probed:
        assert serves(app, path), f"{name}: healthcheck probes {path}, which the app does not serve"


def test_prometheus_scrapes_every_service() -> None:
    config = yaml.safe_load((DEPLOY / "prometheus" / "prometheus.yml").read_text(encoding="utf-8"))
    scraped = {
        (target, job.get("metrics_path", "/metrics"))
        for job in config["scrape_configs"]
        for static in job.get("static_configs", [])
        for target in static["targets"]
    }
    for name in SERVICES:
        want = (f"{name}:{serve_params(name)['port']}", "/metrics")
        assert want in scraped, f"Prometheus does not scrape {want[0]}{want[1]} (scraped: {sorted(scraped)})"
    mounts = " ".join(COMPOSE["prometheus"].get("volumes", []))
    assert "/etc/prometheus/rules" in mounts and any(f.startswith("/etc/prometheus/rules/") for f in config["rule_files"]), "rules folder is not both mounted and listed in rule_files"


def test_alert_rules() -> None:
    groups = yaml.safe_load((DEPLOY / "prometheus" / "rules" / "nastavnik.yml").read_text(encoding="utf-8"))["groups"]
    rules = {r["alert"]: r for g in groups for r in g["rules"]}
    for alert in ("ServiceDown", "OutboxLagging", "DeadLetteredEvents"):
        assert alert in rules and rules[alert].get("expr"), f"alert rule {alert} is missing or has no expr"
    families = {m.name for m in ServiceMetrics("probe").registry.collect()}
    for rule in rules.values():
        for metric in re.findall(r"\bnastavnik_\w+", rule["expr"]):
            family = re.sub(r"_(total|bucket|count|sum)$", "", metric)  # a counter's or a histogram's samples
            assert family in families, f"alert {rule['alert']} uses {metric}, which ServiceMetrics does not export"


def test_mounted_files_exist() -> None:
    for name, service in COMPOSE.items():
        for volume in service.get("volumes", []):
            source = str(volume).split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: mounts {source}, which does not exist"


def test_console_script_exists() -> None:
    target = PYPROJECT["project"]["scripts"].get("nastavnik")
    assert target, "pyproject.toml [project.scripts] has no `nastavnik` entry"
    module, _, attr = target.partition(":")
    assert module == nastavnik_cli.__name__ and callable(getattr(nastavnik_cli, attr, None)), f"console script {target!r} does not resolve"


def test_dockerfile_copies_every_package() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    copied = {src.rstrip("/") for line in re.findall(r"^COPY\s+(.+)$", dockerfile, re.M) for src in line.split()[:-1]}
    packages = {p.rstrip("*").split(".")[0] for p in PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]}
    missing = packages - copied
    assert not missing, f"deploy/Dockerfile does not COPY packages {sorted(missing)}"
    assert "pyproject.toml" in copied, "deploy/Dockerfile does not COPY pyproject.toml"
    ignored = (ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert not packages & {i.strip("/") for i in ignored}, ".dockerignore excludes a package the image needs"


# -- the reverse proxy (deploy/nginx/nastavnik.conf): one origin for every service --------

NGINX_TEMPLATE = DEPLOY / "nginx" / "nastavnik.conf"


def proxy_locations(text: str) -> dict[str, str]:
    """location → the upstream it proxies to (`nastavnik_<service>`)."""
    return {
        (exact or "") + path: upstream
        for exact, path, upstream in re.findall(r"location\s+(=\s+)?(\S+)\s*\{[^{}]*?proxy_pass\s+http://(\w+);", text)
    }


def test_proxy_routes_every_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nastavnik.proxy import template_services, upstream_variable
    from nastavnik.services import FACTORIES

    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    assert template_services(text) == list(FACTORIES), f"the proxy routes {template_services(text)}, the product has {list(FACTORIES)}"
    locations = proxy_locations(text)
    for name in FACTORIES:
        assert re.search(rf"upstream\s+nastavnik_{name}\s*\{{[^}}]*server\s+\$\{{{upstream_variable(name)}\}};", text), f"no upstream block for {name}"
        for prefix in (f"/{name}/", f"/{name}/static/", f"/{name}/static/vendor/"):
            assert locations.get(prefix) == f"nastavnik_{name}", f"{prefix} is not proxied to {name} (locations: {locations})"
        monkeypatch.delenv(f"{name.upper()}_DATABASE_URL", raising=False)
        app = build_single(name, Settings(data_dir=tmp_path / name, rabbitmq_url=None, database_url=None))
        for path in (f"/{name}/docs", f"/{name}/health"):
            assert serves(app, path), f"{name} does not serve {path}, which the proxy sends it"
    for path in ("/asyncapi", "/asyncapi.json"):
        upstream = locations.get("= " + path, "").removeprefix("nastavnik_")
        assert upstream in FACTORIES, f"{path} is not proxied to a service"
        assert serves(build_single(upstream, Settings(data_dir=tmp_path / "a", rabbitmq_url=None, database_url=None)), path)
    assert re.search(r"location\s+=\s+/\s*\{\s*return\s+302\s+/registry/;", text), "/ does not redirect to the registry's home"
    assert re.search(r"client_max_body_size\s+50m;", text), "imports need uploads of 50 MB"


def test_compose_runs_the_proxy_in_front_of_every_service() -> None:
    from nastavnik.proxy import VARIABLE, template_services, upstream_variable

    nginx = COMPOSE.get("nginx")
    assert nginx, "docker-compose.yml has no nginx service"
    mounts = {str(v).split(":")[1]: str(v).split(":")[0] for v in nginx.get("volumes", [])}
    template = next((target for target, source in mounts.items() if source == "./deploy/nginx/nastavnik.conf"), None)
    assert template and template.startswith("/etc/nginx/templates/") and template.endswith(".template"), \
        f"deploy/nginx/nastavnik.conf must be mounted as /etc/nginx/templates/*.template (mounts: {mounts})"
    env = environment(nginx)
    text = NGINX_TEMPLATE.read_text(encoding="utf-8")
    unset = set(VARIABLE.findall(text)) - set(env)
    assert not unset, f"nginx: the template's variables {sorted(unset)} are not set, envsubst would leave them"
    listen = int(env["NASTAVNIK_PROXY_LISTEN"])
    assert (8000, listen) in port_pairs(nginx), f"nginx listens on {listen} but publishes {port_pairs(nginx)}, want 8000:{listen}"
    depends = nginx.get("depends_on") or {}
    for name in template_services(text):
        assert env[upstream_variable(name)] == f"{name}:{serve_params(name)['port']}", f"nginx: {name} is not at {env[upstream_variable(name)]}"
        assert depends.get(name, {}).get("condition") == "service_healthy", f"nginx starts before {name} is healthy"


def test_proxy_configuration_is_valid_nginx(tmp_path: Path) -> None:
    """`nginx -t` on the rendered template (Debian's nginx: the one README tells operators to use)."""
    import os

    from nastavnik.processes import NGINX, NginxProxy
    from nastavnik.services import FACTORIES

    if not Path(NGINX).exists():
        (pytest.fail if os.environ.get("CI") else pytest.skip)(f"nginx not installed ({NGINX}): apt-get install -y nginx")
    proxy = NginxProxy({name: 8001 + i for i, name in enumerate(FACTORIES)}, tmp_path)
    try:
        proxy.check()
    except RuntimeError as error:
        pytest.fail(str(error))


def test_proxy_render_needs_every_address() -> None:
    from nastavnik.proxy import VARIABLE, render, template_services

    addresses = {name: f"127.0.0.1:{8001 + i}" for i, name in enumerate(template_services())}
    text = render(addresses, 8000)
    assert not VARIABLE.search(text) and "server 127.0.0.1:8001;" in text and "listen 8000;" in text
    missing = dict(list(addresses.items())[1:])
    with pytest.raises(ValueError, match="NASTAVNIK_REGISTRY_UPSTREAM"):
        render(missing, 8000)
    with pytest.raises(ValueError, match="does not route"):
        render({**addresses, "billing": "127.0.0.1:9"}, 8000)
