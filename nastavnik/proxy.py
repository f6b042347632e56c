"""The reverse proxy's configuration: deploy/nginx/nastavnik.conf with the services' addresses
filled in, for Debian's nginx package (and for nastavnik.processes.NginxProxy).

    python -m nastavnik.proxy --registry 127.0.0.1:8001 --pairing 127.0.0.1:8002 \\
        --surveys 127.0.0.1:8003 --reports 127.0.0.1:8004 --notifications 127.0.0.1:8005 --practices 127.0.0.1:8006 --listen 8000 > /etc/nginx/conf.d/nastavnik.conf

The template's ${NASTAVNIK_<SERVICE>_UPSTREAM} and ${NASTAVNIK_PROXY_LISTEN} are the only
variables; the official nginx image fills the same ones with envsubst (docker-compose.yml)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

TEMPLATE = Path(__file__).resolve().parents[1] / "deploy" / "nginx" / "nastavnik.conf"
VARIABLE = re.compile(r"\$\{(NASTAVNIK_[A-Z_]+)\}")


def upstream_variable(service: str) -> str:
    return f"NASTAVNIK_{service.upper()}_UPSTREAM"


def template_services(template: str | None = None) -> list[str]:
    """The services the template routes (those with an upstream variable)."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    return [m.removeprefix("NASTAVNIK_").removesuffix("_UPSTREAM").lower()
            for m in dict.fromkeys(VARIABLE.findall(text)) if m.endswith("_UPSTREAM")]


def render(upstreams: dict[str, str], listen: str | int, template: str | None = None) -> str:
    """The template with `upstreams` (service → host:port) and `listen` (port or address:port)
    substituted; every variable must get a value, so a service missing here is an error, not a
    silently broken route."""
    text = TEMPLATE.read_text(encoding="utf-8") if template is None else template
    values = {upstream_variable(name): address for name, address in upstreams.items()}
    values["NASTAVNIK_PROXY_LISTEN"] = str(listen)
    missing = sorted(set(VARIABLE.findall(text)) - set(values))
    if missing:
        raise ValueError(f"no value for {', '.join(missing)}")
    unknown = sorted(set(values) - set(VARIABLE.findall(text)))
    if unknown:
        raise ValueError(f"the template does not route {', '.join(unknown)}")
    return VARIABLE.sub(lambda m: values[m.group(1)], text)


def standalone(server: str, prefix: Path, user: str | None = None) -> str:
    """A whole nginx.conf around the http-context `server` text, for nginx run as a child in the
    foreground (`nginx -p prefix -c nginx.conf -g 'daemon off;'`): every file it writes (pid,
    logs, request-body and proxy buffers) under `prefix`. `user`: the workers' user when started
    as root (else nginx's default `nobody` could not write a private temporary folder)."""
    user_line = f"user {user};\n" if user else ""
    return f"""{user_line}worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{
    worker_connections 1024;
}}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    access_log {prefix}/access.log;
    client_body_temp_path {prefix}/tmp/body;
    proxy_temp_path {prefix}/tmp/proxy;
    fastcgi_temp_path {prefix}/tmp/fastcgi;
    uwsgi_temp_path {prefix}/tmp/uwsgi;
    scgi_temp_path {prefix}/tmp/scgi;
{server}
}}
"""


def main(argv: list[str] | None = None) -> None:
    services = template_services()
    parser = argparse.ArgumentParser(prog="python -m nastavnik.proxy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    for name in services:
        parser.add_argument(f"--{name}", required=True, metavar="HOST:PORT", help=f"where `nastavnik serve {name}` listens")
    parser.add_argument("--listen", default="8000", help="nginx's port or address:port (default 8000)")
    args = parser.parse_args(argv)
    print(render({name: getattr(args, name) for name in services}, args.listen), end="")


if __name__ == "__main__":
    main()
