"""deploy/k8s (Kustomize) validated offline: every built-in resource against the Kubernetes JSON
schemas bundled with `kubernetes-validate` (strict: an unknown field fails); the two custom
resources (the RabbitMQ operator's RabbitmqCluster, KEDA's ScaledObject and TriggerAuthentication)
have no bundled schema, so their required fields and their references are checked here. Plus
what a reviewer would check: each service has a Deployment with probes on /ready and /health, a
Service that reaches its port, and a ScaledObject on queues the service really consumes."""

from __future__ import annotations

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

from shared.contracts.catalogue import BY_TYPE
from shared.messaging.topology import queue_name
from shared.settings import SERVICES, Settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
CUSTOM = {("rabbitmq.com/v1beta1", "RabbitmqCluster"), ("keda.sh/v1alpha1", "ScaledObject"), ("keda.sh/v1alpha1", "TriggerAuthentication")}


def resources() -> list[dict]:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    docs = []
    for name in kustomization["resources"]:
        docs.extend(doc for doc in yaml.safe_load_all((K8S / name).read_text()) if doc)
    return docs


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in resources() if doc["kind"] == kind}


def test_every_file_of_the_folder_is_in_the_kustomization() -> None:
    listed = set(yaml.safe_load((K8S / "kustomization.yaml").read_text())["resources"])
    assert listed == {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}


@pytest.mark.parametrize("doc", [d for d in resources() if (d["apiVersion"], d["kind"]) not in CUSTOM],
                         ids=lambda d: f"{d['kind']}/{d['metadata']['name']}")
def test_built_in_resources_validate_against_the_kubernetes_schemas(doc: dict) -> None:
    kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_the_custom_resources_are_the_ones_known_and_complete() -> None:
    custom = [d for d in resources() if (d["apiVersion"], d["kind"]) in CUSTOM]
    assert {(d["apiVersion"], d["kind"]) for d in custom} == CUSTOM
    (broker,) = by_kind("RabbitmqCluster").values()
    assert broker["spec"]["replicas"] == 3  # a quorum queue survives one node of three
    assert {"rabbitmq_shovel", "rabbitmq_federation"} <= set(broker["spec"]["rabbitmq"]["additionalPlugins"])
    for auth in by_kind("TriggerAuthentication").values():
        assert {r["parameter"] for r in auth["spec"]["secretTargetRef"]} == {"host"}
        assert all(r["name"] == f"{broker['metadata']['name']}-default-user" for r in auth["spec"]["secretTargetRef"])


def test_each_service_deployment_probes_ready_and_health_and_its_service_reaches_it() -> None:
    deployments, services = by_kind("Deployment"), by_kind("Service")
    assert set(deployments) == set(SERVICES) and set(services) == set(SERVICES)
    settings = set(yaml.safe_load((K8S / "settings.yaml").read_text())["data"])
    known = {f"NASTAVNIK_{name.upper()}" for name in Settings.model_fields}
    assert settings <= known, settings - known  # no setting the code does not read
    for name, deployment in deployments.items():
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        assert container["command"][:3] == ["nastavnik", "serve", name]
        assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
        assert container["livenessProbe"]["httpGet"]["path"] == "/health"
        ports = {p["name"]: p["containerPort"] for p in container["ports"]}
        assert container["command"][-1] == str(ports["http"])
        assert services[name]["spec"]["selector"].items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
        assert services[name]["spec"]["ports"][0]["targetPort"] in ports
        assert {e["name"] for e in container["env"]} >= {"RABBITMQ_URL", "DATABASE_URL", "NASTAVNIK_JWT_SECRET"}


def test_consumers_scale_on_the_depth_of_queues_they_consume() -> None:
    deployments, auths = by_kind("Deployment"), by_kind("TriggerAuthentication")
    scaled = by_kind("ScaledObject")
    assert {"pairing", "surveys", "reports", "notifications"} <= set(scaled)
    for name, obj in scaled.items():
        spec = obj["spec"]
        assert spec["scaleTargetRef"]["name"] in deployments
        assert 1 <= spec["minReplicaCount"] <= spec["maxReplicaCount"]
        assert spec["minReplicaCount"] == deployments[name]["spec"]["replicas"]
        for trigger in spec["triggers"]:
            assert trigger["type"] == "rabbitmq" and trigger["metadata"]["mode"] == "QueueLength"
            assert trigger["authenticationRef"]["name"] in auths
            queue = trigger["metadata"]["queueName"]
            assert queue == f"{name}.inbound" or queue in {queue_name(name, t) for t in BY_TYPE}, queue
